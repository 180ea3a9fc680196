@_exported import FaceMesh
@_exported import ImageCodecs
import Foundation

/// Face mesh results of a video file as an `AsyncThrowingStream`: ImageCodecs' `VideoFrameReader` (an `ffmpeg`
/// child process) decodes the frames and `FaceMeshStream` runs an engine over them.
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
    /// One result per decoded frame of the video at `url`, timed by the file's frame rate (frame i at i / rate s).
    /// - Parameters:
    ///   - url: any video `ffmpeg` reads.
    ///   - options: engine settings (keep `staticImageMode` false to track faces).
    ///   - tools: the FFmpeg executables; `nil` finds them on `PATH`.
    /// - Returns: a stream that finishes after the last frame, or with the first `VideoError` (no ffmpeg,
    ///   unreadable file), `FaceMeshError` or model error. Ending the iteration early stops the decoder.
    public static func results(contentsOf url: URL, options: FaceMeshOptions = FaceMeshOptions(),
                               tools: FFmpegTools? = nil) -> AsyncThrowingStream<FaceMeshFrameResult, Error> {
        let source = ReaderBox(url: url, tools: tools)
        return FaceMeshStream.results(options: options) { index in
            let reader = try source.open()
            guard let image = try reader.nextFrame() else {
                reader.close()
                return nil
            }
            return (image, reader.frameRate.timestamp(ofFrame: index))
        }
    }
}

/// Opens the reader on first use, on the stream's task, and closes it when the stream is released. Used only from
/// that one task (the stream calls its frame source sequentially), hence `@unchecked Sendable`.
private final class ReaderBox: @unchecked Sendable {
    private let url: URL
    private let tools: FFmpegTools?
    private var reader: VideoFrameReader?

    init(url: URL, tools: FFmpegTools?) {
        self.url = url
        self.tools = tools
    }

    func open() throws -> VideoFrameReader {
        if let reader { return reader }
        let opened = try VideoFrameReader(contentsOf: url, tools: tools)
        reader = opened
        return opened
    }

    deinit { reader?.close() }
}
