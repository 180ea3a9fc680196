/// Plain scalar reference for the epilogue of both convolution references (internal).
enum ConvolutionReferenceEpilogue {
    /// `sum + bias[c]`, plus the residual value when `c < residual.channels`, then the activation.
    static func finish(_ sum: Float, pixel: Int, channel: Int, bias: UnsafePointer<Float>?,
                       residual: ResidualInput?, activation: Activation) -> Float {
        var value = sum
        if let bias { value += bias[channel] }
        if let residual, channel < residual.channels {
            value += residual.values[pixel * residual.channels + channel]
        }
        return activation.apply(value, channel: channel)
    }
}
