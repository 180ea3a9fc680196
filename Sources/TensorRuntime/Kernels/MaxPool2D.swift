/// 2-D max pooling (TFLite MAX_POOL_2D) over one NHWC Float32 image.
///
/// output[oy, ox, c] = max over the window positions (iy, ix) that lie inside the input of input[iy, ix, c],
/// with iy = oy·strideHeight − padTop + ky, ix = ox·strideWidth − padLeft + kx. Padded positions are ignored
/// (TensorFlow semantics), not treated as zeros. `geometry.outputChannels` must equal `inputChannels`
/// (`validate(geometry:)` checks it); the channel count used is `inputChannels`. A window with no position inside
/// the input (impossible for a geometry that passes `ConvolutionGeometry.validate()`) yields −Float.greatestFiniteMagnitude.
public enum MaxPool2D {
    /// Checks that `geometry` is valid and pools channel-wise (`outputChannels == inputChannels`).
    /// - Throws: `KernelError.invalidGeometry` or `KernelError.shapeMismatch`.
    public static func validate(geometry: ConvolutionGeometry) throws {
        try geometry.validate()
        guard geometry.outputChannels == geometry.inputChannels else {
            throw KernelError.shapeMismatch(
                "MAX_POOL_2D keeps the channel count: input \(geometry.inputChannels), output \(geometry.outputChannels)")
        }
    }

    /// Fast max pooling, vectorised over channels (SIMD8 with a scalar tail).
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputElementCount` floats.
    ///   - geometry: window geometry (see `validate(geometry:)`).
    ///   - output: NHWC output, outputHeight · outputWidth · inputChannels floats; must not overlap the input.
    public static func run(input: UnsafePointer<Float>, geometry: ConvolutionGeometry,
                           output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let channels = g.inputChannels
        let lowest = -Float.greatestFiniteMagnitude
        for outputY in 0..<g.outputHeight {
            let firstY = outputY * g.strideHeight - g.padTop
            let rowsInside = max(0, -firstY)..<max(0, min(g.kernelHeight, g.inputHeight - firstY))
            for outputX in 0..<g.outputWidth {
                let firstX = outputX * g.strideWidth - g.padLeft
                let columnsInside = max(0, -firstX)..<max(0, min(g.kernelWidth, g.inputWidth - firstX))
                let destination = output + (outputY * g.outputWidth + outputX) * channels
                var channel = 0
                while channel + 8 <= channels {
                    var maximum = SIMD8<Float>(repeating: lowest)
                    for kernelY in rowsInside {
                        let row = input + ((firstY + kernelY) * g.inputWidth + firstX) * channels + channel
                        for kernelX in columnsInside {
                            let value = SIMDMemory.load8(row + kernelX * channels)
                            maximum.replace(with: value, where: value .> maximum)
                        }
                    }
                    SIMDMemory.store8(maximum, destination + channel)
                    channel += 8
                }
                while channel < channels {
                    var maximum = lowest
                    for kernelY in rowsInside {
                        let row = input + ((firstY + kernelY) * g.inputWidth + firstX) * channels + channel
                        for kernelX in columnsInside where row[kernelX * channels] > maximum {
                            maximum = row[kernelX * channels]
                        }
                    }
                    destination[channel] = maximum
                    channel += 1
                }
            }
        }
    }

    /// Scalar reference max pooling (the definition above, one output element at a time).
    /// - Parameters: as for `run(input:geometry:output:)`.
    public static func reference(input: UnsafePointer<Float>, geometry: ConvolutionGeometry,
                                 output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let channels = g.inputChannels
        for outputY in 0..<g.outputHeight {
            for outputX in 0..<g.outputWidth {
                for channel in 0..<channels {
                    var maximum = -Float.greatestFiniteMagnitude
                    for kernelY in 0..<g.kernelHeight {
                        let inputY = outputY * g.strideHeight - g.padTop + kernelY
                        if inputY < 0 || inputY >= g.inputHeight { continue }
                        for kernelX in 0..<g.kernelWidth {
                            let inputX = outputX * g.strideWidth - g.padLeft + kernelX
                            if inputX < 0 || inputX >= g.inputWidth { continue }
                            let value = input[(inputY * g.inputWidth + inputX) * channels + channel]
                            if value > maximum { maximum = value }
                        }
                    }
                    output[(outputY * g.outputWidth + outputX) * channels + channel] = maximum
                }
            }
        }
    }
}
