import TensorKernelInterface
#if FACEMESH_AVX512_KERNELS
import TensorKernelsAVX512
#endif

/// Row mixing: `output[r, c] = activation(bias[r] + Σ_j weights[r, j] · input[j, c] (+ residual[r, c]))`, every
/// output row a weighted sum of the input rows (row-major Float32 matrices; activation none or RELU).
///
/// It is what TFLite spells TRANSPOSE → 1×1 CONV_2D → TRANSPOSE: a 1×1 convolution over the transposed input
/// (pixels c, channels j) with filter `weights` ([outputRows, 1, 1, inputRows], as stored), transposed back. The
/// blendshape network's token-mixing MLPs are written so (face_blendshapes.tflite: TRANSPOSE, two 1×1 CONV_2D,
/// TRANSPOSE, ADD), and the planner runs them as row mixings (`RowMixingFusion`), with no transpose at all and
/// with every tile full: lanes are the 64 channels, where the convolution had the 97 tokens as channels.
///
/// Every output value starts from its row's bias (0 without one), adds the terms with fused multiply-adds in j
/// order, then the residual, then the RELU: exactly the arithmetic of the direct convolution's tiles for that
/// value, and the same at every SIMD width and for any split of the rows. `run` uses AVX2 tiles of up to 6 rows ×
/// 16 columns, or on CPUs with AVX-512 the tiles of `RowMixingAVX512` (up to 6 rows × 64 columns), bit for bit
/// the same; `reference` below is the scalar definition.
public enum RowMixing {
    /// The sizes of a row mixing.
    public struct Shape: Equatable, Sendable {
        /// Rows of the output (and of the weights, bias and residual).
        public let outputRows: Int
        /// Rows of the input (columns of the weights): the length of each sum.
        public let inputRows: Int
        /// Columns of the input, the residual and the output.
        public let columns: Int

        /// Checks the sizes: all positive, `columns` a multiple of 16 (one AVX-512 register, two AVX2 registers).
        /// Throws `PlanError.invalidArgument` otherwise.
        public init(outputRows: Int, inputRows: Int, columns: Int) throws {
            guard outputRows > 0, inputRows > 0, columns > 0, columns % 16 == 0 else {
                throw PlanError.invalidArgument(
                    "row mixing \(outputRows)×\(inputRows) on \(columns) columns: sizes must be positive and the "
                        + "columns a multiple of 16")
            }
            self.outputRows = outputRows
            self.inputRows = inputRows
            self.columns = columns
        }
    }

    /// Computes output rows `rows` (all of them by default).
    /// - Parameters:
    ///   - weights: [outputRows][inputRows].
    ///   - bias: `outputRows` floats, or nil.
    ///   - input: [inputRows][columns].
    ///   - shape: the sizes (output rows, input rows, columns).
    ///   - residual: [outputRows][columns], added before the activation, or nil.
    ///   - rectifies: whether the RELU is applied.
    ///   - output: [outputRows][columns]; must not overlap `input` or `weights`.
    ///   - rows: the output rows to compute (clamped to `0..<shape.outputRows`); nil for all. Any split of the rows
    ///     gives the same values.
    public static func run(weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, input: UnsafePointer<Float>,
                           shape: Shape, residual: UnsafePointer<Float>?, rectifies: Bool,
                           output: UnsafeMutablePointer<Float>, rows: Range<Int>? = nil) {
        let arguments = RowMixingArguments(weights: weights, bias: bias, input: input, inputRows: shape.inputRows,
                                           columns: shape.columns, residual: residual, rectifies: rectifies,
                                           output: output)
        let all = 0..<shape.outputRows
        run(arguments, rows: (rows ?? all).clamped(to: all), instructionSet: RuntimeEnvironment.kernelInstructionSet)
    }

    /// Computes output rows `rows` with the kernels of `instructionSet` (`.avx512` only on CPUs that have it).
    @inline(__always)
    static func run(_ arguments: RowMixingArguments, rows: Range<Int>, instructionSet: KernelInstructionSet) {
        #if FACEMESH_AVX512_KERNELS
        if instructionSet == .avx512 {
            RowMixingAVX512.run(arguments, rows: rows)
            return
        }
        #endif
        var row = rows.lowerBound
        while row < rows.upperBound {
            let count = RowMixingArguments.tileRows(remaining: rows.upperBound - row)
            var column = 0
            while column + 16 <= arguments.columns {
                switch count {
                case 6: tile(SixRows.self, arguments, row, column)
                case 5: tile(FiveRows.self, arguments, row, column)
                case 4: tile(FourRows.self, arguments, row, column)
                case 3: tile(ThreeRows.self, arguments, row, column)
                case 2: tile(TwoRows.self, arguments, row, column)
                default: tile(OneRow.self, arguments, row, column)
                }
                column += 16
            }
            row += count
        }
    }

