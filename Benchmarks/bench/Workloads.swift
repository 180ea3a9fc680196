import FaceMesh
import Foundation
import ImageCodecs
import TensorRuntime

/// Names of the benchmark workloads, in table order (also the JSON `name` values and the LiteRT child's names).
enum WorkloadName {
    static let mesh = "mesh", iris = "iris", cascade = "cascade", attention = "attention", detector = "detector"
    static let detectorFull = "detector-full", frame = "frame", crowd = "crowd"
    /// MediaPipe Tasks' Face Mesh V2 and its blendshape network.
    static let v2 = "v2", blendshapes = "blendshapes"
    static let all = [mesh, iris, cascade, attention, detector, detectorFull, v2, blendshapes, frame, crowd]
}

/// A single model and the input its steps are profiled on (`--profile`), with its weight file (for the bytes each
/// step moves).
struct ProfiledModel {
    let runner: ModelRunner
    let file: ModelFile
    let input: [Float]
}

/// One thing the benchmark times: a closure that performs one inference (or one pipeline frame) on real inputs.
struct Workload {
    /// One of `WorkloadName`.
    let name: String
    /// What one run does, for the notes under the table.
    let summary: String
    /// Convolution multiply-accumulates of one run.
    let multiplyAccumulates: Int
    /// The input files for the LiteRT child, in its `load` order; nil when LiteRT has no counterpart.
    let litertInputs: [URL]?
    /// The model profiled step by step with `--profile`; nil for composite workloads.
    let profiled: ProfiledModel?
    /// Performs one run.
    let run: () throws -> Void
}

/// Builds the workloads on real crops from the fixtures: the LiteRT reference inputs (face, eye and detector
/// crops of mpl_grace_hopper.jpg) and MediaPipe's attention input for the same photo.
struct WorkloadCatalog {
    let root: URL
    let weights: URL
    /// Threads per inference: `ModelRunner.Options.threads` for the single models, the FaceMesh wrappers'
    /// `threads` for cascade and frame.
    var threads = 1

    /// The selected workloads in table order.
    func make(_ names: [String]) throws -> [Workload] {
        var workloads: [Workload] = []
        for name in names {
            switch name {
            case WorkloadName.mesh:
                workloads.append(try single(name, .faceLandmark, "LiteRT/face_landmark/grace_hopper/input.f32",
                                            summary: "face_landmark on a 192×192 face crop"))
            case WorkloadName.iris:
                workloads.append(try single(name, .irisLandmark, "LiteRT/iris_landmark/grace_hopper_left_eye/input.f32",
                                            summary: "iris_landmark on a 64×64 eye crop"))
            case WorkloadName.cascade:
                workloads.append(try cascade())
            case WorkloadName.attention:
                workloads.append(try single(name, .attentionMesh, "MediaPipe/attention/grace_hopper/input.f32",
                                            summary: "face_landmark_with_attention (with its custom ops) on a 192×192 face crop"))
            case WorkloadName.detector:
                workloads.append(try single(name, .faceDetector, "LiteRT/face_detection_short_range/grace_hopper/input.f32",
                                            summary: "face_detection_short_range on the letterboxed 128×128 photo"))
            case WorkloadName.detectorFull:
                workloads.append(try single(name, .faceDetectorFullRange, "LiteRT/face_detection_full_range/grace_hopper/input.f32",
                                            summary: "face_detection_full_range on the letterboxed 192×192 photo"))
            case WorkloadName.v2:
                workloads.append(try single(name, .faceLandmarkV2, "LiteRT/face_landmark_v2/grace_hopper/input.f32",
                                            summary: "face_landmark_v2 (MediaPipe Tasks' Face Mesh V2) on a 256×256 face crop"))
            case WorkloadName.blendshapes:
                workloads.append(try single(name, .faceBlendshapes,
                                            "LiteRT/face_blendshapes/mpl_grace_hopper_face0/input.f32",
                                            summary: "face_blendshapes on MediaPipe's 146 landmarks of the photo's face"))
            case WorkloadName.frame:
                workloads.append(try frame())
            case WorkloadName.crowd:
                workloads.append(try crowd())
            default:
                break
            }
        }
        return workloads
    }


