/// MediaPipe's relative velocity filter (mediapipe/util/filtering/relative_velocity_filter.cc) for one scalar
/// stream: a low-pass whose α grows with the recent speed of the value.
///
/// Per sample after the first: distance = x·s − x_prev·s_prev (`.legacyTransition`, the default) or s·(x − x_prev)
/// (`.forceCurrentScale`), s = valueScale; duration = t − t_prev in nanoseconds. Starting from this pair, the stored
/// window (newest first, `windowSize` entries, initially zeros) is accumulated while the cumulative duration stays
/// ≤ (1 + windowSize)·(1/30 s). velocity = Σdistance/Σduration (per second); α = 1 − 1/(1 + velocityScale·|velocity|).
/// The pair is then pushed to the front and the oldest entry dropped. The first sample has α = 1. Output =
/// LowPass(x, α). A timestamp ≤ the previous one returns the input unchanged and leaves the state alone.
public struct RelativeVelocityFilter: Sendable {
    /// How the distance between consecutive values is measured.
    public enum DistanceMode: Hashable, Sendable {
        /// x·s − x_prev·s_prev (MediaPipe's default, "legacy transition").
        case legacyTransition
        /// s·(x − x_prev), translation invariant.
        case forceCurrentScale
    }

    /// Filter parameters.
    public struct Parameters: Hashable, Sendable {
        /// Number of past (distance, duration) pairs kept.
        public var windowSize: Int
        /// Multiplies |velocity| in α.
        public var velocityScale: Float
        /// Distance measure.
        public var distanceMode: DistanceMode

        /// Creates parameters.
        public init(windowSize: Int, velocityScale: Float, distanceMode: DistanceMode = .legacyTransition) {
            self.windowSize = windowSize
            self.velocityScale = velocityScale
            self.distanceMode = distanceMode
        }

        /// The legacy face effect graph's landmark smoothing (face_landmarks_smoothing.pbtxt): window 5, scale 20.
        public static let faceEffect = Parameters(windowSize: 5, velocityScale: 20)
        /// The calculator proto's defaults: window 5, scale 10.
        public static let protoDefaults = Parameters(windowSize: 5, velocityScale: 10)
    }

    /// Nanoseconds per window element assumed by the duration cap (1/30 s, integer division as in MediaPipe).
    static let assumedElementDuration: Int64 = 1_000_000_000 / 30

    /// The parameters in use.
    public let parameters: Parameters
    private var lastValue: Float = 0
    private var lastValueScale: Float = 1
    private var lastTimestamp: Int64 = -1
    /// Newest first: (distance, duration in ns).
    private var window: [(distance: Float, duration: Int64)]
    private var lowPass: LowPassFilter

    /// A fresh filter; throws if the window is not positive or the velocity scale is negative/not finite.
    public init(parameters: Parameters = .faceEffect) throws {
        guard parameters.windowSize > 0 else {
            throw SmoothingError.invalidParameter("velocity filter window \(parameters.windowSize) must be positive")
        }
        guard parameters.velocityScale >= 0, parameters.velocityScale.isFinite else {
            throw SmoothingError.invalidParameter("velocity scale \(parameters.velocityScale) must be ≥ 0")
        }
        self.parameters = parameters
        window = Array(repeating: (0, 0), count: parameters.windowSize)
        lowPass = try LowPassFilter(alpha: 1)
    }

    /// Filters `x` observed at `timestampNanoseconds`, `valueScale` being 1/object size for landmarks.
    public mutating func apply(_ x: Float, timestampNanoseconds: Int64, valueScale: Float = 1) -> Float {
        let now = timestampNanoseconds
        if lastTimestamp >= now { return x }
        let alpha: Float
        if lastTimestamp == -1 {
            alpha = 1
        } else {
            let distance: Float = parameters.distanceMode == .legacyTransition
                ? x * valueScale - lastValue * lastValueScale
                : valueScale * (x - lastValue)
            let duration = now - lastTimestamp
            var cumulativeDistance = distance
            var cumulativeDuration = duration
            let maxCumulativeDuration = Int64(1 + window.count) * RelativeVelocityFilter.assumedElementDuration
            for element in window {
                if cumulativeDuration + element.duration > maxCumulativeDuration { break }
                cumulativeDistance += element.distance
                cumulativeDuration += element.duration
            }
            let velocity = Float(Double(cumulativeDistance) / (Double(cumulativeDuration) * 1e-9))
            alpha = 1 - 1 / (1 + parameters.velocityScale * abs(velocity))
            window.insert((distance, duration), at: 0)
            if window.count > parameters.windowSize { window.removeLast() }
        }
        lastValue = x
        lastValueScale = valueScale
        lastTimestamp = now
        return lowPass.apply(x, alpha: alpha)
    }

    /// Filters `x` observed at `timestamp` seconds (rounded to whole nanoseconds).
    public mutating func apply(_ x: Float, timestamp: Double, valueScale: Float = 1) throws -> Float {
        apply(x, timestampNanoseconds: try FilterTimestamp.nanoseconds(fromSeconds: timestamp), valueScale: valueScale)
    }
}
