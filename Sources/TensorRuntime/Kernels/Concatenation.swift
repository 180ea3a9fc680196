/// Concatenation of row-major Float32 tensors along one axis (TFLite CONCATENATION).
///
/// All inputs have the same rank and agree on every axis except `axis`, whose sizes add up. A negative `axis`
/// counts from the end (−1 is the innermost axis).
public enum Concatenation {
    /// The concatenated shape.
    /// - Throws: `PlanError.invalidArgument` for an empty input list, rank 0, an axis outside −rank..<rank or
    ///   negative sizes; `PlanError.sizeMismatch` when ranks or the non-concatenated sizes differ.
    public static func outputShape(_ shapes: [[Int]], axis: Int) throws -> [Int] {
        guard let first = shapes.first else {
            throw PlanError.invalidArgument("CONCATENATION needs at least one input")
        }
        let resolved = try resolvedAxis(axis, rank: first.count)
        var shape = first
        shape[resolved] = 0
        for (index, inputShape) in shapes.enumerated() {
            _ = try ShapeArithmetic.elementCount(inputShape, name: "CONCATENATION input \(index)")
            guard inputShape.count == first.count else {
                throw PlanError.sizeMismatch(
                    "CONCATENATION input \(index) has rank \(inputShape.count) \(inputShape), expected \(first.count)")
            }
            for dimension in 0..<first.count where dimension != resolved && inputShape[dimension] != first[dimension] {
                throw PlanError.sizeMismatch(
                    "CONCATENATION input \(index) shape \(inputShape) differs from \(first) outside axis \(resolved)")
            }
            shape[resolved] += inputShape[resolved]
        }
        _ = try ShapeArithmetic.elementCount(shape, name: "CONCATENATION output")
        return shape
    }

    /// Fast concatenation: one contiguous block copy per input per outer index.
    /// - Parameters:
    ///   - inputs: the tensors with their shapes, in concatenation order.
    ///   - axis: the axis to join along (negative counts from the end).
    ///   - output: `outputShape` element count floats; must not overlap any input.
    /// - Throws: as `outputShape(_:axis:)`.
    public static func run(inputs: [(values: UnsafePointer<Float>, shape: [Int])], axis: Int,
                           output: UnsafeMutablePointer<Float>) throws {
        let layout = try Layout(shapes: inputs.map(\.shape), axis: axis)
        layout.run(input: { inputs[$0].values }, output: output)
    }

    /// The block structure of one concatenation, computed once (internal; the plan keeps one per step so that
    /// running it allocates nothing).
    struct Layout {
        /// Product of the sizes before the axis: how many blocks each input contributes.
        let outer: Int
        /// Floats per outer index of each input (its size along the axis times the sizes after it).
        let blocks: [Int]
        /// Floats per outer index of the output.
        let outputBlock: Int

        /// - Throws: as `outputShape(_:axis:)`.
        init(shapes: [[Int]], axis: Int) throws {
            let shape = try outputShape(shapes, axis: axis)
            let resolved = try resolvedAxis(axis, rank: shape.count)
            outer = ShapeArithmetic.product(Array(shape[..<resolved])) ?? 0
            let inner = ShapeArithmetic.product(Array(shape[(resolved + 1)...])) ?? 0
            outputBlock = shape[resolved] * inner
            blocks = shapes.map { $0[resolved] * inner }
        }

        /// Copies the inputs (`input(i)` is input i's first float) into `output`, one contiguous block copy per
        /// input per outer index.
        func run(input: (Int) -> UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
            var offset = 0
            for index in blocks.indices {
                let block = blocks[index], values = input(index)
                for outerIndex in 0..<outer {
                    (output + outerIndex * outputBlock + offset).update(from: values + outerIndex * block, count: block)
                }
                offset += block
            }
        }
    }

    /// Scalar reference: each output element finds its source input from its coordinate along `axis`.
    /// - Throws: as `outputShape(_:axis:)`.
    public static func reference(inputs: [(values: UnsafePointer<Float>, shape: [Int])], axis: Int,
                                 output: UnsafeMutablePointer<Float>) throws {
        let shape = try outputShape(inputs.map(\.shape), axis: axis)
        let resolved = try resolvedAxis(axis, rank: shape.count)
        let strides = ShapeArithmetic.strides(shape)
        let count = ShapeArithmetic.product(shape) ?? 0
        for flat in 0..<count {
            var coordinates = [Int](repeating: 0, count: shape.count)
            for dimension in 0..<shape.count { coordinates[dimension] = flat / strides[dimension] % shape[dimension] }
            var input = 0
            while coordinates[resolved] >= inputs[input].shape[resolved] {
                coordinates[resolved] -= inputs[input].shape[resolved]
                input += 1
            }
            let inputStrides = ShapeArithmetic.strides(inputs[input].shape)
            let index = zip(coordinates, inputStrides).reduce(0) { $0 + $1.0 * $1.1 }
            output[flat] = inputs[input].values[index]
        }
    }

    /// `axis` mapped into 0..<rank.
    private static func resolvedAxis(_ axis: Int, rank: Int) throws -> Int {
        guard rank > 0 else { throw PlanError.invalidArgument("CONCATENATION of rank-0 tensors") }
        guard axis >= -rank && axis < rank else {
            throw PlanError.invalidArgument("CONCATENATION axis \(axis) is outside \(-rank)..<\(rank)")
        }
        return axis < 0 ? axis + rank : axis
    }
}
