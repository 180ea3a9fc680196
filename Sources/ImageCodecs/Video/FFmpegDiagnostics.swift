import Foundation

/// Turns what `ffprobe` and `ffmpeg` print on standard error into `ImageCodecError`s with our own wording, keeping the
/// tools' text only as a short cause: one line, without the context prefix that carries a heap address
/// (`[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b2dd247140] `, different on every run) and without the file name the tools
/// repeat (`file:clip.mp4: `).
enum FFmpegDiagnostics {
    /// The longest cause kept, in characters (the tail of a longer one is cut and marked with "…").
    static let maximumCauseLength = 160

    /// `line` without its `[component @ 0x…] ` prefixes and a leading `file:PATH: ` or `PATH: `, trimmed.
    static func clean(_ line: String, path: String?) -> String {
        var text = Substring(line)
        // Any number of "[name @ 0xADDRESS] " prefixes (a message may be relayed by nested components).
        while text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[..<close].contains(" @ 0x") {
            text = text[text.index(after: close)...].drop(while: { $0 == " " })
        }
        if let path {
            for prefix in ["file:" + path + ": ", path + ": "] where text.hasPrefix(prefix) {
                text = text.dropFirst(prefix.count)
            }
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A short cause from the tool's messages: the last `maximumLines` distinct cleaned lines joined by "; ",
    /// at most `maximumCauseLength` characters; nil if there are none.
    static func cause(_ messages: [String], path: String?, maximumLines: Int = 2) -> String? {
        var distinct: [String] = []
        for message in messages.map({ clean($0, path: path) }) where !message.isEmpty {
            distinct.removeAll { $0 == message }
            distinct.append(message)
        }
        guard !distinct.isEmpty else { return nil }
        let text = distinct.suffix(maximumLines).joined(separator: "; ")
        return text.count <= maximumCauseLength ? text : String(text.prefix(maximumCauseLength - 1)) + "…"
    }

    /// Whether the file begins with an ISO base media (MP4/MOV/3GP) box header: a box type among those that open
    /// such files, at bytes 4..<8.
    static func looksLikeISOMedia(_ head: Data) -> Bool {
        guard head.count >= 8 else { return false }
        let type = String(decoding: head[head.startIndex + 4 ..< head.startIndex + 8], as: UTF8.self)
        return ["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid"].contains(type)
    }

    /// The first bytes of the file at `url` (empty if it cannot be read).
    static func head(of url: URL, count: Int = 16) -> Data {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)) ?? Data()
    }

    /// The error for an `ffprobe` run that failed on the file at `path` with `messages` on standard error.
    static func probeFailure(path: String, messages: [String], head: Data, status: Int32) -> ImageCodecError {
        let cause = cause(messages, path: path, maximumLines: 1) ?? "ffprobe stopped with status \(status)"
        let text = messages.joined(separator: "\n")
        if text.contains("moov atom not found") {
            // An MP4/MOV whose index never got written; a file that is not MP4 at all only had an .mp4-like name.
            return looksLikeISOMedia(head) ? .truncatedFile(path: path, cause: "moov atom not found")
                : .notAVideo(path: path, cause: cause)
        }
        if text.contains("Invalid data found when processing input") || text.contains("could not find codec parameters")
            || text.contains("Failed to read frame size") {
            return .notAVideo(path: path, cause: cause)
        }
        return .unreadableVideo("\(path): \(cause)")
    }

    /// The error for an `ffmpeg` decoder that exited with `status` after delivering `framesRead` frames.
    static func decoderFailure(path: String, messages: [String], framesRead: Int, status: Int32) -> ImageCodecError {
        for message in messages {
            // "Decoder (codec av1) not found for input stream #0:0"
            let line = clean(message, path: path)
            if line.hasPrefix("Decoder (codec "), let close = line.firstIndex(of: ")") {
                let codec = line[line.index(line.startIndex, offsetBy: 15)..<close]
                return .unsupportedCodec(path: path, codec: String(codec))
            }
        }
        let cause = cause(messages, path: path) ?? "ffmpeg stopped with status \(status)"
        return framesRead == 0 ? .unreadableVideo("\(path): \(cause)") : .videoDecodingFailed("\(path): \(cause)")
    }

    /// Whether the decoder's messages say that the file's data ends before the frames its index lists
    /// (the MP4/MOV demuxer's "partial file", or a read past the end).
    static func reportsEarlyEnd(_ messages: [String]) -> Bool {
        messages.contains { $0.contains("partial file") || $0.contains("End of file") || $0.contains("Truncating") }
    }
}
