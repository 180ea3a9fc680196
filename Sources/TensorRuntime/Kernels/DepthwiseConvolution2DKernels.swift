extension DepthwiseConvolution2D {
    /// Output columns [from, to) of one row whose 3×3 windows lie entirely inside the input
    /// (sums plus bias; the epilogue adds residual and activation afterwards).
    @inline(__always)
    func interior3x3(input: UnsafePointer<Float>, firstInputY: Int, from: Int, to: Int,
                     output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let channels = g.inputChannels
        let rowFloats = g.inputWidth * channels
        let step = g.strideWidth * channels
        let w = UnsafePointer(weights), bias = UnsafePointer(parameters.bias)
        let rowBase = input + firstInputY * rowFloats - g.padLeft * channels
        for outputX in from..<to {
            let top = rowBase + outputX * step
            let middle = top + rowFloats, bottom = middle + rowFloats
            let destination = output + outputX * channels
            var channel = 0
            while channel + 8 <= channels {
                let c = channel
                var sum = SIMDMemory.load8(bias + c)
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(top + c), SIMDMemory.load8(w + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(top + channels + c), SIMDMemory.load8(w + channels + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(top + 2 * channels + c), SIMDMemory.load8(w + 2 * channels + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + c), SIMDMemory.load8(w + 3 * channels + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + channels + c), SIMDMemory.load8(w + 4 * channels + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + 2 * channels + c), SIMDMemory.load8(w + 5 * channels + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + c), SIMDMemory.load8(w + 6 * channels + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + channels + c), SIMDMemory.load8(w + 7 * channels + c))
                sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + 2 * channels + c), SIMDMemory.load8(w + 8 * channels + c))
                SIMDMemory.store8(sum, destination + c)
                channel += 8
            }
            while channel < channels {
                let c = channel
                var sum = bias[c]
                sum = SIMDMemory.multiplyAdd(sum, top[c], w[c])
                sum = SIMDMemory.multiplyAdd(sum, top[channels + c], w[channels + c])
                sum = SIMDMemory.multiplyAdd(sum, top[2 * channels + c], w[2 * channels + c])
                sum = SIMDMemory.multiplyAdd(sum, middle[c], w[3 * channels + c])
                sum = SIMDMemory.multiplyAdd(sum, middle[channels + c], w[4 * channels + c])
                sum = SIMDMemory.multiplyAdd(sum, middle[2 * channels + c], w[5 * channels + c])
                sum = SIMDMemory.multiplyAdd(sum, bottom[c], w[6 * channels + c])
                sum = SIMDMemory.multiplyAdd(sum, bottom[channels + c], w[7 * channels + c])
                sum = SIMDMemory.multiplyAdd(sum, bottom[2 * channels + c], w[8 * channels + c])
                destination[c] = sum
                channel += 1
            }
        }
    }

    /// One output pixel of any window size, skipping taps outside the input (sums plus bias).
    @inline(__always)
    func borderPixel(input: UnsafePointer<Float>, outputY: Int, outputX: Int, output: UnsafeMutablePointer<Float>) {
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
                    sum += SIMDMemory.load8(row + (firstX + kernelX) * channels + channel)
                        * SIMDMemory.load8(w + (kernelY * g.kernelWidth + kernelX) * channels + channel)
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
                    sum = SIMDMemory.multiplyAdd(sum, row[(firstX + kernelX) * channels + channel], w[(kernelY * g.kernelWidth + kernelX) * channels + channel])
                }
            }
            destination[channel] = sum
            channel += 1
        }
    }
}
