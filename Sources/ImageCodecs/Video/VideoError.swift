import Foundation

/// Everything that can go wrong while probing, decoding or encoding a video through the `ffmpeg` and `ffprobe`
/// command-line tools.
public enum VideoError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The named tool (`ffmpeg` or `ffprobe`) is not an executable file in any directory of `PATH` (nor at the
    /// explicit path given).
    case ffmpegNotFound(tool: String)
    /// The tool was found but could not be started; `reason` is the system's description.
    case launchFailed(tool: String, reason: String)
    /// No file exists at the path.
    case fileNotFound(path: String)
    /// The file holds no bytes at all.
    case emptyFile(path: String)
    /// The file is not a video container ffmpeg recognises (a text file, an image, random bytes, ...); `cause` is
    /// ffmpeg's own short reason, without its context prefix.
    case notAVideo(path: String, cause: String)
    /// The file starts like a video container but its end is missing, so the index that locates the frames was
    /// never reached (an MP4/MOV whose `moov` box is missing, as when a recording was not finished).
    case truncatedFile(path: String, cause: String)
    /// The container holds no video stream (audio only, subtitles only, ...).
    case noVideoStream(path: String)
    /// The video stream's codec is one this ffmpeg cannot decode; `codec` is its name or its tag in the container.
    case unsupportedCodec(path: String, codec: String)
    /// The file cannot be read as a video for a reason the other cases do not name (a directory, no permission,
    /// no usable frame size or rate, ffmpeg failing before the first frame); the text is "PATH: reason", with the
    /// tool's own short message where it gave one.
    case unreadableVideo(String)
    /// The video decoded without error but held no frame at all.
    case noFrames
    /// The stream ended in the middle of a frame: only `actual` of the `expected` bytes of the last frame arrived.
    case partialFrame(expected: Int, actual: Int)
    /// A frame size that is not positive, or so large that one frame's bytes overflow.
    case invalidFrameSize(width: Int, height: Int)
    /// A frame rate that is not a positive finite number of frames per second.
    case invalidFrameRate(Double)
    /// An image handed to `VideoFrameWriter` does not have the writer's frame size.
    case frameSizeMismatch(expectedWidth: Int, expectedHeight: Int, actualWidth: Int, actualHeight: Int)
    /// `ffmpeg` stopped with an error while decoding, after some frames had been delivered.
    case decodingFailed(String)
    /// `ffmpeg` failed to encode or write the output video.
    case encodingFailed(String)
    /// This ffmpeg has no H.264 encoder (`libx264`), so no overlay video can be written.
    case encoderUnavailable(String)
    /// Reading from or writing to a pipe or file failed; `reason` is the system's description.
    case inputOutput(String)

    /// A one-line description naming the problem and the values involved.
    public var description: String {
        switch self {
        case .ffmpegNotFound(let tool):
            return "\(tool) not found on PATH (install ffmpeg, e.g. `apt-get install ffmpeg`)"
        case .launchFailed(let tool, let reason):
            return "cannot start \(tool): \(reason)"
        case .fileNotFound(let path):
            return "no such video file: \(path)"
        case .emptyFile(let path):
            return "cannot read video \(path): the file is empty (0 bytes)"
        case .notAVideo(let path, let cause):
            return "cannot read video \(path): not a video file (ffmpeg: \(cause))"
        case .truncatedFile(let path, let cause):
            return "cannot read video \(path): the file is truncated, its index is missing (ffmpeg: \(cause))"
        case .noVideoStream(let path):
            return "cannot read video \(path): the file has no video stream"
        case .unsupportedCodec(let path, let codec):
            return "cannot read video \(path): its codec (\(codec)) is not one this ffmpeg can decode"
        case .unreadableVideo(let reason):
            return "cannot read video \(reason)"
        case .noFrames:
            return "the video contains no frames"
        case .partialFrame(let expected, let actual):
            return "input ends with a partial frame: \(actual) of \(expected) bytes (width × height × 3, RGB24)"
        case .invalidFrameSize(let width, let height):
            return "invalid frame size \(width)x\(height): both sides must be positive"
        case .invalidFrameRate(let rate):
            return "invalid frame rate \(rate): must be a positive number of frames per second"
        case .frameSizeMismatch(let expectedWidth, let expectedHeight, let actualWidth, let actualHeight):
            return "frame of \(actualWidth)x\(actualHeight) does not match the video size "
                + "\(expectedWidth)x\(expectedHeight)"
        case .decodingFailed(let reason):
            return "video decoding failed: \(reason)"
        case .encodingFailed(let reason):
            return "ffmpeg failed while encoding: \(reason)"
        case .encoderUnavailable(let reason):
            return "cannot write video: this ffmpeg has no H.264 encoder (libx264): \(reason)"
        case .inputOutput(let reason):
            return "video input/output error: \(reason)"
        }
    }
}

/// Turns what `ffprobe` and `ffmpeg` print on standard error into `VideoError`s with our own wording, keeping the
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
    static func probeFailure(path: String, messages: [String], head: Data, status: Int32) -> VideoError {
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
    static func decoderFailure(path: String, messages: [String], framesRead: Int, status: Int32) -> VideoError {
        for message in messages {
            // "Decoder (codec av1) not found for input stream #0:0"
            let line = clean(message, path: path)
            if line.hasPrefix("Decoder (codec "), let close = line.firstIndex(of: ")") {
                let codec = line[line.index(line.startIndex, offsetBy: 15)..<close]
                return .unsupportedCodec(path: path, codec: String(codec))
            }
        }
        let cause = cause(messages, path: path) ?? "ffmpeg stopped with status \(status)"
        return framesRead == 0 ? .unreadableVideo("\(path): \(cause)") : .decodingFailed("\(path): \(cause)")
    }

    /// Whether the decoder's messages say that the file's data ends before the frames its index lists
    /// (the MP4/MOV demuxer's "partial file", or a read past the end).
    static func reportsEarlyEnd(_ messages: [String]) -> Bool {
        messages.contains { $0.contains("partial file") || $0.contains("End of file") || $0.contains("Truncating") }
    }
}
