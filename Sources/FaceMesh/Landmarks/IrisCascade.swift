import Foundation

/// The Attention Mesh paper's baseline: FaceMesh (468 points), then the Iris model on each eye, merged into the same
/// 478-point layout as the Attention Mesh (MediaPipe's iris tracking graph).
///
/// Each eye's ROI comes from the mesh (image-left eye 33 → 133, image-right eye 362 → 263, square, × 2.3); the eye is
/// cropped to 64×64, the image-right eye mirrored horizontally, the Iris model predicts 71 eye-region points and 5
/// iris points, which are un-mirrored and projected back. The 71 points overwrite x, y and z of the mesh at the
/// eye's index list; the irises are appended as points 468–472 (image-left) and 473–477 (image-right). No lips model
/// is published, so the lips are the mesh's.
///
/// Two eye crops are available (`EyeCropMethod`): `.bilinear` (default) resamples the rotated eye ROI straight to
/// 64×64 with the same bilinear sampler as the face crop; `.mediaPipe` reproduces MediaPipe's older iris graph
/// exactly (nearest-neighbour crop at an integer centre and size, area/linear resize with letterbox). On our test
/// faces the nearest-neighbour path moves the iris centres by up to ~3.6% of the inter-ocular distance against the
/// Attention Mesh (aliasing on small eyes), the bilinear one by at most ~1.8%.
public final class CascadeLandmarkModel: FaceLandmarkModel {
    /// How the eye crop is made.
    public enum EyeCropMethod: Sendable {
        /// One bilinear resampling of the rotated eye ROI to 64×64 (border replicate).
        case bilinear
        /// MediaPipe's `ImageCroppingCalculator` + `ImageTransformationCalculator` (FIT), byte-exact to OpenCV.
        case mediaPipe
    }

    public let kind = LandmarkModelKind.cascade
    public let landmarkCount = LandmarkIndexSets.refinedCount
    private let mesh: MeshLandmarkModel
    private let iris: IrisNetwork
    private let eyeCropMethod: EyeCropMethod
    private var eyeTensor = [Float](repeating: 0, count: IrisEyeInput.tensorSize * IrisEyeInput.tensorSize * 3)

    /// Loads `face_landmark.sfmw` and `iris_landmark.sfmw` from `directory`; `threads` ≥ 1 is each network's
    /// thread count.
    public init(weightsDirectory directory: URL, eyeCrop: EyeCropMethod = .bilinear, threads: Int = 1) throws {
        mesh = try MeshLandmarkModel(weightsDirectory: directory, threads: threads)
        iris = try IrisNetwork(weightsDirectory: directory, threads: threads)
        eyeCropMethod = eyeCrop
    }

    public func predict(in image: RGBImage, region: NormalizedRect, presenceThreshold: Float) throws -> ImageLandmarkPrediction? {
        guard var result = try mesh.predict(in: image, region: region, presenceThreshold: presenceThreshold) else {
            return nil
        }
        let eyes = try RegionOfInterestBuilder.eyeRegions(fromLandmarks: result.landmarks, imageWidth: image.width,
                                                          imageHeight: image.height)
        let left = try eye(in: image, region: eyes.imageLeft, mirrored: false)
        let right = try eye(in: image, region: eyes.imageRight, mirrored: true)
        result.landmarks = try IrisCascadeMerge.merge(
            mesh: result.landmarks, imageLeftContour: left.contour, imageLeftIris: left.iris,
            imageRightContour: right.contour, imageRightIris: right.iris,
            imageLeftIndices: LandmarkIndexSets.imageLeftEye, imageRightIndices: LandmarkIndexSets.imageRightEye)
        return result
    }

