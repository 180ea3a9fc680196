import Foundation

/// Encodes RGB images as an H.264 video file (libx264, yuv420p, BT.601 limited range) through an `ffmpeg` child
/// process that reads raw RGB24 frames from a pipe. The container follows the file extension (`.mp4`, `.mkv`,
/// `.mov`, ...). Odd frame sizes are padded by one black row or column (yuv420p needs even sides).
///
/// Call `write(_:)` for every frame, then `finish()`, which waits for the encoder and reports its errors. A writer
/// dropped without `finish()` stops the encoder (the file is then incomplete). Not thread-safe.
public final class VideoFrameWriter {
    /// The output file.
    public let url: URL
    /// Frame width in pixels; every image written must have it.
    public let width: Int
    /// Frame height in pixels; every image written must have it.
    public let height: Int
    /// Frame rate of the output video.
    public let frameRate: FrameRate
    /// How many frames have been written.
    public private(set) var framesWritten = 0

    private let process: Process
    private let errors: ProcessOutputCollector
    private let input: FileHandle
    private var isFinished = false

    /// Starts `ffmpeg` writing to `url` (replacing an existing file).
    /// - Parameters:
    ///   - url: the output file; its extension chooses the container (e.g. `.mp4`).
    ///   - width: frame width in pixels.
    ///   - height: frame height in pixels.
    ///   - frameRate: frames per second of the output.
    ///   - tools: the FFmpeg executables; nil finds them on `PATH`.
    /// - Throws: `VideoError.invalidFrameSize`, `.ffmpegNotFound`, `.launchFailed`.
    public init(url: URL, width: Int, height: Int, frameRate: FrameRate, tools: FFmpegTools? = nil) throws {
        _ = try RawFrameStream.frameByteCount(width: width, height: height)
        let tools = try tools ?? FFmpegTools.locate()
        let pipe = Pipe()
        (process, errors) = try ChildProcess.start(tools.ffmpeg, arguments: [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)",
            "-framerate", frameRate.description, "-i", "pipe:0",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
            "-c:v", "libx264", "-pix_fmt", "yuv420p",
            "-colorspace", "smpte170m", "-color_primaries", "smpte170m", "-color_trc", "smpte170m",
            "-color_range", "tv",
            "file:" + url.path,
        ], input: pipe, output: nil)
        input = pipe.fileHandleForWriting
        self.url = url
        self.width = width
        self.height = height
        self.frameRate = frameRate
    }

    deinit {
        if !isFinished {
            try? input.close()
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    /// Appends one frame.
    /// - Throws: `VideoError.frameSizeMismatch` for an image of another size (nothing is written);
    ///   `.encodingFailed` with ffmpeg's message if the encoder has stopped; `.inputOutput`.
    public func write(_ image: RGBImage) throws {
        guard !isFinished else { throw VideoError.encodingFailed("the writer is already finished") }
        guard image.width == width, image.height == height else {
            throw VideoError.frameSizeMismatch(expectedWidth: width, expectedHeight: height,
                                               actualWidth: image.width, actualHeight: image.height)
        }
        let written = try image.pixels.withUnsafeBytes { try PipeWriting.writeAll($0, to: input.fileDescriptor) }
        guard written else {
            try finish()
            throw VideoError.encodingFailed("ffmpeg stopped reading frames")
        }
        framesWritten += 1
    }

    /// Ends the input, waits for `ffmpeg` to finish the file and checks that it succeeded.
    /// - Throws: `VideoError.encodingFailed` with ffmpeg's message if it exits with an error.
    public func finish() throws {
        guard !isFinished else { return }
        isFinished = true
        try? input.close()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw VideoError.encodingFailed(errors.summary() ?? "ffmpeg stopped with status \(process.terminationStatus)")
        }
    }
}
