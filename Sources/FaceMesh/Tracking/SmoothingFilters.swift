import Foundation

/// MediaPipe's One Euro filter (mediapipe/util/filtering/one_euro_filter.cc) for one scalar stream.
///
/// α(f_c) = 1/(1 + τ/T_e), τ = 1/(2π·f_c), T_e = 1/frequency. The frequency is 1/Δt, recomputed only when both
/// the previous and the current timestamp are non-zero (initially `Parameters.frequency`). The derivative
/// differentiates the previous **raw** value (MediaPipe's variant): dx = (x − x_prev_raw)·valueScale·frequency (0 on
/// the first sample); ê = LowPass_d(dx, α(derivativeCutoff)); f_c = minCutoff + β·|ê|; output =
/// LowPass_x(x, α(f_c)). A timestamp ≤ the previous one returns the input unchanged and leaves the state alone. A
/// fresh filter has no previous timestamp (−1, `OneEuroFilter::Create` of MediaPipe 0.10.14, which Tasks'
/// FaceLandmarker uses), so a first sample at t = 0 is recorded and the next one is already smoothed, at the initial
/// frequency (a stamp of 0 never measures one). Tests/Fixtures/Video/synthetic_portrait_mediapipe_tasks.json shows
/// it: Tasks smooths frame 1 of a stream that starts at 0 ms.
public struct OneEuroFilter: Sendable {
    /// Filter parameters (MediaPipe's `OneEuroFilter` options).
    public struct Parameters: Hashable, Sendable {
        /// Initial sampling frequency in Hz, used until two non-zero timestamps give a measured one.
        public var frequency: Double
        /// Minimum cutoff frequency in Hz (smoothing of a still value).
        public var minCutoff: Double
        /// Speed coefficient: cutoff grows by β·|speed|, speed in value units (times `valueScale`) per second.
        public var beta: Double
        /// Cutoff frequency in Hz of the derivative's low-pass.
        public var derivativeCutoff: Double

        /// Creates parameters.
        public init(frequency: Double, minCutoff: Double, beta: Double, derivativeCutoff: Double) {
            self.frequency = frequency
            self.minCutoff = minCutoff
            self.beta = beta
            self.derivativeCutoff = derivativeCutoff
        }

        /// MediaPipe Tasks `FaceLandmarker` (face_landmarks_detector_graph.cc): 30 Hz, min cutoff 0.05, β 80,
        /// derivative cutoff 1.
        public static let faceLandmarker = Parameters(frequency: 30, minCutoff: 0.05, beta: 80, derivativeCutoff: 1)
        /// The calculator proto's defaults: 30 Hz, min cutoff 1, β 0, derivative cutoff 1.
        public static let protoDefaults = Parameters(frequency: 30, minCutoff: 1, beta: 0, derivativeCutoff: 1)
    }

    /// The parameters in use.
    public let parameters: Parameters
    private var frequency: Double
    private var lastTimestamp: Int64 = -1
    private var value: LowPassFilter
    private var derivative: LowPassFilter

    /// A fresh filter; throws if a frequency or cutoff is not positive or β is negative/not finite.
    public init(parameters: Parameters = .faceLandmarker) throws {
        let p = parameters
        guard p.frequency > 0, p.frequency.isFinite else {
            throw FaceMeshError.invalidSmoothingParameter("One Euro frequency \(p.frequency) must be positive")
        }
        guard p.minCutoff > 0, p.minCutoff.isFinite, p.derivativeCutoff > 0, p.derivativeCutoff.isFinite else {
            throw FaceMeshError.invalidSmoothingParameter(
                "One Euro cutoffs (min \(p.minCutoff), derivative \(p.derivativeCutoff)) must be positive")
        }
        guard p.beta >= 0, p.beta.isFinite else {
            throw FaceMeshError.invalidSmoothingParameter("One Euro beta \(p.beta) must be ≥ 0")
        }
        self.parameters = parameters
        frequency = p.frequency
        value = try LowPassFilter(alpha: Float(OneEuroFilter.alpha(cutoff: p.minCutoff, frequency: p.frequency)))
        derivative = try LowPassFilter(alpha: Float(OneEuroFilter.alpha(cutoff: p.derivativeCutoff,
                                                                        frequency: p.frequency)))
    }

