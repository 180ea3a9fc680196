// Plan steps for the operators Face Mesh V2 and the blendshape network (face_blendshapes.tflite) add: LOGISTIC,
// SQRT, RSQRT, NEG, broadcasting SUB / DIV / SQUARED_DIFFERENCE (and ADD of different shapes), MEAN, SUM,
// TRANSPOSE, and the layer normalisation those operators spell, fused into one step (`LayerNormalizationFusion`).

/// The ten operators of a bias-free layer normalisation over the innermost axis, as the blendshape network's
/// converter wrote them (see `LayerNormalization`): MEAN, NEG, SQUARED_DIFFERENCE, MEAN, ADD ε, RSQRT, MUL γ, MUL,
/// MUL, ADD. Found only when every intermediate result is read inside the pattern and is not a graph output.
struct LayerNormalizationFusion {
    /// The operators, in graph order; the step runs at the last one.
    let members: [Int]
    /// Input x ([..., C]), output y, the γ constant ([C]), ε.
    let input: Int
    let output: Int
    let scale: Int
    let epsilon: Float

    var last: Int { members.max()! }

    /// The fusion whose first MEAN is operator `index`, or nil when the operators around it do not form the pattern.
    static func find(mean index: Int, in builder: PlanBuilder) -> LayerNormalizationFusion? {
        let tensors = builder.file.tensors
        /// The operators reading `tensor`, when there are `count` of them and it is not a graph output.
        func readers(_ tensor: Int, _ count: Int) -> [GraphOperatorReference]? {
            guard tensor >= 0, !builder.graphOutputs.contains(tensor), builder.consumers[tensor].count == count else {
                return nil
            }
            return builder.consumers[tensor].map { GraphOperatorReference(index: $0, op: builder.op($0)) }
        }
        func innermostMean(_ op: GraphOperator, of x: Int) -> Bool {
            guard op.type == .mean, op.inputs.count == 2, op.outputs.count == 1, op.inputs[0] == x,
                  op.inputs[1] >= 0, tensors[op.inputs[1]].isConstant, (op.int("keep_dims") ?? 0) == 1 else { return false }
            let rank = tensors[x].shape.count
            let axes = builder.file.intData(ofTensor: op.inputs[1])
            return axes == [rank - 1] || axes == [-1]
        }
        let first = builder.op(index)
        guard first.inputs.count == 2 else { return nil }
        let x = first.inputs[0]
        guard x >= 0, innermostMean(first, of: x), let channels = tensors[x].shape.last else { return nil }
        let mean = first.outputs[0]
        guard let meanReaders = readers(mean, 2),
              let negate = meanReaders.first(where: { $0.op.type == .neg && $0.op.inputs == [mean] }),
              let squares = meanReaders.first(where: { $0.op.type == .squaredDifference && $0.op.inputs == [x, mean] }),
              let secondMean = readers(squares.op.outputs[0], 1)?.first, innermostMean(secondMean.op, of: squares.op.outputs[0]),
              let addEpsilon = readers(secondMean.op.outputs[0], 1)?.first, addEpsilon.op.type == .add,
              addEpsilon.op.inputs.count == 2, addEpsilon.op.inputs[0] == secondMean.op.outputs[0],
              (addEpsilon.op.string("fused_activation") ?? "NONE") == "NONE" else { return nil }
        let epsilonTensor = addEpsilon.op.inputs[1]
        guard epsilonTensor >= 0, tensors[epsilonTensor].isConstant, tensors[epsilonTensor].dataType == .float32,
              tensors[epsilonTensor].elementCount == 1,
              let rsqrt = readers(addEpsilon.op.outputs[0], 1)?.first, rsqrt.op.type == .rsqrt,
              let scaleMultiply = readers(rsqrt.op.outputs[0], 1)?.first, scaleMultiply.op.type == .mul,
              scaleMultiply.op.inputs.count == 2, scaleMultiply.op.inputs[0] == rsqrt.op.outputs[0] else { return nil }
        let scale = scaleMultiply.op.inputs[1]
        let gain = scaleMultiply.op.outputs[0]
        guard scale >= 0, tensors[scale].isConstant, tensors[scale].dataType == .float32,
              tensors[scale].shape == [channels],
              let gainReaders = readers(gain, 2),
              let scaled = gainReaders.first(where: { $0.op.type == .mul && Set($0.op.inputs) == [x, gain] }),
              let shifted = gainReaders.first(where: { $0.op.type == .mul && Set($0.op.inputs) == [negate.op.outputs[0], gain] }),
              readers(negate.op.outputs[0], 1) != nil,
              let sum = readers(scaled.op.outputs[0], 1)?.first, sum.op.type == .add,
              readers(shifted.op.outputs[0], 1)?.first?.index == sum.index,
              Set(sum.op.inputs) == [scaled.op.outputs[0], shifted.op.outputs[0]], sum.op.outputs.count == 1,
              (sum.op.string("fused_activation") ?? "NONE") == "NONE" else { return nil }
        let members = [index, negate.index, squares.index, secondMean.index, addEpsilon.index, rsqrt.index,
                       scaleMultiply.index, scaled.index, shifted.index, sum.index].sorted()
        return LayerNormalizationFusion(members: members, input: x, output: sum.op.outputs[0], scale: scale,
                                        epsilon: builder.file.floatData(ofTensor: epsilonTensor)[0])
    }
}

