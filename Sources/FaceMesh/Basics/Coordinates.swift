@_exported import ImageBasics
import Foundation

/// The former name of FaceMesh's input image, now the `RGBImage` shared with ImageCodecs (module ImageBasics).
@available(*, deprecated, renamed: "RGBImage")
public typealias ImageFrame = RGBImage

/// A 3-D landmark point.
///
/// The unit depends on where the landmark comes from and is stated by every API that returns one: model outputs are
/// in crop pixels (192-px units for the face models, 64-px for the iris model), pipeline results are in image pixels
/// with `z` in the same pixel scale as `x` (MediaPipe's convention: origin near the head centre, smaller values are
/// closer to the camera), normalized landmarks divide by the image width and height.
public struct Landmark: Hashable, Sendable, Codable {
    /// Horizontal coordinate, growing to the right.
    public var x: Float
    /// Vertical coordinate, growing downwards.
    public var y: Float
    /// Depth, in the same scale as `x`; smaller is closer to the camera.
    public var z: Float

    /// Creates a landmark from its three coordinates.
    public init(x: Float, y: Float, z: Float = 0) {
        self.x = x
        self.y = y
        self.z = z
    }
}

/// Conversions between the two landmark units of the pipeline.
///
/// - **normalized**: x/W, y/H and z/W (MediaPipe's `NormalizedLandmark`; z shares x's scale), the unit the
///   pipeline steps exchange;
/// - **pixels**: x, y in image pixels (pixel k centred at k) and z in the same pixel scale as x.
public enum LandmarkCoordinates {
    /// Normalized → pixels: (x·W, y·H, z·W).
    public static func toPixels(_ landmarks: [Landmark], imageWidth: Int, imageHeight: Int) -> [Landmark] {
        let w = Float(imageWidth), h = Float(imageHeight)
        return landmarks.map { Landmark(x: $0.x * w, y: $0.y * h, z: $0.z * w) }
    }

    /// Pixels → normalized: (x/W, y/H, z/W).
    public static func toNormalized(_ landmarks: [Landmark], imageWidth: Int, imageHeight: Int) -> [Landmark] {
        let w = Float(imageWidth), h = Float(imageHeight)
        return landmarks.map { Landmark(x: $0.x / w, y: $0.y / h, z: $0.z / w) }
    }
}

/// A region of interest in **normalized** image coordinates (MediaPipe's `NormalizedRect`): centre and size divided
/// by the image width (x) and height (y), rotation in radians (positive = clockwise on screen).
///
/// This is the representation the face pipeline passes between its steps (detection → ROI → crop → projection →
/// next-frame ROI), computed with the same single-precision operations as MediaPipe. Every ROI built by
/// `RegionOfInterestBuilder` is square in pixels, i.e. `width·W == height·H`.
public struct NormalizedRect: Hashable, Sendable, Codable {
    /// Centre x divided by the image width.
    public var xCenter: Float
    /// Centre y divided by the image height.
    public var yCenter: Float
    /// Width divided by the image width.
    public var width: Float
    /// Height divided by the image height.
    public var height: Float
    /// Rotation in radians (positive = clockwise on screen).
    public var rotation: Float

    /// Creates a region from normalized centre, normalized size and rotation in radians.
    public init(xCenter: Float, yCenter: Float, width: Float, height: Float, rotation: Float = 0) {
        self.xCenter = xCenter
        self.yCenter = yCenter
        self.width = width
        self.height = height
        self.rotation = rotation
    }

    /// Converts a pixel rectangle of an image of `imageWidth × imageHeight` pixels to normalized coordinates.
    public init(_ rect: RotatedRect, imageWidth: Int, imageHeight: Int) {
        let w = Float(imageWidth), h = Float(imageHeight)
        self.init(xCenter: rect.centerX / w, yCenter: rect.centerY / h,
                  width: rect.width / w, height: rect.height / h, rotation: rect.rotation)
    }

