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
    ///   - url: any video file `ffmpeg` reads.
    ///   - tools: the FFmpeg executables; nil finds them on `PATH`.
    ///   - resamplingRate: nil (default) delivers every stored frame once with its own time; a rate makes ffmpeg
    ///     duplicate or drop frames to that constant rate.
    /// - Throws: `ImageCodecError.ffmpegNotFound`, `.videoFileNotFound`, `.emptyFile`, `.notAVideo`, `.truncatedFile`,
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
    /// - Throws: `ImageCodecError.invalidFrameSize`.
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
    /// - Throws: `ImageCodecError.noFrames` if the video ends before its first frame; `.partialFrame` if the input
    ///   ends inside a frame (raw input); `.unsupportedCodec` / `.unreadableVideo` / `.videoDecodingFailed` if
    ///   `ffmpeg` fails before / after the first frame; `.inputOutput` if reading fails. After a throw the reader is
    ///   finished.
    public func nextTimedFrame() throws -> VideoFrame? {
        guard !isFinished else { return nil }
        let image: RGBImage?
        do {
            image = try stream.next()
        } catch let error as ImageCodecError {
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
            guard framesRead > 0 else { throw ImageCodecError.noFrames }
            return nil
        }
        let index = framesRead
        let timestamp: Double
        if let decoder {
            guard let time = decoder.log.timestamp(ofFrame: index) else {
                isFinished = true
                try checkDecoderExit()
                throw ImageCodecError.videoDecodingFailed("ffmpeg gave no timestamp for frame \(index)")
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

/// Cuts a byte stream of packed RGB24 frames (`width × height × 3` bytes each, rows top to bottom, no padding)
/// into `RGBImage`s, reading exactly one frame's bytes per call from a file descriptor (a pipe, a file or a
/// terminal; short reads are continued).
struct RawFrameStream {
    let width: Int
    let height: Int
    /// Bytes per frame: width × height × 3.
    let frameByteCount: Int
    private let descriptor: Int32

    /// - Throws: `ImageCodecError.invalidFrameSize` if a side is not positive or a frame's byte count overflows.
    init(descriptor: Int32, width: Int, height: Int) throws {
        frameByteCount = try RawFrameStream.frameByteCount(width: width, height: height)
        self.width = width
        self.height = height
        self.descriptor = descriptor
    }

    /// width × height × 3.
    /// - Throws: `ImageCodecError.invalidFrameSize` if a side is not positive or the product overflows.
    static func frameByteCount(width: Int, height: Int) throws -> Int {
        guard width > 0, height > 0 else { throw ImageCodecError.invalidFrameSize(width: width, height: height) }
        let (pixels, pixelOverflow) = width.multipliedReportingOverflow(by: height)
        let (bytes, byteOverflow) = pixels.multipliedReportingOverflow(by: 3)
        guard !pixelOverflow, !byteOverflow else {
            throw ImageCodecError.invalidFrameSize(width: width, height: height)
        }
        return bytes
    }

    /// The next frame, or nil at end of stream exactly on a frame boundary.
    /// - Throws: `ImageCodecError.partialFrame` if the stream ends inside a frame, `.inputOutput` if reading fails.
    func next() throws -> RGBImage? {
        var pixels = [UInt8](repeating: 0, count: frameByteCount)
        var filled = 0
        try pixels.withUnsafeMutableBytes { buffer in
            while filled < frameByteCount {
                let count = read(descriptor, buffer.baseAddress! + filled, frameByteCount - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    break
                } else if errno != EINTR {
                    throw ImageCodecError.inputOutput(String(cString: strerror(errno)))
                }
            }
        }
        if filled == 0 { return nil }
        guard filled == frameByteCount else {
            throw ImageCodecError.partialFrame(expected: frameByteCount, actual: filled)
        }
        return RGBImage(validatedWidth: width, height: height, pixels: pixels)
    }
}

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
        } else if let pts = DecoderLog.presentationTimestamp(record: DecoderLog.withoutLogPrefixes(trimmed)),
                  let timeBase {
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

    /// `line` without leading `[context @ 0x…]` groups. ffmpeg's decoder threads write a log line's prefix and its
    /// text in separate writes, so under load a frame record (written by the muxer thread in one write) can land
    /// right after such a prefix on the same line; the record must still count.
    static func withoutLogPrefixes(_ line: String) -> String {
        var rest = Substring(line)
        while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }
        return String(rest)
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
