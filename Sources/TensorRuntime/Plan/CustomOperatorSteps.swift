/// Steps for the Attention Mesh's three MediaPipe custom operators (version 2 semantics, see
/// `TransformTensorBilinear` and friends). Matrices are [1, 4, 4] row-major tensors.
extension PlanBuilder {
    /// Landmarks2TransformMatrix: landmarks [1, N, D] → affine matrix [1, 4, 4] of the crop around a subset.
    func planLandmarks2TransformMatrix(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 1...1)
        let op = op(index)
        let (landmarks, out) = (op.inputs[0], op.outputs[0])
        let shape = try shape(of: landmarks, operator: index)
        guard shape.count == 3, shape[0] == 1, shape[2] >= 2 else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "landmarks \(shape) are not [1, N, D≥2]")
        }
        guard let width = op.int("output_width"), let height = op.int("output_height"),
              let scaleX = op.float("scale_x"), let scaleY = op.float("scale_y"),
              let left = op.int("left_rotation_idx"), let right = op.int("right_rotation_idx"),
              let subset = op.intList("subset_idxs") else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "missing options")
        }
        let options = Landmarks2TransformMatrixOptions(
            outputWidth: width, outputHeight: height, scaleX: scaleX, scaleY: scaleY,
            targetRotationRadians: op.float("target_rotation_radians") ?? 0,
            leftRotationIndex: left, rightRotationIndex: right, subsetIndices: subset)
        let count = shape[1], dimensions = shape[2]
        guard ([left, right] + subset).allSatisfy({ $0 >= 0 && $0 < count }) else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "landmark index out of range 0..<\(count)")
        }
        try produce(out, shape: [1, 4, 4], operator: index)
        return PlannedStep(label: "Landmarks2TransformMatrix #\(index)", reads: activations([landmarks]),
                           writes: [out], workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (pl, po) = (address(landmarks), address(out))
            return CompiledStep { context in
                try Landmarks2TransformMatrix.run(landmarks: pl.pointer(context), count: count,
                                                       dimensions: dimensions, options: options,
                                                       matrix: po.pointer(context))
            }
        }
    }

    /// TransformTensorBilinear: feature map [1, H, W, C] and matrix [1, 4, 4] → crop [1, outH, outW, C].
    func planTransformTensorBilinear(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (features, matrix, out) = (op.inputs[0], op.inputs[1], op.outputs[0])
        let shape = try shape(of: features, operator: index)
        guard shape.count == 4, shape[0] == 1, try self.shape(of: matrix, operator: index) == [1, 4, 4] else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "expects [1,H,W,C] and [1,4,4]")
        }
        guard let width = op.int("output_width"), let height = op.int("output_height"), width > 0, height > 0 else {
            throw PlanError.invalidAttributes(index: index, type: op.type.name, reason: "output size missing or not positive")
        }
        try produce(out, shape: [1, height, width, shape[3]], operator: index)
        return PlannedStep(label: "TransformTensorBilinear #\(index)", reads: activations([features, matrix]),
                           writes: [out], workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (pf, pm, po) = (address(features), address(matrix), address(out))
            if self.reference {
                return CompiledStep { context in
                    try TransformTensorBilinear.reference(
                        input: pf.pointer(context), height: shape[1], width: shape[2], channels: shape[3],
                        matrix: pm.pointer(context), outputHeight: height, outputWidth: width,
                        output: po.pointer(context))
                }
            }
            return CompiledStep { context in
                try TransformTensorBilinear.run(input: pf.pointer(context), height: shape[1], width: shape[2],
                                                   channels: shape[3], matrix: pm.pointer(context),
                                                   outputHeight: height, outputWidth: width, output: po.pointer(context))
            }
        }
    }

    /// TransformLandmarks: points [1, N, D] and matrix [1, 4, 4] → transformed points [1, N, D].
    func planTransformLandmarks(_ index: Int) throws -> PlannedStep {
        try requireArity(index, inputs: 2...2)
        let op = op(index)
        let (points, matrix, out) = (op.inputs[0], op.inputs[1], op.outputs[0])
        let shape = try shape(of: points, operator: index)
        guard shape.count == 3, shape[0] == 1, shape[2] >= 2, try self.shape(of: matrix, operator: index) == [1, 4, 4] else {
            throw PlanError.shapeMismatch(index: index, type: op.type.name, reason: "expects [1,N,D≥2] and [1,4,4]")
        }
        try produce(out, shape: shape, operator: index)
        return PlannedStep(label: "TransformLandmarks #\(index)", reads: activations([points, matrix]),
                           writes: [out], workspaceCount: 0, multiplyAccumulates: 0) { address in
            let (pp, pm, po) = (address(points), address(matrix), address(out))
            return CompiledStep { context in
                try TransformLandmarks.run(points: pp.pointer(context), count: shape[1], dimensions: shape[2],
                                               matrix: pm.pointer(context), output: po.pointer(context))
            }
        }
    }
}
