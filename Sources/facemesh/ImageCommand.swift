import ArgumentParser
import FaceMesh
import Foundation
import ImageCodecs

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

    @Argument(help: "The image file (PNG or JPEG).")
    var path: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Also write the image with the mesh, contours, irises and pose axes drawn on it "
                               + "(PNG, or JPEG for a .jpg/.jpeg name).", valueName: "OUT.png"))
    var overlay: String?

    func run() throws {
        try CommandFailure.run {
            // The overlay's path is checked before any work (OverlayFile writes PNG or JPEG, atomically).
            if let overlay { try OutputFile.check(URL(fileURLWithPath: overlay), acceptedExtensions: ["png", "jpg", "jpeg"]) }
            let image = try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: path))
            let engine = try FaceMeshEngine(options: modelOptions.engineOptions(staticImageMode: true))
            let faces = try engine.process(try ImageFrame(width: image.width, height: image.height, pixels: image.pixels))
            if let overlay {
                try OverlayFile.write(OverlayRenderer().render(faces, on: image), to: URL(fileURLWithPath: overlay))
            }
            print(FaceJSON.image(width: image.width, height: image.height, faces: faces))
        }
    }
}
