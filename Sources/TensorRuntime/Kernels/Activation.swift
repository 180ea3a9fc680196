/// An activation function applied elementwise after a kernel's linear part.
public enum Activation: Sendable, Equatable {
    /// The identity: y = x.
    case none
    /// Rectified linear unit: y = max(x, 0).
    case relu
    /// Parametric ReLU: y = x for x ≥ 0, y = α_c · x otherwise, with one α per channel `c`
    /// (the innermost NHWC dimension; for convolutions, one α per output channel).
    case prelu([Float])

    /// Applies the activation to one scalar of channel `channel` (scalar reference semantics).
    @inline(__always)
    func apply(_ value: Float, channel: Int) -> Float {
        switch self {
        case .none: return value
        case .relu: return value < 0 ? 0 : value
        case .prelu(let alphas): return value < 0 ? alphas[channel] * value : value
        }
    }
}
