import Foundation

/// A rotated rectangle in image **pixels** (MediaPipe's `RotatedRect`): centre, size and rotation.
///
/// Coordinates are pixel-index coordinates (pixel k has its centre at k, origin top-left, y down). `rotation` is in
/// radians with MediaPipe's sign: a local vector v maps to `centre + Rot(rotation)·v` with
/// Rot(r) = [[cos r, −sin r], [sin r, cos r]], so a positive rotation turns the rectangle clockwise on screen.
public struct RotatedRect: Hashable, Sendable {
    /// Centre, horizontal, in pixels.
    public var centerX: Float
    /// Centre, vertical, in pixels.
    public var centerY: Float
    /// Extent along the rectangle's own x axis, in pixels.
    public var width: Float
    /// Extent along the rectangle's own y axis, in pixels.
    public var height: Float
    /// Rotation in radians (positive = clockwise on screen).
    public var rotation: Float

    /// Creates a rectangle from its centre, size (pixels) and rotation (radians).
    public init(centerX: Float, centerY: Float, width: Float, height: Float, rotation: Float = 0) {
        self.centerX = centerX
        self.centerY = centerY
        self.width = width
        self.height = height
        self.rotation = rotation
    }

    /// True when every field is finite and both sides are strictly positive.
    public var isValid: Bool {
        centerX.isFinite && centerY.isFinite && rotation.isFinite && width.isFinite && height.isFinite
            && width > 0 && height > 0
    }

    /// Maps a point given in the rectangle's local frame (origin at the centre, axes along the rectangle, pixels)
    /// to image pixels: `centre + Rot(rotation)·local`.
    public func imagePoint(localX: Float, localY: Float) -> SIMD2<Float> {
        let cosine = cos(rotation), sine = sin(rotation)
        return SIMD2(centerX + cosine * localX - sine * localY, centerY + sine * localX + cosine * localY)
    }
}
