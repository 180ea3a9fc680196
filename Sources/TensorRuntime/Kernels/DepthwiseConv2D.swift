#if FACEMESH_AVX512_KERNELS
import TensorKernelsAVX512
#endif

/// A depthwise 2-D convolution layer (TFLite DEPTHWISE_CONV_2D, depth multiplier 1) over one NHWC Float32 image,
/// with an optional fused residual add and activation.
///
/// Every channel c is convolved with its own kernel: filter layout [1, kernelHeight, kernelWidth, channels],
/// bias [channels]; output channels == input channels. For every output pixel p and channel c:
/// `v = Σ_{ky,kx} input[iy, ix, c] · filter[0, ky, kx, c] + bias[c]`; with a residual, `v += residual[p, c]` for
/// `c < residual.channels`; then `v = activation(v)`. Padded input positions read zero.
/// The fast path (3×3 windows, at least 8 channels) keeps each 8-channel block's weights in SIMD registers and
/// handles the padded border with dedicated column variants and a zero row; other windows use a generic path
/// vectorised over channels. Instances are immutable and may be shared between threads.
public final class DepthwiseConv2D: @unchecked Sendable {
    /// The window geometry this layer was built for (`outputChannels == inputChannels`).
    public let geometry: ConvolutionGeometry
    /// The fused activation.
    public let activation: Activation
    /// Floats of scratch memory `run` needs (always 0: the depthwise kernel works in place on its output).
    public let workspaceCount: Int = 0

    let parameters: ConvolutionParameters
    /// Weights as [kernelHeight · kernelWidth, channels] (the filter's own layout).
    let weights: UnsafeMutablePointer<Float>
    /// Column layout for the 3×3 fast path, nil when the generic path is used.
    let columns3x3: Depthwise3x3Columns?
    /// A row of zeros (inputWidth · channels floats) standing in for input rows above or below the image.
    let zeroRow: UnsafeMutablePointer<Float>
    /// Whether 3×3 rows run at AVX-512 width (`DepthwiseRowsAVX512`, the same values bit for bit); layers with at
    /// least 16 channels on CPUs with AVX-512.
    let usesAVX512: Bool

    /// Builds the layer and copies its weights.
    /// - Parameters:
    ///   - geometry: window geometry with `outputChannels == inputChannels`.
    ///   - filter: `kernelHeight · kernelWidth · channels` weights, layout [1, kh, kw, C].
    ///   - bias: `channels` values, or nil for none.
    ///   - activation: fused activation; `.prelu` needs one alpha per channel.
    /// - Throws: `PlanError` for an invalid geometry, a channel multiplier other than 1, or wrongly sized
    ///   filter, bias or alphas.
    public convenience init(geometry: ConvolutionGeometry, filter: [Float], bias: [Float]?,
                            activation: Activation) throws {
        try self.init(geometry: geometry, filter: filter, bias: bias, activation: activation,
                      instructionSet: RuntimeEnvironment.kernelInstructionSet)
    }

    /// Builds the layer for an explicit instruction set (tests compare the AVX2 and AVX-512 rows; `.avx512` must
    /// only be asked for when the CPU has it).
    init(geometry: ConvolutionGeometry, filter: [Float], bias: [Float]?, activation: Activation,
         instructionSet: KernelInstructionSet) throws {
        try geometry.validate()
        let g = geometry
        guard g.outputChannels == g.inputChannels else {
            throw PlanError.unsupported(
                "DEPTHWISE_CONV_2D with \(g.inputChannels) input and \(g.outputChannels) output channels "
                    + "(only depth multiplier 1 is supported)")
        }
        let expected = g.kernelHeight * g.kernelWidth * g.inputChannels
        guard filter.count == expected else {
            throw PlanError.sizeMismatch(
                "DEPTHWISE_CONV_2D filter has \(filter.count) values, expected [1, \(g.kernelHeight), "
                    + "\(g.kernelWidth), \(g.inputChannels)] = \(expected)")
        }
        parameters = try ConvolutionParameters(channels: g.outputChannels, bias: bias, activation: activation,
                                               layer: "DEPTHWISE_CONV_2D")
        self.geometry = geometry
        self.activation = activation
        weights = .allocate(capacity: expected)
        weights.initialize(from: filter, count: expected)
        columns3x3 = Depthwise3x3Columns(g)
        usesAVX512 = instructionSet == .avx512 && g.inputChannels >= 16
        let zeroCount = columns3x3 == nil ? 1 : g.inputWidth * g.inputChannels
        zeroRow = .allocate(capacity: zeroCount)
        zeroRow.initialize(repeating: 0, count: zeroCount)
    }

    deinit {
        weights.deallocate()
        zeroRow.deallocate()
    }

