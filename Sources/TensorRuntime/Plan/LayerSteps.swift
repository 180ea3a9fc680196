extension PlanBuilder {
    /// ADD of two same-shape tensors with its fused activation; operands of different shapes (the blendshape
    /// network's ε) go to the broadcasting step `planBroadcastBinary` (no fused activation there).
    func planAdd(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (a, b, out) = (op.inputs[0], op.inputs[1], op.outputs[0])
        let shape = try shape(of: a, operator: index)
        guard try self.shape(of: b, operator: index) == shape else {
            return try planBroadcastBinary(index, .add)
        }
        try produce(out, shape: shape, operator: index)
        let activation = try fusedActivation(index)
        let count = shape.reduce(1, *)
        return PlannedStep(label: "ADD #\(index)", reads: activations([a, b]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (pa, pb, po) = (address(a), address(b), address(out))
            if self.reference {
                return CompiledStep { context in
                    Add.reference(pa.pointer(context), pb.pointer(context), count: count, activation: activation,
                                  output: po.pointer(context))
                }
            }
            return CompiledStep { context in
                Add.run(pa.pointer(context), pb.pointer(context), count: count, activation: activation,
                                       output: po.pointer(context))
            }
        }
    }

    /// MUL with numpy-style broadcasting (the attention model scales the mesh and masks the 4×4 matrices).
    func planMultiply(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        guard try fusedActivation(index) == .none else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "fused activation on MUL")
        }
        let (a, b, out) = (op.inputs[0], op.inputs[1], op.outputs[0])
        let shapeA = try shape(of: a, operator: index), shapeB = try shape(of: b, operator: index)
        let shape = try wrap(index) { try Mul.outputShape(shapeA, shapeB) }
        try produce(out, shape: shape, operator: index)
        return PlannedStep(label: "MUL #\(index)", reads: activations([a, b]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let pa = address(a), pb = address(b)
            let po = address(out)
            if self.reference {
                return CompiledStep { context in
                    try Mul.reference(pa.pointer(context), shape: shapeA, pb.pointer(context), shape: shapeB,
                                      output: po.pointer(context))
                }
            }
            let layout = try self.wrap(index) { try Mul.Layout(shapeA, shapeB) }
            return CompiledStep { context in
                layout.run(pa.pointer(context), pb.pointer(context), output: po.pointer(context))
            }
        }
    }

    /// A standalone PRELU (one alpha per innermost channel) or RELU.
    func planActivation(_ index: Int) throws -> PlannedStep {
        let op = op(index)
        let isPReLU = op.type == .prelu
        try requireArity(index, inputs: isPReLU ? 2...2 : 1...1)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        try produce(out, shape: shape, operator: index)
        let count = shape.reduce(1, *)
        let channels = shape.last ?? 1
        var alpha: TensorAddress?
        if isPReLU {
            let values = try floatConstant(op.inputs[1], operator: index, operand: "alpha")
            guard values.count == channels else {
                throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "\(values.count) alphas for \(channels) channels")
            }
            alpha = constantAddress(op.inputs[1])
        }
        return PlannedStep(label: "\(op.type.name) #\(index)", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            if self.reference {
                return CompiledStep { context in
                    if let alpha {
                        PReLU.reference(px.pointer(context), count: count, alpha: alpha.pointer(context),
                                        channels: channels, output: po.pointer(context))
                    } else {
                        ReLU.reference(px.pointer(context), count: count, output: po.pointer(context))
                    }
                }
            }
            return CompiledStep { context in
                if let alpha {
                    PReLU.run(px.pointer(context), count: count, alpha: alpha.pointer(context),
                                             channels: channels, output: po.pointer(context))
                } else {
                    ReLU.run(px.pointer(context), count: count, output: po.pointer(context))
                }
            }
        }
    }
}

extension PlanBuilder {
    /// The shape of `tensor`, input of operator `index`, which must be a 4-D batch-1 NHWC image.
    func batchOneImageShape(of tensor: Int, operator index: Int) throws -> [Int] {
        let shape = try shape(of: tensor, operator: index)
        guard shape.count == 4, shape[0] == 1 else {
            throw PlanError.shapeMismatch(index: index, type: op(index).type.name, reason: "input \(shape) is not 4-D batch 1")
        }
        return shape
    }

