import ArgumentParser
import FaceMesh
import Foundation
import ImageCodecs

/// `facemesh`: face landmarks (MediaPipe Face Mesh / Attention Mesh) and head pose for images and videos, as JSON.
@main
struct Facemesh: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facemesh",
        abstract: "Face landmarks and head pose for images and videos, printed as JSON.",
        discussion: """
        Landmarks are image pixels (x right, y down; z in the same pixel scale, smaller is closer to the camera): \
        468 points with --model mesh, 478 (with irises) with attention, cascade or v2. pose.matrix is the 4x4 \
        canonical-face-to-camera transform in row-major order (translation in cm), pose.yawPitchRoll in degrees. \
        --blendshapes adds "blendshapes": MediaPipe's 52 scores in [0, 1] by name (and tongueOut with v2).
        """,
        subcommands: [ImageCommand.self, VideoCommand.self, BatchCommand.self])

    /// ArgumentParser's entry point, except that `batch` reports usage errors with exit status 1 (its documented
    /// contract, which scripts and Spark tasks test) instead of ArgumentParser's 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if CommandLine.arguments.dropFirst().first == "batch", exitCode(for: error) == .validationFailure {
                StandardError.writeLine(fullMessage(for: error))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}

/// `facemesh image PATH`: landmarks and head pose of the faces in one photo (PNG or JPEG), as one JSON document.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Find the faces in a PNG or JPEG image and print one JSON document.",
        discussion: """
        Output: {"width":W,"height":H,"faces":[{"landmarks":[[x,y,z],...],"presence":p,"detectionScore":s,\
        "pose":{"matrix":[...16],"yawPitchRoll":[yaw,pitch,roll]}}]}. No face gives "faces":[] (exit 0); \
        an unreadable image gives one line on standard error and exit 1.
        """)

    @Argument(help: "The image file (PNG, JPEG or WebP).")
    var path: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Also write the image with the mesh, contours, irises and pose axes drawn on it "
                               + "(PNG, or JPEG for a .jpg/.jpeg name).", valueName: "OUT.png"))
    var overlay: String?

    @OptionGroup var photoOptions: PhotoOptions

    func run() throws {
        try CommandFailure.run {
            // The overlay's path is checked before any work (OverlayFile writes PNG or JPEG, atomically).
            if let overlay { try OutputFile.check(URL(fileURLWithPath: overlay), acceptedExtensions: ["png", "jpg", "jpeg"]) }
            let image = try photoOptions.decode(contentsOf: URL(fileURLWithPath: path))
            let engine = try FaceMeshEngine(options: modelOptions.engineOptions(staticImageMode: true))
            let faces = try engine.process(image)
            if let overlay {
                try OverlayFile.write(OverlayRenderer().render(faces, on: image), to: URL(fileURLWithPath: overlay))
            }
            print(FaceJSON.image(width: image.width, height: image.height, faces: faces))
        }
    }
}

/// Writes an overlay picture in the format its file name asks for.
enum OverlayFile {
    /// JPEG for names ending in .jpg or .jpeg (any case), PNG otherwise.
    static func write(_ image: RGBImage, to url: URL) throws {
        switch url.pathExtension.lowercased() {
        case "jpg", "jpeg": try JPEGEncoder.write(image, to: url)
        default: try PNGEncoder.write(image, to: url)
        }
    }
}

/// Reports a failure as one line on standard error ("facemesh: error: …") and ends the command with exit
/// status 1. Every error the command can meet (decoding, video, model, I/O) goes through here, so the output
/// stays one line whatever the error's own text holds.
enum CommandFailure {
    /// A single-line message for `error`: its description with line breaks folded into "; ".
    static func message(for error: Error) -> String {
        let text = String(describing: error)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    /// Writes the message for `error` to standard error and returns the exit code to throw.
    static func report(_ error: Error) -> ExitCode {
        StandardError.writeLine("facemesh: error: " + message(for: error))
        return .failure
    }

    /// Runs `body`, turning any error it throws into a one-line report and exit status 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw report(error)
        }
    }
}

/// Unbuffered writes to standard error.
enum StandardError {
    /// Whether standard error is a terminal (progress bars are drawn only then).
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes `text` and a line break.
    static func writeLine(_ text: String) {
        write(text + "\n")
    }

    /// Writes `text` as is.
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
