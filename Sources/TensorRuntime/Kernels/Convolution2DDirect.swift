extension Convolution2D {
    /// The direct strategy: interior pixels are read in place by the register-blocked micro-kernel; pixels whose
    /// window crosses the border have their patch gathered (zero-padded) into the workspace first.
    func runDirect(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
                   workspace: UnsafeMutablePointer<Float>?) {
        let g = geometry
        let channels = g.outputChannels
        let padded = parameters.paddedChannels
        let tile = ConvolutionMicroKernel.tilePixels
        let weights = UnsafePointer(packedWeights), bias = UnsafePointer(parameters.bias)

        if Self.isPointwise(g) {
            let pixelCount = g.outputHeight * g.outputWidth
            let chunk = 64
            var first = 0
            while first < pixelCount {
                let count = min(chunk, pixelCount - first)
                var pixel = first
                while pixel < first + count {
                    let pixels = min(tile, first + count - pixel)
                    let source = ConvolutionMicroKernel.Source(
                        base: input + pixel * g.inputChannels, pixelStride: g.inputChannels, segmentCount: 1,
                        segmentStride: 0, segmentLength: g.inputChannels)
                    ConvolutionMicroKernel.run(source: source, pixels: pixels, weights: weights,
                                               paddedChannels: padded, bias: bias, channels: channels,
                                               output: output + pixel * channels, outputStride: channels)
                    pixel += pixels
                }
                parameters.epilogue.apply(output + first * channels, firstPixel: first, pixelCount: count,
                                          residual: residual, includeBias: false)
                first += count
            }
            return
        }

        guard let workspace else { return }
        let interiorStart = min(g.outputWidth, (g.padLeft + g.strideWidth - 1) / g.strideWidth)
        let lastFit = g.inputWidth - g.kernelWidth + g.padLeft
        let interiorEnd = lastFit < 0 ? interiorStart
            : max(interiorStart, min(g.outputWidth, lastFit / g.strideWidth + 1))
        let rowFloats = g.inputWidth * g.inputChannels

        for outputY in 0..<g.outputHeight {
            let firstInputY = outputY * g.strideHeight - g.padTop
            let rowInside = firstInputY >= 0 && firstInputY + g.kernelHeight <= g.inputHeight
            let outputRow = output + outputY * g.outputWidth * channels

            /// Gathers and computes the pixels [from, to) of this row, `tile` at a time.
            func gathered(from: Int, to: Int) {
                var outputX = from
                while outputX < to {
                    let pixels = min(tile, to - outputX)
                    for index in 0..<pixels {
                        ConvolutionPatches.gather(input: input, geometry: g, outputY: outputY,
                                                  outputX: outputX + index, into: workspace + index * patchLength)
                    }
                    let source = ConvolutionMicroKernel.Source(
                        base: workspace, pixelStride: patchLength, segmentCount: 1, segmentStride: 0,
                        segmentLength: patchLength)
                    ConvolutionMicroKernel.run(source: source, pixels: pixels, weights: weights,
                                               paddedChannels: padded, bias: bias, channels: channels,
                                               output: outputRow + outputX * channels, outputStride: channels)
                    outputX += pixels
                }
            }

            if rowInside {
                gathered(from: 0, to: interiorStart)
                var outputX = interiorStart
                while outputX < interiorEnd {
                    let pixels = min(tile, interiorEnd - outputX)
                    let firstInputX = outputX * g.strideWidth - g.padLeft
                    let source = ConvolutionMicroKernel.Source(
                        base: input + firstInputY * rowFloats + firstInputX * g.inputChannels,
                        pixelStride: g.strideWidth * g.inputChannels, segmentCount: g.kernelHeight,
                        segmentStride: rowFloats, segmentLength: g.kernelWidth * g.inputChannels)
                    ConvolutionMicroKernel.run(source: source, pixels: pixels, weights: weights,
                                               paddedChannels: padded, bias: bias, channels: channels,
                                               output: outputRow + outputX * channels, outputStride: channels)
                    outputX += pixels
                }
                gathered(from: interiorEnd, to: g.outputWidth)
            } else {
                gathered(from: 0, to: g.outputWidth)
            }
            parameters.epilogue.apply(outputRow, firstPixel: outputY * g.outputWidth, pixelCount: g.outputWidth,
                                      residual: residual, includeBias: false)
        }
    }
}
