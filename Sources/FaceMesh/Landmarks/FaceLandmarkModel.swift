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

/// Errors raised when projecting raw model landmarks.
public enum LandmarkProjectionError: Error, Equatable, CustomStringConvertible {
    /// The raw buffer does not hold `count × stride` values, or the stride is below 3.
    case invalidRawLayout(valueCount: Int, landmarkCount: Int, stride: Int)
    /// The model input size is not positive.
    case invalidInputSize(Float)

    /// A readable explanation of the error.
    public var description: String {
        switch self {
        case let .invalidRawLayout(valueCount, landmarkCount, stride):
            return "landmark projection: \(valueCount) raw values cannot hold \(landmarkCount) landmarks of stride "
                + "\(stride) (stride must be ≥ 3)"
        case let .invalidInputSize(size):
            return "landmark projection: model input size \(size) must be positive"
        }
    }
}

/// Maps landmarks between a model's crop and the image, as MediaPipe's `TensorsToLandmarksCalculator` +
/// `LandmarkProjectionCalculator` do (§6).
///
/// Crop unit: model input pixels (x, y, z of a `inputSize × inputSize` crop, e.g. 192 for the face models).
/// Image unit: **normalized** (x/W, y/H, z/W; use `LandmarkCoordinates.toPixels` for pixels, where z becomes
/// z/inputSize · ROI width in pixels). With x′ = x/inputSize − ½, y′ = y/inputSize − ½, r the ROI rotation:
/// x_img = (cos r·x′ − sin r·y′)·w + c_x, y_img = (sin r·x′ + cos r·y′)·h + c_y, z_img = z/inputSize·w.
/// Exact for ROIs that are square in pixels (all ROIs the pipeline builds).
public enum LandmarkProjection {
    /// Crop → normalized image coordinates.
    public static func cropToImage(_ landmarks: [Landmark], inputSize: Float, region: NormalizedRect) -> [Landmark] {
        landmarks.map { project(x: $0.x, y: $0.y, z: $0.z, inputSize: inputSize, region: region) }
    }

    /// Crop → normalized image coordinates, reading `landmarkCount` landmarks of `stride` Floats (x, y, z first)
    /// from a raw model output.
    public static func cropToImage(raw: UnsafeBufferPointer<Float>, landmarkCount: Int, stride: Int = 3,
                                   inputSize: Float, region: NormalizedRect) throws -> [Landmark] {
        guard stride >= 3, landmarkCount >= 0, raw.count >= landmarkCount * stride else {
            throw LandmarkProjectionError.invalidRawLayout(valueCount: raw.count, landmarkCount: landmarkCount,
                                                           stride: stride)
        }
        guard inputSize > 0 else { throw LandmarkProjectionError.invalidInputSize(inputSize) }
        return (0..<landmarkCount).map { i in
            project(x: raw[i * stride], y: raw[i * stride + 1], z: raw[i * stride + 2], inputSize: inputSize,
                    region: region)
        }
    }

    /// Normalized image coordinates → crop (the inverse of `cropToImage` for a region that is square in pixels).
    public static func imageToCrop(_ landmarks: [Landmark], inputSize: Float, region: NormalizedRect,
                                   imageWidth: Int, imageHeight: Int) -> [Landmark] {
        // Undo in pixels, where the rotation is a true rotation.
        let w = Float(imageWidth), h = Float(imageHeight)
        let cosine = cos(region.rotation), sine = sin(region.rotation)
        let sidePixelsX = region.width * w, sidePixelsY = region.height * h
        return landmarks.map { landmark in
            let dx = (landmark.x - region.xCenter) * w, dy = (landmark.y - region.yCenter) * h
            let localX = cosine * dx + sine * dy, localY = -sine * dx + cosine * dy
            return Landmark(x: (localX / sidePixelsX + 0.5) * inputSize, y: (localY / sidePixelsY + 0.5) * inputSize,
                            z: landmark.z / region.width * inputSize)
        }
    }

    @inline(__always)
    static func project(x: Float, y: Float, z: Float, inputSize: Float, region: NormalizedRect) -> Landmark {
        let localX = x / inputSize - 0.5, localY = y / inputSize - 0.5
        let angle = region.rotation
        let rotatedX = cos(angle) * localX - sin(angle) * localY
        let rotatedY = sin(angle) * localX + cos(angle) * localY
        return Landmark(x: rotatedX * region.width + region.xCenter, y: rotatedY * region.height + region.yCenter,
                        z: z / inputSize * region.width)
    }
}
