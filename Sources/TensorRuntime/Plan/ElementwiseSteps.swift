extension PlanBuilder {
    /// ADD of two same-shape tensors (no broadcasting, as in the face models), with its fused activation.
    func planAdd(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (a, b, out) = (op.inputs[0], op.inputs[1], op.outputs[0])
        let shape = try shape(of: a, operator: index)
        guard try self.shape(of: b, operator: index) == shape else {
            throw PlanError.shapeMismatch(index: index, type: op.type, reason: "ADD operands differ; broadcasting is not supported")
        }
        try produce(out, shape: shape, operator: index)
        let activation = try fusedActivation(index)
        let count = shape.reduce(1, *)
        return PlannedStep(label: "ADD #\(index)", reads: activations([a, b]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (pa, pb, po) = (address(a), address(b), address(out))
            return CompiledStep { context in
                ElementwiseKernels.add(pa.pointer(context), pb.pointer(context), count: count, activation: activation,
                                       output: po.pointer(context))
            }
        }
    }

    /// MUL with numpy-style broadcasting (the attention model scales the mesh and masks the 4×4 matrices).
    func planMultiply(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        guard try fusedActivation(index) == .none else {
            throw PlanError.invalidAttributes(index: index, type: op.type, reason: "fused activation on MUL")
        }
        let (a, b, out) = (op.inputs[0], op.inputs[1], op.outputs[0])
        let shapeA = try shape(of: a, operator: index), shapeB = try shape(of: b, operator: index)
        let shape = try wrap(index) { try BroadcastMultiply.outputShape(shapeA, shapeB) }
        try produce(out, shape: shape, operator: index)
        return PlannedStep(label: "MUL #\(index)", reads: activations([a, b]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let pa = address(a), pb = address(b)
            let po = address(out)
            let layout = try self.wrap(index) { try BroadcastMultiply.Layout(shapeA, shapeB) }
            return CompiledStep { context in
                layout.run(pa.pointer(context), pb.pointer(context), output: po.pointer(context))
            }
        }
    }

    /// A standalone PRELU (one alpha per innermost channel) or RELU.
    func planActivation(_ index: Int) throws -> PlannedStep {
        let op = op(index)
        let isPReLU = op.type == "PRELU"
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
                throw PlanError.shapeMismatch(index: index, type: op.type, reason: "\(values.count) alphas for \(channels) channels")
            }
            alpha = constantAddress(op.inputs[1])
        }
        return PlannedStep(label: "\(op.type) #\(index)", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep { context in
                if let alpha {
                    ElementwiseKernels.prelu(px.pointer(context), count: count, alpha: alpha.pointer(context),
                                             channels: channels, output: po.pointer(context))
                } else {
                    ElementwiseKernels.relu(px.pointer(context), count: count, output: po.pointer(context))
                }
            }
        }
    }
}
