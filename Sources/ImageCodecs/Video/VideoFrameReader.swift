import Foundation

/// One frame delivered by `VideoFrameReader`: the picture and where it lies in time.
public struct VideoFrame {
    /// Position among the delivered frames (0-based).
    public let index: Int
    /// Presentation time in seconds. Files: the frame's own timestamp as stored in the file (what `ffprobe`
    /// reports as the frame's `pts_time`; 0 for the first frame of most files); with resampling, the time of the
    /// output frame. Raw input: index / frame rate.
    public let timestamp: Double
    /// The picture: 8-bit RGB, `width × height` of the reader (after the file's rotation metadata is applied).
    public let image: RGBImage
}

/// Delivers the frames of a video one at a time as 8-bit RGB images (`RGBImage`) with their timestamps, either
/// decoded from a file by an `ffmpeg` child process or read as raw RGB24 frames from any file handle (such as
/// standard input).
///
/// Files: `VideoProbe` first reads the size and nominal frame rate; then `ffmpeg` decodes the first video stream,
/// applies the rotation metadata, converts to RGB24 and writes the frames to a pipe, from which exactly
/// `width × height × 3` bytes are read per frame. By default every frame is delivered exactly once, as stored
/// (no frame is dropped or duplicated, also for variable-frame-rate files), with its own presentation time;
/// ffmpeg's `tee` muxer writes a `framecrc` record of every frame to standard error beside it, and `DecoderLog`
/// takes the time from there. With `resamplingTo` ffmpeg instead duplicates or drops frames to a constant rate.
///
/// One reader owns its child process and pipe; it is not thread-safe. `close()` (or deinitialisation) stops the
/// child process.
public final class VideoFrameReader {
    /// Frame width in pixels.
    public let width: Int
    /// Frame height in pixels.
    public let height: Int
    /// The nominal frame rate: the stream's (average) rate from the container, the resampling rate, or the rate
    /// given for raw input. Frame times of a file come from the frames themselves (`VideoFrame.timestamp`); this
    /// rate is what an encoder of the processed frames (such as an overlay video) would use.
    public let frameRate: FrameRate
    /// The number of frames expected: the count the container's index declares (without resampling), else an
    /// estimate from the duration; nil if unknown or for raw input. An estimate for progress reports.
    public let expectedFrameCount: Int?
    /// The number of frames the container's index declares, if it declares one (nil for raw input).
    public let declaredFrameCount: Int?
    /// How many frames have been returned.
    public private(set) var framesRead = 0
    /// Set once the reader reached the end of a file whose data stopped before the frames its index lists
    /// (a truncated recording): the frames that were there were all delivered; nil otherwise.
    public private(set) var earlyEnd: EarlyEnd?

    /// How a file ended early.
    public struct EarlyEnd: Equatable, Sendable, CustomStringConvertible {
        /// Frames delivered.
        public let framesRead: Int
        /// Frames the container's index lists, if it declares a count.
        public let framesDeclared: Int?
        /// ffmpeg's own short message about it, if it gave one.
        public let cause: String?

        /// "read 23 of the 60 frames its index lists (ffmpeg: …)".
        public var description: String {
            var text = framesDeclared.map { "read \(framesRead) of the \($0) frames its index lists" }
                ?? "read \(framesRead) frames"
            if let cause { text += " (ffmpeg: \(cause))" }
            return text
        }
    }

    private let path: String?
    private let isResampling: Bool
    private let stream: RawFrameStream
    private let source: FileHandle
    private let decoder: (process: Process, log: DecoderLog)?
    private var isFinished = false

    /// Starts decoding the video file `url`.
    /// - Parameters:
    ///   - tools: the FFmpeg executables; nil finds them on `PATH`.
    ///   - resamplingTo: nil (default) delivers every stored frame once with its own time; a rate makes ffmpeg
    ///     duplicate or drop frames to that constant rate.
    /// - Throws: `VideoError.ffmpegNotFound`, `.fileNotFound`, `.emptyFile`, `.notAVideo`, `.truncatedFile`,
    ///   `.noVideoStream`, `.unsupportedCodec`, `.unreadableVideo`, `.launchFailed`.
    public init(contentsOf url: URL, tools: FFmpegTools? = nil, resamplingTo resamplingRate: FrameRate? = nil) throws {
        let tools = try tools ?? FFmpegTools.locate()
        let info = try VideoProbe.probe(url, tools: tools)
        var arguments = ["-nostdin", "-hide_banner", "-nostats", "-loglevel", "error",
                         // Keep the file's own timestamps (ffmpeg would otherwise shift them to start at 0).
                         "-copyts",
                         "-i", "file:" + url.path,
                         "-map", "0:v:0", "-an", "-sn", "-dn"]
        if let resamplingRate {
            arguments += ["-vsync", "cfr", "-r", resamplingRate.description]
        } else {
            // Every decoded frame once with its own pts, kept in the stream's own time base (ffmpeg's default
            // encoder time base, 1/frame rate, would round variable-rate times).
            arguments += ["-vsync", "passthrough", "-enc_time_base", "-1"]
        }
        arguments += ["-s", "\(info.width)x\(info.height)", "-pix_fmt", "rgb24", "-c:v", "rawvideo",
                      "-f", "tee", "[f=framecrc]pipe\\:2|[f=rawvideo]pipe\\:1"]
        let output = Pipe(), errors = Pipe()
        let process = try ChildProcess.start(tools.ffmpeg, arguments: arguments, input: nil, output: output,
                                             errors: errors)
        path = url.path
        isResampling = resamplingRate != nil
        width = info.width
        height = info.height
        frameRate = resamplingRate ?? info.frameRate
        declaredFrameCount = info.declaredFrameCount
        if let resamplingRate, let duration = info.duration {
            expectedFrameCount = Int((duration * resamplingRate.framesPerSecond).rounded())
        } else {
            expectedFrameCount = info.expectedFrameCount
        }
        source = output.fileHandleForReading
        decoder = (process, DecoderLog(errors.fileHandleForReading))
        do {
            stream = try RawFrameStream(descriptor: source.fileDescriptor, width: info.width, height: info.height)
        } catch {
            VideoFrameReader.stop(process, source: output.fileHandleForReading)
            throw error
        }
    }

