import Foundation

/// The Attention Mesh paper's baseline: FaceMesh (468 points), then the Iris model on each eye, merged into the same
/// 478-point layout as the Attention Mesh (MediaPipe's iris tracking graph).
///
/// Each eye's ROI comes from the mesh (image-left eye 33 → 133, image-right eye 362 → 263, square, × 2.3); the eye is
/// cropped to 64×64, the image-right eye mirrored horizontally, the Iris model predicts 71 eye-region points and 5
/// iris points, which are un-mirrored and projected back. The 71 points overwrite x, y and z of the mesh at the
/// eye's index list; the irises are appended as points 468–472 (image-left) and 473–477 (image-right). No lips model
/// is published, so the lips are the mesh's.
public final class CascadeLandmarkModel: FaceLandmarkModel {
    public let kind = LandmarkModelKind.cascade
    public let landmarkCount = LandmarkIndexSets.refinedCount
    private let mesh: MeshLandmarkModel
    private let iris: IrisNetwork
    private let eyeCrop = EyeCropBuffer()

    /// Loads `face_landmark.sfmw` and `iris_landmark.sfmw` from `directory`.
    public init(weightsDirectory directory: URL) throws {
        mesh = try MeshLandmarkModel(weightsDirectory: directory)
        iris = try IrisNetwork(weightsDirectory: directory)
    }

    public func predict(in image: ImageFrame, region: NormalizedRect, presenceThreshold: Float) throws -> FaceLandmarksPrediction? {
        guard var result = try mesh.predict(in: image, region: region, presenceThreshold: presenceThreshold) else {
            return nil
        }
        let eyes = try RegionOfInterestBuilder.eyeRegions(fromLandmarks: result.landmarks, imageWidth: image.width,
                                                          imageHeight: image.height)
        var irises: [Landmark] = []
        for (eyeRegion, indices, mirrored) in [(eyes.0, LandmarkIndexSets.imageLeftEye, false),
                                               (eyes.1, LandmarkIndexSets.imageRightEye, true)] {
            let prediction = try eyeCrop.withCrop(of: image, region: eyeRegion, mirrored: mirrored) { try iris.predict($0) }
            let side = Float(EyeCropBuffer.side)
            func unmirror(_ points: [Landmark]) -> [Landmark] {
                mirrored ? points.map { Landmark(x: side - $0.x, y: $0.y, z: $0.z) } : points
            }
            let eyeRegionPoints = LandmarkProjection.cropToImage(unmirror(prediction.eyeRegion), inputSize: side, region: eyeRegion)
            for (position, index) in indices.enumerated() {
                result.landmarks[index] = eyeRegionPoints[position]
            }
            irises += LandmarkProjection.cropToImage(unmirror(prediction.iris), inputSize: side, region: eyeRegion)
        }
        result.landmarks += irises
        return result
    }
}

/// A reusable 64×64×3 eye crop in [0, 1], optionally mirrored horizontally.
final class EyeCropBuffer {
    static let side = IrisNetwork.inputSize
    private var values = [Float](repeating: 0, count: side * side * 3)

    func withCrop<Result>(of image: ImageFrame, region: NormalizedRect, mirrored: Bool,
                          _ body: (UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        let side = Self.side
        let count = values.count
        try values.withUnsafeMutableBufferPointer { buffer in
            try IrisEyeCrop.crop(image, region: region, side: side, into: buffer.baseAddress!, destinationCount: count)
            if mirrored {
                for row in 0..<side {
                    for column in 0..<(side / 2) {
                        let a = 3 * (row * side + column), b = 3 * (row * side + side - 1 - column)
                        for channel in 0..<3 { buffer.swapAt(a + channel, b + channel) }
                    }
                }
            }
        }
        return try values.withUnsafeBufferPointer(body)
    }
}

/// The iris cascade's eye crop: the eye ROI resampled to a square tensor in [0, 1] with edge replication.
enum IrisEyeCrop {
    static func crop(_ image: ImageFrame, region: NormalizedRect, side: Int, into destination: UnsafeMutablePointer<Float>,
                     destinationCount: Int) throws {
        try ImageCropper.crop(image, region: region.pixelRect(imageWidth: image.width, imageHeight: image.height),
                              outputWidth: side, outputHeight: side, border: .replicate, valueRange: 0...1,
                              into: destination, destinationCount: destinationCount)
    }
}
