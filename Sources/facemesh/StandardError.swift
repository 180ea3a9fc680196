import Foundation

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