    /// Multiply-accumulates of one inference of `model` (a one-thread runner, so counting starts no workers).
    static func multiplyAccumulates(of model: FaceModelFile, in weights: URL) throws -> Int {
        try ModelRunner(contentsOf: weights.appendingPathComponent(model.fileName)).multiplyAccumulates
    }

    /// One model through `ModelRunner` (model time only, input validation included as in every run).
    private func single(_ name: String, _ model: FaceModelFile, _ inputPath: String, summary: String) throws -> Workload {
        let file = try ModelFile(contentsOf: weights.appendingPathComponent(model.fileName))
        var options = ModelRunner.Options()
        options.threads = threads
        let runner = try ModelRunner(file: file, options: options)
        let input = try FixtureInput(root: root, inputPath, count: runner.inputs[0].elementCount)
        let values = input.values
        return Workload(name: name, summary: summary, multiplyAccumulates: runner.multiplyAccumulates,
                        litertInputs: [input.url], profiled: ProfiledModel(runner: runner, file: file, input: values)) {
            try values.withUnsafeBufferPointer { try runner.run(input: $0) }
        }
    }

    /// FaceMesh + Iris on both eyes (image-left eye, image-right eye mirrored), through the network wrappers;
    /// model time only (the crops are precomputed). No lips model is published, so this is the paper's Cascade
    /// without its lips stage.
    private func cascade() throws -> Workload {
        let mesh = try FaceMeshNetwork(weightsDirectory: weights, threads: threads)
        let iris = try IrisNetwork(weightsDirectory: weights, threads: threads)
        let face = try FixtureInput(root: root, "LiteRT/face_landmark/grace_hopper/input.f32", count: 192 * 192 * 3)
        let eyes = try ["grace_hopper_left_eye", "grace_hopper_right_eye_mirrored"].map {
            try FixtureInput(root: root, "LiteRT/iris_landmark/\($0)/input.f32", count: 64 * 64 * 3)
        }
        let multiplyAccumulates = try Self.multiplyAccumulates(of: .faceLandmark, in: weights)
            + 2 * Self.multiplyAccumulates(of: .irisLandmark, in: weights)
        let faceValues = face.values, eyeValues = eyes.map(\.values)
        return Workload(name: WorkloadName.cascade, summary: "FaceMesh + Iris on both eyes (3 inferences)",
                        multiplyAccumulates: multiplyAccumulates, litertInputs: [face.url] + eyes.map(\.url),
                        profiled: nil) {
            _ = try faceValues.withUnsafeBufferPointer { try mesh.predict($0) }
            for eye in eyeValues { _ = try eye.withUnsafeBufferPointer { try iris.predict($0) } }
        }
    }

    /// One tracked video frame through `FaceMeshEngine` with the attention model (engine defaults otherwise: video
    /// mode, one face, head pose on, no smoothing) on mpl_grace_hopper.jpg decoded with ImageCodecs. The first
    /// frame (detector + landmarks) runs before timing, so every timed frame tracks: crop, model, projection, pose.
    private func frame() throws -> Workload {
        let url = root.appendingPathComponent("Tests/Fixtures/Images/mpl_grace_hopper.jpg")
        let frame = try ImageDecoder.decode(contentsOf: url)
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: false, model: .attention,
                                                                 weightsDirectory: weights, threads: threads))
        let first = try engine.process(frame)
        guard first.count == 1 else {
            throw BenchError.workloadFailed("frame: the engine found \(first.count) faces in \(url.lastPathComponent), expected 1")
        }
        return Workload(name: WorkloadName.frame,
                        summary: "one tracked video frame of FaceMeshEngine (attention, head pose on, no smoothing) on the \(frame.width)×\(frame.height) mpl_grace_hopper.jpg, after a first detection frame",
                        multiplyAccumulates: try Self.multiplyAccumulates(of: .attentionMesh, in: weights),
                        litertInputs: nil,
                        profiled: nil) {
            guard try engine.process(frame).count == 1 else {
                throw BenchError.workloadFailed("frame: the engine lost the tracked face")
            }
        }
    }
}

