import Foundation

/// Reads a video file's frame size, frame rate and frame count with `ffprobe` (first video stream only).
public enum VideoProbe {
    /// Describes the first video stream of the local file `url`.
    /// - Throws: `VideoError.fileNotFound`, `.emptyFile`; `.notAVideo` / `.truncatedFile` when ffprobe cannot
    ///   read the file (not a media file / an MP4 without its index); `.noVideoStream`; `.unsupportedCodec` when
    ///   ffprobe does not know the stream's codec; `.unreadableVideo` for any other failure or no usable size;
    ///   `.launchFailed`.
    public static func probe(_ url: URL, tools: FFmpegTools) throws -> VideoInfo {
        try ChildProcess.checkInputFile(url)
        let output = Pipe()
        let (process, errors) = try ChildProcess.start(tools.ffprobe, arguments: [
            "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,codec_tag_string,width,height,r_frame_rate,avg_frame_rate,nb_frames,duration"
                + ":stream_tags=rotate:stream_side_data=rotation",
            "-of", "json", "file:" + url.path,
        ], input: nil, output: output)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let messages = errors.lines()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw FFmpegDiagnostics.probeFailure(path: url.path, messages: messages,
                                                 head: FFmpegDiagnostics.head(of: url), status: process.terminationStatus)
        }
        return try parse(data, path: url.path)
    }

    /// Interprets ffprobe's JSON (`-of json` with the entries `probe` asks for).
    static func parse(_ data: Data, path: String) throws -> VideoInfo {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw VideoError.unreadableVideo("\(path): ffprobe gave no readable description")
        }
        guard let streams = root["streams"] as? [[String: Any]], let stream = streams.first else {
            throw VideoError.noVideoStream(path: path)
        }
        // ffprobe names every codec it has a decoder or parser for; an unknown one shows only its container tag.
        guard let codec = stream["codec_name"] as? String, !codec.isEmpty, codec != "none" else {
            let tag = (stream["codec_tag_string"] as? String).flatMap { $0.isEmpty || $0.hasPrefix("[0]") ? nil : $0 }
            throw VideoError.unsupportedCodec(path: path, codec: tag ?? "unknown")
        }
        guard let storedWidth = integer(stream["width"]), let storedHeight = integer(stream["height"]),
              storedWidth > 0, storedHeight > 0 else {
            throw VideoError.unreadableVideo("\(path): the video stream has no frame size")
        }
        let averageRate = (stream["avg_frame_rate"] as? String).flatMap(FrameRate.init(ffmpegText:))
        let baseRate = (stream["r_frame_rate"] as? String).flatMap(FrameRate.init(ffmpegText:))
        // The base rate is exact (e.g. 30000/1001) where the average is a measured approximation of it; the
        // average is the better description when the two disagree (variable frame rate).
        let agree = averageRate.flatMap { average in baseRate.map { abs($0.framesPerSecond / average.framesPerSecond - 1) < 0.005 } } ?? false
        guard let frameRate = agree ? baseRate : (averageRate ?? baseRate) else {
            throw VideoError.unreadableVideo("\(path): the video stream has no frame rate")
        }
        let duration = (stream["duration"] as? String).flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        let declaredCount = integer(stream["nb_frames"]).flatMap { $0 > 0 ? $0 : nil }
        var frameCount = declaredCount
        if frameCount == nil, let duration {
            frameCount = Int((duration * frameRate.framesPerSecond).rounded())
        }
        let rotation = rotationDegrees(of: stream)
        let swapped = rotation == 90 || rotation == 270
        return VideoInfo(width: swapped ? storedHeight : storedWidth, height: swapped ? storedWidth : storedHeight,
                         frameRate: frameRate, expectedFrameCount: frameCount, duration: duration,
                         rotationDegrees: rotation, declaredFrameCount: declaredCount)
    }

    /// The display rotation from the display-matrix side data (FFmpeg ≥ 5) or the legacy `rotate` tag, as a
    /// clockwise angle in {0, 90, 180, 270}.
    private static func rotationDegrees(of stream: [String: Any]) -> Int {
        var angle: Double?
        if let sideData = stream["side_data_list"] as? [[String: Any]] {
            // The display matrix's rotation is counter-clockwise; players rotate clockwise by its negation.
            angle = sideData.lazy.compactMap { number($0["rotation"]) }.first.map { -$0 }
        }
        if angle == nil, let tags = stream["tags"] as? [String: Any] {
            angle = number(tags["rotate"])
        }
        guard let angle, angle.isFinite else { return 0 }
        let quarterTurns = Int((angle / 90).rounded())
        return ((quarterTurns % 4) + 4) % 4 * 90
    }

    private static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        if let text = value as? String { return Double(text) }
        return nil
    }

    private static func integer(_ value: Any?) -> Int? {
        guard let value = number(value), value.isFinite, abs(value) < 1e15 else { return nil }
        return Int(value)
    }
}

