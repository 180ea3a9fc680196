extension PlanBuilder {
    /// RESIZE_BILINEAR of a 4-D batch-1 NHWC tensor to the size given by its constant int32 operand
    /// `[new_height, new_width]`, with the `align_corners` / `half_pixel_centers` attributes (Kernels/ResizeBilinear.swift).
    func planResizeBilinear(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        guard shape.count == 4, shape[0] == 1 else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "input \(shape) is not 4-D batch 1")
        }
        let size = try intConstant(op.inputs[1], operator: index, operand: "size")
        guard size.count == 2 else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "size operand has \(size.count) values, expected 2")
        }
        let geometry = try wrap(index) {
            try ResizeBilinear.Geometry(inputHeight: shape[1], inputWidth: shape[2], channels: shape[3],
                                        outputHeight: size[0], outputWidth: size[1],
                                        alignCorners: (op.int("align_corners") ?? 0) != 0,
                                        halfPixelCenters: (op.int("half_pixel_centers") ?? 0) != 0)
        }
        try produce(out, shape: [1, size[0], size[1], shape[3]], operator: index)
        let label = "RESIZE_BILINEAR #\(index)"
        if reference {
            return PlannedStep(label: label, reads: activations([x]), writes: [out], workspaceCount: 0,
                               multiplyAccumulates: 0) { address in
                let (px, po) = (address(x), address(out))
                return CompiledStep { context in
                    ResizeBilinear.reference(input: px.pointer(context), geometry: geometry, output: po.pointer(context))
                }
            }
        }
        let cost = StepPartition.estimate(multiplyAccumulates: 4 * geometry.outputCount,
                                          floatsMoved: geometry.inputCount + geometry.outputCount)
        return PlannedStep(label: label, reads: activations([x]), writes: [out], workspaceCount: 0,
                           multiplyAccumulates: 0, splittable: true) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep(StepPartition(units: geometry.outputHeight, estimatedNanoseconds: cost) { context, rows in
                ResizeBilinear.run(input: px.pointer(context), geometry: geometry, output: po.pointer(context), rows: rows)
            })
        }
    }

    /// DEPTH_TO_SPACE of a 4-D batch-1 NHWC tensor with the `block_size` attribute (Kernels/DepthToSpace.swift).
    func planDepthToSpace(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 1...1)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: x, operator: index)
        guard shape.count == 4, shape[0] == 1 else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "input \(shape) is not 4-D batch 1")
        }
        guard let blockSize = op.int("block_size") else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "block_size missing")
        }
        let geometry = try wrap(index) {
            try DepthToSpace.Geometry(inputHeight: shape[1], inputWidth: shape[2], inputChannels: shape[3],
                                      blockSize: blockSize)
        }
        try produce(out, shape: geometry.outputShape, operator: index)
        let label = "DEPTH_TO_SPACE #\(index)"
        let reference = self.reference
        return PlannedStep(label: label, reads: activations([x]), writes: [out], workspaceCount: 0,
                           multiplyAccumulates: 0) { address in
            let (px, po) = (address(x), address(out))
            return CompiledStep { context in
                if reference {
                    DepthToSpace.reference(input: px.pointer(context), geometry: geometry, output: po.pointer(context))
                } else {
                    DepthToSpace.run(input: px.pointer(context), geometry: geometry, output: po.pointer(context))
                }
            }
        }
    }
}
