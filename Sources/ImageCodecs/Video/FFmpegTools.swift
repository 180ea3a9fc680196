import Foundation

/// Where the `ffmpeg` and `ffprobe` executables are. Video decoding and encoding run them as child processes
/// (Debian's `ffmpeg` package ships both); nothing is linked against the FFmpeg libraries.
public struct FFmpegTools: Sendable, Equatable {
    /// The `ffmpeg` executable (decodes to and encodes from raw RGB24 on a pipe).
    public let ffmpeg: URL
    /// The `ffprobe` executable (reads frame size, frame rate and frame count).
    public let ffprobe: URL

    /// Uses the two executables at the given paths (not checked until they are run).
    public init(ffmpeg: URL, ffprobe: URL) {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
    }

    /// Finds `ffmpeg` and `ffprobe` in the directories of `environment["PATH"]`, in order.
    /// - Throws: `VideoError.ffmpegNotFound` naming the first tool that is not an executable file on the path.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> FFmpegTools {
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        func find(_ name: String) throws -> URL {
            for directory in directories {
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                   !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
            }
            throw VideoError.ffmpegNotFound(tool: name)
        }
        return FFmpegTools(ffmpeg: try find("ffmpeg"), ffprobe: try find("ffprobe"))
    }
}

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

/// Drains one output pipe of a child process on a background thread until end of file, keeping at most the last
/// `limit` bytes. Draining keeps the child from blocking on a full pipe (64 KiB on Linux) while the parent is busy
/// with its other pipe; the kept tail is the part of an error log worth reporting.
final class ProcessOutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private let done = DispatchSemaphore(value: 0)
    private let limit: Int

    /// Starts draining `handle` (the parent's reading end of a pipe).
    init(_ handle: FileHandle, limit: Int = 1 << 16) {
        self.limit = limit
        let thread = Thread { [self] in
            let descriptor = handle.fileDescriptor
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                append(chunk[0..<count])
            }
            done.signal()
        }
        thread.start()
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(contentsOf: bytes)
        if buffer.count > limit { buffer = buffer.suffix(limit) }
    }

    /// Waits until the pipe reaches end of file (the child and every other writer closed it) and returns what was
    /// kept.
    func waitForEnd() -> Data {
        done.wait()
        done.signal()
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }

    /// The kept output's non-empty lines, trimmed. Waits for end of file.
    func lines() -> [String] {
        let text = String(decoding: waitForEnd(), as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Writes whole buffers to a pipe without letting a closed reading end kill the process.
///
/// Writing to a pipe whose reader has exited raises SIGPIPE, whose default action terminates the process. Rather
/// than ignoring SIGPIPE process-wide (global state the host program may rely on), the signal is blocked for the
/// calling thread during the write; if the write fails with EPIPE, the signal it left pending on the thread is
/// consumed before the previous signal mask is restored.
enum PipeWriting {
    /// Writes all of `bytes` to `descriptor`, continuing after short writes and interruptions.
    /// - Returns: false if the reading end is closed (EPIPE), true once everything is written.
    /// - Throws: `VideoError.inputOutput` for any other write error.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws -> Bool {
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var pending = sigset_t()
        sigpending(&pending)
        let wasPending = sigismember(&pending, SIGPIPE) == 1
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
        var brokenPipe = false
        defer {
            if brokenPipe, !wasPending {
                var noWait = timespec(tv_sec: 0, tv_nsec: 0)
                while sigtimedwait(&pipeSignal, nil, &noWait) == -1, errno == EINTR {}
            }
            pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        }
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count >= 0 {
                offset += count
            } else if errno == EPIPE {
                brokenPipe = true
                return false
            } else if errno != EINTR {
                throw VideoError.inputOutput(String(cString: strerror(errno)))
            }
        }
        return true
    }
}