extension WorkloadCatalog {
    /// The crowd detector (`CrowdFaceDetector`: tile pyramid, both whole-image passes, suppression, verification)
    /// on the 1280×926 Solvay group photo; detection only, no landmarks. Checks that it finds the 29 faces.
    fileprivate func crowd() throws -> Workload {
        let url = root.appendingPathComponent("Tests/Fixtures/Images/visp_solvay_1927_1280px.png")
        let image = try ImageDecoder.decode(contentsOf: url)
        let detector = try CrowdFaceDetector(weightsDirectory: weights, threads: threads)
        let found = try detector.detect(image).count
        guard found == 29 else {
            throw BenchError.workloadFailed("crowd: \(found) faces in \(url.lastPathComponent), expected 29")
        }
        let statistics = detector.lastRun
        let multiplyAccumulates = try Self.multiplyAccumulates(of: .faceDetector, in: weights)
            * (statistics.tilesRun + 1 + found + statistics.rejected)
            + Self.multiplyAccumulates(of: .faceDetectorFullRange, in: weights) * (1 + found + statistics.rejected)
        let megapixels = Double(image.width * image.height) / 1e6
        return Workload(name: WorkloadName.crowd,
                        summary: "CrowdFaceDetector on the \(image.width)×\(image.height) Solvay photo "
                            + String(format: "(%.2f MP)", megapixels) + ": \(statistics.tilesRun) short-range tiles, "
                            + "both whole-image passes, suppression of \(statistics.candidates) candidates, two "
                            + "verification inferences per merged detection; detection only (divide by the "
                            + "megapixels for the cost per MP)",
                        multiplyAccumulates: multiplyAccumulates, litertInputs: nil, profiled: nil) {
            _ = try detector.detect(image)
        }
    }
}

/// A model input read from the fixtures: a raw little-endian Float32 file (NHWC, batch 1), e.g.
/// `Tests/Fixtures/LiteRT/face_landmark/grace_hopper/input.f32`.
struct FixtureInput {
    /// The file, also handed to the LiteRT child so both runtimes see the same values.
    let url: URL
    let values: [Float]

    /// Reads `relativePath` under `root/Tests/Fixtures` and checks it holds exactly `count` floats.
    init(root: URL, _ relativePath: String, count: Int) throws {
        url = root.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relativePath)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BenchError.badFixture(path: url.path, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard data.count == 4 * count else {
            throw BenchError.badFixture(path: url.path, reason: "\(data.count) bytes, expected \(4 * count) (\(count) floats)")
        }
        values = data.withUnsafeBytes { raw in
            (0..<count).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw BenchError.badFixture(path: url.path, reason: "value \(bad) is not finite")
        }
    }
}

/// Table 1 of the Attention Mesh paper (Grishchenko et al., arXiv 2006.10962): inference times on a Pixel 2 XL
/// GPU, for comparison with our CPU times.
enum PaperReference {
    /// Milliseconds per workload name (Mesh, Cascade, Attention); the paper times no iris or detector alone.
    static let pixel2XLMilliseconds: [String: Double] = [
        WorkloadName.mesh: 8.82,
        WorkloadName.cascade: 22.4,
        WorkloadName.attention: 16.6,
    ]

    /// Attention time / Cascade time in the paper (16.6 / 22.4).
    static var attentionToCascade: Double { 16.6 / 22.4 }

    /// Label of the paper column.
    static let columnTitle = "paper ms (Pixel 2 XL GPU)"
}