/// An operator with its index (internal to the pattern matcher).
struct GraphOperatorReference {
    let index: Int
    let op: GraphOperator
}

extension PlanBuilder {
    /// The fused layer normalisation: one pass per row of C floats.
    func planLayerNormalization(_ fusion: LayerNormalizationFusion) throws -> PlannedStep {
        let index = fusion.last
        let shape = try shape(of: fusion.input, operator: fusion.members[0])
        try produce(fusion.output, shape: shape, operator: index)
        let channels = shape.last ?? 1
        let rows = channels == 0 ? 0 : shape.reduce(1, *) / channels
        let scale = constantAddress(fusion.scale)!
        let (x, out, epsilon) = (fusion.input, fusion.output, fusion.epsilon)
        return PlannedStep(label: "LAYER_NORM(MEAN…ADD) #\(fusion.members[0])", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep { context in
                LayerNormalization.run(px.pointer(context), rows: rows, channels: channels,
                                       scale: scale.pointer(context), epsilon: epsilon, output: po.pointer(context))
            }
        }
    }

    /// LOGISTIC, SQRT, RSQRT or NEG on one tensor.
    func planUnary(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 1...1)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        try produce(out, shape: shape, operator: index)
        let count = shape.reduce(1, *)
        typealias Kernel = (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void
        let kernels: (run: Kernel, reference: Kernel)
        switch op.type {
        case .logistic: kernels = (Logistic.run, Logistic.reference)
        case .sqrt: kernels = (Sqrt.run, Sqrt.reference)
        case .rsqrt: kernels = (Rsqrt.run, Rsqrt.reference)
        case .neg: kernels = (Neg.run, Neg.reference)
        default: throw PlanError.unsupportedOperator(index: index, type: op.type.name)
        }
        let kernel = reference ? kernels.reference : kernels.run
        return PlannedStep(label: "\(op.type.name) #\(index)", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep { context in kernel(px.pointer(context), count, po.pointer(context)) }
        }
    }

    /// SUB, DIV, SQUARED_DIFFERENCE (and ADD of two different shapes) with NumPy broadcasting; constants allowed.
    func planBroadcastBinary(_ index: Int, _ operation: BinaryArithmetic) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        guard try fusedActivation(index) == .none else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "fused activation on \(op.type.name)")
        }
        let (a, b, out) = (op.inputs[0], op.inputs[1], op.outputs[0])
        let shapeA = try shape(of: a, operator: index), shapeB = try shape(of: b, operator: index)
        let layout = try wrap(index) { try BroadcastLayout(shapeA, shapeB, operation: op.type.name) }
        try produce(out, shape: layout.shape, operator: index)
        let useReference = reference
        return PlannedStep(label: "\(op.type.name) #\(index)", reads: activations([a, b]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let pa = address(a), pb = address(b)
            let po = address(out)
            return CompiledStep { context in
                if useReference {
                    layout.reference(operation, pa.pointer(context), pb.pointer(context), output: po.pointer(context))
                } else {
                    layout.run(operation, pa.pointer(context), pb.pointer(context), output: po.pointer(context))
                }
            }
        }
    }

    /// MEAN or SUM over constant axes (ReducerOptions keep_dims).
    func planReduction(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        let axes = try intConstant(op.inputs[1], operator: index, operand: "axes")
        let layout = try wrap(index) {
            try ReductionLayout(inputShape: shape, axes: axes, keepDimensions: (op.int("keep_dims") ?? 0) != 0)
        }
        try produce(out, shape: layout.outputShape, operator: index)
        let isMean = op.type == .mean, useReference = reference
        return PlannedStep(label: "\(op.type.name) #\(index)", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep { context in
                switch (isMean, useReference) {
                case (true, false): Mean.run(px.pointer(context), layout: layout, output: po.pointer(context))
                case (true, true): Mean.reference(px.pointer(context), layout: layout, output: po.pointer(context))
                case (false, false): Sum.run(px.pointer(context), layout: layout, output: po.pointer(context))
                case (false, true): Sum.reference(px.pointer(context), layout: layout, output: po.pointer(context))
                }
            }
        }
    }

    /// TRANSPOSE by a constant permutation.
    func planTranspose(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        let permutation = try intConstant(op.inputs[1], operator: index, operand: "permutation")
        let layout = try wrap(index) { try Transpose.Layout(inputShape: shape, permutation: permutation) }
        try produce(out, shape: layout.outputShape, operator: index)
        let useReference = reference
        return PlannedStep(label: "TRANSPOSE #\(index)", reads: activations([x]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep { context in
                if useReference {
                    Transpose.reference(px.pointer(context), layout: layout, output: po.pointer(context))
                } else {
                    Transpose.run(px.pointer(context), layout: layout, output: po.pointer(context))
                }
            }
        }
    }
}