    /// The same region in pixels of an image of `imageWidth × imageHeight` pixels (MediaPipe's `GetRoi`:
    /// centre·size and extent·size in single precision).
    public func pixelRect(imageWidth: Int, imageHeight: Int) -> RotatedRect {
        let w = Float(imageWidth), h = Float(imageHeight)
        return RotatedRect(centerX: xCenter * w, centerY: yCenter * h, width: width * w, height: height * h,
                           rotation: rotation)
    }

    /// Intersection over union of the two **axis-aligned** rectangles with these centres and sizes (rotation is
    /// ignored, as in MediaPipe's association). 0 when they do not overlap or a union is empty. Because IoU is
    /// invariant to scaling each axis, the normalized value equals the one in pixels.
    public func intersectionOverUnion(with other: NormalizedRect) -> Float {
        let a = AxisAlignedBox(xMin: xCenter - width / 2, yMin: yCenter - height / 2, width: width, height: height)
        let b = AxisAlignedBox(xMin: other.xCenter - other.width / 2, yMin: other.yCenter - other.height / 2,
                               width: other.width, height: other.height)
        return a.intersectionOverUnion(with: b)
    }
}

/// A rotated rectangle in image **pixels** (MediaPipe's `RotatedRect`): centre, size and rotation.
///
/// Coordinates are pixel-index coordinates (pixel k has its centre at k, origin top-left, y down). `rotation` is in
/// radians with MediaPipe's sign: a local vector v maps to `centre + Rot(rotation)·v` with
/// Rot(r) = [[cos r, −sin r], [sin r, cos r]], so a positive rotation turns the rectangle clockwise on screen.
public struct RotatedRect: Hashable, Sendable, Codable {
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

/// An axis-aligned box stored as MediaPipe stores relative bounding boxes: minimum corner and size.
///
/// The unit is whatever the owner says (normalized [0, 1] coordinates for detections, pixels elsewhere); the
/// maximum corner is `min + size` computed in single precision, exactly as MediaPipe's `Rectangle_f` does.
public struct AxisAlignedBox: Hashable, Sendable, Codable {
    /// Left edge.
    public var xMin: Float
    /// Top edge.
    public var yMin: Float
    /// Extent to the right of `xMin`.
    public var width: Float
    /// Extent below `yMin`.
    public var height: Float

    /// Creates a box from its minimum corner and size.
    public init(xMin: Float, yMin: Float, width: Float, height: Float) {
        self.xMin = xMin
        self.yMin = yMin
        self.width = width
        self.height = height
    }

    /// Creates a box from its two corners (`xMax ≥ xMin`, `yMax ≥ yMin` for a non-empty box).
    public init(xMin: Float, yMin: Float, xMax: Float, yMax: Float) {
        self.init(xMin: xMin, yMin: yMin, width: xMax - xMin, height: yMax - yMin)
    }

    /// Right edge, `xMin + width`.
    public var xMax: Float { xMin + width }
    /// Bottom edge, `yMin + height`.
    public var yMax: Float { yMin + height }
    /// Centre x, `xMin + width/2`.
    public var xCenter: Float { xMin + width / 2 }
    /// Centre y, `yMin + height/2`.
    public var yCenter: Float { yMin + height / 2 }
    /// `width × height`.
    public var area: Float { width * height }

    /// Intersection over union (MediaPipe's `OverlapSimilarity`/`CalculateIou`): 0 when the boxes do not touch
    /// (a shared edge counts as touching with zero area) or when the union is not positive.
    public func intersectionOverUnion(with other: AxisAlignedBox) -> Float {
        let left = max(xMin, other.xMin), right = min(xMax, other.xMax)
        let top = max(yMin, other.yMin), bottom = min(yMax, other.yMax)
        guard left <= right, top <= bottom else { return 0 }
        let intersection = (right - left) * (bottom - top)
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }
}

/// Wraps an angle in radians to [−π, π): `a − 2π·⌊(a + π)/(2π)⌋`, evaluated in double precision as MediaPipe's
/// `NormalizeRadians` does, rounded to Float.
public func normalizeRadians(_ angle: Float) -> Float {
    let a = Double(angle)
    return Float(a - 2 * Double.pi * Foundation.floor((a - -Double.pi) / (2 * Double.pi)))
}