/// What `VideoProbe` learns about a video file's first video stream.
public struct VideoInfo: Sendable, Equatable {
    /// Width in pixels of the frames `ffmpeg` decodes (after applying the stream's rotation metadata).
    public let width: Int
    /// Height in pixels of the decoded frames (after rotation).
    public let height: Int
    /// The rate at which frames are delivered: the stream's average frame rate, or its base rate when the
    /// average is unknown.
    public let frameRate: FrameRate
    /// The number of frames the container declares, or the duration times the frame rate when it declares none;
    /// nil if neither is known. An estimate for progress reports, not a promise.
    public let expectedFrameCount: Int?
    /// The number of frames the container's index declares (MP4/MOV `nb_frames`), nil if it declares none.
    public let declaredFrameCount: Int?
    /// The stream's duration in seconds, if known.
    public let duration: Double?
    /// Clockwise rotation in degrees (0, 90, 180, 270) that the stream's metadata asks players to apply;
    /// `ffmpeg` applies it while decoding, and `width`/`height` are already swapped for 90 and 270.
    public let rotationDegrees: Int

    /// Creates a description from its parts (as `VideoProbe` does).
    public init(width: Int, height: Int, frameRate: FrameRate, expectedFrameCount: Int?, duration: Double?,
                rotationDegrees: Int = 0, declaredFrameCount: Int? = nil) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.expectedFrameCount = expectedFrameCount
        self.declaredFrameCount = declaredFrameCount
        self.duration = duration
        self.rotationDegrees = rotationDegrees
    }
}

/// A video frame rate as the exact fraction `numerator / denominator` frames per second (FFmpeg's rational
/// form, e.g. 30000/1001 for NTSC's 29.97 fps).
public struct FrameRate: Sendable, Hashable, CustomStringConvertible {
    /// Frames per `denominator` seconds (positive).
    public let numerator: Int
    /// Seconds per `numerator` frames (positive).
    public let denominator: Int

    /// Creates the rate `numerator / denominator` frames per second.
    /// - Throws: `VideoError.invalidFrameRate` unless both parts are positive.
    public init(numerator: Int, denominator: Int = 1) throws {
        guard numerator > 0, denominator > 0 else {
            throw VideoError.invalidFrameRate(denominator == 0 ? 0 : Double(numerator) / Double(denominator))
        }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The rate `framesPerSecond` as a fraction: n/1 for a whole number, else rounded to a multiple of 1/1000 fps.
    /// - Throws: `VideoError.invalidFrameRate` unless the value is finite and in [0.001, 1,000,000].
    public init(framesPerSecond: Double) throws {
        guard framesPerSecond.isFinite, framesPerSecond >= 0.001, framesPerSecond <= 1_000_000 else {
            throw VideoError.invalidFrameRate(framesPerSecond)
        }
        if framesPerSecond == framesPerSecond.rounded() {
            try self.init(numerator: Int(framesPerSecond), denominator: 1)
        } else {
            try self.init(numerator: Int((framesPerSecond * 1000).rounded()), denominator: 1000)
        }
    }

    /// Parses FFmpeg's "num/den" or a plain decimal ("25", "29.97"); nil for "0/0", zero, negative or malformed
    /// text.
    public init?(ffmpegText text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let numerator = Int(parts[0]), let denominator = Int(parts[1]),
           let rate = try? FrameRate(numerator: numerator, denominator: denominator) {
            self = rate
        } else if parts.count == 1, let value = Double(text), let rate = try? FrameRate(framesPerSecond: value) {
            self = rate
        } else {
            return nil
        }
    }

    /// Frames per second as a floating-point number.
    public var framesPerSecond: Double { Double(numerator) / Double(denominator) }

    /// The time of frame `index` (0-based) in seconds: index · denominator / numerator.
    public func timestamp(ofFrame index: Int) -> Double {
        Double(index) * Double(denominator) / Double(numerator)
    }

    /// FFmpeg's text form "numerator/denominator", accepted by its `-r` and `-framerate` options.
    public var description: String { "\(numerator)/\(denominator)" }
}
