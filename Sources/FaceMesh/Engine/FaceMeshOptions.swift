import Foundation

/// Settings of a `FaceMeshEngine`, with MediaPipe's names and defaults (legacy `FaceMesh` solution).
public struct FaceMeshOptions: Sendable {
    /// `true`: every call is an unrelated photo (detector on every call, no tracking, no smoothing).
    /// `false` (video): faces are tracked from the previous frame's landmarks and the detector runs only when fewer
    /// than `maxFaces` faces are tracked.
    public var staticImageMode: Bool = false
    /// The most faces to detect (MediaPipe `max_num_faces`).
    public var maxFaces: Int = 1
    /// Which landmark model runs on each face.
    public var model: LandmarkModelKind = .attention
    /// Detector score threshold (score ≥ it is kept), before non-maximum suppression.
    public var minDetectionConfidence: Float = 0.5
    /// Face-presence threshold: a face is kept when sigmoid(face flag) > it; otherwise it is dropped and, in video
    /// mode, the detector runs again on the next frame.
    public var minTrackingConfidence: Float = 0.5
    /// Temporal smoothing of the output landmarks in video mode (never fed back into tracking).
    public var smoothing: SmoothingMethod = .none
    /// Estimate each face's head pose (`HeadPose`).
    public var estimatesHeadPose: Bool = true
    /// Directory with the weight files; `nil` searches with `ModelWeights.defaultDirectory()`.
    public var weightsDirectory: URL? = nil
    /// Threads per inference (`threadRange`, 1...64): the calling thread plus `threads - 1` worker threads owned by the engine's
    /// networks. Results are bit-identical for every count; on a busy machine a run falls back to the calling thread.
    public var threads: Int = 1
    /// The thread counts `threads` accepts.
    public static let threadRange = 1...64

    /// Creates options with MediaPipe's defaults (video mode, one face, attention model, thresholds 0.5).
    public init(staticImageMode: Bool = false, maxFaces: Int = 1, model: LandmarkModelKind = .attention,
                minDetectionConfidence: Float = 0.5, minTrackingConfidence: Float = 0.5,
                smoothing: SmoothingMethod = .none, weightsDirectory: URL? = nil, threads: Int = 1) {
        self.staticImageMode = staticImageMode
        self.maxFaces = maxFaces
        self.model = model
        self.minDetectionConfidence = minDetectionConfidence
        self.minTrackingConfidence = minTrackingConfidence
        self.smoothing = smoothing
        self.weightsDirectory = weightsDirectory
        self.threads = threads
    }
}

/// Invalid engine settings or inputs.
public enum FaceMeshError: Error, Equatable, CustomStringConvertible {
    case invalidOption(String)
    case nonIncreasingTimestamp(previous: Double, current: Double)

    public var description: String {
        switch self {
        case let .invalidOption(reason): return "invalid face mesh option: \(reason)"
        case let .nonIncreasingTimestamp(previous, current):
            return "video timestamps must increase: \(current) s after \(previous) s"
        }
    }
}
