@_exported import FaceMesh
@_exported import ImageCodecs
import Foundation

/// Face mesh results of a video file or of raw RGB24 frames as an `AsyncThrowingStream`: ImageCodecs'
/// `VideoFrameReader` (an `ffmpeg` child process, or the raw bytes of a pipe) delivers the frames and
/// `FaceMeshStream` runs an engine over them.
///
/// ```swift
/// import FaceMeshVideo
///
/// for try await frame in FaceMeshVideo.results(contentsOf: URL(fileURLWithPath: "talk.mp4"),
///                                               options: FaceMeshOptions(smoothing: .faceLandmarkerDefault)) {
///     print(frame.index, frame.timestamp, frame.faces.map(\.trackIdentifier))
/// }
/// ```
public enum FaceMeshVideo {
    /// One result per frame stored in the video at `url` (none dropped or duplicated, also at a variable frame
    /// rate), each with its own presentation time in seconds as the file stores it.
    /// - Parameters:
    ///   - url: any video `ffmpeg` reads.
    ///   - options: engine settings (keep `staticImageMode` false to track faces).
    ///   - tools: the FFmpeg executables; `nil` finds them on `PATH`.
    /// - Returns: a stream that finishes after the last frame, or with the first `ImageCodecError` (no ffmpeg,
    ///   unreadable file), `FaceMeshError` or model error. Ending the iteration early stops the decoder.
    public static func results(contentsOf url: URL, options: FaceMeshOptions = FaceMeshOptions(),
                               tools: FFmpegTools? = nil) -> AsyncThrowingStream<FaceMeshFrameResult, Error> {
        results(options: options) { try VideoFrameReader(contentsOf: url, tools: tools) }
    }

    /// One result per raw RGB24 frame read from `handle` (a pipe, standard input or a file): `width × height × 3`
    /// bytes per frame, row-major, timed at `frameRate` (frame i at i / rate s).
    /// - Parameters:
    ///   - handle: where the bytes come from; read until its end.
    ///   - width: frame width in pixels.
    ///   - height: frame height in pixels.
    ///   - frameRate: frames per second of the input.
    ///   - options: engine settings (keep `staticImageMode` false to track faces).
    /// - Returns: a stream that finishes at the end of the input, or with `ImageCodecError.partialFrame` when the input
    ///   ends inside a frame (after the whole frames), `ImageCodecError.invalidFrameSize`, or an engine error.
    public static func results(rawRGBFrom handle: FileHandle, width: Int, height: Int, frameRate: FrameRate,
                               options: FaceMeshOptions = FaceMeshOptions()) -> AsyncThrowingStream<FaceMeshFrameResult, Error> {
        results(options: options) {
            try VideoFrameReader(rawRGBFrom: handle, width: width, height: height, frameRate: frameRate)
        }
    }

    /// Runs the engine over the frames of the reader `open` creates (on the stream's task, at the first frame).
    private static func results(options: FaceMeshOptions, open: @escaping @Sendable () throws -> VideoFrameReader)
        -> AsyncThrowingStream<FaceMeshFrameResult, Error> {
        let source = ReaderBox(open: open)
        return FaceMeshStream.results(options: options) { _ in
            let reader = try source.reader()
            guard let frame = try reader.nextTimedFrame() else {
                reader.close()
                return nil
            }
            return (frame.image, frame.timestamp)
        }
    }
}

/// Opens the reader on first use, on the stream's task, and closes it when the stream is released. Used only from
/// that one task (the stream calls its frame source sequentially), hence `@unchecked Sendable`.
private final class ReaderBox: @unchecked Sendable {
    private let open: @Sendable () throws -> VideoFrameReader
    private var opened: VideoFrameReader?

    init(open: @escaping @Sendable () throws -> VideoFrameReader) {
        self.open = open
    }

    func reader() throws -> VideoFrameReader {
        if let opened { return opened }
        let reader = try open()
        opened = reader
        return reader
    }

    deinit { opened?.close() }
}
