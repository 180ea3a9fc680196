import Foundation
import TensorRuntime

/// The converted MediaPipe models and where their weight files are found.
public enum FaceModelFile: String, CaseIterable, Sendable {
    /// FaceMesh: 192×192 crop → 468 points + face flag.
    case faceLandmark = "face_landmark"
    /// Attention Mesh: 192×192 crop → 468 points, lips, eyes, irises + face flag.
    case attentionMesh = "face_landmark_with_attention"
    /// Iris: 64×64 eye crop → 71 eye-region points + 5 iris points.
    case irisLandmark = "iris_landmark"
    /// BlazeFace short range: 128×128 letterboxed frame → 896 boxes and scores.
    case faceDetector = "face_detection_short_range"
    /// BlazeFace full range: 192×192 letterboxed frame → 2304 boxes and scores.
    case faceDetectorFullRange = "face_detection_full_range"
    /// Face Mesh V2 (MediaPipe Tasks): 256×256 crop → 478 points + face flag + tongue-out score.
    case faceLandmarkV2 = "face_landmark_v2"
    /// The blendshape network (MediaPipe Tasks): 146 landmarks × (x, y) in pixels → 52 scores.
    case faceBlendshapes = "face_blendshapes"

    /// The file name inside the weights directory.
    public var fileName: String { rawValue + ".sfmw" }

    /// Values in the model's one input tensor (NHWC, 3 channels).
    var inputElementCount: Int {
        switch self {
        case .faceLandmark, .attentionMesh: return 192 * 192 * 3
        case .irisLandmark: return 64 * 64 * 3
        case .faceDetector: return 128 * 128 * 3
        case .faceDetectorFullRange: return 192 * 192 * 3
        case .faceLandmarkV2: return 256 * 256 * 3
        case .faceBlendshapes: return 146 * 2
        }
    }

    /// Values in each output tensor, in the model's output order.
    var outputElementCounts: [Int] {
        switch self {
        case .faceLandmark: return [1404, 1]
        case .attentionMesh: return [1404, 160, 142, 142, 10, 10, 1]
        case .irisLandmark: return [213, 15]
        case .faceDetector: return [896 * 16, 896]
        case .faceDetectorFullRange: return [2304 * 16, 2304]
        case .faceLandmarkV2: return [1434, 1, 1]
        case .faceBlendshapes: return [52]
        }
    }
}

/// The runner of one of the four networks, shared by their wrappers (`FaceDetectorNetwork`, `FaceMeshNetwork`,
/// `AttentionMeshNetwork`, `IrisNetwork`): loads the weight file, checks that the input and outputs have the element
/// counts the wrapper relies on, and checks the input size on every run. Not thread-safe.
final class ModelFileRunner {
    let runner: ModelRunner

    /// Loads `model` from `directory`; `threads` is the runner's thread count (the calling thread plus
    /// `threads - 1` workers it owns; TensorRuntime throws for a count below 1).
    init(_ model: FaceModelFile, directory: URL, threads: Int) throws {
        var options = ModelRunner.Options()
        options.threads = threads
        runner = try ModelRunner(contentsOf: directory.appendingPathComponent(model.fileName), options: options)
        guard runner.inputs.count == 1, runner.inputs[0].elementCount == model.inputElementCount,
              runner.outputs.map(\.elementCount) == model.outputElementCounts else {
            throw FaceMeshError.unexpectedModel(
                file: model.fileName,
                reason: "inputs \(runner.inputs.map(\.shape)), outputs \(runner.outputs.map(\.shape))")
        }
    }

    /// Runs the network on `input` (exactly the input's element count, else `FaceMeshError.wrongInputSize`).
    func run(_ input: UnsafeBufferPointer<Float>) throws {
        guard input.count == runner.inputs[0].elementCount else {
            throw FaceMeshError.wrongInputSize(expected: runner.inputs[0].elementCount, actual: input.count)
        }
        try runner.run(input: input)
    }

    /// Runs the network and hands outputs `first` and `second` to `body`, without copying.
    func run<Result>(_ input: UnsafeBufferPointer<Float>, outputs first: Int, _ second: Int,
                     _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        try run(input)
        return try runner.withOutput(first) { a in try runner.withOutput(second) { b in try body(a, b) } }
    }

    /// Output `index` as landmarks of `dimensions` values each (x, y, then z when `dimensions` > 2).
    func landmarks(output index: Int, dimensions: Int = 3) -> [Landmark] {
        runner.withOutput(index) { values in
            (0..<(values.count / dimensions)).map {
                Landmark(x: values[dimensions * $0], y: values[dimensions * $0 + 1],
                         z: dimensions > 2 ? values[dimensions * $0 + 2] : 0)
            }
        }
    }
}

/// Finds the directory holding the converted weight files (`Weights/` of this repository).
///
/// Search order: the `FACEMESH_WEIGHTS_DIR` environment variable; `Weights/` of the package checkout this library
/// was built from (the path is known at compile time, which covers `swift run`, `swift test` and SwiftPM
/// dependencies); `Weights/` beside or above the running executable. Pass a directory explicitly to
/// `FaceMeshOptions` to skip the search.
public enum ModelWeights {
    /// The first candidate directory that contains `face_landmark.sfmw`; throws `FaceMeshError.weightsNotFound`.
    public static func defaultDirectory() throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["FACEMESH_WEIGHTS_DIR"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(sourceRoot.appendingPathComponent("Weights"))
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("Weights"))
            directory.deleteLastPathComponent()
        }
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent(FaceModelFile.faceLandmark.fileName).path) {
            return candidate
        }
        throw FaceMeshError.weightsNotFound(searched: candidates.map(\.path))
    }
}