    /// Reads raw RGB24 frames (`width × height × 3` bytes each, rows top to bottom, no padding) from `handle`
    /// until end of file; frame i is at `frameRate.timestamp(ofFrame: i)`. The handle is not closed by the reader.
    /// - Throws: `VideoError.invalidFrameSize`.
    public init(rawRGBFrom handle: FileHandle, width: Int, height: Int, frameRate: FrameRate) throws {
        stream = try RawFrameStream(descriptor: handle.fileDescriptor, width: width, height: height)
        self.width = width
        self.height = height
        self.frameRate = frameRate
        expectedFrameCount = nil
        declaredFrameCount = nil
        path = nil
        isResampling = false
        source = handle
        decoder = nil
    }

    deinit {
        close()
    }

    /// The next frame's picture, or nil after the last one (see `nextTimedFrame()`).
    public func nextFrame() throws -> RGBImage? {
        try nextTimedFrame()?.image
    }

    /// The next frame with its index and timestamp, or nil after the last one.
    /// - Throws: `VideoError.noFrames` if the video ends before its first frame; `.partialFrame` if the input ends
    ///   inside a frame (raw input); `.unsupportedCodec` / `.unreadableVideo` / `.decodingFailed` if `ffmpeg` fails
    ///   before / after the first frame; `.inputOutput` if reading fails. After a throw the reader is finished.
    public func nextTimedFrame() throws -> VideoFrame? {
        guard !isFinished else { return nil }
        let image: RGBImage?
        do {
            image = try stream.next()
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
        guard let image else {
            isFinished = true
            try checkDecoderExit()
            guard framesRead > 0 else { throw VideoError.noFrames }
            return nil
        }
        let index = framesRead
        let timestamp: Double
        if let decoder {
            guard let time = decoder.log.timestamp(ofFrame: index) else {
                isFinished = true
                try checkDecoderExit()
                throw VideoError.decodingFailed("ffmpeg gave no timestamp for frame \(index)")
            }
            timestamp = time
        } else {
            timestamp = frameRate.timestamp(ofFrame: index)
        }
        framesRead += 1
        return VideoFrame(index: index, timestamp: timestamp, image: image)
    }

    /// Stops the decoder (if it is still running) and releases the pipe. Later calls return nil.
    public func close() {
        isFinished = true
        if let decoder { VideoFrameReader.stop(decoder.process, source: source) }
    }

    /// After the decoder's output ended, waits for `ffmpeg`, turns a failed exit into an error carrying its cleaned
    /// message, and notes an early end of the file's data (`earlyEnd`).
    private func checkDecoderExit() throws {
        guard let decoder, let path else { return }
        decoder.process.waitUntilExit()
        let messages = decoder.log.messages(waitForEnd: true)
        let status = decoder.process.terminationStatus
        guard decoder.process.terminationReason == .exit, status == 0 else {
            throw FFmpegDiagnostics.decoderFailure(path: path, messages: messages, framesRead: framesRead,
                                                   status: status)
        }
        // An index listing more frames than arrived proves an early end only together with an error message:
        // an edit list may legitimately hide some of the listed frames.
        let short = !isResampling && declaredFrameCount.map { framesRead < $0 } ?? false
        if framesRead > 0, FFmpegDiagnostics.reportsEarlyEnd(messages) || (short && !messages.isEmpty) {
            let evidence = messages.last(where: { FFmpegDiagnostics.reportsEarlyEnd([$0]) }).map { [$0] } ?? messages
            earlyEnd = EarlyEnd(framesRead: framesRead, framesDeclared: isResampling ? nil : declaredFrameCount,
                                cause: FFmpegDiagnostics.cause(evidence, path: path, maximumLines: 1))
        }
    }

    /// Closes the reading end (a writing child then fails with a broken pipe), asks the child to stop and reaps it.
    private static func stop(_ process: Process, source: FileHandle) {
        try? source.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
