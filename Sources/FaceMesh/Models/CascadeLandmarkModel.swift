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

    public func predict(in image: ImageFrame, region: NormalizedRect, presenceThreshold: Float) throws -> FaceLandmarksPrediction? {
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
    private func eye(in image: ImageFrame, region: NormalizedRect, mirrored: Bool) throws
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
