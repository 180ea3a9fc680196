import Foundation

/// The face detector's input for one frame size, as MediaPipe's `ImageToTensorCalculator` makes it with
/// `keep_aspect_ratio` and `BORDER_ZERO`: the whole frame, centred, enlarged to a square of side max(W, H)
/// (letterbox), resampled to the tensor size by `ImageCropper` (bilinear, zero border) and mapped to [−1, 1].
/// Pixels outside the frame are byte 0, i.e. tensor value −1.
///
/// Also maps points of the tensor (normalized [0, 1] tensor coordinates, the unit of `FaceDetectionDecoder`)
/// back to normalized image coordinates, as MediaPipe's `DetectionProjectionCalculator` does with the crop matrix.
public struct DetectorInput: Sendable {
    /// Width of the frames this input is made for, in pixels.
    public let imageWidth: Int
    /// Height of the frames this input is made for, in pixels.
    public let imageHeight: Int
    /// Tensor width (128 for the short-range detector).
    public let tensorWidth: Int
    /// Tensor height (128 for the short-range detector).
    public let tensorHeight: Int
    /// The padded region of the frame that fills the tensor, in pixels (centre (W/2, H/2), rotation 0).
    public let region: RotatedRect
    /// Tensor-normalized → image-normalized affine map (MediaPipe's `GetRotatedSubRectToRectTransformMatrix`):
    /// x′ = m0·x + m1·y + m3, y′ = m4·x + m5·y + m7.
    let projection: (m0: Float, m1: Float, m3: Float, m4: Float, m5: Float, m7: Float)

    /// Prepares the letterbox for frames of `imageWidth × imageHeight` pixels and a `tensorWidth × tensorHeight`
    /// detector input.
    public init(imageWidth: Int, imageHeight: Int, tensorWidth: Int = 128, tensorHeight: Int = 128) throws {
        guard imageWidth > 0, imageHeight > 0, tensorWidth > 0, tensorHeight > 0 else {
            throw FaceMeshError.invalidDetectorInput("image \(imageWidth)×\(imageHeight) and tensor "
                + "\(tensorWidth)×\(tensorHeight) must be positive")
        }
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.tensorWidth = tensorWidth
        self.tensorHeight = tensorHeight
        // MediaPipe GetRoi (whole image) followed by PadRoi (keep aspect ratio), single precision.
        let width = Float(imageWidth), height = Float(imageHeight)
        let tensorAspect = Float(tensorHeight) / Float(tensorWidth)
        let roiAspect = height / width
        let paddedWidth: Float, paddedHeight: Float
        if tensorAspect > roiAspect {
            paddedWidth = width
            paddedHeight = width * tensorAspect
        } else {
            paddedWidth = height / tensorAspect
            paddedHeight = height
        }
        let rect = RotatedRect(centerX: 0.5 * width, centerY: 0.5 * height, width: paddedWidth,
                               height: paddedHeight, rotation: 0)
        region = rect
        projection = Self.projection(of: rect, imageWidth: imageWidth, imageHeight: imageHeight)
    }

    /// The detector input for an explicit `region` of the frame (pixels; e.g. one tile of `CrowdTiling`) instead
    /// of the whole-frame letterbox; parts of the region outside the frame are black, as in the letterbox.
    public init(imageWidth: Int, imageHeight: Int, region: RotatedRect, tensorWidth: Int, tensorHeight: Int) throws {
        guard imageWidth > 0, imageHeight > 0, tensorWidth > 0, tensorHeight > 0 else {
            throw FaceMeshError.invalidDetectorInput("image \(imageWidth)×\(imageHeight) and tensor "
                + "\(tensorWidth)×\(tensorHeight) must be positive")
        }
        guard region.isValid else { throw FaceMeshError.invalidRegion(region) }
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.tensorWidth = tensorWidth
        self.tensorHeight = tensorHeight
        self.region = region
        projection = Self.projection(of: region, imageWidth: imageWidth, imageHeight: imageHeight)
    }

    /// MediaPipe's `GetRotatedSubRectToRectTransformMatrix` for `rect`, divided by the image size.
    private static func projection(of rect: RotatedRect, imageWidth: Int, imageHeight: Int)
        -> (m0: Float, m1: Float, m3: Float, m4: Float, m5: Float, m7: Float)
    {
        let width = Float(imageWidth), height = Float(imageHeight)
        let a = rect.width, b = rect.height, c = cos(rect.rotation), d = sin(rect.rotation)
        let e = rect.centerX, f = rect.centerY, g = 1 / width, h = 1 / height
        return (m0: a * c * g, m1: -b * d * g, m3: (-0.5 * a * c + 0.5 * b * d + e) * g,
                m4: a * d * h, m5: b * c * h, m7: (-0.5 * b * c - 0.5 * a * d + f) * h)
    }

    /// Number of Floats of the tensor: `tensorHeight × tensorWidth × 3`.
    public var tensorValueCount: Int { tensorWidth * tensorHeight * 3 }

    /// Writes the detector tensor of `image` (NHWC `[tensorHeight, tensorWidth, 3]`, values in [−1, 1]) into
    /// `destination`, which must hold at least `tensorValueCount` Floats (`destinationCount`).
    public func makeTensor(from image: RGBImage, into destination: UnsafeMutablePointer<Float>,
                           destinationCount: Int) throws {
        try checkSize(image)
        try ImageCropper.crop(image, region: region, outputWidth: tensorWidth, outputHeight: tensorHeight,
                              border: .zero, valueRange: -1...1, into: destination,
                              destinationCount: destinationCount)
    }

    /// The letterboxed tensor as bytes (before the [−1, 1] conversion), `[tensorHeight, tensorWidth, 3]` RGB.
    public func makeTensorBytes(from image: RGBImage) throws -> [UInt8] {
        try checkSize(image)
        return try ImageCropper.cropBytes(image, region: region, outputWidth: tensorWidth, outputHeight: tensorHeight,
                                          border: .zero)
    }

    private func checkSize(_ image: RGBImage) throws {
        guard image.width == imageWidth, image.height == imageHeight else {
            throw FaceMeshError.detectorImageSizeMismatch(expectedWidth: imageWidth, expectedHeight: imageHeight,
                                                       actualWidth: image.width, actualHeight: image.height)
        }
    }

    /// Maps a point in normalized tensor coordinates to normalized image coordinates (x/W, y/H).
    public func imagePoint(fromTensorPoint point: SIMD2<Float>) -> SIMD2<Float> {
        let p = projection
        return SIMD2(point.x * p.m0 + point.y * p.m1 + p.m3, point.x * p.m4 + point.y * p.m5 + p.m7)
    }

    /// Maps a detection from normalized tensor coordinates to normalized image coordinates: keypoints map
    /// directly, the box becomes the axis-aligned box of its four mapped corners.
    public func projectToImage(_ detection: FaceDetection) -> FaceDetection {
        let box = detection.box
        let corners = [SIMD2(box.xMin, box.yMin), SIMD2(box.xMax, box.yMin), SIMD2(box.xMax, box.yMax),
                       SIMD2(box.xMin, box.yMax)].map(imagePoint(fromTensorPoint:))
        let xs = corners.map(\.x), ys = corners.map(\.y)
        let projectedBox = AxisAlignedBox(xMin: xs.min()!, yMin: ys.min()!, xMax: xs.max()!, yMax: ys.max()!)
        return FaceDetection(box: projectedBox, keypoints: detection.keypoints.map(imagePoint(fromTensorPoint:)),
                             score: detection.score)
    }
}
