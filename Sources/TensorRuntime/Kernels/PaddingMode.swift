/// How a convolution or pooling window treats the border of its input, with TensorFlow's rules.
///
/// - `same`: the output has ⌈n / stride⌉ positions per spatial axis; the input is virtually padded with
///   `total = max((out − 1)·stride + kernel − n, 0)` positions, ⌊total / 2⌋ before and the rest after
///   (so the padding is asymmetric when `total` is odd).
/// - `valid`: no padding; the output has ⌊(n − kernel) / stride⌋ + 1 positions per spatial axis.
public enum PaddingMode: String, Sendable {
    /// TensorFlow `SAME` padding (zeros for convolutions, ignored positions for max pooling).
    case same = "SAME"
    /// TensorFlow `VALID` padding (no padding at all).
    case valid = "VALID"
}
