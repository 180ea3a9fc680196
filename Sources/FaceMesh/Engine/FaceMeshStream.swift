import Foundation

/// The faces of one video frame, as ``FaceMeshStream`` delivers them.
public struct FaceMeshFrameResult: Sendable, Equatable, Codable {
    /// 0-based index of the frame in the stream.
    public var index: Int
    /// Time of the frame in seconds (the one passed to ``FaceMeshEngine/process(_:timestamp:)``).
    public var timestamp: Double
    /// Frame width in pixels.
    public var width: Int
    /// Frame height in pixels.
    public var height: Int
    /// The faces found, in the engine's order; each keeps its ``FaceMeshResult/trackIdentifier`` while tracked.
    public var faces: [FaceMeshResult]

    /// Creates a frame result from its parts.
    public init(index: Int, timestamp: Double, width: Int, height: Int, faces: [FaceMeshResult]) {
        self.index = index
        self.timestamp = timestamp
        self.width = width
        self.height = height
        self.faces = faces
    }
}

/// Face mesh results of a whole video as an `AsyncThrowingStream`, one element per frame, in frame order.
///
/// Each stream creates its own ``FaceMeshEngine`` (engines are not thread-safe) and runs it on a task of its own,
/// so the caller's task only awaits results:
///
/// ```swift
/// let frames = FaceMeshStream.results(options: FaceMeshOptions(maxFaces: 2)) { index in
///     guard let image = try camera.nextImage() else { return nil }   // nil ends the stream
///     return (image, Double(index) / 30)                             // the frame and its time in seconds
/// }
/// for try await frame in frames {
///     for face in frame.faces { print(frame.index, face.trackIdentifier, face.landmarks[1]) }
/// }
/// ```
///
/// For a video file or raw RGB24 frames from a pipe, `FaceMeshVideo.results(contentsOf:options:tools:)` and
/// `FaceMeshVideo.results(rawRGBFrom:width:height:frameRate:options:)` (module FaceMeshVideo) read the frames with
/// ImageCodecs' `VideoFrameReader`. The stream ends after the last frame, finishes with the first error
/// (from the frame source or the engine), and stops reading frames when the consumer stops iterating (the task is
/// cancelled). `options.staticImageMode` should be `false` so faces are tracked from frame to frame. The engine
/// does not wait for a slow consumer: finished frames queue in the stream (a 478-point face with its pose is
/// about 17 kB), or are dropped as `bufferingPolicy` says.
public enum FaceMeshStream {
    /// A frame and its time in seconds, or `nil` at the end of the video.
    public typealias TimedFrame = (image: RGBImage, timestamp: Double)

    /// Results for the frames `nextFrame` returns.
    /// - Parameters:
    ///   - options: engine settings; the engine is created inside the stream (a failure, e.g. missing weights,
    ///     is the stream's error).
    ///   - bufferingPolicy: how many finished frames wait for a slow consumer (default: all of them).
    ///   - nextFrame: called with the frame index (0, 1, …) on the stream's task; returns the next frame and its
    ///     timestamp, or `nil` after the last frame. Timestamps must increase when smoothing is on.
    public static func results(
        options: FaceMeshOptions,
        bufferingPolicy: AsyncThrowingStream<FaceMeshFrameResult, Error>.Continuation.BufferingPolicy = .unbounded,
        frames nextFrame: @escaping @Sendable (Int) throws -> TimedFrame?
    ) -> AsyncThrowingStream<FaceMeshFrameResult, Error> {
        AsyncThrowingStream(bufferingPolicy: bufferingPolicy) { continuation in
            let task = Task.detached {
                do {
                    let engine = try FaceMeshEngine(options: options)
                    var index = 0
                    while !Task.isCancelled, let frame = try nextFrame(index) {
                        let faces = try engine.process(frame.image, timestamp: frame.timestamp)
                        continuation.yield(FaceMeshFrameResult(index: index, timestamp: frame.timestamp,
                                                               width: frame.image.width, height: frame.image.height,
                                                               faces: faces))
                        index += 1
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Results for raw frames given as an array, timed at a constant `framesPerSecond` (frame i at i / rate s).
    /// - Throws (in the stream): ``FaceMeshError/invalidOption(_:)`` when `framesPerSecond` is not a positive
    ///   finite number; any engine error.
    public static func results(of frames: [RGBImage], framesPerSecond: Double = 30,
                               options: FaceMeshOptions = FaceMeshOptions()) -> AsyncThrowingStream<FaceMeshFrameResult, Error> {
        results(options: options) { index in
            guard framesPerSecond.isFinite, framesPerSecond > 0 else {
                throw FaceMeshError.invalidOption("framesPerSecond must be a positive number, got \(framesPerSecond)")
            }
            return index < frames.count ? (frames[index], Double(index) / framesPerSecond) : nil
        }
    }
}
