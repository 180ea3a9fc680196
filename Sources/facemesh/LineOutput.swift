import Foundation
import ImageCodecs

/// Where `video` writes its JSON lines: standard output (each line as soon as its frame is done), or a file that
/// appears only when the run succeeds: the lines go to a temporary file beside it (`OutputFile`), renamed into
/// place by `commit()` and removed by `discard()`, so a failed run never leaves a file that looks like a result.
final class LineOutput {
    private let handle: FileHandle
    private let file: OutputFile?

    /// Writes to standard output.
    init() {
        handle = .standardOutput
        file = nil
    }

    /// Creates the temporary file for `path`.
    /// - Throws: `OutputFileError` if the folder is missing or not writable, or `path` is a directory.
    init(creatingFileAt path: String) throws {
        let file = try OutputFile(destination: URL(fileURLWithPath: path))
        guard let handle = FileHandle(forWritingAtPath: file.temporaryURL.path) else {
            throw OutputFileError.notWritable(path: path, reason: "cannot open \(file.temporaryURL.path)")
        }
        self.handle = handle
        self.file = file
    }

    /// Appends `text`.
    /// - Throws: `OutputFileError.notWritable` naming the destination (or "standard output").
    func write(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw OutputFileError.notWritable(path: file?.destination.path ?? "standard output",
                                              reason: error.localizedDescription)
        }
    }

    /// Closes a file and renames it into place (standard output stays open).
    func commit() throws {
        guard let file else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            file.discard()
            throw OutputFileError.notWritable(path: file.destination.path, reason: error.localizedDescription)
        }
        try file.commit()
    }

    /// Closes and removes a file's temporary copy (lines already on standard output stay there).
    func discard() {
        guard let file else { return }
        try? handle.close()
        file.discard()
    }
}
