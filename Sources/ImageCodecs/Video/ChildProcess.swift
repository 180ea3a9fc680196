import Foundation

/// Starts FFmpeg's tools as child processes with their standard streams connected to pipes or files, turning
/// launch failures into `VideoError`s.
enum ChildProcess {
    /// Starts `executable` with `arguments`. `input` and `output` are a `Pipe`, a `FileHandle` or nil (the null
    /// device); standard error always goes to a new pipe, drained by the returned collector.
    static func start(_ executable: URL, arguments: [String], input: Any?, output: Any?) throws
        -> (process: Process, errors: ProcessOutputCollector) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = input ?? FileHandle.nullDevice
        process.standardOutput = output ?? FileHandle.nullDevice
        let errorPipe = Pipe()
        process.standardError = errorPipe
        do {
            try process.run()
        } catch {
            throw VideoError.launchFailed(tool: executable.lastPathComponent, reason: error.localizedDescription)
        }
        return (process, ProcessOutputCollector(errorPipe.fileHandleForReading))
    }

    /// Checks that `path` names an existing regular file (or something else that is not a directory).
    /// - Throws: `VideoError.fileNotFound`, or `.unreadableVideo` for a directory.
    static func checkInputFile(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw VideoError.fileNotFound(path: url.path)
        }
        guard !isDirectory.boolValue else {
            throw VideoError.unreadableVideo("\(url.path) is a directory")
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw VideoError.unreadableVideo("\(url.path) is not readable (permission denied)")
        }
    }
}
