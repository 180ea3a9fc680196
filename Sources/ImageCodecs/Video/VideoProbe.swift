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
