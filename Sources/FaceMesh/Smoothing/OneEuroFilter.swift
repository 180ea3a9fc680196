import Foundation

/// MediaPipe's One Euro filter (mediapipe/util/filtering/one_euro_filter.cc) for one scalar stream.
///
/// α(f_c) = 1/(1 + τ/T_e), τ = 1/(2π·f_c), T_e = 1/frequency. The frequency is 1/Δt, recomputed only when both
/// the previous and the current timestamp are non-zero (initially `Parameters.frequency`). The derivative
/// differentiates the previous **raw** value (MediaPipe's variant): dx = (x − x_prev_raw)·valueScale·frequency (0 on
/// the first sample); ê = LowPass_d(dx, α(derivativeCutoff)); f_c = minCutoff + β·|ê|; output =
/// LowPass_x(x, α(f_c)). A timestamp ≤ the previous one (the previous starts at 0) returns the input unchanged and
/// leaves the state alone — so a sample at exactly t = 0 on a fresh filter passes through without being recorded.
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
    private var lastTimestamp: Int64 = 0
    private var value: LowPassFilter
    private var derivative: LowPassFilter

    /// A fresh filter; throws if a frequency or cutoff is not positive or β is negative/not finite.
    public init(parameters: Parameters = .faceLandmarker) throws {
        let p = parameters
        guard p.frequency > 0, p.frequency.isFinite else {
            throw SmoothingError.invalidParameter("One Euro frequency \(p.frequency) must be positive")
        }
        guard p.minCutoff > 0, p.minCutoff.isFinite, p.derivativeCutoff > 0, p.derivativeCutoff.isFinite else {
            throw SmoothingError.invalidParameter(
                "One Euro cutoffs (min \(p.minCutoff), derivative \(p.derivativeCutoff)) must be positive")
        }
        guard p.beta >= 0, p.beta.isFinite else {
            throw SmoothingError.invalidParameter("One Euro beta \(p.beta) must be ≥ 0")
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
