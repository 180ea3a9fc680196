extension DepthwiseConvolution2D {
    /// One output pixel for any window size and any border situation: only the taps inside the input are
    /// summed (sums plus bias), vectorised over channels with a scalar tail. Used where the 3×3 fast path does not
    /// apply (other window sizes, fewer than 8 channels, unusual paddings).
    @inline(__always)
    func genericPixel(input: UnsafePointer<Float>, outputY: Int, outputX: Int, output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let channels = g.inputChannels
        let firstY = outputY * g.strideHeight - g.padTop, firstX = outputX * g.strideWidth - g.padLeft
        let kernelYRange = max(0, -firstY)..<max(0, min(g.kernelHeight, g.inputHeight - firstY))
        let kernelXRange = max(0, -firstX)..<max(0, min(g.kernelWidth, g.inputWidth - firstX))
        let destination = output + outputX * channels
        let w = UnsafePointer(weights), bias = UnsafePointer(parameters.bias)
        var channel = 0
        while channel + 8 <= channels {
            var sum = SIMDMemory.load8(bias + channel)
            for kernelY in kernelYRange {
                let row = input + (firstY + kernelY) * g.inputWidth * channels
                for kernelX in kernelXRange {
                    sum = SIMDMemory.multiplyAdd(
                        sum, SIMDMemory.load8(row + (firstX + kernelX) * channels + channel),
                        SIMDMemory.load8(w + (kernelY * g.kernelWidth + kernelX) * channels + channel))
                }
            }
            SIMDMemory.store8(sum, destination + channel)
            channel += 8
        }
        while channel < channels {
            var sum = bias[channel]
            for kernelY in kernelYRange {
                let row = input + (firstY + kernelY) * g.inputWidth * channels
                for kernelX in kernelXRange {
                    sum = SIMDMemory.multiplyAdd(sum, row[(firstX + kernelX) * channels + channel],
                                                 w[(kernelY * g.kernelWidth + kernelX) * channels + channel])
                }
            }
            destination[channel] = sum
            channel += 1
        }
    }
}
