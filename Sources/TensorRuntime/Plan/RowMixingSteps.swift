import TensorKernelInterface

/// TRANSPOSE → 1×1 CONV_2D (→ more 1×1 CONV_2D) → TRANSPOSE (→ residual ADD): 1×1 convolutions applied to the
/// transpose of a matrix and transposed back, as the blendshape network's token-mixing MLPs are written
/// (face_blendshapes.tflite: TRANSPOSE, CONV_2D 97→384 RELU, CONV_2D 384→97, TRANSPOSE, ADD, four times). Each
/// convolution runs as one `RowMixing` step and neither transpose runs at all: the matrix X = [K][C] (the first
/// TRANSPOSE's input) is mixed along its rows, Y = W · X + b, and the convolutions in between keep their outputs as
/// [M][C] matrices (the transpose of what their tensors declare, which only the next step of the chain reads).
///
/// Found only when: both TRANSPOSEs swap the last two axes of a tensor whose other axes are all 1; every
/// convolution is a CONV_2D with a constant [M, 1, 1, K] filter, stride 1, no dilation, NONE or RELU, and an
/// optional constant [M] bias; each intermediate tensor is read only by the next member and is not a graph
/// output; and C is a multiple of 16. A following ADD of a tensor with the final shape (no broadcast) joins as the
/// residual when the last convolution has no activation (the ADD's own NONE or RELU then applies after it).
struct RowMixingFusion {
    /// Every operator of the pattern, in the order the data flows through them.
    let members: [Int]
    /// The 1×1 convolutions, in order.
    let convolutions: [Int]
    /// X, the first TRANSPOSE's input: [1, ..., K, C].
    let input: Int
    /// The residual ADD's other operand, if an ADD joined.
    let residual: Int?
    /// The tensor the last step writes: the second TRANSPOSE's output, or the ADD's.
    let output: Int
    /// Whether the last step applies a RELU after the residual (the ADD's fused activation).
    let rectifiesOutput: Bool

    /// The pattern's last operator (the second TRANSPOSE or the ADD), where the last step runs.
    var last: Int { members.max()! }

    /// The operator at which step `position` (0..<convolutions.count) runs: each convolution's own index, the last
    /// one at the pattern's last operator (after the residual has been produced).
    func stepOperator(_ position: Int) -> Int {
        position == convolutions.count - 1 ? last : convolutions[position]
    }

    /// The fusion that starts with TRANSPOSE operator `index`, or nil when the operators after it do not form the
    /// pattern.
    static func find(transpose index: Int, in builder: PlanBuilder) -> RowMixingFusion? {
        let tensors = builder.file.tensors
        /// The tensor's declared shape when it is a [1, ..., rows, columns] float32 matrix.
        func matrix(_ tensor: Int) -> (rows: Int, columns: Int)? {
            guard tensor >= 0, tensors[tensor].dataType == .float32 else { return nil }
            let shape = tensors[tensor].shape
            guard shape.count >= 2, shape.dropLast(2).allSatisfy({ $0 == 1 }) else { return nil }
            return (shape[shape.count - 2], shape[shape.count - 1])
        }
        /// Whether `op` is a TRANSPOSE of `tensor` that swaps its last two axes.
        func swapsLastAxes(_ op: GraphOperator, of tensor: Int) -> Bool {
            guard op.type == .transpose, op.inputs.count == 2, op.outputs.count == 1, op.inputs[0] == tensor,
                  op.inputs[1] >= 0, tensors[op.inputs[1]].isConstant, tensors[op.inputs[1]].dataType == .int32,
                  let (rows, columns) = matrix(tensor), let (outputRows, outputColumns) = matrix(op.outputs[0]),
                  outputRows == columns, outputColumns == rows else { return false }
            let rank = tensors[tensor].shape.count
            return builder.file.intData(ofTensor: op.inputs[1]) == Array(0..<(rank - 2)) + [rank - 1, rank - 2]
        }
        /// The only reader of `tensor`, when it has exactly one and is not a graph output.
        func onlyReader(_ tensor: Int) -> (index: Int, op: GraphOperator)? {
            guard builder.isPrivate(tensor) else { return nil }
            let reader = builder.consumers[tensor][0]
            return (reader, builder.op(reader))
        }
        /// Whether `op` is a 1×1 stride-1 CONV_2D of `tensor` ([1, ..., C, K]) that fits the pattern.
        func pointwise(_ op: GraphOperator, of tensor: Int) -> Bool {
            guard op.type == .conv2D, (2...3).contains(op.inputs.count), op.outputs.count == 1, op.inputs[0] == tensor,
                  let (pixels, channels) = matrix(tensor), let (outputPixels, outputChannels) = matrix(op.outputs[0]),
                  outputPixels == pixels, op.int("stride_h") == 1, op.int("stride_w") == 1,
                  (op.int("dilation_h") ?? 1) == 1, (op.int("dilation_w") ?? 1) == 1,
                  let padding = op.string("padding"), PaddingMode(rawValue: padding) != nil,
                  ["NONE", "RELU"].contains(op.string("fused_activation") ?? "NONE") else { return false }
            let filter = op.inputs[1]
            guard filter >= 0, tensors[filter].isConstant, tensors[filter].dataType == .float32,
                  tensors[filter].shape == [outputChannels, 1, 1, channels] else { return false }
            guard op.inputs.count == 3, op.inputs[2] >= 0 else { return true }
            let bias = op.inputs[2]
            return tensors[bias].isConstant && tensors[bias].dataType == .float32
                && tensors[bias].shape == [outputChannels]
        }

        let first = builder.op(index)
        guard first.inputs.count == 2, swapsLastAxes(first, of: first.inputs[0]),
              let (_, columns) = matrix(first.inputs[0]), columns % 16 == 0 else { return nil }
        var members = [index], convolutions: [Int] = []
        var current = first.outputs[0]
        while let (reader, op) = onlyReader(current), pointwise(op, of: current) {
            members.append(reader)
            convolutions.append(reader)
            current = op.outputs[0]
        }
        guard !convolutions.isEmpty, let (last, lastTranspose) = onlyReader(current),
              swapsLastAxes(lastTranspose, of: current) else { return nil }
        members.append(last)
        var output = lastTranspose.outputs[0]
        var residual: Int?
        var rectifiesOutput = false
        let lastActivation = builder.op(convolutions.last!).string("fused_activation") ?? "NONE"
        if lastActivation == "NONE", let (add, op) = onlyReader(output), op.type == .add, op.inputs.count == 2,
           op.outputs.count == 1, ["NONE", "RELU"].contains(op.string("fused_activation") ?? "NONE") {
            let other = op.inputs[0] == output ? op.inputs[1] : op.inputs[0]
            if other >= 0, other != output, op.inputs.contains(output), tensors[other].dataType == .float32,
               tensors[other].shape == tensors[output].shape, tensors[op.outputs[0]].shape == tensors[output].shape {
                members.append(add)
                residual = other
                rectifiesOutput = op.string("fused_activation") == "RELU"
                output = op.outputs[0]
            }
        }
        if residual == nil { rectifiesOutput = lastActivation == "RELU" }
        return RowMixingFusion(members: members, convolutions: convolutions, input: first.inputs[0],
                               residual: residual, output: output, rectifiesOutput: rectifiesOutput)
    }
}

