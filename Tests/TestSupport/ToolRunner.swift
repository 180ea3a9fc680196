import Foundation

/// Runs a command-line tool and collects its standard output, for the tests that compare against independent
/// tools (`ffmpeg`/`ffprobe` in the video tests, `objdump` in the kernel machine-code test). Test support only;
/// not part of the library.
public enum ToolRunner {
    /// A tool run that failed; the text holds its standard error.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        /// A failure described by `description`.
        public init(description: String) {
            self.description = description
        }
    }

    /// Runs `executable arguments…` and returns its standard output.
    /// - Throws: `Failure` with the tool's standard error if it exits with a non-zero status.
    @discardableResult
    public static func run(_ executable: URL, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Standard error is drained on another thread so that neither pipe can fill up and stall the tool.
        let errorText = ErrorText()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errorText.value = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            drained.signal()
        }.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        drained.wait()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(description: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) "
                          + "failed: " + errorText.value)
        }
        return data
    }

    /// Text handed from the draining thread to the caller (the semaphore orders the accesses).
    private final class ErrorText: @unchecked Sendable {
        var value = ""
    }
}
