import Foundation

/// Small videos made by the `ffmpeg` command-line tool for the video tests (reader and command), and `ffprobe`'s
/// own account of their frames, which the tests compare against. Test support only; not part of the library.
public enum VideoSamples {
    /// `ToolRunner.run`: the standard output of `executable arguments…`, or `ToolRunner.Failure` with its standard
    /// error.
    @discardableResult
    private static func run(_ executable: URL, _ arguments: [String]) throws -> Data {
        try ToolRunner.run(executable, arguments)
    }

    /// The variable-frame-rate file of issue #17, made with the issue's own command: 60 frames of 480×360 in
    /// blocks of 10 that alternate 60 fps and 15 fps (phone recordings do this), H.264 in MP4. The raw frames are
    /// the first 60 frames of `source` (a face video) cut to 480×360, so trackers have something to follow.
    public static func makeVariableFrameRateVideo(at url: URL, from source: URL, ffmpeg: URL) throws {
        let frames = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".rgb")
        defer { try? FileManager.default.removeItem(at: frames) }
        try run(ffmpeg, ["-nostdin", "-v", "error", "-y", "-i", source.path, "-frames:v", "60",
                         "-vf", "crop=min(iw\\,480):min(ih\\,360),pad=480:360:(ow-iw)/2:(oh-ih)/2",
                         "-f", "rawvideo", "-pix_fmt", "rgb24", frames.path])
        try run(ffmpeg, ["-nostdin", "-v", "error", "-y",
                         "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "480x360", "-r", "60", "-i", frames.path,
                         "-vf", "setpts='(floor(floor(N/10)/2)*50+if(eq(mod(floor(N/10),2),0),mod(N,10),10+4*mod(N,10)))/(60*TB)'",
                         "-fps_mode", "passthrough", "-enc_time_base", "1/60", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                         url.path])
    }

    /// The presentation time in seconds of every frame of the first video stream, in decoding output order, as
    /// `ffprobe -show_frames` reports it (`best_effort_timestamp_time`, the time players use).
    public static func frameTimes(of url: URL, ffprobe: URL) throws -> [Double] {
        let text = String(decoding: try run(ffprobe, ["-v", "error", "-select_streams", "v:0",
                                                      "-show_entries", "frame=best_effort_timestamp_time",
                                                      "-of", "csv=p=0", url.path]), as: UTF8.self)
        return try text.split(whereSeparator: \.isNewline).map {
            let field = $0.split(separator: ",").first.map(String.init) ?? ""
            guard let time = Double(field) else { throw ToolRunner.Failure(description: "ffprobe printed \($0)") }
            return time
        }
    }

    /// A 64×48 H.264 MP4 of 5 frames whose display matrix turns it a quarter turn (players show it 48×64).
    public static func makeRotatedVideo(at url: URL, ffmpeg: URL) throws {
        let plain = url.deletingLastPathComponent().appendingPathComponent("unrotated-" + url.lastPathComponent)
        defer { try? FileManager.default.removeItem(at: plain) }
        try run(ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=64x48:r=10",
                         "-frames:v", "5", "-c:v", "libx264", "-pix_fmt", "yuv420p", plain.path])
        // Stream copy turns the legacy rotate tag into display-matrix side data (ffmpeg 5.1).
        try run(ffmpeg, ["-nostdin", "-v", "error", "-y", "-i", plain.path, "-c", "copy",
                         "-metadata:s:v:0", "rotate=90", url.path])
    }

    /// A Matroska file whose video stream's codec tag (FourCC) is one no decoder knows: an FFV1 stream with its
    /// `FFV1` tag overwritten by `QQQ9`.
    public static func makeUnknownCodecVideo(at url: URL, ffmpeg: URL) throws {
        try run(ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=64x48:r=10",
                         "-frames:v", "3", "-c:v", "ffv1", url.path])
        var bytes = [UInt8](try Data(contentsOf: url))
        let tag = Array("FFV1".utf8), replacement = Array("QQQ9".utf8)
        var index = 0
        while index + 4 <= bytes.count {
            if Array(bytes[index..<index + 4]) == tag { bytes.replaceSubrange(index..<index + 4, with: replacement) }
            index += 1
        }
        try Data(bytes).write(to: url)
    }

    /// One second of a sine tone in an M4A (AAC) file: a media file without a video stream.
    public static func makeAudioOnlyFile(at url: URL, ffmpeg: URL) throws {
        try run(ffmpeg, ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1", url.path])
    }

    /// A copy of the MP4 `source` with its index (`moov`) before the media data (`-movflags +faststart`), cut to
    /// its first `fraction` of bytes: the index is intact but lists frames whose data is missing.
    public static func makeTruncatedVideo(at url: URL, from source: URL, fraction: Double, ffmpeg: URL) throws {
        let whole = url.deletingLastPathComponent().appendingPathComponent("whole-" + url.lastPathComponent)
        defer { try? FileManager.default.removeItem(at: whole) }
        try run(ffmpeg, ["-nostdin", "-v", "error", "-y", "-i", source.path, "-map", "0:v:0", "-c", "copy",
                         "-movflags", "+faststart", whole.path])
        let data = try Data(contentsOf: whole)
        try data.prefix(Int(Double(data.count) * fraction)).write(to: url)
    }
}
