import Foundation

/// Encodes RGB images as an H.264 video file (libx264, yuv420p, BT.601 limited range) through an `ffmpeg` child
/// process that reads raw RGB24 frames from a pipe. The container follows the file extension (`containers`).
/// Odd frame sizes are padded by one black row or column (yuv420p needs even sides).
///
/// Everything that can be checked is checked before the first frame: the extension, the folder (exists, writable)
/// and that this ffmpeg has libx264. The video is written to a temporary file beside `url` (`OutputFile`) and
/// renamed to `url` only when `finish()` succeeds; a failed or abandoned writer removes it, so `url` never holds a
/// partial video.
///
/// Call `write(_:)` for every frame, then `finish()`, which waits for the encoder and reports its errors. A writer
/// dropped without `finish()` stops the encoder and removes the temporary file. Not thread-safe.
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

    /// The file extensions accepted (lowercase, without the dot) and the ffmpeg muxer each one selects.
    public static let containers: [String: String] = [
        "mp4": "mp4", "m4v": "mp4", "mov": "mov", "mkv": "matroska", "avi": "avi",
    ]

    private let process: Process
    private let errors: ProcessOutputCollector
    private let input: FileHandle
    private let file: OutputFile
    private var isFinished = false
    /// The encoder's entry in the interrupt cleanup (`OutputFile.removeTemporaryFilesOnInterrupt()`).
    private let childSlot: Int?

    /// Checks the output and starts `ffmpeg` writing to a temporary file beside `url`.
    /// - Parameters:
    ///   - url: the output file; its extension chooses the container (e.g. `.mp4`).
    ///   - width: frame width in pixels.
    ///   - height: frame height in pixels.
    ///   - frameRate: frames per second of the output.
    ///   - tools: the FFmpeg executables; nil finds them on `PATH`.
    /// - Throws: `ImageCodecError.invalidFrameSize`, `.ffmpegNotFound`, `.encoderUnavailable`, `.launchFailed`;
    ///   `ImageCodecError` for an extension not in `containers`, a missing or unwritable folder, a directory.
    public init(url: URL, width: Int, height: Int, frameRate: FrameRate, tools: FFmpegTools? = nil) throws {
        _ = try RawFrameStream.frameByteCount(width: width, height: height)
        try OutputFile.check(url, acceptedExtensions: VideoFrameWriter.containers.keys.sorted())
        let tools = try tools ?? FFmpegTools.locate()
        try VideoFrameWriter.checkEncoder(tools)
        file = try OutputFile(destination: url)
        let muxer = VideoFrameWriter.containers[url.pathExtension.lowercased()] ?? "mp4"
        let pipe = Pipe()
        (process, errors) = try ChildProcess.start(tools.ffmpeg, arguments: [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(width)x\(height)",
            "-framerate", frameRate.description, "-i", "pipe:0",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
            "-c:v", "libx264", "-pix_fmt", "yuv420p",
            "-colorspace", "smpte170m", "-color_primaries", "smpte170m", "-color_trc", "smpte170m",
            "-color_range", "tv",
            "-f", muxer, "file:" + file.temporaryURL.path,
        ], input: pipe, output: nil)
        input = pipe.fileHandleForWriting
        childSlot = InterruptCleanup.registerChild(process.processIdentifier)
        self.url = url
        self.width = width
        self.height = height
        self.frameRate = frameRate
    }

    deinit {
        cancel()
    }

    /// Appends one frame.
    /// - Throws: `ImageCodecError.frameSizeMismatch` for an image of another size (nothing is written);
    ///   `.videoEncodingFailed` with ffmpeg's message if the encoder has stopped; `.inputOutput`.
    public func write(_ image: RGBImage) throws {
        guard !isFinished else { throw ImageCodecError.videoEncodingFailed("the writer is already finished") }
        guard image.width == width, image.height == height else {
            throw ImageCodecError.frameSizeMismatch(expectedWidth: width, expectedHeight: height,
                                               actualWidth: image.width, actualHeight: image.height)
        }
        let written = try image.pixels.withUnsafeBytes { try PipeWriting.writeAll($0, to: input.fileDescriptor) }
        guard written else {
            try finish()
            throw ImageCodecError.videoEncodingFailed("ffmpeg stopped reading frames")
        }
        framesWritten += 1
    }

    /// Ends the input, waits for `ffmpeg` to finish the file, checks that it succeeded and renames the file to
    /// `url`.
    /// - Throws: `ImageCodecError.videoEncodingFailed` with ffmpeg's message if it exits with an error (the temporary
    ///   file is removed); `ImageCodecError.notWritable` if the rename fails.
    public func finish() throws {
        guard !isFinished else { return }
        isFinished = true
        try? input.close()
        process.waitUntilExit()
        InterruptCleanup.unregisterChild(childSlot)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            file.discard()
            let cause = FFmpegDiagnostics.cause(errors.lines(), path: file.temporaryURL.path)
            throw ImageCodecError.videoEncodingFailed(cause ?? "ffmpeg stopped with status \(process.terminationStatus)")
        }
        try file.commit()
    }

    /// Removes what was written so far and stops the encoder; `url` is left as it was. For a caller that gives up
    /// (for example because another output failed). Does nothing after `finish()`.
    public func cancel() {
        guard !isFinished else { return }
        isFinished = true
        try? input.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        InterruptCleanup.unregisterChild(childSlot)
        file.discard()
    }

    /// Throws `ImageCodecError.encoderUnavailable` unless `ffmpeg -h encoder=libx264` describes the encoder.
    private static func checkEncoder(_ tools: FFmpegTools) throws {
        let output = Pipe()
        let (process, errors) = try ChildProcess.start(tools.ffmpeg, arguments: ["-hide_banner", "-h", "encoder=libx264"],
                                                       input: nil, output: output)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard text.hasPrefix("Encoder libx264") else {
            let reason = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? errors.lines().last
            throw ImageCodecError.encoderUnavailable(reason ?? "ffmpeg -h encoder=libx264 describes no encoder")
        }
    }
}
