/// Errors raised by the iris cascade's eye input and decoding.
public enum IrisCascadeError: Error, Equatable, CustomStringConvertible {
    /// A raw iris-model output does not hold the expected number of values.
    case rawOutputSize(output: String, expected: Int, actual: Int)
    /// The merge's index lists do not match the contour, or an index is outside the mesh.
    case invalidMergeIndices(String)

    /// A readable explanation of the error.
    public var description: String {
        switch self {
        case let .rawOutputSize(output, expected, actual):
            return "iris cascade: \(output) has \(actual) values, expected \(expected)"
        case let .invalidMergeIndices(message):
            return "iris cascade merge: \(message)"
        }
    }
}

/// One eye's input to the iris model and the decoding of its outputs, as MediaPipe's iris cascade (the 468-point
/// mesh + iris_landmark graphs) does it (§9).
///
/// Input: `NearestNeighbourCrop` of the eye ROI (border replicate) → `ImageTransformationCalculator` to 64×64 with
/// FIT: uniform scale s = min(64/w, 64/h), resized to round(w·s) × round(h·s) with `INTER_AREA` when s < 1 and
/// `INTER_LINEAR` otherwise, centred on a black 64×64 canvas → mirrored horizontally for the image-right eye →
/// values byte/255. Decoding: x_n = x/64 (mirrored: (64 − x)/64), y_n = y/64, z_n = z/64; letterbox removed with
/// the calculator's symmetric normalized padding; projected with the eye ROI as in §6 (z·w).
public struct IrisEyeInput: Sendable {
    /// Side of the iris model's square input, in pixels.
    public static let tensorSize = 64
    /// Eye contour points per eye in the model output (x, y, z each).
    public static let contourCount = 71
    /// Iris points per eye in the model output (centre first, then four boundary points).
    public static let irisCount = 5

    /// The eye ROI (normalized image coordinates).
    public let region: NormalizedRect
    /// Whether the crop was mirrored (MediaPipe mirrors the image-right eye).
    public let isMirrored: Bool
    /// The model input as bytes, `[64, 64, 3]` RGB after resize, letterbox and mirroring.
    public let bytes: [UInt8]
    /// Letterbox padding as fractions of the 64-pixel side: (left, top, right, bottom).
    public let padding: (left: Float, top: Float, right: Float, bottom: Float)

    /// Builds the eye input from `image`, the eye ROI (normalized) and whether to mirror it.
    public init(image: ImageFrame, region: NormalizedRect, mirrored: Bool) throws {
        try self.init(crop: NearestNeighbourCrop.crop(image, region: region, border: .replicate), region: region,
                      mirrored: mirrored)
    }

    /// Builds the eye input from an already cropped eye image (the output of `NearestNeighbourCrop.crop` for
    /// `region`): resize, letterbox and mirroring only.
    public init(crop: ImageFrame, region: NormalizedRect, mirrored: Bool) throws {
        let size = IrisEyeInput.tensorSize
        let scale = min(Float(size) / Float(crop.width), Float(size) / Float(crop.height))
        let targetWidth = Int((Float(crop.width) * scale).rounded())
        let targetHeight = Int((Float(crop.height) * scale).rounded())
        let resized = scale < 1
            ? try ImageResizer.resizeArea(crop, width: targetWidth, height: targetHeight)
            : try ImageResizer.resizeBilinear(crop, width: targetWidth, height: targetHeight)
        let top = (size - targetHeight) / 2, left = (size - targetWidth) / 2
        var canvas = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<targetHeight {
            for x in 0..<targetWidth {
                let destinationX = mirrored ? size - 1 - (left + x) : left + x
                let d = ((top + y) * size + destinationX) * 3, s = (y * targetWidth + x) * 3
                canvas[d] = resized.pixels[s]
                canvas[d + 1] = resized.pixels[s + 1]
                canvas[d + 2] = resized.pixels[s + 2]
            }
        }
        self.region = region
        self.isMirrored = mirrored
        self.bytes = canvas
        self.padding = IrisEyeInput.letterboxPadding(inputWidth: crop.width, inputHeight: crop.height)
    }

    /// MediaPipe's `ComputeOutputLetterboxPadding` for FIT into a square: symmetric, normalized.
    static func letterboxPadding(inputWidth: Int, inputHeight: Int)
        -> (left: Float, top: Float, right: Float, bottom: Float)
    {
        let inputAspect = Float(inputWidth) / Float(inputHeight)
        let outputAspect: Float = 1
        if inputAspect < outputAspect {
            let side = (1 - inputAspect / outputAspect) / 2
            return (side, 0, side, 0)
        } else if outputAspect < inputAspect {
            let side = (1 - outputAspect / inputAspect) / 2
            return (0, side, 0, side)
        }
        return (0, 0, 0, 0)
    }

    /// Number of Floats of the model input: 64 × 64 × 3.
    public var tensorValueCount: Int { bytes.count }

    /// Writes the model input, NHWC `[64, 64, 3]` with values byte/255, into `destination` (capacity
    /// `destinationCount` Floats).
    public func writeTensor(into destination: UnsafeMutablePointer<Float>, destinationCount: Int) throws {
        try ImageCropper.checkCapacity(bytes.count, destinationCount)
        for i in bytes.indices { destination[i] = Float(bytes[i]) / 255 }
    }

    /// Decodes the iris model's two outputs for this eye — `contour` 71 × (x, y, z) and `iris` 5 × (x, y, z), in
    /// 64-pixel crop units — to normalized image coordinates (x/W, y/H, z/W).
    public func decode(contour: UnsafeBufferPointer<Float>, iris: UnsafeBufferPointer<Float>) throws
        -> (contour: [Landmark], iris: [Landmark])
    {
        guard contour.count == IrisEyeInput.contourCount * 3 else {
            throw IrisCascadeError.rawOutputSize(output: "eye contour", expected: IrisEyeInput.contourCount * 3,
                                                 actual: contour.count)
        }
        guard iris.count == IrisEyeInput.irisCount * 3 else {
            throw IrisCascadeError.rawOutputSize(output: "iris", expected: IrisEyeInput.irisCount * 3,
                                                 actual: iris.count)
        }
        return (decode(contour), decode(iris))
    }

    private func decode(_ raw: UnsafeBufferPointer<Float>) -> [Landmark] {
        let size = Float(IrisEyeInput.tensorSize)
        let horizontal = 1 - padding.left - padding.right, vertical = 1 - padding.top - padding.bottom
        return (0..<raw.count / 3).map { i in
            let x = isMirrored ? (size - raw[3 * i]) / size : raw[3 * i] / size
            let y = raw[3 * i + 1] / size, z = raw[3 * i + 2] / size
            // Letterbox removal, then the ROI projection of §6 in normalized units (crop size 1).
            let unboxed = Landmark(x: (x - padding.left) / horizontal, y: (y - padding.top) / vertical,
                                   z: z / horizontal)
            return LandmarkProjection.project(x: unboxed.x, y: unboxed.y, z: unboxed.z, inputSize: 1, region: region)
        }
    }
}