    /// `Rows.count` rows from `row` × 16 columns from `column` (two 8-wide accumulators per row, at most 12).
    @inline(__always)
    private static func tile<Rows: RowMixingRows>(_ shape: Rows.Type, _ arguments: RowMixingArguments, _ row: Int,
                                                  _ column: Int) {
        let rows = Rows.count, length = arguments.inputRows, columns = arguments.columns
        var c00 = start(arguments, row, 0, rows), c01 = c00, c10 = start(arguments, row, 1, rows), c11 = c10
        var c20 = start(arguments, row, 2, rows), c21 = c20, c30 = start(arguments, row, 3, rows), c31 = c30
        var c40 = start(arguments, row, 4, rows), c41 = c40, c50 = start(arguments, row, 5, rows), c51 = c50
        let w0 = arguments.weights + row * length
        let w1 = w0 + length, w2 = w1 + length, w3 = w2 + length, w4 = w3 + length, w5 = w4 + length
        var x = arguments.input + column
        for j in 0..<length {
            let x0 = SIMDMemory.load8(x), x1 = SIMDMemory.load8(x + 8)
            x += columns
            let b0 = SIMD8<Float>(repeating: w0[j])
            c00 = SIMDMemory.multiplyAdd(c00, b0, x0)
            c01 = SIMDMemory.multiplyAdd(c01, b0, x1)
            if rows > 1 {
                let b1 = SIMD8<Float>(repeating: w1[j])
                c10 = SIMDMemory.multiplyAdd(c10, b1, x0)
                c11 = SIMDMemory.multiplyAdd(c11, b1, x1)
            }
            if rows > 2 {
                let b2 = SIMD8<Float>(repeating: w2[j])
                c20 = SIMDMemory.multiplyAdd(c20, b2, x0)
                c21 = SIMDMemory.multiplyAdd(c21, b2, x1)
            }
            if rows > 3 {
                let b3 = SIMD8<Float>(repeating: w3[j])
                c30 = SIMDMemory.multiplyAdd(c30, b3, x0)
                c31 = SIMDMemory.multiplyAdd(c31, b3, x1)
            }
            if rows > 4 {
                let b4 = SIMD8<Float>(repeating: w4[j])
                c40 = SIMDMemory.multiplyAdd(c40, b4, x0)
                c41 = SIMDMemory.multiplyAdd(c41, b4, x1)
            }
            if rows > 5 {
                let b5 = SIMD8<Float>(repeating: w5[j])
                c50 = SIMDMemory.multiplyAdd(c50, b5, x0)
                c51 = SIMDMemory.multiplyAdd(c51, b5, x1)
            }
        }
        // Transparent helpers: the optimizer does not inline ordinary calls into a function this large.
        storeRow(c00, c01, arguments, (row + 0) * columns + column)
        if rows > 1 { storeRow(c10, c11, arguments, (row + 1) * columns + column) }
        if rows > 2 { storeRow(c20, c21, arguments, (row + 2) * columns + column) }
        if rows > 3 { storeRow(c30, c31, arguments, (row + 3) * columns + column) }
        if rows > 4 { storeRow(c40, c41, arguments, (row + 4) * columns + column) }
        if rows > 5 { storeRow(c50, c51, arguments, (row + 5) * columns + column) }
    }

    /// The starting value of row `row + offset` of a tile of `rows` rows: its bias (0 without one, or past the tile).
    @_transparent
    private static func start(_ arguments: RowMixingArguments, _ row: Int, _ offset: Int, _ rows: Int) -> SIMD8<Float> {
        guard offset < rows, let bias = arguments.bias else { return SIMD8<Float>() }
        return SIMD8<Float>(repeating: bias[row + offset])
    }

    /// Residual, RELU and the stores of one tile row (16 values) at element `index` of the output.
    @_transparent
    private static func storeRow(_ low: SIMD8<Float>, _ high: SIMD8<Float>, _ arguments: RowMixingArguments,
                                 _ index: Int) {
        finishAndStore(low, arguments, index)
        finishAndStore(high, arguments, index + 8)
    }

    /// Residual, RELU and the store of the 8 values at element `index` of the output.
    @_transparent
    private static func finishAndStore(_ sum: SIMD8<Float>, _ arguments: RowMixingArguments, _ index: Int) {
        var value = sum
        if let residual = arguments.residual { value += SIMDMemory.load8(residual + index) }
        if arguments.rectifies { value = SIMDMemory.relu(value) }
        SIMDMemory.store8(value, arguments.output + index)
    }

    /// Scalar reference of `run`, the definition of the arithmetic: for each output value, bias (or 0), then one
    /// fused multiply-add per term in j order, then the residual, then the RELU (`v < 0 ? 0 : v`).
    /// - Parameters:
    ///   - weights: [outputRows][inputRows].
    ///   - bias: `outputRows` floats, or nil.
    ///   - input: [inputRows][columns].
    ///   - shape: the sizes (output rows, input rows, columns).
    ///   - residual: [outputRows][columns], added before the activation, or nil.
    ///   - rectifies: whether the RELU is applied.
    ///   - output: [outputRows][columns], every value written.
    public static func reference(weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 input: UnsafePointer<Float>, shape: Shape, residual: UnsafePointer<Float>?,
                                 rectifies: Bool, output: UnsafeMutablePointer<Float>) {
        let (length, columns) = (shape.inputRows, shape.columns)
        for row in 0..<shape.outputRows {
            for column in 0..<columns {
                var value = bias?[row] ?? 0
                for j in 0..<length {
                    value = value.addingProduct(weights[row * length + j], input[j * columns + column])
                }
                if let residual { value += residual[row * columns + column] }
                if rectifies && value < 0 { value = 0 }
                output[row * columns + column] = value
            }
        }
    }
}

/// The compile-time row count of an AVX2 row-mixing tile (1...6).
private protocol RowMixingRows { static var count: Int { get } }

private enum OneRow: RowMixingRows { static var count: Int { 1 } }
private enum TwoRows: RowMixingRows { static var count: Int { 2 } }
private enum ThreeRows: RowMixingRows { static var count: Int { 3 } }
private enum FourRows: RowMixingRows { static var count: Int { 4 } }
private enum FiveRows: RowMixingRows { static var count: Int { 5 } }
private enum SixRows: RowMixingRows { static var count: Int { 6 } }
