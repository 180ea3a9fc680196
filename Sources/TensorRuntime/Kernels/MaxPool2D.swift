/// 2-D max pooling (TFLite MAX_POOL_2D) over one NHWC Float32 image.
///
/// output[oy, ox, c] = max over the window positions (iy, ix) that lie inside the input of input[iy, ix, c],
/// with iy = oy·strideHeight − padTop + ky, ix = ox·strideWidth − padLeft + kx. Padded positions are ignored
/// (TensorFlow semantics), not treated as zeros. `geometry.outputChannels` must equal `inputChannels`
/// (`validate(geometry:)` checks it); the channel count used is `inputChannels`. A window with no position inside
/// the input (impossible for a geometry that passes `ConvolutionGeometry.validate()`) yields −Float.greatestFiniteMagnitude.
public enum MaxPool2D {
    /// Checks that `geometry` is valid and pools channel-wise (`outputChannels == inputChannels`).
    /// - Throws: `PlanError.invalidGeometry` or `PlanError.sizeMismatch`.
    public static func validate(geometry: ConvolutionGeometry) throws {
        try geometry.validate()
        guard geometry.outputChannels == geometry.inputChannels else {
            throw PlanError.sizeMismatch(
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
        run(input: input, geometry: geometry, output: output, rows: 0..<geometry.outputHeight)
    }

    /// Computes output rows `rows` only (rows are independent: threads may compute disjoint ranges at once).
    static func run(input: UnsafePointer<Float>, geometry: ConvolutionGeometry, output: UnsafeMutablePointer<Float>,
                    rows: Range<Int>) {
        let g = geometry
        let channels = g.inputChannels
        if g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2
            && g.padTop == 0 && g.padLeft == 0 && 2 * g.outputHeight <= g.inputHeight
            && 2 * g.outputWidth <= g.inputWidth && channels >= 8 {
            runUnpadded2x2(input: input, geometry: g, output: output, rows: rows)
            return
        }
        let lowest = -Float.greatestFiniteMagnitude
        for outputY in rows {
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

    /// 2×2 stride-2 windows that all lie inside the input, at least 8 channels: four loads per vector (when the
    /// channel count is not a multiple of 8, the last vector overlaps the previous one and recomputes those
    /// channels identically). The maximum is taken in the same order as the general path (row by row, left to
    /// right), so results match it exactly (including which NaN propagates).
    private static func runUnpadded2x2(input: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
                                       output: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        let channels = g.inputChannels
        let rowFloats = g.inputWidth * channels
        let lowest = SIMD8<Float>(repeating: -Float.greatestFiniteMagnitude)
        @inline(__always) func larger(_ maximum: SIMD8<Float>, _ value: SIMD8<Float>) -> SIMD8<Float> {
            maximum.replacing(with: value, where: value .> maximum)
        }
        for outputY in rows {
            let top = input + 2 * outputY * rowFloats
            let bottom = top + rowFloats
            let destinationRow = output + outputY * g.outputWidth * channels
            for outputX in 0..<g.outputWidth {
                let offset = 2 * outputX * channels
                let destination = destinationRow + outputX * channels
                var block = 0
                while block < channels {
                    let channel = min(block, channels - 8)
                    var maximum = larger(lowest, SIMDMemory.load8(top + offset + channel))
                    maximum = larger(maximum, SIMDMemory.load8(top + offset + channels + channel))
                    maximum = larger(maximum, SIMDMemory.load8(bottom + offset + channel))
                    maximum = larger(maximum, SIMDMemory.load8(bottom + offset + channels + channel))
                    SIMDMemory.store8(maximum, destination + channel)
                    block += 8
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