extension PlanBuilder {
    /// Plans step `position` of `fusion`: convolution `position` of the chain as a row mixing of the previous
    /// step's [K][C] matrix (the fusion's input for the first), writing its own output tensor as an [M][C] matrix,
    /// or for the last, the fusion's output with the residual. Split across threads by output rows.
    func planRowMixing(_ fusion: RowMixingFusion, position: Int) throws -> PlannedStep {
        let index = fusion.convolutions[position]
        let op = op(index)
        let tensors = file.tensors
        let isFirst = position == 0, isLast = position == fusion.convolutions.count - 1
        let input = isFirst ? fusion.input : op.inputs[0]
        let inputShape = try shape(of: input, operator: index)
        let declaredFilter = tensors[op.inputs[1]].shape
        let (outputRows, inputRows) = (declaredFilter[0], declaredFilter[3])
        // The first step reads X = [.., K, C] itself; later steps read the previous step's [K][C] matrix, stored in
        // a tensor declared [.., C, K].
        let columns = isFirst ? inputShape[inputShape.count - 1] : inputShape[inputShape.count - 2]
        let rowsRead = isFirst ? inputShape[inputShape.count - 2] : inputShape[inputShape.count - 1]
        guard rowsRead == inputRows else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name,
                                          reason: "the 1×1 filter takes \(inputRows) channels, the input has \(rowsRead)")
        }
        _ = try wrap(index) { try RowMixing.Shape(outputRows: outputRows, inputRows: inputRows, columns: columns) }
        let output = isLast ? fusion.output : op.outputs[0]
        var outputShape = inputShape
        if isLast {
            outputShape[outputShape.count - 2] = outputRows
            outputShape[outputShape.count - 1] = columns
        } else {
            outputShape[outputShape.count - 2] = columns
            outputShape[outputShape.count - 1] = outputRows
        }
        if isLast, let residual = fusion.residual {
            guard try self.shape(of: residual, operator: fusion.last) == outputShape else {
                throw PlanError.shapeMismatch(index: fusion.last, type: "ADD",
                                              reason: "the residual's shape differs from the mixed rows'")
            }
        }
        try produce(output, shape: outputShape, operator: isLast ? fusion.last : index)
        let weights = constantAddress(op.inputs[1])!
        let bias = op.inputs.count == 3 && op.inputs[2] >= 0 ? constantAddress(op.inputs[2]) : nil
        let rectifies = isLast ? fusion.rectifiesOutput : op.string("fused_activation") == "RELU"
        let residual = isLast ? fusion.residual : nil
        let instructionSet = RuntimeEnvironment.kernelInstructionSet
        let multiplyAccumulates = outputRows * inputRows * columns
        let cost = StepPartition.estimate(multiplyAccumulates: multiplyAccumulates,
                                          floatsMoved: (inputRows + outputRows * (residual == nil ? 1 : 2)) * columns)
        var types = isFirst ? ["TRANSPOSE", "CONV_2D"] : ["CONV_2D"]
        if isLast { types += ["TRANSPOSE"] + (residual == nil ? [] : ["ADD"]) }
        return PlannedStep(label: "\(types.joined(separator: "+")) #\(isFirst ? fusion.members[0] : index)",
                           reads: activations([input] + (residual.map { [$0] } ?? [])), writes: [output],
                           workspaceCount: 0, multiplyAccumulates: multiplyAccumulates,
                           splittable: true) { address in
            let (inputAddress, outputAddress) = (address(input), address(output))
            let residualAddress = residual.map(address)
            return CompiledStep(StepPartition(units: outputRows, estimatedNanoseconds: cost) { context, rows in
                let arguments = RowMixingArguments(
                    weights: weights.pointer(context), bias: bias.map { UnsafePointer($0.pointer(context)) },
                    input: inputAddress.pointer(context), inputRows: inputRows, columns: columns,
                    residual: residualAddress.map { UnsafePointer($0.pointer(context)) }, rectifies: rectifies,
                    output: outputAddress.pointer(context))
                RowMixing.run(arguments, rows: rows, instructionSet: instructionSet)
            })
        }
    }
}
