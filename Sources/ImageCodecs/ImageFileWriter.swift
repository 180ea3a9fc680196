import Foundation

/// Writes encoded image bytes to disk, turning Foundation's errors into `ImageCodecError`s that name the path.
enum ImageFileWriter {
    /// Writes `data` to the local file `url` atomically (a temporary file renamed into place).
    static func write(_ data: Data, to url: URL) throws {
        guard url.isFileURL else {
            throw ImageCodecError.unwritableFile(path: url.absoluteString, reason: "not a file URL")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ImageCodecError.unwritableFile(path: url.path, reason: "the path is a directory")
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ImageCodecError.unwritableFile(path: url.path, reason: error.localizedDescription)
        }
    }
}
