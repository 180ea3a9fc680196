/// A 2-D convolution layer (TFLite CONV_2D) over one NHWC Float32 image, with an optional fused residual add and
/// activation.
///
/// Filter layout [outputChannels, kernelHeight, kernelWidth, inputChannels], bias [outputChannels].
/// For every output pixel p and channel c: `v = Σ input·filter + bias[c]`; with a residual,
/// `v += residual[p, c]` for `c < residual.channels`; then `v = activation(v)`.
/// Weights are repacked once at initialisation for the chosen fast path (a register-blocked direct SIMD kernel, or
/// patch gathering plus OpenBLAS SGEMM). `run` never allocates when given a workspace of `workspaceCount` floats.
/// Instances are immutable after initialisation and may be shared between threads (each call needs its own
/// output and workspace).
public final class Conv2D: @unchecked Sendable {
    /// How `run` computes the convolution (internal; chosen at initialisation).
    enum Strategy: Equatable {
        /// Register-blocked SIMD kernel reading the input in place (patches gathered only at borders).
        case direct
        /// Patches gathered into the workspace in chunks of `chunkPixels` pixels, then OpenBLAS SGEMM
        /// (1×1 stride-1 unpadded convolutions multiply the input directly).
        case gemm(chunkPixels: Int)
    }

    /// How `run(input:residual:output:workspace:units:)` divides the output into independent work units
    /// (internal).
    enum WorkUnits: Equatable {
        /// 16-channel blocks of every output pixel (layers with few output pixels, e.g. heads).
        case channelBlocks
        /// Spans of `unitPixels` consecutive pixels (1×1 stride-1 layers).
        case pixelSpans
        /// Output rows.
        case rows
    }

    /// The window geometry this layer was built for.
    public let geometry: ConvolutionGeometry
    /// The fused activation.
    public let activation: Activation
    /// Floats of scratch memory `run` needs as `workspace` (0 when none is needed).
    public let workspaceCount: Int

    let strategy: Strategy
    /// The kind of work unit and how many there are (the GEMM strategy has a single unit).
    let workUnits: WorkUnits
    let workUnitCount: Int
    /// Pixels per span of a 1×1 layer: `ConvolutionMicroKernel.spanPixels`, or fewer (a multiple of the 6-pixel
    /// tile) for small maps, so that they still divide into about 8 spans for threads to share.
    let unitPixels: Int
    let parameters: ConvolutionParameters
    /// Patch length K = kernelHeight · kernelWidth · inputChannels.
    let patchLength: Int
    /// Weights as 16-channel panels [paddedChannels / 16][K][16] (direct) or [outputChannels, K] (GEMM).
    let packedWeights: UnsafeMutablePointer<Float>
    /// The same panels in Float16, for large single-output-pixel layers whose weights are all exactly Float16
    /// values (the face models store fp16 weights): their time goes into streaming the weights. Nil otherwise.
    let halfWeights: UnsafeMutablePointer<Float16>?
    /// The weights of a narrow last block (1 or 2 channels past a multiple of 16) as rows [channel][K], for the
    /// direct path's dot-product tail (`ConvolutionMicroKernel.runTail`). Nil otherwise.
    let tailWeights: UnsafeMutablePointer<Float>?
    /// Whether the direct path's tiles run at AVX-512 width (same values bit for bit as the AVX2 tiles).
    let usesAVX512: Bool

    /// Builds the layer and prepacks its weights.
    /// - Parameters:
    ///   - geometry: the window geometry (see `ConvolutionGeometry`).
    ///   - filter: `outputChannels · kernelHeight · kernelWidth · inputChannels` weights, layout [O, kh, kw, I].
    ///   - bias: `outputChannels` values, or nil for none.
    ///   - activation: fused activation; `.prelu` needs `outputChannels` alphas.
    /// - Throws: `PlanError` when the geometry is invalid or the filter, bias or alphas have the wrong size.
    public convenience init(geometry: ConvolutionGeometry, filter: [Float], bias: [Float]?,
                            activation: Activation) throws {
        try geometry.validate()
        try self.init(geometry: geometry, filter: filter, bias: bias, activation: activation,
                      strategy: Self.preferredStrategy(for: geometry))
    }

