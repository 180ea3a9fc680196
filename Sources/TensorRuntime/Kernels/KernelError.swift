/// Errors thrown by the tensor kernels when they are given shapes or parameters they cannot handle.
///
/// Every case carries a human-readable message naming the offending values.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// Spatial sizes, kernel sizes, strides or paddings that do not describe a valid window geometry.
    case invalidGeometry(String)
    /// Tensor shapes, or parameter arrays (filters, biases, alphas), whose sizes do not agree.
    case shapeMismatch(String)
    /// A parameter value outside its allowed range (e.g. a zero stride or an out-of-range axis).
    case invalidArgument(String)
    /// A well-formed request the kernels deliberately do not implement (e.g. strided-slice ellipsis masks).
    case unsupported(String)

    /// A one-line description: the error kind followed by its message.
    public var description: String {
        switch self {
        case .invalidGeometry(let message): return "invalid geometry: \(message)"
        case .shapeMismatch(let message): return "shape mismatch: \(message)"
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .unsupported(let message): return "unsupported: \(message)"
        }
    }
}
