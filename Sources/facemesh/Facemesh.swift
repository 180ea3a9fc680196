import ArgumentParser

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
        subcommands: [ImageCommand.self, VideoCommand.self])
}
