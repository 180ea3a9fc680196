/// Gathers convolution input patches ("im2col") (internal).
///
/// The patch of output pixel (oy, ox) is the K = kernelHeight · kernelWidth · inputChannels input values under its
/// window, in (ky, kx, channel) order — the order of a [O, kh, kw, I] filter row — with zeros for padded positions.
enum ConvolutionPatches {
    /// Writes the K-float patch of output pixel (`outputY`, `outputX`) to `patch`.
    @inline(__always)
    static func gather(input: UnsafePointer<Float>, geometry g: ConvolutionGeometry, outputY: Int, outputX: Int,
                       into patch: UnsafeMutablePointer<Float>) {
        let channels = g.inputChannels
        let rowLength = g.kernelWidth * channels
        let firstX = outputX * g.strideWidth - g.padLeft
        let rowInside = firstX >= 0 && firstX + g.kernelWidth <= g.inputWidth
        for kernelY in 0..<g.kernelHeight {
            let inputY = outputY * g.strideHeight - g.padTop + kernelY
            let destination = patch + kernelY * rowLength
            if inputY < 0 || inputY >= g.inputHeight {
                destination.update(repeating: 0, count: rowLength)
            } else if rowInside {
                destination.update(from: input + (inputY * g.inputWidth + firstX) * channels, count: rowLength)
            } else {
                for kernelX in 0..<g.kernelWidth {
                    let inputX = firstX + kernelX
                    if inputX < 0 || inputX >= g.inputWidth {
                        (destination + kernelX * channels).update(repeating: 0, count: channels)
                    } else {
                        (destination + kernelX * channels).update(
                            from: input + (inputY * g.inputWidth + inputX) * channels, count: channels)
                    }
                }
            }
        }
    }

    /// Writes the patches of `count` consecutive output pixels (row-major pixel index `firstPixel` onwards),
    /// one K-float row each, to `patches`.
    static func gather(input: UnsafePointer<Float>, geometry g: ConvolutionGeometry, firstPixel: Int, count: Int,
                       into patches: UnsafeMutablePointer<Float>) {
        let patchLength = g.kernelHeight * g.kernelWidth * g.inputChannels
        for index in 0..<count {
            let pixel = firstPixel + index
            gather(input: input, geometry: g, outputY: pixel / g.outputWidth, outputX: pixel % g.outputWidth,
                   into: patches + index * patchLength)
        }
    }
}