    /// Crops one eye as MediaPipe's iris graph does, runs the Iris model and decodes its points to normalized
    /// image coordinates.
    private func eye(in image: RGBImage, region: NormalizedRect, mirrored: Bool) throws
        -> (contour: [Landmark], iris: [Landmark]) {
        let count = eyeTensor.count
        switch eyeCropMethod {
        case .mediaPipe:
            let input = try IrisEyeInput(image: image, region: region, mirrored: mirrored)
            try eyeTensor.withUnsafeMutableBufferPointer { try input.writeTensor(into: $0.baseAddress!, destinationCount: count) }
            return try eyeTensor.withUnsafeBufferPointer { tensor in
                try iris.predictRaw(tensor) { contour, irisPoints in try input.decode(contour: contour, iris: irisPoints) }
            }
        case .bilinear:
            let side = IrisEyeInput.tensorSize
            try eyeTensor.withUnsafeMutableBufferPointer { buffer in
                try ImageCropper.crop(image, region: region.pixelRect(imageWidth: image.width, imageHeight: image.height),
                                      outputWidth: side, outputHeight: side, border: .replicate, valueRange: 0...1,
                                      into: buffer.baseAddress!, destinationCount: count)
                if mirrored { Self.mirrorRows(buffer, side: side) }
            }
            let prediction = try eyeTensor.withUnsafeBufferPointer { try iris.predict($0) }
            func unmirror(_ points: [Landmark]) -> [Landmark] {
                mirrored ? points.map { Landmark(x: Float(side) - $0.x, y: $0.y, z: $0.z) } : points
            }
            return (LandmarkProjection.cropToImage(unmirror(prediction.eyeRegion), inputSize: Float(side), region: region),
                    LandmarkProjection.cropToImage(unmirror(prediction.iris), inputSize: Float(side), region: region))
        }
    }

    /// Mirrors an NHWC RGB tensor of `side × side` pixels left to right, in place.
    private static func mirrorRows(_ buffer: UnsafeMutableBufferPointer<Float>, side: Int) {
        for row in 0..<side {
            for column in 0..<(side / 2) {
                let a = 3 * (row * side + column), b = 3 * (row * side + side - 1 - column)
                for channel in 0..<3 { buffer.swapAt(a + channel, b + channel) }
            }
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
    public init(image: RGBImage, region: NormalizedRect, mirrored: Bool) throws {
        try self.init(crop: NearestNeighbourCrop.crop(image, region: region, border: .replicate), region: region,
                      mirrored: mirrored)
    }

    /// Builds the eye input from an already cropped eye image (the output of `NearestNeighbourCrop.crop` for
    /// `region`): resize, letterbox and mirroring only.
    public init(crop: RGBImage, region: NormalizedRect, mirrored: Bool) throws {
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
            throw FaceMeshError.wrongOutputSize(output: "eye contour", expected: IrisEyeInput.contourCount * 3,
                                                 actual: contour.count)
        }
        guard iris.count == IrisEyeInput.irisCount * 3 else {
            throw FaceMeshError.wrongOutputSize(output: "iris", expected: IrisEyeInput.irisCount * 3,
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

/// Builds the 478-point layout from the 468-point mesh and the iris model's outputs for both eyes (§9 Merge).
///
/// Each eye's 71 contour points overwrite x, y **and** z of the mesh at that eye's 71 mesh indices (the lists of
/// `models.md` §6, passed in by the caller); the result is the updated 468 points, then the image-left eye's 5
/// iris points (468–472), then the image-right eye's (473–477). All points in the same unit (normalized or pixels).
public enum IrisCascadeMerge {
    /// Merges; throws if a list does not have one index per contour point or an index is outside the mesh.
    public static func merge(mesh: [Landmark], imageLeftContour: [Landmark], imageLeftIris: [Landmark],
                             imageRightContour: [Landmark], imageRightIris: [Landmark],
                             imageLeftIndices: [Int], imageRightIndices: [Int]) throws -> [Landmark] {
        guard imageLeftIndices.count == imageLeftContour.count, imageRightIndices.count == imageRightContour.count else {
            throw FaceMeshError.invalidMergeIndices("index lists (\(imageLeftIndices.count), "
                + "\(imageRightIndices.count)) must match the contours (\(imageLeftContour.count), "
                + "\(imageRightContour.count))")
        }
        guard (imageLeftIndices + imageRightIndices).allSatisfy({ $0 >= 0 && $0 < mesh.count }) else {
            throw FaceMeshError.invalidMergeIndices("an index is outside the \(mesh.count)-point mesh")
        }
        var result = mesh
        for (index, point) in zip(imageLeftIndices, imageLeftContour) { result[index] = point }
        for (index, point) in zip(imageRightIndices, imageRightContour) { result[index] = point }
        return result + imageLeftIris + imageRightIris
    }
}
