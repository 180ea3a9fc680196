import Foundation

/// Reads the standard error of the decoding `ffmpeg`, which carries two things: the `framecrc` record of every
/// frame delivered on standard output (written there by a second muxer of the same `tee` output, so each record
/// belongs to exactly one delivered frame, in order) and ffmpeg's own error messages.
///
/// The `framecrc` format (libavformat/framecrcenc.c) is a header of `#key: value` lines, among them
/// `#tb 0: NUM/DEN` (the stream's time base), then one line per frame:
/// `stream, dts, pts, duration, size, 0xADLER32` with timestamps in time-base units. A frame's presentation time in
/// seconds is pts · NUM / DEN.
///
/// A background thread drains the pipe (so ffmpeg never blocks on it); `timestamp(ofFrame:)` waits for a frame's
/// record. Messages keep the last `messageLimit` lines.
final class DecoderLog: @unchecked Sendable {
    private let condition = NSCondition()
    private var timestamps: [Double] = []
    private var timeBase: (numerator: Int64, denominator: Int64)?
    private var messages: [String] = []
    private var isAtEnd = false
    private let messageLimit = 64

    /// Starts draining `handle` (the parent's reading end of ffmpeg's standard error).
    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let descriptor = handle.fileDescriptor
            var pending = Data()
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending.append(contentsOf: chunk[0..<count])
                while let newline = pending.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    take(line)
                }
            }
            if !pending.isEmpty { take(String(decoding: pending, as: UTF8.self)) }
            condition.lock()
            isAtEnd = true
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    /// Files one line: a time base, a frame record or a message.
    private func take(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        if trimmed.hasPrefix("#") {
            if let base = DecoderLog.timeBase(header: trimmed) { timeBase = base }
        } else if let pts = DecoderLog.presentationTimestamp(record: trimmed), let timeBase {
            timestamps.append(Double(pts) * Double(timeBase.numerator) / Double(timeBase.denominator))
            condition.broadcast()
        } else {
            messages.append(trimmed)
            if messages.count > messageLimit { messages.removeFirst(messages.count - messageLimit) }
        }
    }

    /// The presentation time in seconds of frame `index` (0-based), waiting for its record; nil if ffmpeg's
    /// standard error ended without one.
    func timestamp(ofFrame index: Int) -> Double? {
        condition.lock()
        defer { condition.unlock() }
        while timestamps.count <= index, !isAtEnd { condition.wait() }
        return index < timestamps.count ? timestamps[index] : nil
    }

    /// The messages kept so far, oldest first; `waitForEnd` first waits until ffmpeg closed its standard error.
    func messages(waitForEnd: Bool) -> [String] {
        condition.lock()
        defer { condition.unlock() }
        while waitForEnd, !isAtEnd { condition.wait() }
        return messages
    }

    /// Parses `#tb 0: NUM/DEN`.
    static func timeBase(header line: String) -> (numerator: Int64, denominator: Int64)? {
        guard line.hasPrefix("#tb "), let colon = line.firstIndex(of: ":") else { return nil }
        let parts = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).split(separator: "/")
        guard parts.count == 2, let numerator = Int64(parts[0]), let denominator = Int64(parts[1]),
              numerator > 0, denominator > 0 else { return nil }
        return (numerator, denominator)
    }

    /// The pts of a frame record `stream, dts, pts, duration, size, 0xCHECKSUM` (followed by `, S=…` side-data
    /// fields when the packet has any), or nil for any other line.
    /// A frame without a pts (FFmpeg's AV_NOPTS_VALUE, Int64.min) falls back to its dts.
    static func presentationTimestamp(record line: String) -> Int64? {
        let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count >= 6, Int(fields[0]) != nil, Int(fields[3]) != nil, Int(fields[4]) != nil,
              fields[5].hasPrefix("0x"), let dts = Int64(fields[1]), let pts = Int64(fields[2]) else { return nil }
        if pts != Int64.min { return pts }
        return dts != Int64.min ? dts : nil
    }
}
