import Foundation
import TensorRuntime

/// Errors of the model wrappers.
public enum FaceModelError: Error, Equatable, CustomStringConvertible {
    /// A weight file holds a different model than expected (wrong input or output shapes).
    case unexpectedModel(file: String, reason: String)
    /// An input tensor has the wrong number of values.
    case wrongInputSize(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .unexpectedModel(file, reason): return "weight file \(file) is not the expected model: \(reason)"
        case let .wrongInputSize(expected, actual): return "model input has \(actual) values, expects \(expected)"
        }
    }
}

/// Loads a model file and checks that its input and outputs have the element counts the wrapper relies on.
/// `threads` is the runner's thread count (the calling thread plus `threads - 1` workers it owns; below 1 throws
/// `PlanError.invalidThreadCount`).
func loadRunner(_ model: FaceModelFile, directory: URL, threads: Int, input: Int, outputs: [Int]) throws -> ModelRunner {
    var options = ModelRunner.Options()
    options.threads = threads
    let runner = try ModelRunner(contentsOf: directory.appendingPathComponent(model.fileName), options: options)
    guard runner.inputs.count == 1, runner.inputs[0].elementCount == input,
          runner.outputs.map(\.elementCount) == outputs else {
        throw FaceModelError.unexpectedModel(
            file: model.fileName,
            reason: "inputs \(runner.inputs.map(\.shape)), outputs \(runner.outputs.map(\.shape))")
    }
    return runner
}

func checkedRun(_ runner: ModelRunner, _ input: UnsafeBufferPointer<Float>) throws {
    guard input.count == runner.inputs[0].elementCount else {
        throw FaceModelError.wrongInputSize(expected: runner.inputs[0].elementCount, actual: input.count)
    }
    try runner.run(input: input)
}

func landmarks(from values: UnsafeBufferPointer<Float>, dimensions: Int) -> [Landmark] {
    (0..<(values.count / dimensions)).map {
        Landmark(x: values[dimensions * $0], y: values[dimensions * $0 + 1],
                 z: dimensions > 2 ? values[dimensions * $0 + 2] : 0)
    }
}

/// The raw result of a face landmark network on one crop.
public struct FaceLandmarkPrediction: Sendable {
    /// Landmarks in model-input pixels (0…192); z in the same scale.
    public var landmarks: [Landmark]
    /// The face-flag logit; presence = sigmoid(logit).
    public var presenceLogit: Float
    /// sigmoid(presenceLogit), in [0, 1].
    public var presence: Float { 1 / (1 + exp(-presenceLogit)) }
}

/// MediaPipe's FaceMesh network: a 192×192×3 NHWC crop with values in [0, 1] → 468 landmarks + face flag.
/// Not thread-safe: one instance per thread.
public final class FaceMeshNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 192
    let runner: ModelRunner

    /// Loads `face_landmark.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        runner = try loadRunner(.faceLandmark, directory: directory, threads: threads, input: 192 * 192 * 3, outputs: [1404, 1])
    }

    /// Runs the network on a 192×192×3 crop (NHWC, [0, 1]).
    public func predict(_ input: UnsafeBufferPointer<Float>) throws -> FaceLandmarkPrediction {
        try checkedRun(runner, input)
        return FaceLandmarkPrediction(landmarks: runner.withOutput(0) { landmarks(from: $0, dimensions: 3) },
                                      presenceLogit: runner.withOutput(1) { $0[0] })
    }
}

/// MediaPipe's Attention Mesh network: a 192×192×3 crop in [0, 1] → 478 landmarks (mesh refined by the lips, eyes
/// and irises heads, assembled as MediaPipe does) + face flag. Not thread-safe: one instance per thread.
public final class AttentionMeshNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 192
    let runner: ModelRunner

    /// Loads `face_landmark_with_attention.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        runner = try loadRunner(.attentionMesh, directory: directory, threads: threads, input: 192 * 192 * 3,
                                outputs: [1404, 160, 142, 142, 10, 10, 1])
    }

    /// Runs the network on a 192×192×3 crop (NHWC, [0, 1]); landmarks in model-input pixels.
    public func predict(_ input: UnsafeBufferPointer<Float>) throws -> FaceLandmarkPrediction {
        try checkedRun(runner, input)
        let points = try AttentionMeshAssembly.assemble(
            mesh: runner.output(0), lips: runner.output(1), imageLeftEye: runner.output(2),
            imageRightEye: runner.output(3), imageLeftIris: runner.output(4), imageRightIris: runner.output(5))
        return FaceLandmarkPrediction(landmarks: points, presenceLogit: runner.withOutput(6) { $0[0] })
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
    let runner: ModelRunner

    /// Loads `iris_landmark.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        runner = try loadRunner(.irisLandmark, directory: directory, threads: threads, input: 64 * 64 * 3, outputs: [213, 15])
    }

    /// Runs the network on a 64×64×3 eye crop (NHWC, [0, 1]).
    public func predict(_ input: UnsafeBufferPointer<Float>) throws -> IrisPrediction {
        try checkedRun(runner, input)
        return IrisPrediction(eyeRegion: runner.withOutput(0) { landmarks(from: $0, dimensions: 3) },
                              iris: runner.withOutput(1) { landmarks(from: $0, dimensions: 3) })
    }

    /// Runs the network and hands the raw outputs (eye region [71 × 3], iris [5 × 3], 64-px units) to `body`.
    public func predictRaw<Result>(_ input: UnsafeBufferPointer<Float>,
                                   _ body: (_ eyeRegion: UnsafeBufferPointer<Float>, _ iris: UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        try checkedRun(runner, input)
        return try runner.withOutput(0) { eyeRegion in try runner.withOutput(1) { iris in try body(eyeRegion, iris) } }
    }
}

/// MediaPipe's BlazeFace short-range detector network: a letterboxed 128×128×3 frame in [-1, 1] → 896 raw box
/// regressions (16 values each, 128-px units) and 896 score logits. Not thread-safe: one instance per thread.
public final class FaceDetectorNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 128
    /// Number of SSD anchors.
    public static let anchorCount = 896
    let runner: ModelRunner

    /// Loads `face_detection_short_range.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        runner = try loadRunner(.faceDetector, directory: directory, threads: threads, input: 128 * 128 * 3, outputs: [896 * 16, 896])
    }

    /// Runs the network and hands the raw outputs (regressors [896 × 16], logits [896]) to `body`, without copying.
    public func predict<Result>(_ input: UnsafeBufferPointer<Float>,
                                _ body: (_ regressors: UnsafeBufferPointer<Float>, _ logits: UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        try checkedRun(runner, input)
        return try runner.withOutput(0) { regressors in try runner.withOutput(1) { logits in try body(regressors, logits) } }
    }
}
