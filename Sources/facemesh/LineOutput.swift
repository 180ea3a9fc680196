import Foundation

/// Where `video` writes its JSON lines: standard output or a file created (or truncated) for the purpose.
/// Each line is written as soon as its frame is done.
struct LineOutput {
    private let handle: FileHandle
    private let path: String?

    init(handle: FileHandle, path: String?) {
        self.handle = handle
        self.path = path
    }

    /// Creates (or empties) the file at `path` for writing.
    /// - Throws: `LineOutputError` naming the path if it cannot be created.
    init(creatingFileAt path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw LineOutputError(path: path, reason: "cannot create the file")
        }
        self.init(handle: handle, path: path)
    }

    /// Appends `text`.
    func write(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw LineOutputError(path: path ?? "standard output", reason: error.localizedDescription)
        }
    }

    /// Closes a file (standard output stays open).
    func close() throws {
        guard path != nil else { return }
        try handle.close()
    }
}

/// The JSON lines could not be written.
struct LineOutputError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot write \(path): \(reason)" }
}
