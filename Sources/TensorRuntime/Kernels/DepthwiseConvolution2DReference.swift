extension DepthwiseConvolution2D {
    /// Scalar reference depthwise convolution (depth multiplier 1), used to check the fast paths.
    ///
    /// output[oy, ox, c] = activation(Σ_{ky,kx} input[iy, ix, c] · filter[0, ky, kx, c] + bias[c] + residual[oy, ox, c])
    /// with iy = oy·strideHeight − padTop + ky, ix = ox·strideWidth − padLeft + kx; input positions outside the image
    /// contribute zero, and the residual term is zero for c ≥ residual.channels.
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputElementCount` floats.
    ///   - geometry: window geometry; `outputChannels` must equal `inputChannels`.
    ///   - filter: [1, kernelHeight, kernelWidth, channels] weights.
    ///   - bias: `channels` floats, or nil for no bias.
    ///   - activation: applied last; `.prelu` needs one alpha per channel.
    ///   - residual: optional shortcut tensor with the output's height and width.
    ///   - output: NHWC output, `geometry.outputElementCount` floats.
    public static func reference(input: UnsafePointer<Float>, geometry: ConvolutionGeometry,
                                 filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 activation: Activation, residual: ResidualInput?,
                                 output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let channels = g.inputChannels
        for outputY in 0..<g.outputHeight {
            for outputX in 0..<g.outputWidth {
                let pixel = outputY * g.outputWidth + outputX
                for channel in 0..<channels {
                    var sum: Float = 0
                    for kernelY in 0..<g.kernelHeight {
                        let inputY = outputY * g.strideHeight - g.padTop + kernelY
                        if inputY < 0 || inputY >= g.inputHeight { continue }
                        for kernelX in 0..<g.kernelWidth {
                            let inputX = outputX * g.strideWidth - g.padLeft + kernelX
                            if inputX < 0 || inputX >= g.inputWidth { continue }
                            sum += input[(inputY * g.inputWidth + inputX) * channels + channel]
                                * filter[(kernelY * g.kernelWidth + kernelX) * channels + channel]
                        }
                    }
                    output[pixel * channels + channel] = ConvolutionReferenceEpilogue.finish(
                        sum, pixel: pixel, channel: channel, bias: bias, residual: residual, activation: activation)
                }
            }
        }
    }
}
