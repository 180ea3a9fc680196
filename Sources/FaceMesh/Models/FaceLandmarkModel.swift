import Foundation

/// The three ways to get landmarks of a face from a region of interest.
public enum LandmarkModelKind: String, CaseIterable, Sendable, Codable {
    /// FaceMesh alone: 468 points.
    case mesh
    /// Attention Mesh: 478 points, lips, eyes and irises refined by attention heads in the same network.
    case attention
    /// The paper's baseline cascade: FaceMesh, then the Iris model on each eye: 478 points. (No lips model is
    /// published, so the lips are the mesh's.)
    case cascade

    /// Points per face: 468 for `mesh`, 478 otherwise.
    public var landmarkCount: Int { self == .mesh ? LandmarkIndexSets.meshCount : LandmarkIndexSets.refinedCount }
}

/// Landmarks of one face predicted from one region of interest.
public struct FaceLandmarksPrediction: Sendable {
    /// Normalized image coordinates: x/W, y/H, z/W (z in the scale of x; smaller is closer to the camera).
    public var landmarks: [Landmark]
    /// Face presence, sigmoid of the face-flag logit, in [0, 1].
    public var presence: Float
}

/// A landmark model that runs on a rotated region of an image: crop, network, projection back to the image.
///
/// Implementations hold buffers and networks: not thread-safe, one instance per thread.
public protocol FaceLandmarkModel: AnyObject {
    /// Which model this is.
    var kind: LandmarkModelKind { get }
    /// Points per face (468 or 478).
    var landmarkCount: Int { get }
    /// Predicts the landmarks of the face in `region` (normalized image coordinates, square in pixels).
    /// Returns `nil` when the face presence is not above `presenceThreshold` (MediaPipe drops such faces; the
    /// cascade then skips its iris stage).
    func predict(in image: ImageFrame, region: NormalizedRect, presenceThreshold: Float) throws -> FaceLandmarksPrediction?
}

/// Creates the landmark model of `kind` from the weight files in `directory`.
public func makeLandmarkModel(_ kind: LandmarkModelKind, weightsDirectory directory: URL,
                              threads: Int = 1) throws -> any FaceLandmarkModel {
    switch kind {
    case .mesh: return try MeshLandmarkModel(weightsDirectory: directory, threads: threads)
    case .attention: return try AttentionLandmarkModel(weightsDirectory: directory, threads: threads)
    case .cascade: return try CascadeLandmarkModel(weightsDirectory: directory, threads: threads)
    }
}

/// A reusable 192×192×3 crop buffer filled by MediaPipe's landmark crop (bilinear, border replicate, [0, 1]).
final class FaceCropBuffer {
    static let side = 192
    private(set) var values = [Float](repeating: 0, count: side * side * 3)

    /// Crops `region` of `image` into the buffer and hands it to `body`.
    func withCrop<Result>(of image: ImageFrame, region: NormalizedRect,
                          _ body: (UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        let rect = region.pixelRect(imageWidth: image.width, imageHeight: image.height)
        let count = values.count
        try values.withUnsafeMutableBufferPointer { buffer in
            try ImageCropper.crop(image, region: rect, outputWidth: Self.side, outputHeight: Self.side,
                                  border: .replicate, valueRange: 0...1, into: buffer.baseAddress!,
                                  destinationCount: count)
        }
        return try values.withUnsafeBufferPointer(body)
    }

    /// Crops `region`, runs `network` on the crop and projects its landmarks back to normalized image coordinates;
    /// `nil` when the presence is not above `presenceThreshold`.
    func predict(in image: ImageFrame, region: NormalizedRect, presenceThreshold: Float,
                 _ network: (UnsafeBufferPointer<Float>) throws -> FaceLandmarkPrediction) throws -> FaceLandmarksPrediction? {
        let prediction = try withCrop(of: image, region: region, network)
        guard prediction.presence > presenceThreshold else { return nil }
        return FaceLandmarksPrediction(
            landmarks: LandmarkProjection.cropToImage(prediction.landmarks, inputSize: Float(Self.side), region: region),
            presence: prediction.presence)
    }
}

/// FaceMesh (468 points) behind `FaceLandmarkModel`.
public final class MeshLandmarkModel: FaceLandmarkModel {
    public let kind = LandmarkModelKind.mesh
    public let landmarkCount = LandmarkIndexSets.meshCount
    private let network: FaceMeshNetwork
    private let crop = FaceCropBuffer()

    /// Loads `face_landmark.sfmw` from `directory`; `threads` ≥ 1 is the network's thread count.
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        network = try FaceMeshNetwork(weightsDirectory: directory, threads: threads)
    }

    public func predict(in image: ImageFrame, region: NormalizedRect, presenceThreshold: Float) throws -> FaceLandmarksPrediction? {
        try crop.predict(in: image, region: region, presenceThreshold: presenceThreshold, network.predict)
    }
}

/// Attention Mesh (478 points) behind `FaceLandmarkModel`.
public final class AttentionLandmarkModel: FaceLandmarkModel {
    public let kind = LandmarkModelKind.attention
    public let landmarkCount = LandmarkIndexSets.refinedCount
    private let network: AttentionMeshNetwork
    private let crop = FaceCropBuffer()

    /// Loads `face_landmark_with_attention.sfmw` from `directory`; `threads` ≥ 1 is the network's thread count.
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        network = try AttentionMeshNetwork(weightsDirectory: directory, threads: threads)
    }

    public func predict(in image: ImageFrame, region: NormalizedRect, presenceThreshold: Float) throws -> FaceLandmarksPrediction? {
        try crop.predict(in: image, region: region, presenceThreshold: presenceThreshold, network.predict)
    }
}
