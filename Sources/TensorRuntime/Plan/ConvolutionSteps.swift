/// A convolution with its fused operators, checked and with its kernel built, before it becomes a step.
struct PreparedConvolution {
    let label: String
    let kernel: ConvolutionKernel
    let input: Int
    let residual: Int?
    let residualChannels: Int
    let output: Int
    let multiplyAccumulates: Int
    let inputCount: Int
    let outputCount: Int
    /// The scalar reference of the same convolution (built in reference mode only).
    let referenceKernel: ReferenceConvolution?
}

/// A convolution run through `Conv2D.reference` or `DepthwiseConv2D.reference` on the file's filter layout
/// (whole-model reference mode).
struct ReferenceConvolution {
    let depthwise: Bool
    let geometry: ConvolutionGeometry
    let filter: [Float]
    let bias: [Float]?
    let activation: Activation

    func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>) {
        filter.withUnsafeBufferPointer { filter in
            let run = { (bias: UnsafePointer<Float>?) in
                if depthwise {
                    DepthwiseConv2D.reference(input: input, geometry: geometry, filter: filter.baseAddress!, bias: bias,
                                              activation: activation, residual: residual, output: output)
                } else {
                    Conv2D.reference(input: input, geometry: geometry, filter: filter.baseAddress!, bias: bias,
                                     activation: activation, residual: residual, output: output)
                }
            }
            if let bias { bias.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
        }
    }
}

extension PlanBuilder {
    /// Plans a CONV_2D or DEPTHWISE_CONV_2D with its fused residual ADD and activation.
    func planConvolution(_ fusion: ConvolutionFusion) throws -> PlannedStep {
        let prepared = try prepareConvolution(fusion)
        if reference, let kernel = prepared.referenceKernel {
            let (input, residual, output) = (prepared.input, prepared.residual, prepared.output)
            let residualChannels = prepared.residualChannels
            return PlannedStep(label: prepared.label, reads: activations([input] + (residual.map { [$0] } ?? [])),
                               writes: [output], workspaceCount: 0,
                               multiplyAccumulates: prepared.multiplyAccumulates) { address in
                let inputAddress = address(input), outputAddress = address(output)
                let residualAddress = residual.map(address)
                return CompiledStep { context in
                    let residualInput = residualAddress.map {
                        ResidualInput(values: UnsafePointer($0.pointer(context)), channels: residualChannels)
                    }
                    kernel.run(input: inputAddress.pointer(context), residual: residualInput,
                               output: outputAddress.pointer(context))
                }
            }
        }
        let cost = StepPartition.estimate(
            multiplyAccumulates: prepared.multiplyAccumulates,
            floatsMoved: prepared.inputCount + prepared.outputCount + (prepared.residual == nil ? 0 : prepared.outputCount))
        return step(label: prepared.label, kernel: prepared.kernel, input: prepared.input, residual: prepared.residual,
                    residualChannels: prepared.residualChannels, output: prepared.output,
                    multiplyAccumulates: prepared.multiplyAccumulates, cost: cost)
    }

    /// Plans a depthwise convolution (without residual or activation) together with the 1×1 convolution that is
    /// the only reader of its output (see `ConvolutionFusion.joinsPointwise`), as one `DepthwisePointwiseBlock`
    /// step, labelled with both operator types and the depthwise operator's index.
    func planDepthwisePointwise(_ depthwiseFusion: ConvolutionFusion, _ pointwiseFusion: ConvolutionFusion) throws -> PlannedStep {
        let depthwise = try prepareConvolution(depthwiseFusion)
        let pointwise = try prepareConvolution(pointwiseFusion)
        guard let depthwiseKernel = depthwise.kernel as? DepthwiseConv2D,
              let pointwiseKernel = pointwise.kernel as? Conv2D, depthwise.residual == nil,
              pointwise.input == depthwise.output,
              let block = DepthwisePointwiseBlock(depthwise: depthwiseKernel, pointwise: pointwiseKernel) else {
            throw PlanError.shapeMismatch(index: pointwiseFusion.convolution, type: "CONV_2D",
                                          reason: "cannot join the depthwise and 1×1 convolutions")
        }
        let cost = StepPartition.estimate(
            multiplyAccumulates: depthwise.multiplyAccumulates + pointwise.multiplyAccumulates,
            floatsMoved: depthwise.inputCount + pointwise.outputCount + (pointwise.residual == nil ? 0 : pointwise.outputCount))
        let pointwiseTypes = pointwise.label.prefix { $0 != " " }
        return step(label: "DEPTHWISE_CONV_2D+\(pointwiseTypes) #\(depthwiseFusion.convolution)",
                    kernel: block, input: depthwise.input, residual: pointwise.residual,
                    residualChannels: pointwise.residualChannels, output: pointwise.output,
                    multiplyAccumulates: depthwise.multiplyAccumulates + pointwise.multiplyAccumulates, cost: cost)
    }

