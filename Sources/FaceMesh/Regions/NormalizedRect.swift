/// A region of interest in **normalized** image coordinates (MediaPipe's `NormalizedRect`): centre and size divided
/// by the image width (x) and height (y), rotation in radians (positive = clockwise on screen).
///
/// This is the representation the face pipeline passes between its steps (detection → ROI → crop → projection →
/// next-frame ROI), computed with the same single-precision operations as MediaPipe. Every ROI built by
/// `RegionOfInterestBuilder` is square in pixels, i.e. `width·W == height·H`.
public struct NormalizedRect: Hashable, Sendable {
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
