import Foundation
import TensorRuntime

/// The raw result of a face landmark network on one crop, in crop pixels.
public struct CropLandmarkPrediction: Sendable {
    /// Landmarks in model-input pixels (0…192, or 0…256 for Face Mesh V2); z in the same scale.
    public var landmarks: [Landmark]
    /// The face-flag logit; presence = sigmoid(logit).
    public var presenceLogit: Float
    /// Face Mesh V2's tongue-out score in [0, 1]; nil for the other networks.
    public var tongueOut: Float? = nil
    /// sigmoid(presenceLogit), in [0, 1].
    public var presence: Float { 1 / (1 + exp(-presenceLogit)) }
}

/// A network that turns a square face crop (NHWC, values in [0, 1]; 192×192×3, or 256×256×3 for Face Mesh V2) into
/// landmarks in crop pixels and a face flag: FaceMesh, Attention Mesh or Face Mesh V2. `CropLandmarkModel` runs any
/// of them on a region of an image.
public protocol FaceCropNetwork: AnyObject {
    /// Which landmark model the network is.
    static var kind: LandmarkModelKind { get }
    /// Side of the square input crop in pixels (192, or 256 for Face Mesh V2).
    static var inputSize: Int { get }
    /// Loads the network's weight file from `directory`; `threads` ≥ 1 is the runner's thread count.
    init(weightsDirectory directory: URL, threads: Int) throws
    /// Runs the network on a 192×192×3 crop (NHWC, [0, 1]).
    func predict(_ input: UnsafeBufferPointer<Float>) throws -> CropLandmarkPrediction
    /// The runner of the network's model, when it has one: `CropLandmarkModel` then writes its crop straight into
    /// the runner's input buffer (`ModelRunner.inputBuffer(_:)`), in row bands on the runner's threads
    /// (`ModelRunner.runSplit(_:)`), runs it and calls `predictionFromOutputs()`. nil (the default): it crops into
    /// a buffer of its own on the calling thread and calls `predict(_:)`.
    var runner: ModelRunner? { get }
    /// The prediction from `runner`'s outputs after its last run (what `predict(_:)` returns after running).
    func predictionFromOutputs() throws -> CropLandmarkPrediction
}

extension FaceCropNetwork {
    /// No runner: `CropLandmarkModel` calls `predict(_:)`.
    public var runner: ModelRunner? { nil }

    /// Throws `FaceMeshError.unexpectedModel`: a network without a runner has no outputs to read.
    public func predictionFromOutputs() throws -> CropLandmarkPrediction {
        throw FaceMeshError.unexpectedModel(file: "\(Self.self)", reason: "the network has no runner to read outputs from")
    }
}

/// MediaPipe's FaceMesh network: a 192×192×3 NHWC crop with values in [0, 1] → 468 landmarks + face flag.
/// Not thread-safe: one instance per thread.
public final class FaceMeshNetwork: FaceCropNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 192
    /// `.mesh`.
    public static let kind = LandmarkModelKind.mesh
    let model: ModelFileRunner

    /// Loads `face_landmark.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        model = try ModelFileRunner(.faceLandmark, directory: directory, threads: threads)
    }

    /// The model's runner (input 192×192×3, NHWC).
    public var runner: ModelRunner? { model.runner }

    /// Runs the network on a 192×192×3 crop (NHWC, [0, 1]).
    public func predict(_ input: UnsafeBufferPointer<Float>) throws -> CropLandmarkPrediction {
        try model.run(input)
        return try predictionFromOutputs()
    }

    /// The 468 landmarks (model-input pixels) and the face-flag logit of the last run.
    public func predictionFromOutputs() throws -> CropLandmarkPrediction {
        CropLandmarkPrediction(landmarks: model.landmarks(output: 0),
                               presenceLogit: model.runner.withOutput(1) { $0[0] })
    }
}

/// MediaPipe's Attention Mesh network: a 192×192×3 crop in [0, 1] → 478 landmarks (mesh refined by the lips, eyes
/// and irises heads, assembled as MediaPipe does) + face flag. Not thread-safe: one instance per thread.
public final class AttentionMeshNetwork: FaceCropNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 192
    /// `.attention`.
    public static let kind = LandmarkModelKind.attention
    let model: ModelFileRunner

    /// Loads `face_landmark_with_attention.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        model = try ModelFileRunner(.attentionMesh, directory: directory, threads: threads)
    }

    /// The model's runner (input 192×192×3, NHWC).
    public var runner: ModelRunner? { model.runner }

    /// Runs the network on a 192×192×3 crop (NHWC, [0, 1]); landmarks in model-input pixels.
    public func predict(_ input: UnsafeBufferPointer<Float>) throws -> CropLandmarkPrediction {
        try model.run(input)
        return try predictionFromOutputs()
    }

    /// The 478 assembled landmarks (model-input pixels) and the face-flag logit of the last run.
    public func predictionFromOutputs() throws -> CropLandmarkPrediction {
        let runner = model.runner
        let points = try AttentionMeshAssembly.assemble(
            mesh: runner.output(0), lips: runner.output(1), imageLeftEye: runner.output(2),
            imageRightEye: runner.output(3), imageLeftIris: runner.output(4), imageRightIris: runner.output(5))
        return CropLandmarkPrediction(landmarks: points, presenceLogit: runner.withOutput(6) { $0[0] })
    }
}

/// The raw result of the iris network on one eye crop, in 64-px crop units.
public struct IrisPrediction: Sendable {
    /// 71 eye-region points (eye contour, halos, brow), x, y, z.
    public var eyeRegion: [Landmark]
    /// 5 iris points: centre, then four boundary points.
    public var iris: [Landmark]
}

/// MediaPipe's Iris network: a 64×64×3 eye crop in [0, 1] → 71 eye-region points + 5 iris points.
/// Not thread-safe: one instance per thread.
public final class IrisNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 64
    let model: ModelFileRunner

    /// Loads `iris_landmark.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        model = try ModelFileRunner(.irisLandmark, directory: directory, threads: threads)
    }

    /// Runs the network on a 64×64×3 eye crop (NHWC, [0, 1]).
    public func predict(_ input: UnsafeBufferPointer<Float>) throws -> IrisPrediction {
        try model.run(input)
        return IrisPrediction(eyeRegion: model.landmarks(output: 0), iris: model.landmarks(output: 1))
    }

    /// Runs the network and hands the raw outputs (eye region [71 × 3], iris [5 × 3], 64-px units) to `body`.
    public func predictRaw<Result>(_ input: UnsafeBufferPointer<Float>,
                                   _ body: (_ eyeRegion: UnsafeBufferPointer<Float>, _ iris: UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        try model.run(input, outputs: 0, 1, body)
    }
}