    /// Computes the depthwise convolution.
    /// - Parameters:
    ///   - input: NHWC input of `geometry.inputElementCount` floats.
    ///   - residual: optional shortcut added before the activation (same height and width as the output).
    ///   - output: NHWC output of `geometry.outputElementCount` floats; must not overlap the input or residual.
    ///   - workspace: unused (`workspaceCount` is 0); pass nil.
    public func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
                    workspace: UnsafeMutablePointer<Float>?) {
        run(input: input, residual: residual, output: output, workspace: workspace, units: 0..<workUnitCount)
    }

    /// Independent work units of `run(input:residual:output:workspace:units:)`: the output rows.
    var workUnitCount: Int { geometry.outputHeight }

    /// Computes output rows `units` (a sub-range of 0..<outputHeight); rows are independent, so threads may
    /// compute disjoint ranges at once with identical results.
    func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
             workspace: UnsafeMutablePointer<Float>?, units: Range<Int>) {
        let g = geometry
        for outputY in units {
            computeRow(outputY, input: input, residual: residual, outputRow: output + outputY * g.outputWidth * g.inputChannels)
        }
    }

    /// Computes output row `outputY` (outputWidth · channels floats) into `outputRow`, which may be any buffer
    /// (the fused depthwise-pointwise block passes a scratch row).
    @inline(__always)
    func computeRow(_ outputY: Int, input: UnsafePointer<Float>, residual: ResidualInput?,
                    outputRow: UnsafeMutablePointer<Float>) {
        let g = geometry
        let rowFloats = g.inputWidth * g.inputChannels
        do {
            let firstInputY = outputY * g.strideHeight - g.padTop
            if let columns = columns3x3 {
                func inputRow(_ kernelY: Int) -> UnsafePointer<Float> {
                    let inputY = firstInputY + kernelY
                    return inputY >= 0 && inputY < g.inputHeight ? input + inputY * rowFloats : UnsafePointer(zeroRow)
                }
                #if FACEMESH_AVX512_KERNELS
                if usesAVX512 {
                    let row = DepthwiseRowsAVX512.Row(
                        channels: g.inputChannels, strideWidth: g.strideWidth, padLeft: g.padLeft,
                        outputWidth: g.outputWidth, interiorStart: columns.interiorStart,
                        interiorEnd: columns.interiorEnd, columnsPerChunk: Self.columnsPerChunk(g))
                    DepthwiseRowsAVX512.row3x3(top: inputRow(0), middle: inputRow(1), bottom: inputRow(2),
                                               weights: weights, bias: parameters.bias, row: row, output: outputRow)
                } else {
                    row3x3(top: inputRow(0), middle: inputRow(1), bottom: inputRow(2), columns: columns,
                           output: outputRow)
                }
                #else
                row3x3(top: inputRow(0), middle: inputRow(1), bottom: inputRow(2), columns: columns,
                       output: outputRow)
                #endif
            } else {
                for outputX in 0..<g.outputWidth {
                    genericPixel(input: input, outputY: outputY, outputX: outputX, output: outputRow)
                }
            }
            parameters.epilogue.apply(outputRow, firstPixel: outputY * g.outputWidth, pixelCount: g.outputWidth,
                                      residual: residual, includeBias: false)
        }
    }
}

extension DepthwiseConv2D {
    /// One output pixel for any window size and any border situation: only the taps inside the input are
    /// summed (sums plus bias), vectorised over channels (8 at a time, then 4) with a scalar tail. Used where the 3×3
    /// fast path does not apply (other window sizes, fewer than 8 channels, unusual paddings).
    @inline(__always)
    func genericPixel(input: UnsafePointer<Float>, outputY: Int, outputX: Int, output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let channels = g.inputChannels
        let firstY = outputY * g.strideHeight - g.padTop, firstX = outputX * g.strideWidth - g.padLeft
        let kernelYRange = max(0, -firstY)..<max(0, min(g.kernelHeight, g.inputHeight - firstY))
        let kernelXRange = max(0, -firstX)..<max(0, min(g.kernelWidth, g.inputWidth - firstX))
        let destination = output + outputX * channels
        let w = UnsafePointer(weights), bias = UnsafePointer(parameters.bias)
        /// bias + the window's taps inside the input for `Vector.scalarCount` channels from `channel`, summed with
        /// fused multiply-adds row by row (8 channels at a time, then 4: the full-range detector's 4-channel heads).
        @inline(__always) func windowSum<Vector: SIMD>(_: Vector.Type, _ channel: Int) -> Vector
            where Vector.Scalar == Float {
            @inline(__always) func load(_ pointer: UnsafePointer<Float>) -> Vector {
                UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
            }
            var sum = load(bias + channel)
            for kernelY in kernelYRange {
                let row = input + (firstY + kernelY) * g.inputWidth * channels
                for kernelX in kernelXRange {
                    sum = sum.addingProduct(load(row + (firstX + kernelX) * channels + channel),
                                            load(w + (kernelY * g.kernelWidth + kernelX) * channels + channel))
                }
            }
            return sum
        }
        var channel = 0
        while channel + 8 <= channels {
            SIMDMemory.store8(windowSum(SIMD8<Float>.self, channel), destination + channel)
            channel += 8
        }
        if channel + 4 <= channels {
            UnsafeMutableRawPointer(destination + channel).storeBytes(of: windowSum(SIMD4<Float>.self, channel),
                                                                      as: SIMD4<Float>.self)
            channel += 4
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

extension DepthwiseConv2D {
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
