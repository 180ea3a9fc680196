import Foundation

/// The four converted MediaPipe models and where their weight files are found.
public enum FaceModelFile: String, CaseIterable, Sendable {
    /// FaceMesh: 192×192 crop → 468 points + face flag.
    case faceLandmark = "face_landmark"
    /// Attention Mesh: 192×192 crop → 468 points, lips, eyes, irises + face flag.
    case attentionMesh = "face_landmark_with_attention"
    /// Iris: 64×64 eye crop → 71 eye-region points + 5 iris points.
    case irisLandmark = "iris_landmark"
    /// BlazeFace short range: 128×128 letterboxed frame → 896 boxes and scores.
    case faceDetector = "face_detection_short_range"

    /// The file name inside the weights directory.
    public var fileName: String { rawValue + ".sfmw" }
}

/// Finds the directory holding the converted weight files (`Weights/` of this repository).
///
/// Search order: the `FACEMESH_WEIGHTS_DIR` environment variable; `Weights/` of the package checkout this library
/// was built from (the path is known at compile time, which covers `swift run`, `swift test` and SwiftPM
/// dependencies); `Weights/` beside or above the running executable. Pass a directory explicitly to
/// `FaceMeshOptions` to skip the search.
public enum ModelWeights {
    /// Thrown when no directory with the weight files is found.
    public struct NotFound: Error, CustomStringConvertible {
        /// The directories that were searched.
        public let searched: [String]
        public var description: String {
            "weight files not found; searched: \(searched.joined(separator: ", ")); set FACEMESH_WEIGHTS_DIR"
        }
    }

    /// The first candidate directory that contains `face_landmark.sfmw`.
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
        throw NotFound(searched: candidates.map(\.path))
    }
}