    /// Builds the layer with an explicit strategy (tests and measurements compare strategies) and instruction set
    /// (tests compare the AVX2 and AVX-512 tiles; `.avx512` must only be asked for when the CPU has it).
    init(geometry: ConvolutionGeometry, filter: [Float], bias: [Float]?, activation: Activation,
         strategy: Strategy, instructionSet: KernelInstructionSet = RuntimeEnvironment.kernelInstructionSet) throws {
        try geometry.validate()
        usesAVX512 = instructionSet == .avx512
        let g = geometry
        let patchLength = g.kernelHeight * g.kernelWidth * g.inputChannels
        guard filter.count == g.outputChannels * patchLength else {
            throw PlanError.sizeMismatch(
                "CONV_2D filter has \(filter.count) values, expected [\(g.outputChannels), \(g.kernelHeight), "
                    + "\(g.kernelWidth), \(g.inputChannels)] = \(g.outputChannels * patchLength)")
        }
        parameters = try ConvolutionParameters(channels: g.outputChannels, bias: bias, activation: activation,
                                               layer: "CONV_2D")
        self.geometry = geometry
        self.activation = activation
        self.patchLength = patchLength
        self.strategy = strategy
        let pixels = g.outputHeight * g.outputWidth
        let blocks = (g.outputChannels + 15) / 16
        let tile = ConvolutionMicroKernel.tilePixels
        unitPixels = max(tile, min(ConvolutionMicroKernel.spanPixels, ((pixels + 7) / 8 + tile - 1) / tile * tile))
        if strategy != .direct {
            workUnits = .rows
            workUnitCount = 1  // the GEMM path always computes the whole layer
        } else if pixels <= 16 && blocks >= 2 {
            workUnits = .channelBlocks
            workUnitCount = blocks
        } else if Self.isPointwise(g) {
            workUnits = .pixelSpans
            workUnitCount = (pixels + unitPixels - 1) / unitPixels
        } else {
            workUnits = .rows
            workUnitCount = g.outputHeight
        }
        switch strategy {
        case .direct:
            let padded = parameters.paddedChannels
            packedWeights = .allocate(capacity: patchLength * padded)
            packedWeights.initialize(repeating: 0, count: patchLength * padded)
            for outputChannel in 0..<g.outputChannels {
                let panel = packedWeights + (outputChannel / 16) * 16 * patchLength + outputChannel % 16
                for k in 0..<patchLength {
                    panel[k * 16] = filter[outputChannel * patchLength + k]
                }
            }
            let count = patchLength * padded
            if pixels == 1 && count >= 16384 && filter.allSatisfy({ Float(Float16($0)) == $0 }) {
                let half = UnsafeMutablePointer<Float16>.allocate(capacity: count)
                for index in 0..<count { half[index] = Float16(packedWeights[index]) }
                halfWeights = half
            } else {
                halfWeights = nil
            }
            let tailChannels = g.outputChannels % 16
            if tailChannels >= 1 && tailChannels <= ConvolutionMicroKernel.maximumTailChannels && halfWeights == nil {
                let first = g.outputChannels - tailChannels
                let rows = UnsafeMutablePointer<Float>.allocate(capacity: tailChannels * patchLength)
                filter.withUnsafeBufferPointer {
                    rows.initialize(from: $0.baseAddress! + first * patchLength, count: tailChannels * patchLength)
                }
                tailWeights = rows
            } else {
                tailWeights = nil
            }
            let rowGather = ConvolutionMicroKernel.gatherPixels(outputWidth: g.outputWidth, patchLength: patchLength)
            // Layers split by channel blocks gather all their (few) patches at once when they fit in 64 KB.
            let allPatches = workUnits == .channelBlocks && pixels * patchLength <= 16384 ? pixels * patchLength : 0
            workspaceCount = Self.isPointwise(g) ? 0 : max(rowGather * patchLength, allPatches)
        case .gemm(let chunkPixels):
            halfWeights = nil
            tailWeights = nil
            packedWeights = .allocate(capacity: filter.count)
            packedWeights.initialize(from: filter, count: filter.count)
            workspaceCount = Self.isPointwise(g) ? 0 : max(1, chunkPixels) * patchLength
        }
    }

    deinit {
        packedWeights.deallocate()
        halfWeights?.deallocate()
        tailWeights?.deallocate()
    }

