/// TFLite TRANSPOSE of a row-major Float32 tensor: output axis i is input axis `permutation[i]`, so
/// output[i₀, …, iₙ] = input at the index whose axis `permutation[k]` is iₖ.
///
/// The blendshape network (an MLP-Mixer) swaps its two innermost axes (permutation [0, 1, 3, 2]) around every
/// token-mixing layer; that case has a blocked fast path.
public enum Transpose {
    /// How one transpose walks its input, worked out once (the plan keeps it; `run` then allocates nothing).
    public struct Layout: Sendable, Equatable {
        /// The input and output shapes.
        public let inputShape: [Int]
        public let outputShape: [Int]
        /// Element count.
        public let count: Int
        /// Per output axis, the input element stride.
        let inputStrides: [Int]
        /// When the transpose only swaps the two innermost axes: (batches, rows, columns) of the input.
        let innerSwap: (batches: Int, rows: Int, columns: Int)?

        public static func == (lhs: Layout, rhs: Layout) -> Bool {
            lhs.inputShape == rhs.inputShape && lhs.outputShape == rhs.outputShape
                && lhs.inputStrides == rhs.inputStrides
        }

        /// - Throws: `PlanError.invalidArgument` when `permutation` is not a permutation of 0..<rank or a size is
        ///   negative, `PlanError.unsupported` for ranks above 8.
        public init(inputShape: [Int], permutation: [Int]) throws {
            let rank = inputShape.count
            guard rank <= 8 else { throw PlanError.unsupported("TRANSPOSE supports ranks up to 8, got \(inputShape)") }
            guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
                throw PlanError.invalidArgument("TRANSPOSE permutation \(permutation) is not a permutation of 0..<\(rank)")
            }
            count = try ShapeArithmetic.elementCount(inputShape, name: "TRANSPOSE input")
            self.inputShape = inputShape
            outputShape = permutation.map { inputShape[$0] }
            let strides = ShapeArithmetic.strides(inputShape)
            inputStrides = permutation.map { strides[$0] }
            if rank >= 2, permutation[rank - 2] == rank - 1, permutation[rank - 1] == rank - 2,
               Array(permutation[0..<(rank - 2)]) == Array(0..<(rank - 2)) {
                let rows = inputShape[rank - 2], columns = inputShape[rank - 1]
                innerSwap = (rows * columns == 0 ? 0 : count / (rows * columns), rows, columns)
            } else {
                innerSwap = nil
            }
        }
    }

    /// Fast transpose: 8 × 8 tiles for an innermost-axes swap, otherwise one output row at a time with the input
    /// read at the permuted stride. `output` (`layout.count` floats) must not overlap the input.
    public static func run(_ x: UnsafePointer<Float>, layout: Layout, output: UnsafeMutablePointer<Float>) {
        guard layout.count > 0 else { return }
        if let swap = layout.innerSwap {
            let matrix = swap.rows * swap.columns
            for batch in 0..<swap.batches {
                transposeMatrix(x + batch * matrix, rows: swap.rows, columns: swap.columns, output + batch * matrix)
            }
            return
        }
        let shape = layout.outputShape, strides = layout.inputStrides
        let rank = shape.count
        guard rank > 0 else { output[0] = x[0]; return }
        let inner = shape[rank - 1], innerStride = strides[rank - 1]
        var coordinates = SIMD8<Int>(repeating: 0)
        var inputOffset = 0
        for row in 0..<(layout.count / inner) {
            let destination = output + row * inner
            for k in 0..<inner { destination[k] = x[inputOffset + k * innerStride] }
            var axis = rank - 2
            while axis >= 0 {
                coordinates[axis] += 1
                inputOffset += strides[axis]
                if coordinates[axis] < shape[axis] { break }
                inputOffset -= strides[axis] * shape[axis]
                coordinates[axis] = 0
                axis -= 1
            }
        }
    }

    /// output (columns × rows) = transpose of x (rows × columns), in 8 × 8 tiles so both sides stay in cache lines.
    private static func transposeMatrix(_ x: UnsafePointer<Float>, rows: Int, columns: Int,
                                        _ output: UnsafeMutablePointer<Float>) {
        let tile = 8
        var rowStart = 0
        while rowStart < rows {
            let rowEnd = min(rowStart + tile, rows)
            var columnStart = 0
            while columnStart < columns {
                let columnEnd = min(columnStart + tile, columns)
                for column in columnStart..<columnEnd {
                    let destination = output + column * rows
                    for row in rowStart..<rowEnd { destination[row] = x[row * columns + column] }
                }
                columnStart = columnEnd
            }
            rowStart = rowEnd
        }
    }

    /// Scalar reference: every output element computes its own input index from its multi-index.
    public static func reference(_ x: UnsafePointer<Float>, layout: Layout, output: UnsafeMutablePointer<Float>) {
        let shape = layout.outputShape
        for flat in 0..<layout.count {
            var remainder = flat, source = 0
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                source += (remainder % shape[axis]) * layout.inputStrides[axis]
                remainder /= shape[axis]
            }
            output[flat] = x[source]
        }
    }
}