    /// A step running `kernel` over its work units.
    private func step(label: String, kernel: ConvolutionKernel, input: Int, residual: Int?, residualChannels: Int,
                      output: Int, multiplyAccumulates: Int, cost: Double) -> PlannedStep {
        let convolutions = [kernel as? Conv2D, (kernel as? DepthwisePointwiseBlock)?.pointwise].compactMap { $0 }
        return PlannedStep(label: label, reads: activations([input] + (residual.map { [$0] } ?? [])),
                           writes: [output], workspaceCount: kernel.workspaceCount,
                           multiplyAccumulates: multiplyAccumulates, splittable: true,
                           convolutions: convolutions) { address in
            let inputAddress = address(input), outputAddress = address(output)
            let residualAddress = residual.map(address)
            return CompiledStep(StepPartition(units: kernel.workUnitCount, estimatedNanoseconds: cost) { context, units in
                let residualInput = residualAddress.map {
                    ResidualInput(values: UnsafePointer($0.pointer(context)), channels: residualChannels)
                }
                kernel.run(input: inputAddress.pointer(context), residual: residualInput,
                           output: outputAddress.pointer(context), workspace: context.workspace, units: units)
            })
        }
    }

    /// Checks a convolution chain, records its output shapes and builds its kernel.
    func prepareConvolution(_ fusion: ConvolutionFusion) throws -> PreparedConvolution {
        let index = fusion.convolution
        let op = op(index)
        try requireArity(index, inputs: 2...3, required: 2)
        let depthwise = op.type == .depthwiseConv2D
        let input = fusion.inputPad.map { self.op($0.index).inputs[0] } ?? op.inputs[0]
        let inputShape = try shape(of: input, operator: index)
        let filterShape = file.tensors[op.inputs[1]].shape
        let filter = try floatConstant(op.inputs[1], operator: index, operand: "filter")
        let bias = op.inputs.count == 3 && op.inputs[2] >= 0
            ? try floatConstant(op.inputs[2], operator: index, operand: "bias") : nil
        guard inputShape.count == 4, inputShape[0] == 1, filterShape.count == 4 else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name,
                                          reason: "input \(inputShape) and filter \(filterShape) must be 4-D, batch 1")
        }
        let outputChannels = depthwise ? filterShape[3] : filterShape[0]
        let filterInputChannels = depthwise ? outputChannels : filterShape[3]
        guard filterInputChannels == inputShape[3], !depthwise || filterShape[0] == 1 else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name,
                                          reason: "filter \(filterShape) does not fit input \(inputShape)")
        }
        if depthwise, let multiplier = op.int("depth_multiplier"), multiplier != 1 {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "depth multiplier \(multiplier)")
        }
        guard (op.int("dilation_h") ?? 1) == 1, (op.int("dilation_w") ?? 1) == 1 else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "dilation is not supported")
        }
        guard let paddingName = op.string("padding"), let padding = PaddingMode(rawValue: paddingName),
              let strideHeight = op.int("stride_h"), let strideWidth = op.int("stride_w") else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "padding or strides missing")
        }
        if let bias, bias.count != outputChannels {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "bias has \(bias.count) values, expects \(outputChannels)")
        }
        let geometry = try wrap(index) {
            if let pad = fusion.inputPad {
                // VALID on the padded map = this padding on the PAD's input (ConvolutionFusion.foldableInputPad).
                guard strideHeight > 0, strideWidth > 0 else {
                    throw PlanError.invalidGeometry("strides must be positive, got \(strideHeight)×\(strideWidth)")
                }
                return try ConvolutionGeometry(
                    inputHeight: inputShape[1], inputWidth: inputShape[2], inputChannels: inputShape[3],
                    outputHeight: (inputShape[1] + pad.top + pad.bottom - filterShape[1]) / strideHeight + 1,
                    outputWidth: (inputShape[2] + pad.left + pad.right - filterShape[2]) / strideWidth + 1,
                    outputChannels: outputChannels, kernelHeight: filterShape[1], kernelWidth: filterShape[2],
                    strideHeight: strideHeight, strideWidth: strideWidth, padTop: pad.top, padLeft: pad.left)
            }
            return try ConvolutionGeometry(inputHeight: inputShape[1], inputWidth: inputShape[2],
                                           inputChannels: inputShape[3], outputChannels: outputChannels,
                                           kernelHeight: filterShape[1], kernelWidth: filterShape[2],
                                           strideHeight: strideHeight, strideWidth: strideWidth, padding: padding)
        }
        let outputShape = [1, geometry.outputHeight, geometry.outputWidth, outputChannels]
        var label = op.type.name
        var activation = try fusedActivation(index)
        var residualChannels = 0
        var finalOutput = op.outputs[0]
        try produce(finalOutput, shape: outputShape, operator: index)
        if let addIndex = fusion.add, let residual = fusion.residual {
            let residualShape = try shape(of: residual, operator: addIndex)
            guard residualShape.count == 4, Array(residualShape[0..<3]) == Array(outputShape[0..<3]),
                  residualShape[3] <= outputChannels else {
                throw PlanError.shapeMismatch(index: addIndex, type: "ADD", reason: "residual \(residualShape) vs \(outputShape)")
            }
            residualChannels = residualShape[3]
            if let padIndex = fusion.skippedPad {
                try produce(self.op(padIndex).outputs[0], shape: outputShape, operator: padIndex)
                label += "+PAD"
            }
            finalOutput = self.op(addIndex).outputs[0]
            try produce(finalOutput, shape: outputShape, operator: addIndex)
            label += "+ADD"
            if fusion.addAppliesReLU { activation = .relu }
        }
        if let activationIndex = fusion.activation {
            let activationOp = self.op(activationIndex)
            if activationOp.type == .relu {
                activation = .relu
            } else {
                activation = .prelu(try floatConstant(activationOp.inputs[1], operator: activationIndex, operand: "alpha"))
            }
            finalOutput = activationOp.outputs[0]
            try produce(finalOutput, shape: outputShape, operator: activationIndex)
            label += "+" + activationOp.type.name
        }
        let kernel: ConvolutionKernel = try wrap(index) {
            if depthwise {
                return try DepthwiseConv2D(geometry: geometry, filter: filter, bias: bias, activation: activation)
            }
            return try Conv2D(geometry: geometry, filter: filter, bias: bias, activation: activation)
        }
        let macs = geometry.outputHeight * geometry.outputWidth * outputChannels * geometry.kernelHeight
            * geometry.kernelWidth * (depthwise ? 1 : geometry.inputChannels)
        return PreparedConvolution(label: "\(label) #\(index)", kernel: kernel, input: input, residual: fusion.residual,
                                   residualChannels: residualChannels, output: finalOutput, multiplyAccumulates: macs,
                                   inputCount: inputShape.reduce(1, *), outputCount: outputShape.reduce(1, *),
                                   referenceKernel: reference ? ReferenceConvolution(
                                       depthwise: depthwise, geometry: geometry, filter: filter, bias: bias,
                                       activation: activation) : nil)
    }
}

/// The common face of the dense and depthwise convolution kernels, so a plan step can hold either.
protocol ConvolutionKernel {
    var workspaceCount: Int { get }
    /// Number of independent work units (output rows, pixel spans or channel blocks).
    var workUnitCount: Int { get }
    /// Computes the output of work units `units`.
    func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
             workspace: UnsafeMutablePointer<Float>?, units: Range<Int>)
}

extension Conv2D: ConvolutionKernel {}
extension DepthwiseConv2D: ConvolutionKernel {}
