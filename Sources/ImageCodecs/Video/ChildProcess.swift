import Foundation

/// Starts FFmpeg's tools as child processes with their standard streams connected to pipes or files, turning
/// launch failures into `VideoError`s.
enum ChildProcess {
    /// Starts `executable` with `arguments`. `input` and `output` are a `Pipe`, a `FileHandle` or nil (the null
    /// device); standard error always goes to a new pipe, drained by the returned collector.
    static func start(_ executable: URL, arguments: [String], input: Any?, output: Any?) throws
        -> (process: Process, errors: ProcessOutputCollector) {
        let errorPipe = Pipe()
        let process = try start(executable, arguments: arguments, input: input, output: output, errors: errorPipe)
        return (process, ProcessOutputCollector(errorPipe.fileHandleForReading))
    }

    /// Starts `executable` with standard error on `errors`, which the caller must drain.
    static func start(_ executable: URL, arguments: [String], input: Any?, output: Any?, errors: Pipe) throws
        -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = input ?? FileHandle.nullDevice
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw VideoError.launchFailed(tool: executable.lastPathComponent, reason: error.localizedDescription)
        }
        return process
    }

    /// Checks that `path` names an existing, readable, non-empty file (or something else that is not a directory).
    /// - Throws: `VideoError.fileNotFound`, `.emptyFile`, or `.unreadableVideo` for a directory or no permission.
    static func checkInputFile(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw VideoError.fileNotFound(path: url.path)
        }
        guard !isDirectory.boolValue else {
            throw VideoError.unreadableVideo("\(url.path): it is a directory")
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw VideoError.unreadableVideo("\(url.path): it is not readable (permission denied)")
        }
        // A regular file of 0 bytes (a named pipe or device also reports size 0 but may still deliver data).
        let attributes = (try? FileManager.default.attributesOfItem(atPath: url.path)) ?? [:]
        if attributes[.type] as? FileAttributeType == .typeRegular, (attributes[.size] as? NSNumber)?.intValue == 0 {
            throw VideoError.emptyFile(path: url.path)
        }
    }
}
