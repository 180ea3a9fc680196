/// A depthwise 2-D convolution layer (TFLite DEPTHWISE_CONV_2D, depth multiplier 1) over one NHWC Float32 image,
/// with an optional fused residual add and activation.
///
/// Every channel c is convolved with its own kernel: filter layout [1, kernelHeight, kernelWidth, channels],
/// bias [channels]; output channels == input channels. For every output pixel p and channel c:
/// `v = Σ_{ky,kx} input[iy, ix, c] · filter[0, ky, kx, c] + bias[c]`; with a residual, `v += residual[p, c]` for
/// `c < residual.channels`; then `v = activation(v)`. Padded input positions read zero.
/// The fast path vectorises over channels (SIMD8, with SIMD4 and scalar tails) and is fully unrolled for 3×3
/// windows. Instances are immutable and may be shared between threads.
public final class DepthwiseConvolution2D: @unchecked Sendable {
    /// The window geometry this layer was built for (`outputChannels == inputChannels`).
    public let geometry: ConvolutionGeometry
    /// The fused activation.
    public let activation: Activation
    /// Floats of scratch memory `run` needs (always 0: the depthwise kernel works in place on its output).
    public let workspaceCount: Int = 0

    let parameters: ConvolutionParameters
    /// Weights as [kernelHeight · kernelWidth, channels] (the filter's own layout).
    let weights: UnsafeMutablePointer<Float>

    /// Builds the layer and copies its weights.
    /// - Parameters:
    ///   - geometry: window geometry with `outputChannels == inputChannels`.
    ///   - filter: `kernelHeight · kernelWidth · channels` weights, layout [1, kh, kw, C].
    ///   - bias: `channels` values, or nil for none.
    ///   - activation: fused activation; `.prelu` needs one alpha per channel.
    /// - Throws: `KernelError` for an invalid geometry, a channel multiplier other than 1, or wrongly sized
    ///   filter, bias or alphas.
    public init(geometry: ConvolutionGeometry, filter: [Float], bias: [Float]?, activation: Activation) throws {
        try geometry.validate()
        let g = geometry
        guard g.outputChannels == g.inputChannels else {
            throw KernelError.unsupported(
                "DEPTHWISE_CONV_2D with \(g.inputChannels) input and \(g.outputChannels) output channels "
                    + "(only depth multiplier 1 is supported)")
        }
        let expected = g.kernelHeight * g.kernelWidth * g.inputChannels
        guard filter.count == expected else {
            throw KernelError.shapeMismatch(
                "DEPTHWISE_CONV_2D filter has \(filter.count) values, expected [1, \(g.kernelHeight), "
                    + "\(g.kernelWidth), \(g.inputChannels)] = \(expected)")
        }
        parameters = try ConvolutionParameters(channels: g.outputChannels, bias: bias, activation: activation,
                                               layer: "DEPTHWISE_CONV_2D")
        self.geometry = geometry
        self.activation = activation
        weights = .allocate(capacity: expected)
        weights.initialize(from: filter, count: expected)
    }

    deinit {
        weights.deallocate()
    }

    /// Computes the depthwise convolution.
    /// - Parameters:
    ///   - input: NHWC input of `geometry.inputElementCount` floats.
    ///   - residual: optional shortcut added before the activation (same height and width as the output).
    ///   - output: NHWC output of `geometry.outputElementCount` floats; must not overlap the input or residual.
    ///   - workspace: unused (`workspaceCount` is 0); pass nil.
    public func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
                    workspace: UnsafeMutablePointer<Float>?) {
        let g = geometry
        let channels = g.inputChannels
        let interiorStart = min(g.outputWidth, (g.padLeft + g.strideWidth - 1) / g.strideWidth)
        let lastFit = g.inputWidth - g.kernelWidth + g.padLeft
        let interiorEnd = lastFit < 0 ? interiorStart
            : max(interiorStart, min(g.outputWidth, lastFit / g.strideWidth + 1))
        let is3x3 = g.kernelHeight == 3 && g.kernelWidth == 3
        for outputY in 0..<g.outputHeight {
            let firstInputY = outputY * g.strideHeight - g.padTop
            let rowInside = firstInputY >= 0 && firstInputY + g.kernelHeight <= g.inputHeight
            let outputRow = output + outputY * g.outputWidth * channels
            if rowInside && is3x3 {
                for outputX in 0..<interiorStart {
                    borderPixel(input: input, outputY: outputY, outputX: outputX, output: outputRow)
                }
                interior3x3(input: input, firstInputY: firstInputY, from: interiorStart, to: interiorEnd,
                            output: outputRow)
                for outputX in interiorEnd..<g.outputWidth {
                    borderPixel(input: input, outputY: outputY, outputX: outputX, output: outputRow)
                }
            } else {
                for outputX in 0..<g.outputWidth {
                    borderPixel(input: input, outputY: outputY, outputX: outputX, output: outputRow)
                }
            }
            parameters.epilogue.apply(outputRow, firstPixel: outputY * g.outputWidth, pixelCount: g.outputWidth,
                                      residual: residual, includeBias: false)
        }
    }
}