    /// Computes the convolution.
    /// - Parameters:
    ///   - input: NHWC input of `geometry.inputElementCount` floats.
    ///   - residual: optional shortcut added before the activation (same height and width as the output).
    ///   - output: NHWC output of `geometry.outputElementCount` floats; must not overlap the input or residual.
    ///   - workspace: `workspaceCount` floats of scratch memory (may be nil when `workspaceCount` is 0; if it is nil
    ///     otherwise, `run` allocates a temporary buffer).
    public func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
                    workspace: UnsafeMutablePointer<Float>?) {
        run(input: input, residual: residual, output: output, workspace: workspace, units: 0..<workUnitCount)
    }

    /// Computes the part of the convolution that belongs to work units `units` (a sub-range of
    /// 0..<`workUnitCount`): output rows, pixel spans or 16-channel blocks, chosen at initialisation. Units are
    /// independent, so threads may compute disjoint ranges at once (each with its own workspace); every output
    /// element gets the same arithmetic whatever the split.
    func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
             workspace: UnsafeMutablePointer<Float>?, units: Range<Int>) {
        if workspaceCount > 0 && workspace == nil {
            let temporary = UnsafeMutablePointer<Float>.allocate(capacity: workspaceCount)
            defer { temporary.deallocate() }
            run(input: input, residual: residual, output: output, workspace: temporary, units: units)
            return
        }
        switch strategy {
        case .direct:
            runDirect(input: input, residual: residual, output: output, workspace: workspace, units: units)
        case .gemm(let chunkPixels):
            runGEMM(input: input, residual: residual, output: output, workspace: workspace,
                    chunkPixels: max(1, chunkPixels))
        }
    }

    /// True for 1×1, stride-1, unpadded convolutions with the input's spatial size: a plain matrix product.
    static func isPointwise(_ g: ConvolutionGeometry) -> Bool {
        g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
            && g.padTop == 0 && g.padLeft == 0
            && g.outputHeight == g.inputHeight && g.outputWidth == g.inputWidth
    }

}

/// Owned, validated bias and activation parameters of a convolution layer, and the epilogue that applies them
/// (internal; shared by `Conv2D` and `DepthwiseConv2D`).
final class ConvolutionParameters {
    /// Output channel count the parameters were validated for.
    let channels: Int
    /// Channel count rounded up to a multiple of 16, the length of the padded buffers.
    let paddedChannels: Int
    /// Bias per output channel, zeros when the layer has none, zero-padded to `paddedChannels`.
    let bias: UnsafeMutablePointer<Float>
    /// PReLU alphas per output channel (zeros unless the activation is `.prelu`), padded to `paddedChannels`.
    let alphas: UnsafeMutablePointer<Float>
    /// The epilogue reading `bias` and `alphas`.
    let epilogue: ConvolutionEpilogue

    /// Validates `bias` and `activation` against `channels` output channels and copies them.
    /// - Throws: `PlanError.sizeMismatch` when the bias or the PReLU alphas do not have `channels` values.
    init(channels: Int, bias: [Float]?, activation: Activation, layer: String) throws {
        if let bias, bias.count != channels {
            throw PlanError.sizeMismatch("\(layer): bias has \(bias.count) values, expected \(channels)")
        }
        var kind = ConvolutionEpilogue.Kind.none
        var alphaValues: [Float] = []
        switch activation {
        case .none: kind = .none
        case .relu: kind = .relu
        case .prelu(let values):
            guard values.count == channels else {
                throw PlanError.sizeMismatch(
                    "\(layer): PReLU has \(values.count) alphas, expected one per output channel (\(channels))")
            }
            kind = .prelu
            alphaValues = values
        }
        self.channels = channels
        paddedChannels = (channels + 15) / 16 * 16
        self.bias = .allocate(capacity: paddedChannels)
        self.bias.initialize(repeating: 0, count: paddedChannels)
        if let bias { self.bias.update(from: bias, count: channels) }
        alphas = .allocate(capacity: paddedChannels)
        alphas.initialize(repeating: 0, count: paddedChannels)
        alphas.update(from: alphaValues, count: alphaValues.count)
        epilogue = ConvolutionEpilogue(channels: channels, bias: self.bias, kind: kind, alphas: alphas)
    }

    deinit {
        bias.deallocate()
        alphas.deallocate()
    }
}

extension Conv2D {
    /// Scalar reference convolution: the definition, written for clarity, used to check the fast paths.
    ///
    /// output[oy, ox, o] = activation(Σ_{ky,kx,i} input[iy, ix, i] · filter[o, ky, kx, i] + bias[o] + residual[oy, ox, o])
    /// with iy = oy·strideHeight − padTop + ky, ix = ox·strideWidth − padLeft + kx; input positions outside the image
    /// contribute zero, and the residual term is zero for o ≥ residual.channels.
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputElementCount` floats.
    ///   - geometry: sizes, stride and padding of the convolution.
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

/// Plain scalar reference for the epilogue of both convolution references (internal).
enum ConvolutionReferenceEpilogue {
    /// `sum + bias[c]`, plus the residual value when `c < residual.channels`, then the activation.
    static func finish(_ sum: Float, pixel: Int, channel: Int, bias: UnsafePointer<Float>?,
                       residual: ResidualInput?, activation: Activation) -> Float {
        var value = sum
        if let bias { value += bias[channel] }
        if let residual, channel < residual.channels {
            value += residual.values[pixel * residual.channels + channel]
        }
        return activation.apply(value, channel: channel)
    }
}
