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
        guard alpha >= 0, alpha <= 1 else { throw SmoothingError.invalidParameter("low-pass alpha \(alpha) ∉ [0, 1]") }
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
