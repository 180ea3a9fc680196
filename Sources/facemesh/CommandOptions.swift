import ArgumentParser
import FaceMesh
import Foundation
import ImageCodecs

/// The landmark model names accepted by `--model`.
enum ModelChoice: String, CaseIterable, ExpressibleByArgument {
    case mesh, attention, cascade, v2

    /// The engine's model kind.
    var kind: LandmarkModelKind {
        switch self {
        case .mesh: return .mesh
        case .attention: return .attention
        case .cascade: return .cascade
        case .v2: return .faceMeshV2
        }
    }
}

/// The detectors accepted by `--detector`.
enum DetectorChoice: String, CaseIterable, ExpressibleByArgument {
    case shortRange = "short-range"
    case fullRange = "full-range"
    case crowd

    /// The engine's detection strategy.
    var strategy: FaceDetectionStrategy {
        switch self {
        case .shortRange: return .shortRange
        case .fullRange: return .fullRange
        case .crowd: return .crowd
        }
    }
}

/// Options shared by `image`, `video` and `batch`: which detector and landmark model run, what they report, how
/// many faces.
struct ModelOptions: ParsableArguments {
    @Option(help: "Landmark model: mesh (468 points), attention (478, irises refined in the same network), cascade (mesh + iris model, 478) or v2 (MediaPipe Tasks' Face Mesh V2, 478, with a tongue-out score).")
    var model: ModelChoice = .attention

    @Option(help: "Face detector: short-range (MediaPipe's face mesh, faces of at least ~1/6 of the frame), full-range (faces down to ~1/11 of the frame) or crowd (tiles: faces down to ~20 px in group photos; slower, proportional to the image area).")
    var detector: DetectorChoice = .shortRange

    @Flag(help: "Add MediaPipe's 52 blendshape scores to each face (needs a 478-point model: v2, attention or cascade).")
    var blendshapes = false

    @Option(help: "The most faces to report (1...\(ModelOptions.maximumFaces)).")
    var maxFaces: Int = 1

    /// The largest `--max-faces` accepted.
    static let maximumFaces = 1024

    @Option(help: "Threads per inference (1...64); results are identical for every count.")
    var threads: Int = 1

    func validate() throws {
        guard (1...Self.maximumFaces).contains(maxFaces) else {
            throw ValidationError("--max-faces must lie in 1...\(Self.maximumFaces)")
        }
        guard !blendshapes || model != .mesh else {
            throw ValidationError("--blendshapes needs a 478-point model (--model v2, attention or cascade)")
        }
        guard FaceMeshOptions.threadRange.contains(threads) else {
            throw ValidationError("--threads must lie in \(FaceMeshOptions.threadRange)")
        }
    }

    /// Engine settings for these options (`staticImageMode` for photos, tracking for videos).
    func engineOptions(staticImageMode: Bool, smoothing: SmoothingMethod = .none) -> FaceMeshOptions {
        FaceMeshOptions(staticImageMode: staticImageMode, maxFaces: maxFaces, model: model.kind, smoothing: smoothing,
                        outputBlendshapes: blendshapes, threads: threads, detector: detector.strategy)
    }
}

/// Options shared by the commands that read photos (`image`, `batch`): how a file becomes pixels.
struct PhotoOptions: ParsableArguments {
    @Flag(help: ArgumentHelp("Keep the stored pixels: ignore the EXIF orientation, which otherwise turns the picture "
                             + "upright (landmarks, width and height then refer to the upright picture, as viewers "
                             + "show it)."))
    var ignoreOrientation = false

    /// Reads and decodes a photo file (PNG, JPEG or WebP) as these options ask.
    func decode(contentsOf url: URL) throws -> RGBImage {
        try ImageDecoder.decode(contentsOf: url, ignoringOrientation: ignoreOrientation)
    }

    /// Decodes a photo held in memory as these options ask.
    func decode(data: Data) throws -> RGBImage {
        try ImageDecoder.decode(data: data, ignoringOrientation: ignoreOrientation)
    }
}

/// The smoothing filters accepted by `video --smoothing`.
enum SmoothingChoice: String, CaseIterable, ExpressibleByArgument {
    case none
    case oneEuro = "one-euro"
    case velocity

    /// none → no filter; one-euro → MediaPipe FaceLandmarker's One Euro filter; velocity → the legacy face
    /// effect graph's relative velocity filter.
    var method: SmoothingMethod {
        switch self {
        case .none: return .none
        case .oneEuro: return .faceLandmarkerDefault
        case .velocity: return .faceEffectDefault
        }
    }
}

/// A frame size written `WIDTHxHEIGHT` (e.g. `640x480`), for raw video on standard input.
struct FrameSize: ExpressibleByArgument, Equatable {
    let width: Int
    let height: Int

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            return nil
        }
        self.width = width
        self.height = height
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
