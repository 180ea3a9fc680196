import Foundation
import ImageCodecs

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
