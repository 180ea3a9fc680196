import Foundation
import TensorRuntime

/// The ways to get landmarks of a face from a region of interest.
public enum LandmarkModelKind: String, CaseIterable, Sendable, Codable {
    /// FaceMesh alone: 468 points.
    case mesh
    /// Attention Mesh: 478 points, lips, eyes and irises refined by attention heads in the same network.
    case attention
    /// The paper's baseline cascade: FaceMesh, then the Iris model on each eye: 478 points. (No lips model is
    /// published, so the lips are the mesh's.)
    case cascade
    /// MediaPipe Tasks' Face Mesh V2 (`FaceLandmarker`): 478 points (irises included) from a 256×256 crop, plus a
    /// tongue-out score; its pipeline follows Tasks (detection ROI not squared, detections preferred over tracked
    /// ROIs when they overlap).
    case faceMeshV2 = "v2"

    /// Points per face: 468 for `mesh`, 478 otherwise.
    public var landmarkCount: Int { self == .mesh ? LandmarkIndexSets.meshCount : LandmarkIndexSets.refinedCount }
}

/// Landmarks of one face predicted from one region of interest, in normalized image coordinates (the raw network
/// output in crop pixels is `CropLandmarkPrediction`).
public struct ImageLandmarkPrediction: Sendable {
    /// Normalized image coordinates: x/W, y/H, z/W (z in the scale of x; smaller is closer to the camera).
    public var landmarks: [Landmark]
    /// Face presence, sigmoid of the face-flag logit, in [0, 1].
    public var presence: Float
    /// Tongue-out score in [0, 1] (Face Mesh V2 only; nil for the other models).
    public var tongueOut: Float? = nil
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
    func predict(in image: RGBImage, region: NormalizedRect, presenceThreshold: Float) throws -> ImageLandmarkPrediction?
}

/// Creates the landmark model of `kind` from the weight files in `directory`.
public func makeLandmarkModel(_ kind: LandmarkModelKind, weightsDirectory directory: URL,
                              threads: Int = 1) throws -> any FaceLandmarkModel {
    switch kind {
    case .mesh: return try MeshLandmarkModel(weightsDirectory: directory, threads: threads)
    case .attention: return try AttentionLandmarkModel(weightsDirectory: directory, threads: threads)
    case .cascade: return try CascadeLandmarkModel(weightsDirectory: directory, threads: threads)
    case .faceMeshV2: return try FaceMeshV2LandmarkModel(weightsDirectory: directory, threads: threads)
    }
}

/// A crop-landmark model: MediaPipe's landmark crop of the region (the network's input size, 192×192 or 256×256;
/// bilinear, border replicate, values in [0, 1]), the network, then the projection of its landmarks back to
/// normalized image coordinates. `MeshLandmarkModel` (468 points), `AttentionLandmarkModel` (478) and
/// `FaceMeshV2LandmarkModel` (478, with the tongue-out score) are its instances.
///
/// Holds the crop buffer and the network: not thread-safe, one instance per thread.
public final class CropLandmarkModel<Network: FaceCropNetwork>: FaceLandmarkModel {
    /// Side of the square crop in pixels: the network's input size.
    static var side: Int { Network.inputSize }
    /// `Network.kind`.
    public var kind: LandmarkModelKind { Network.kind }
    /// Points per face: 468 for FaceMesh, 478 for Attention Mesh and Face Mesh V2.
    public var landmarkCount: Int { Network.kind.landmarkCount }
    private let network: Network
    /// Where the crop goes (NHWC, [0, 1]): the network runner's own input buffer, or else a buffer of ours.
    private let crop: UnsafeMutableBufferPointer<Float>
    /// The runner whose input buffer `crop` is; nil when `crop` is ours (the network has no runner).
    private let inPlaceRunner: ModelRunner?
    /// Computes the crop in row bands on the network's threads.
    private let bandedCrop = BandedCrop()

    /// Loads the network's weight file from `directory`; `threads` ≥ 1 is the network's thread count.
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        network = try Network(weightsDirectory: directory, threads: threads)
        let count = Network.inputSize * Network.inputSize * 3
        if let runner = network.runner, runner.inputs.count == 1, runner.inputs[0].elementCount == count {
            crop = runner.inputBuffer(0)
            inPlaceRunner = runner
        } else {
            crop = .allocate(capacity: count)
            crop.initialize(repeating: 0)
            inPlaceRunner = nil
        }
    }

    deinit {
        if inPlaceRunner == nil { crop.deallocate() }
    }

    /// Crops `region`, runs the network on the crop and projects its landmarks back to normalized image
    /// coordinates; `nil` when the presence is not above `presenceThreshold`.
    public func predict(in image: RGBImage, region: NormalizedRect, presenceThreshold: Float) throws -> ImageLandmarkPrediction? {
        let side = Self.side
        let rect = region.pixelRect(imageWidth: image.width, imageHeight: image.height)
        try bandedCrop.prepare(image, region: rect, outputWidth: side, outputHeight: side, border: .replicate,
                               valueRange: 0...1, into: crop.baseAddress!, destinationCount: crop.count)
        let prediction: CropLandmarkPrediction
        if let runner = inPlaceRunner {
            runner.runSplit(bandedCrop)
            bandedCrop.finish()
            // Bytes × 1/255: finite by construction, nothing to validate.
            try runner.runOnInputBuffers(validating: false)
            prediction = try network.predictionFromOutputs()
        } else {
            bandedCrop.run(part: 0, of: 1)
            bandedCrop.finish()
            prediction = try network.predict(UnsafeBufferPointer(crop))
        }
        guard prediction.presence > presenceThreshold else { return nil }
        return ImageLandmarkPrediction(
            landmarks: LandmarkProjection.cropToImage(prediction.landmarks, inputSize: Float(side), region: region),
            presence: prediction.presence, tongueOut: prediction.tongueOut)
    }
}

/// FaceMesh (468 points) behind `FaceLandmarkModel`.
public typealias MeshLandmarkModel = CropLandmarkModel<FaceMeshNetwork>
/// Attention Mesh (478 points) behind `FaceLandmarkModel`.
public typealias AttentionLandmarkModel = CropLandmarkModel<AttentionMeshNetwork>

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
            throw FaceMeshError.invalidRawLayout(valueCount: raw.count, landmarkCount: landmarkCount,
                                                           stride: stride)
        }
        guard inputSize > 0 else { throw FaceMeshError.invalidModelInputSize(inputSize) }
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
