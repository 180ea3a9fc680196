/// Owned, validated bias and activation parameters of a convolution layer, and the epilogue that applies them
/// (internal; shared by `Convolution2D` and `DepthwiseConvolution2D`).
final class ConvolutionParameters {
    /// Output channel count the parameters were validated for.
    let channels: Int
    /// Channel count rounded up to a multiple of 16, the length of the padded buffers.
    let paddedChannels: Int
    /// Bias per output channel, zeros when the layer has none, zero-padded to `paddedChannels`.
    let bias: UnsafeMutablePointer<Float>
    /// PReLU alphas per output channel (zeros unless the activation is `.prelu`), padded to `paddedChannels`.
    let alphas: UnsafeMutablePointer<Float>
    /// The epilogue reading `bias` and `alphas`.
    let epilogue: ConvolutionEpilogue

    /// Validates `bias` and `activation` against `channels` output channels and copies them.
    /// - Throws: `KernelError.shapeMismatch` when the bias or the PReLU alphas do not have `channels` values.
    init(channels: Int, bias: [Float]?, activation: Activation, layer: String) throws {
        if let bias, bias.count != channels {
            throw KernelError.shapeMismatch("\(layer): bias has \(bias.count) values, expected \(channels)")
        }
        var kind = ConvolutionEpilogue.Kind.none
        var alphaValues: [Float] = []
        switch activation {
        case .none: kind = .none
        case .relu: kind = .relu
        case .prelu(let values):
            guard values.count == channels else {
                throw KernelError.shapeMismatch(
                    "\(layer): PReLU has \(values.count) alphas, expected one per output channel (\(channels))")
            }
            kind = .prelu
            alphaValues = values
        }
        self.channels = channels
        paddedChannels = (channels + 15) / 16 * 16
        self.bias = .allocate(capacity: paddedChannels)
        self.bias.initialize(repeating: 0, count: paddedChannels)
        if let bias { self.bias.update(from: bias, count: channels) }
        alphas = .allocate(capacity: paddedChannels)
        alphas.initialize(repeating: 0, count: paddedChannels)
        alphas.update(from: alphaValues, count: alphaValues.count)
        epilogue = ConvolutionEpilogue(channels: channels, bias: self.bias, kind: kind, alphas: alphas)
    }

    deinit {
        bias.deallocate()
        alphas.deallocate()
    }
}
