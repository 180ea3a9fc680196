/// Zero padding of a row-major Float32 tensor of any rank (TFLite PAD with constant value 0).
///
/// Axis d of the output has `paddings[d].before + inputShape[d] + paddings[d].after` entries; the input occupies
/// the block starting at the `before` offsets and everything else is 0. The models use it as the trailing channel
/// pad [[0,0],[0,0],[0,0],[0,k]] of residual shortcuts, which has a dedicated fast path.
public enum Pad {
    /// The padded shape.
    /// - Throws: `PlanError.sizeMismatch` when `paddings` does not have one entry per input axis,
    ///   `PlanError.invalidArgument` for negative sizes or paddings (cropping is not supported).
    public static func outputShape(inputShape: [Int], paddings: [(before: Int, after: Int)]) throws -> [Int] {
        guard paddings.count == inputShape.count else {
            throw PlanError.sizeMismatch(
                "PAD has \(paddings.count) padding pairs for an input of rank \(inputShape.count) \(inputShape)")
        }
        _ = try ShapeArithmetic.elementCount(inputShape, name: "PAD input")
        var shape: [Int] = []
        for (axis, padding) in paddings.enumerated() {
            guard padding.before >= 0, padding.after >= 0 else {
                throw PlanError.invalidArgument(
                    "PAD axis \(axis) has a negative padding (\(padding.before), \(padding.after))")
            }
            shape.append(inputShape[axis] + padding.before + padding.after)
        }
        _ = try ShapeArithmetic.elementCount(shape, name: "PAD output")
        return shape
    }

    /// Fast zero padding: one contiguous copy per innermost input row plus zero fills.
    /// - Parameters:
    ///   - input: row-major input of shape `inputShape`.
    ///   - inputShape: the input's shape.
    ///   - paddings: zeros added before and after each axis, one pair per axis.
    ///   - output: `outputShape(inputShape:paddings:)` element count floats; must not overlap the input.
    /// - Throws: as `outputShape(inputShape:paddings:)`.
    public static func run(input: UnsafePointer<Float>, inputShape: [Int], paddings: [(before: Int, after: Int)],
                           output: UnsafeMutablePointer<Float>) throws {
        let shape = try outputShape(inputShape: inputShape, paddings: paddings)
        run(input: input, inputShape: inputShape, outputShape: shape, paddings: paddings,
            outputStrides: ShapeArithmetic.strides(shape), output: output)
    }

    /// The copy itself, for an output shape and strides checked beforehand (`outputShape`); allocates nothing
    /// (the plan checks once and calls this on every run).
    static func run(input: UnsafePointer<Float>, inputShape: [Int], outputShape shape: [Int],
                    paddings: [(before: Int, after: Int)], outputStrides: [Int], output: UnsafeMutablePointer<Float>) {
        let outputCount = ShapeArithmetic.product(shape) ?? 0
        let inputCount = ShapeArithmetic.product(inputShape) ?? 0
        let rank = shape.count
        if rank == 0 || inputCount == 0 {
            output.update(repeating: 0, count: outputCount)
            if rank == 0 && inputCount == 1 { output[0] = input[0] }
            return
        }
        let innerInput = inputShape[rank - 1], innerOutput = shape[rank - 1]
        let before = paddings[rank - 1].before, after = paddings[rank - 1].after
        var outerPadded = false
        for axis in 0..<(rank - 1) where paddings[axis].before != 0 || paddings[axis].after != 0 { outerPadded = true }
        let rows = inputCount / innerInput
        if !outerPadded {
            // Trailing-axis pad (e.g. NHWC channel pad): every row is [zeros, input row, zeros].
            for row in 0..<rows {
                let destination = output + row * innerOutput
                destination.update(repeating: 0, count: before)
                (destination + before).update(from: input + row * innerInput, count: innerInput)
                (destination + before + innerInput).update(repeating: 0, count: after)
            }
            return
        }
        output.update(repeating: 0, count: outputCount)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { coordinates in
            coordinates.initialize(repeating: 0)
            for row in 0..<rows {
                var offset = before
                for axis in 0..<(rank - 1) {
                    offset += (coordinates[axis] + paddings[axis].before) * outputStrides[axis]
                }
                (output + offset).update(from: input + row * innerInput, count: innerInput)
                var axis = rank - 2
                while axis >= 0 {
                    coordinates[axis] += 1
                    if coordinates[axis] < inputShape[axis] { break }
                    coordinates[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    /// Scalar reference: every output element decides from its own multi-index whether it is padding.
    /// - Throws: as `outputShape(inputShape:paddings:)`.
    public static func reference(input: UnsafePointer<Float>, inputShape: [Int],
                                 paddings: [(before: Int, after: Int)], output: UnsafeMutablePointer<Float>) throws {
        let shape = try outputShape(inputShape: inputShape, paddings: paddings)
        let rank = shape.count
        let inputStrides = ShapeArithmetic.strides(inputShape)
        let count = ShapeArithmetic.product(shape) ?? 0
        for flat in 0..<count {
            var remainder = flat
            var inputIndex = 0
            var inside = true
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                let coordinate = remainder % shape[axis] - paddings[axis].before
                remainder /= shape[axis]
                if coordinate < 0 || coordinate >= inputShape[axis] { inside = false }
                inputIndex += coordinate * inputStrides[axis]
            }
            output[flat] = inside ? input[inputIndex] : 0
        }
    }
}