    /// A one-input, one-output step of operator `index` over output rows: records `out`'s shape (`outputShape`),
    /// then in reference mode `reference` runs the whole tensor at once; otherwise `fast` runs ranges of the `rows`
    /// rows, which threads may split (cost estimated from `multiplyAccumulates` and `floatsMoved`).
    func rowStep(_ label: String, from x: Int, to out: Int, outputShape: [Int], operator index: Int, rows: Int,
                 multiplyAccumulates: Int, floatsMoved: Int,
                 reference: @escaping (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
                 fast: @escaping (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void)
        throws -> PlannedStep
    {
        try produce(out, shape: outputShape, operator: index)
        let cost = StepPartition.estimate(multiplyAccumulates: multiplyAccumulates, floatsMoved: floatsMoved)
        if self.reference {
            return PlannedStep(label: label, reads: activations([x]), writes: [out], workspaceCount: 0,
                               multiplyAccumulates: 0) { address in
                let (px, po) = (address(x), address(out))
                return CompiledStep { context in reference(px.pointer(context), po.pointer(context)) }
            }
        }
        return PlannedStep(label: label, reads: activations([x]), writes: [out], workspaceCount: 0,
                           multiplyAccumulates: 0, splittable: true) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep(StepPartition(units: rows, estimatedNanoseconds: cost) { context, range in
                fast(px.pointer(context), po.pointer(context), range)
            })
        }
    }

    /// MAX_POOL_2D over a 4-D NHWC tensor.
    func planMaxPool(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 1...1)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try batchOneImageShape(of: x, operator: index)
        guard try fusedActivation(index) == .none else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "fused activation on MAX_POOL_2D")
        }
        guard let paddingName = op.string("padding"), let padding = PaddingMode(rawValue: paddingName),
              let strideHeight = op.int("stride_h"), let strideWidth = op.int("stride_w"),
              let filterHeight = op.int("filter_h"), let filterWidth = op.int("filter_w") else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "padding, strides or filter size missing")
        }
        let geometry = try wrap(index) {
            try ConvolutionGeometry(inputHeight: shape[1], inputWidth: shape[2], inputChannels: shape[3],
                                    outputChannels: shape[3], kernelHeight: filterHeight, kernelWidth: filterWidth,
                                    strideHeight: strideHeight, strideWidth: strideWidth, padding: padding)
        }
        return try rowStep("MAX_POOL_2D #\(index)", from: x, to: out,
                           outputShape: [1, geometry.outputHeight, geometry.outputWidth, shape[3]], operator: index,
                           rows: geometry.outputHeight, multiplyAccumulates: 0,
                           floatsMoved: geometry.inputElementCount + geometry.outputElementCount,
                           reference: { MaxPool2D.reference(input: $0, geometry: geometry, output: $1) },
                           fast: { MaxPool2D.run(input: $0, geometry: geometry, output: $1, rows: $2) })
    }

    /// PAD with zeros; paddings is a constant int32 [rank, 2] operand.
    func planPad(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        let values = try intConstant(op.inputs[1], operator: index, operand: "paddings")
        guard values.count == 2 * shape.count else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "\(values.count) padding values for rank \(shape.count)")
        }
        let paddings = (0..<shape.count).map { (before: values[2 * $0], after: values[2 * $0 + 1]) }
        let outputShape = try wrap(index) { try Pad.outputShape(inputShape: shape, paddings: paddings) }
        try produce(out, shape: outputShape, operator: index)
        return PlannedStep(label: "PAD #\(index)", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            if self.reference {
                return CompiledStep { context in
                    try Pad.reference(input: px.pointer(context), inputShape: shape, paddings: paddings,
                                      output: po.pointer(context))
                }
            }
            let outputStrides = ShapeArithmetic.strides(outputShape)
            return CompiledStep { context in
                Pad.run(input: px.pointer(context), inputShape: shape, outputShape: outputShape,
                              paddings: paddings, outputStrides: outputStrides, output: po.pointer(context))
            }
        }
    }

    /// RESHAPE: a row-major reinterpretation, planned as a copy (the tensors involved are small).
    func planReshape(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 1...2)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        let declared = file.tensors[out].shape
        let count = shape.reduce(1, *)
        guard declared.reduce(1, *) == count else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "cannot reshape \(shape) to \(declared)")
        }
        if let newShape = op.intList("new_shape"), !newShape.isEmpty, !newShape.contains(-1), newShape != declared {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "new_shape \(newShape) differs from output \(declared)")
        }
        try produce(out, shape: declared, operator: index)
        return copyStep("RESHAPE #\(index)", from: x, to: out, count: count)
    }

    /// CONCATENATION along one axis.
    func planConcatenation(_ index: Int) throws -> PlannedStep {
        let op = op(index)
        guard !op.inputs.isEmpty, op.outputs.count == 1, op.inputs.allSatisfy({ $0 >= 0 }) else {
            throw PlanError.wrongArity(index: index, type: op.type.name, reason: "needs at least one input and one output")
        }
        guard try fusedActivation(index) == .none, let axis = op.int("axis") else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "axis missing or fused activation set")
        }
        let shapes = try op.inputs.map { try shape(of: $0, operator: index) }
        let outputShape = try wrap(index) { try Concatenation.outputShape(shapes, axis: axis) }
        try produce(op.outputs[0], shape: outputShape, operator: index)
        let inputs = op.inputs, out = op.outputs[0]
        return PlannedStep(label: "CONCATENATION #\(index)", reads: activations(inputs), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let addresses = inputs.map(address)
            let po = address(out)
            if self.reference {
                return CompiledStep { context in
                    try Concatenation.reference(
                        inputs: addresses.indices.map { (values: UnsafePointer(addresses[$0].pointer(context)),
                                                         shape: shapes[$0]) },
                        axis: axis, output: po.pointer(context))
                }
            }
            let layout = try self.wrap(index) { try Concatenation.Layout(shapes: shapes, axis: axis) }
            return CompiledStep { context in
                layout.run(input: { UnsafePointer(addresses[$0].pointer(context)) }, output: po.pointer(context))
            }
        }
    }

    /// STRIDED_SLICE with constant begin/end/strides (the attention model copies the mesh with it).
    func planStridedSlice(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 4...4)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        if (op.int("ellipsis_mask") ?? 0) != 0 || (op.int("new_axis_mask") ?? 0) != 0 || (op.int("offset") ?? 0) != 0 {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "ellipsis, new-axis and offset modes are not supported")
        }
        let parameters = StridedSlice.Parameters(
            begin: try intConstant(op.inputs[1], operator: index, operand: "begin"),
            end: try intConstant(op.inputs[2], operator: index, operand: "end"),
            strides: try intConstant(op.inputs[3], operator: index, operand: "strides"),
            beginMask: op.int("begin_mask") ?? 0, endMask: op.int("end_mask") ?? 0,
            shrinkAxisMask: op.int("shrink_axis_mask") ?? 0)
        let outputShape = try wrap(index) { try StridedSlice.outputShape(inputShape: shape, parameters: parameters) }
        try produce(out, shape: outputShape, operator: index)
        return PlannedStep(label: "STRIDED_SLICE #\(index)", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            if self.reference {
                return CompiledStep { context in
                    try StridedSlice.reference(input: px.pointer(context), inputShape: shape, parameters: parameters,
                                               output: po.pointer(context))
                }
            }
            let walks = try self.wrap(index) { try StridedSlice.resolve(inputShape: shape, parameters: parameters) }
            let strides = ShapeArithmetic.strides(shape)
            return CompiledStep { context in
                StridedSlice.run(input: px.pointer(context), walks: walks, strides: strides,
                                       output: po.pointer(context))
            }
        }
    }

    /// A step that copies `count` floats from one tensor to another.
    func copyStep(_ label: String, from source: Int, to destination: Int, count: Int) -> PlannedStep {
        PlannedStep(label: label, reads: activations([source]), writes: [destination],
                    workspaceCount: 0, multiplyAccumulates: 0) { address in
            let ps = address(source), pd = address(destination)
            return CompiledStep { context in pd.pointer(context).update(from: ps.pointer(context), count: count) }
        }
    }
}
