extension PlanBuilder {
    /// RESIZE_BILINEAR of a 4-D batch-1 NHWC tensor to the size given by its constant int32 operand
    /// `[new_height, new_width]`, with the `align_corners` / `half_pixel_centers` attributes (Kernels/ResizeBilinear.swift).
    func planResizeBilinear(_ index: Int) throws -> PlannedStep {
        let geometry = try resizeGeometry(index)
        let (x, out) = (op(index).inputs[0], op(index).outputs[0])
        return try rowStep("RESIZE_BILINEAR #\(index)", from: x, to: out, outputShape: geometry.outputShape,
                           operator: index, rows: geometry.outputHeight, multiplyAccumulates: 4 * geometry.outputCount,
                           floatsMoved: geometry.inputCount + geometry.outputCount,
                           reference: { ResizeBilinear.reference(input: $0, geometry: geometry, output: $1) },
                           fast: { ResizeBilinear.run(input: $0, geometry: geometry, output: $1, rows: $2) })
    }

    /// The RESIZE_BILINEAR read only by the two-operand ADD `add` (see `resizeFeedingAdd`), as one step at the
    /// ADD's place: each resized value gets the ADD's other operand added, and the ADD's RELU, before its only
    /// store (`ResizeBilinear.run(…adding:relu:)`; the same bits as the two steps). Split over output rows.
    func planResizeAdd(resize: Int, add: Int) throws -> PlannedStep {
        let geometry = try resizeGeometry(resize)
        try requireArity(add, inputs: 2...2)
        let addOp = op(add)
        let (x, resized, out) = (op(resize).inputs[0], op(resize).outputs[0], addOp.outputs[0])
        let other = addOp.inputs[0] == resized ? addOp.inputs[1] : addOp.inputs[0]
        let outputShape = geometry.outputShape
        guard try self.shape(of: other, operator: add) == outputShape else {
            throw PlanError.shapeMismatch(index: add, type: addOp.type.name,
                                          reason: "operand shape differs from the resized \(outputShape)")
        }
        let relu = try fusedActivation(add) == .relu
        try produce(out, shape: outputShape, operator: add)
        let cost = StepPartition.estimate(multiplyAccumulates: 4 * geometry.outputCount,
                                          floatsMoved: geometry.inputCount + 2 * geometry.outputCount)
        return PlannedStep(label: "RESIZE_BILINEAR+ADD #\(add)", reads: activations([x, other]), writes: [out],
                           workspaceCount: 0, multiplyAccumulates: 0, splittable: true) { address in
            let (px, pother, po) = (address(x), address(other), address(out))
            return CompiledStep(StepPartition(units: geometry.outputHeight, estimatedNanoseconds: cost) { context, rows in
                ResizeBilinear.run(input: px.pointer(context), geometry: geometry, output: po.pointer(context),
                                   rows: rows, adding: pother.pointer(context), relu: relu)
            })
        }
    }

    /// The geometry of RESIZE_BILINEAR `index`: its input's shape, the constant int32 size operand
    /// `[new_height, new_width]` and the `align_corners` / `half_pixel_centers` attributes.
    private func resizeGeometry(_ index: Int) throws -> ResizeBilinear.Geometry {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let shape = try batchOneImageShape(of: op.inputs[0], operator: index)
        let size = try intConstant(op.inputs[1], operator: index, operand: "size")
        guard size.count == 2 else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "size operand has \(size.count) values, expected 2")
        }
        return try wrap(index) {
            try ResizeBilinear.Geometry(inputHeight: shape[1], inputWidth: shape[2], channels: shape[3],
                                        outputHeight: size[0], outputWidth: size[1],
                                        alignCorners: (op.int("align_corners") ?? 0) != 0,
                                        halfPixelCenters: (op.int("half_pixel_centers") ?? 0) != 0)
        }
    }

    /// The ADD that runs RESIZE_BILINEAR `index` inside its own step (`planResizeAdd`), or nil: the resized tensor
    /// must be read by nothing else and not be a graph output, and the ADD must take it and one other tensor of
    /// its shape, with no fused activation or RELU.
    func resizeFeedingAdd(_ index: Int) -> Int? {
        let resize = op(index)
        guard resize.type == .resizeBilinear, resize.outputs.count == 1, resize.inputs.count == 2,
              isPrivate(resize.outputs[0]), let reader = consumers[resize.outputs[0]].first else { return nil }
        let add = op(reader)
        guard add.type == .add, add.inputs.count == 2, add.outputs.count == 1, add.inputs[0] != add.inputs[1],
              add.inputs.allSatisfy({ $0 >= 0 && !file.tensors[$0].isConstant }),
              ["NONE", "RELU"].contains(add.string("fused_activation") ?? "NONE") else { return nil }
        let other = add.inputs[0] == resize.outputs[0] ? add.inputs[1] : add.inputs[0]
        guard file.tensors[other].shape == file.tensors[resize.outputs[0]].shape else { return nil }
        return reader
    }

    /// DEPTH_TO_SPACE of a 4-D batch-1 NHWC tensor with the `block_size` attribute (Kernels/DepthToSpace.swift).
    func planDepthToSpace(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 1...1)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try batchOneImageShape(of: x, operator: index)
        guard let blockSize = op.int("block_size") else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "block_size missing")
        }
        let geometry = try wrap(index) {
            try DepthToSpace.Geometry(inputHeight: shape[1], inputWidth: shape[2], inputChannels: shape[3],
                                      blockSize: blockSize)
        }
        return try rowStep("DEPTH_TO_SPACE #\(index)", from: x, to: out, outputShape: geometry.outputShape,
                           operator: index, rows: geometry.inputHeight, multiplyAccumulates: 0,
                           floatsMoved: 2 * geometry.elementCount,
                           reference: { DepthToSpace.reference(input: $0, geometry: geometry, output: $1) },
                           fast: { DepthToSpace.run(input: $0, geometry: geometry, output: $1, rows: $2) })
    }
}
