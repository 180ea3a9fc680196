extension Convolution2D {
    /// Scalar reference convolution: the definition, written for clarity, used to check the fast paths.
    ///
    /// output[oy, ox, o] = activation(Σ_{ky,kx,i} input[iy, ix, i] · filter[o, ky, kx, i] + bias[o] + residual[oy, ox, o])
    /// with iy = oy·strideHeight − padTop + ky, ix = ox·strideWidth − padLeft + kx; input positions outside the image
    /// contribute zero, and the residual term is zero for o ≥ residual.channels.
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputElementCount` floats.
    ///   - filter: [outputChannels, kernelHeight, kernelWidth, inputChannels] weights.
    ///   - bias: `outputChannels` floats, or nil for no bias.
    ///   - activation: applied last; `.prelu` needs `outputChannels` alphas.
    ///   - residual: optional shortcut tensor with the output's height and width.
    ///   - output: NHWC output, `geometry.outputElementCount` floats.
    public static func reference(input: UnsafePointer<Float>, geometry: ConvolutionGeometry,
                                 filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 activation: Activation, residual: ResidualInput?,
                                 output: UnsafeMutablePointer<Float>) {
        let g = geometry
        for outputY in 0..<g.outputHeight {
            for outputX in 0..<g.outputWidth {
                let pixel = outputY * g.outputWidth + outputX
                for outputChannel in 0..<g.outputChannels {
                    var sum: Float = 0
                    for kernelY in 0..<g.kernelHeight {
                        let inputY = outputY * g.strideHeight - g.padTop + kernelY
                        if inputY < 0 || inputY >= g.inputHeight { continue }
                        for kernelX in 0..<g.kernelWidth {
                            let inputX = outputX * g.strideWidth - g.padLeft + kernelX
                            if inputX < 0 || inputX >= g.inputWidth { continue }
                            for inputChannel in 0..<g.inputChannels {
                                let inputIndex = (inputY * g.inputWidth + inputX) * g.inputChannels + inputChannel
                                let filterIndex = ((outputChannel * g.kernelHeight + kernelY) * g.kernelWidth + kernelX)
                                    * g.inputChannels + inputChannel
                                sum += input[inputIndex] * filter[filterIndex]
                            }
                        }
                    }
                    output[pixel * g.outputChannels + outputChannel] = ConvolutionReferenceEpilogue.finish(
                        sum, pixel: pixel, channel: outputChannel, bias: bias, residual: residual,
                        activation: activation)
                }
            }
        }
    }
}
