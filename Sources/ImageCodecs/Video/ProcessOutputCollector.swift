import Foundation

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
