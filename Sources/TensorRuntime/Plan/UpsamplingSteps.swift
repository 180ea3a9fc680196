extension PlanBuilder {
    /// RESIZE_BILINEAR of a 4-D batch-1 NHWC tensor to the size given by its constant int32 operand
    /// `[new_height, new_width]`, with the `align_corners` / `half_pixel_centers` attributes (Kernels/ResizeBilinear.swift).
    func planResizeBilinear(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (x, out) = (op.inputs[0], op.outputs[0])
        let shape = try batchOneImageShape(of: x, operator: index)
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
        return try rowStep("RESIZE_BILINEAR #\(index)", from: x, to: out, outputShape: [1, size[0], size[1], shape[3]],
                           operator: index, rows: geometry.outputHeight, multiplyAccumulates: 4 * geometry.outputCount,
                           floatsMoved: geometry.inputCount + geometry.outputCount,
                           reference: { ResizeBilinear.reference(input: $0, geometry: geometry, output: $1) },
                           fast: { ResizeBilinear.run(input: $0, geometry: geometry, output: $1, rows: $2) })
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
