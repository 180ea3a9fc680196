/// A residual (shortcut) tensor that a convolution adds to its output before the activation.
///
/// Layout: NHWC with the same height and width as the convolution output and `channels` channels,
/// i.e. element (pixel p, channel c) is `values[p * channels + c]`, p = y · outputWidth + x.
/// `channels` should be at most the convolution's output channel count: output channels `c >= channels`
/// get nothing added, which implements the channel zero-pad shortcut of BlazeBlocks without a PAD op.
/// (If `channels` exceeds the output channel count, the extra residual channels are skipped.)
/// The pointer must stay valid for the duration of the kernel call; the struct does not own it.
public struct ResidualInput {
    /// First element of the residual tensor (NHWC, `channels` innermost).
    public var values: UnsafePointer<Float>
    /// Number of channels of the residual tensor (its innermost dimension); must be ≥ 1.
    public var channels: Int

    /// Wraps a residual tensor of `channels` channels stored at `values`.
    public init(values: UnsafePointer<Float>, channels: Int) {
        self.values = values
        self.channels = channels
    }
}