    /// α = 1/(1 + τ/T_e) with τ = 1/(2π·cutoff), T_e = 1/frequency.
    public static func alpha(cutoff: Double, frequency: Double) -> Double {
        let te = 1.0 / frequency
        let tau = 1.0 / (2 * Double.pi * cutoff)
        return 1.0 / (1.0 + tau / te)
    }

    /// Filters `x` observed at `timestampNanoseconds`; `valueScale` multiplies the derivative (1/object size for
    /// landmarks).
    public mutating func apply(_ x: Float, timestampNanoseconds: Int64, valueScale: Float = 1) -> Float {
        let now = timestampNanoseconds
        if lastTimestamp >= now { return x }
        if lastTimestamp != 0 && now != 0 {
            frequency = 1.0 / (Double(now - lastTimestamp) * 1e-9)
        }
        lastTimestamp = now
        let dx = value.hasLastRawValue
            ? (Double(x) - Double(value.lastRawValue)) * Double(valueScale) * frequency : 0.0
        let smoothedDerivative = derivative.apply(
            Float(dx), alpha: Float(OneEuroFilter.alpha(cutoff: parameters.derivativeCutoff, frequency: frequency)))
        let cutoff = parameters.minCutoff + parameters.beta * abs(Double(smoothedDerivative))
        return value.apply(x, alpha: Float(OneEuroFilter.alpha(cutoff: cutoff, frequency: frequency)))
    }

    /// Filters `x` observed at `timestamp` seconds (rounded to whole nanoseconds).
    public mutating func apply(_ x: Float, timestamp: Double, valueScale: Float = 1) throws -> Float {
        apply(x, timestampNanoseconds: try FilterTimestamp.nanoseconds(fromSeconds: timestamp), valueScale: valueScale)
    }
}

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
            throw FaceMeshError.invalidSmoothingParameter("velocity filter window \(parameters.windowSize) must be positive")
        }
        guard parameters.velocityScale >= 0, parameters.velocityScale.isFinite else {
            throw FaceMeshError.invalidSmoothingParameter("velocity scale \(parameters.velocityScale) must be ≥ 0")
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

/// MediaPipe's first-order low-pass filter: the first value passes through, then
/// y = α·x + (1 − α)·y_prev (α·x in single precision, the rest in double, rounded to Float).
/// An α outside [0, 1] given to `apply(_:alpha:)` is ignored (the previous α stays), as in MediaPipe.
public struct LowPassFilter: Sendable {
    /// Current smoothing factor in [0, 1]; 1 = no smoothing.
    public private(set) var alpha: Float
    /// Whether a value has been filtered since creation or the last reset.
    public private(set) var hasLastRawValue = false
    /// The last input value (meaningful when `hasLastRawValue`).
    public private(set) var lastRawValue: Float = 0
    /// The last output value (meaningful when `hasLastRawValue`).
    public private(set) var lastValue: Float = 0

    /// A filter with the given α in [0, 1].
    public init(alpha: Float) throws {
        guard alpha >= 0, alpha <= 1 else { throw FaceMeshError.invalidSmoothingParameter("low-pass alpha \(alpha) ∉ [0, 1]") }
        self.alpha = alpha
    }

    /// Filters one value with the current α.
    public mutating func apply(_ value: Float) -> Float {
        let result: Float
        if hasLastRawValue {
            result = Float(Double(alpha * value) + (1.0 - Double(alpha)) * Double(lastValue))
        } else {
            result = value
            hasLastRawValue = true
        }
        lastRawValue = value
        lastValue = result
        return result
    }

    /// Sets α (ignored unless in [0, 1]) and filters one value.
    public mutating func apply(_ value: Float, alpha newAlpha: Float) -> Float {
        if newAlpha >= 0 && newAlpha <= 1 { alpha = newAlpha }
        return apply(value)
    }

    /// Forgets the history; the next value passes through.
    public mutating func reset() {
        hasLastRawValue = false
        lastRawValue = 0
        lastValue = 0
    }
}
