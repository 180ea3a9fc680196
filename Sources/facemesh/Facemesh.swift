import ArgumentParser
import Foundation

/// `facemesh`: face landmarks (MediaPipe Face Mesh / Attention Mesh) and head pose for images and videos, as JSON.
@main
struct Facemesh: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facemesh",
        abstract: "Face landmarks and head pose for images and videos, printed as JSON.",
        discussion: """
        Landmarks are image pixels (x right, y down; z in the same pixel scale, smaller is closer to the camera): \
        468 points with --model mesh, 478 (with irises) with attention or cascade. pose.matrix is the 4x4 \
        canonical-face-to-camera transform in row-major order (translation in cm), pose.yawPitchRoll in degrees.
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
