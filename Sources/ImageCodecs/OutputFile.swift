import Foundation

/// A result file that appears complete or not at all. Its bytes go to a temporary file beside the destination
/// (same folder, so the final rename is atomic: `.NAME.XXXXXXXX.partial`); `commit()` renames it into place,
/// `discard()` (or dropping the value uncommitted) removes it. Creating the temporary file up front proves the
/// folder exists and is writable before any work is done.
///
/// A destination that exists and is not a regular file (`/dev/null`, a named pipe, a terminal) is written in place:
/// it cannot be replaced by a rename, and must never be.
///
/// Not thread-safe. A process killed by a signal leaves the temporary file behind (never the destination),
/// unless it called `removeTemporaryFilesOnInterrupt()`.
public final class OutputFile {
    /// Where the file appears on `commit()`.
    public let destination: URL
    /// The file that receives the bytes until then: a temporary file, or `destination` itself when that is not a
    /// regular file.
    public let temporaryURL: URL
    private let writesInPlace: Bool
    private var isSettled = false

    /// Checks `destination` (see `check(_:acceptedExtensions:)`) and creates an empty temporary file beside it
    /// (mode 0666 less the umask, like any new file).
    /// - Throws: `ImageCodecError`.
    public init(destination: URL, acceptedExtensions: [String]? = nil) throws {
        try OutputFile.check(destination, acceptedExtensions: acceptedExtensions)
        self.destination = destination
        var status = stat()
        if stat(destination.path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            writesInPlace = true
            temporaryURL = destination
            return
        }
        writesInPlace = false
        let folder = destination.deletingLastPathComponent()
        var created: URL?
        for _ in 0..<16 {
            let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            let candidate = folder.appendingPathComponent("." + destination.lastPathComponent + "." + suffix + ".partial")
            let descriptor = open(candidate.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 {
                close(descriptor)
                created = candidate
                break
            }
            guard errno == EEXIST else {
                throw ImageCodecError.notWritable(path: destination.path, reason: String(cString: strerror(errno)))
            }
        }
        guard let created else {
            throw ImageCodecError.notWritable(path: destination.path, reason: "no free temporary name in its folder")
        }
        temporaryURL = created
        interruptSlot = InterruptCleanup.register(created.path)
    }

    deinit {
        discard()
    }

    private var interruptSlot: Int?

    /// Makes SIGINT, SIGTERM and SIGHUP remove the temporary files of the `OutputFile`s not yet committed or
    /// discarded, then end the process as the signal would have. For command-line programs: the handlers replace
    /// any the process had (call once, at start-up).
    public static func removeTemporaryFilesOnInterrupt() {
        InterruptCleanup.install()
    }

    /// Checks, without creating anything, that `url` can receive a file: a local path that is not a directory, in
    /// an existing folder the process may write to, with one of `acceptedExtensions` (any case) if given.
    /// - Throws: `ImageCodecError`.
    public static func check(_ url: URL, acceptedExtensions: [String]? = nil) throws {
        let path = url.path
        guard url.isFileURL, !url.lastPathComponent.isEmpty, !path.hasSuffix("/") else {
            throw ImageCodecError.outputIsDirectory(path: path)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ImageCodecError.outputIsDirectory(path: path)
        }
        if let acceptedExtensions, !acceptedExtensions.contains(url.pathExtension.lowercased()) {
            throw ImageCodecError.unsupportedExtension(path: path, accepted: acceptedExtensions)
        }
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImageCodecError.folderMissing(path: path)
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw ImageCodecError.notWritable(path: path, reason: "the folder \(folder) is not writable")
        }
    }

    /// Renames the temporary file to `destination` (replacing an existing file).
    /// - Throws: `ImageCodecError.notWritable` if the rename fails (the temporary file is then removed).
    public func commit() throws {
        guard !isSettled else { return }
        isSettled = true
        guard !writesInPlace else { return }
        InterruptCleanup.unregister(interruptSlot)
        guard rename(temporaryURL.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryURL.path)
            throw ImageCodecError.notWritable(path: destination.path, reason: reason)
        }
    }

    /// Removes the temporary file; the destination is left as it was. Does nothing after `commit()`, nor for a
    /// destination written in place.
    public func discard() {
        guard !isSettled else { return }
        isSettled = true
        guard !writesInPlace else { return }
        InterruptCleanup.unregister(interruptSlot)
        unlink(temporaryURL.path)
    }

    /// The folder part of `path` ("." for a bare file name).
    static func folder(of path: String) -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return folder.isEmpty ? "." : folder
    }
}

/// The temporary files a signal handler removes: a fixed table of C strings that the handler only reads
/// (`unlink`, `signal` and `raise` are async-signal-safe). A slot is published by one pointer store and cleared
/// before its string is freed, so the handler never sees a freed string.
///
/// Child processes that write to such files (the overlay's ffmpeg) are registered too: the handler kills and reaps
/// them before it unlinks, so a child that opens its output late cannot create the file again after the removal.
enum InterruptCleanup {
    static let capacity = 32
    nonisolated(unsafe) static let children: UnsafeMutablePointer<pid_t> = {
        let children = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        children.initialize(repeating: 0, count: capacity)
        return children
    }()

    /// Records a child process writing a temporary file; nil if the table is full.
    static func registerChild(_ processIdentifier: pid_t) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard processIdentifier > 0, let free = (0..<capacity).first(where: { children[$0] == 0 }) else { return nil }
        children[free] = processIdentifier
        return free
    }

    /// Forgets a child recorded by `registerChild` (call once it has exited or been waited for).
    static func unregisterChild(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        defer { lock.unlock() }
        children[slot] = 0
    }
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()
    static let lock = NSLock()

    /// Records `path`; nil if the table is full (the file is then only removed by normal failure handling).
    static func register(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let free = (0..<capacity).first(where: { slots[$0] == nil }) else { return nil }
        slots[free] = strdup(path)
        return free
    }

    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        defer { lock.unlock() }
        let path = slots[slot]
        slots[slot] = nil
        free(path)
    }

    static func install() {
        _ = slots
        _ = children
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                // kill, waitpid and unlink are async-signal-safe.
                for index in 0..<InterruptCleanup.capacity where InterruptCleanup.children[index] > 0 {
                    kill(InterruptCleanup.children[index], SIGKILL)
                    _ = waitpid(InterruptCleanup.children[index], nil, 0)
                }
                for index in 0..<InterruptCleanup.capacity {
                    if let path = InterruptCleanup.slots[index] { unlink(path) }
                }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
