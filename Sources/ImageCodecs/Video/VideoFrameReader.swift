import Foundation

/// Delivers the frames of a video one at a time as 8-bit RGB images (`RGBImage`), either decoded from a file by
/// an `ffmpeg` child process or read as raw RGB24 frames from any file handle (such as standard input).
///
/// Files: `VideoProbe` first reads the size and frame rate; then `ffmpeg` decodes the first video stream,
/// applies the rotation metadata, converts to RGB24 at a constant frame rate (`frameRate`: frames are duplicated
/// or dropped as needed for variable-rate input, so frame i is at time i / frameRate) and writes the frames to a
/// pipe, from which exactly `width × height × 3` bytes are read per frame.
///
/// One reader owns its child process and pipe; it is not thread-safe. `close()` (or deinitialisation) stops the
/// child process.
public final class VideoFrameReader {
    /// Frame width in pixels.
    public let width: Int
    /// Frame height in pixels.
    public let height: Int
    /// Frame rate; frame i is at `frameRate.timestamp(ofFrame: i)` seconds.
    public let frameRate: FrameRate
    /// The number of frames expected (from the container; nil if unknown or for raw input). An estimate.
    public let expectedFrameCount: Int?
    /// How many frames `nextFrame()` has returned.
    public private(set) var framesRead = 0

    private let stream: RawFrameStream
    private let source: FileHandle
    private let decoder: (process: Process, errors: ProcessOutputCollector)?
    private var isFinished = false

    /// Starts decoding the video file `url`.
    /// - Parameters:
    ///   - url: any video file `ffmpeg` reads.
    ///   - tools: the FFmpeg executables; nil finds them on `PATH`.
    /// - Throws: `VideoError.ffmpegNotFound`, `.fileNotFound`, `.unreadableVideo`, `.launchFailed`.
    public init(contentsOf url: URL, tools: FFmpegTools? = nil) throws {
        let tools = try tools ?? FFmpegTools.locate()
        let info = try VideoProbe.probe(url, tools: tools)
        let output = Pipe()
        let decoder = try ChildProcess.start(tools.ffmpeg, arguments: [
            "-nostdin", "-hide_banner", "-loglevel", "error",
            "-i", "file:" + url.path,
            "-map", "0:v:0", "-an", "-sn", "-dn",
            "-r", info.frameRate.description, "-s", "\(info.width)x\(info.height)",
            "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1",
        ], input: nil, output: output)
        width = info.width
        height = info.height
        frameRate = info.frameRate
        expectedFrameCount = info.expectedFrameCount
        source = output.fileHandleForReading
        self.decoder = decoder
        do {
            stream = try RawFrameStream(descriptor: source.fileDescriptor, width: info.width, height: info.height)
        } catch {
            VideoFrameReader.stop(decoder.process, source: output.fileHandleForReading)
            throw error
        }
    }

    /// Reads raw RGB24 frames (`width × height × 3` bytes each, rows top to bottom, no padding) from `handle`
    /// until end of file. The handle is not closed by the reader.
    /// - Throws: `VideoError.invalidFrameSize`.
    public init(rawRGBFrom handle: FileHandle, width: Int, height: Int, frameRate: FrameRate) throws {
        stream = try RawFrameStream(descriptor: handle.fileDescriptor, width: width, height: height)
        self.width = width
        self.height = height
        self.frameRate = frameRate
        expectedFrameCount = nil
        source = handle
        decoder = nil
    }

    deinit {
        close()
    }

    /// The next frame, or nil after the last one.
    /// - Throws: `VideoError.noFrames` if the video ends before its first frame; `.partialFrame` if the input ends
    ///   inside a frame (raw input); `.unreadableVideo` / `.decodingFailed` if `ffmpeg` fails before / after the
    ///   first frame; `.inputOutput` if reading fails. After a throw the reader is finished.
    public func nextFrame() throws -> RGBImage? {
        guard !isFinished else { return nil }
        let frame: RGBImage?
        do {
            frame = try stream.next()
        } catch let error as VideoError {
            isFinished = true
            if case .partialFrame = error {
                // ffmpeg closed its output mid-frame: most likely it failed, and its message says why.
                try checkDecoderExit()
            } else if let decoder {
                VideoFrameReader.stop(decoder.process, source: source)
            }
            throw error
        }
        if let frame {
            framesRead += 1
            return frame
        }
        isFinished = true
        try checkDecoderExit()
        guard framesRead > 0 else { throw VideoError.noFrames }
        return nil
    }

    /// Stops the decoder (if it is still running) and releases the pipe. Later `nextFrame()` calls return nil.
    public func close() {
        isFinished = true
        if let decoder { VideoFrameReader.stop(decoder.process, source: source) }
    }

    /// After the decoder's output ended, waits for `ffmpeg` and turns a failed exit into an error carrying its
    /// message (`unreadableVideo` before the first frame, `decodingFailed` after it).
    private func checkDecoderExit() throws {
        guard let decoder else { return }
        decoder.process.waitUntilExit()
        let status = decoder.process.terminationStatus
        guard decoder.process.terminationReason == .exit, status == 0 else {
            let message = decoder.errors.summary() ?? "ffmpeg stopped with status \(status)"
            throw framesRead == 0 ? VideoError.unreadableVideo(message) : VideoError.decodingFailed(message)
        }
    }

    /// Closes the reading end (a writing child then fails with a broken pipe), asks the child to stop and reaps it.
    private static func stop(_ process: Process, source: FileHandle) {
        try? source.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
