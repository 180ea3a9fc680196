import TensorKernelInterface

/// The row mixing `output[r, c] = activation(bias[r] + Σ_j weights[r, j] · input[j, c] (+ residual[r, c]))` at
/// AVX-512 width (16 columns per register; see `RowMixingArguments`).
///
/// The same computation as the AVX2 kernel `RowMixing.run` of TensorRuntime, bit for bit: lanes are columns, and
/// every output value starts from its row's bias (0 without one) and adds the terms with fused multiply-adds in j
/// order, then the residual, then the RELU. The tiles change how many values share an instruction, never the
/// arithmetic of one value, so any split of the rows gives the same results. Its scalar reference is
/// `RowMixing.reference` (TensorRuntime); the tests compare both widths to it for equality. Call only on CPUs with
/// AVX-512.
///
/// Tiles: up to 6 rows × 64 columns (24 accumulators; per term 4 input loads and 6 weight broadcasts for 24
/// fused multiply-adds), then 16-column strips for the rest of the columns.
package enum RowMixingAVX512 {
    /// Computes output rows `rows` (any sub-range of the output rows); `arguments.columns` must be a multiple of 16.
    @inline(never)
    package static func run(_ arguments: RowMixingArguments, rows: Range<Int>) {
        var row = rows.lowerBound
        while row < rows.upperBound {
            let count = RowMixingArguments.tileRows(remaining: rows.upperBound - row)
            var column = 0
            while column + 64 <= arguments.columns {
                rowTile(count, FourVectors.self, arguments, row, column)
                column += 64
            }
            while column + 16 <= arguments.columns {
                rowTile(count, OneVector.self, arguments, row, column)
                column += 16
            }
            row += count
        }
    }

    /// Dispatches a tile of `count` (1...6) rows to its specialisation.
    @inline(__always)
    private static func rowTile<Vectors: RowMixingVectorsAVX512>(_ count: Int, _ vectors: Vectors.Type,
                                                                  _ arguments: RowMixingArguments, _ row: Int,
                                                                  _ column: Int) {
        switch count {
        case 6: tile(SixRows.self, vectors, arguments, row, column)
        case 5: tile(FiveRows.self, vectors, arguments, row, column)
        case 4: tile(FourRows.self, vectors, arguments, row, column)
        case 3: tile(ThreeRows.self, vectors, arguments, row, column)
        case 2: tile(TwoRows.self, vectors, arguments, row, column)
        default: tile(OneRow.self, vectors, arguments, row, column)
        }
    }

    /// `Rows.count` rows from `row` × `Vectors.count` · 16 columns from `column`. Generic specialisation turns every
    /// shape into a dedicated register tile in which the tests on the shape's constants fold away.
    @inline(__always)
    private static func tile<Rows: RowMixingRowsAVX512, Vectors: RowMixingVectorsAVX512>(
        _ rowShape: Rows.Type, _ vectorShape: Vectors.Type, _ arguments: RowMixingArguments, _ row: Int, _ column: Int
    ) {
        let rows = Rows.count, wide = Vectors.count == 4
        let length = arguments.inputRows, columns = arguments.columns
        var c00 = start(arguments, row, 0, rows), c01 = c00, c02 = c00, c03 = c00
        var c10 = start(arguments, row, 1, rows), c11 = c10, c12 = c10, c13 = c10
        var c20 = start(arguments, row, 2, rows), c21 = c20, c22 = c20, c23 = c20
        var c30 = start(arguments, row, 3, rows), c31 = c30, c32 = c30, c33 = c30
        var c40 = start(arguments, row, 4, rows), c41 = c40, c42 = c40, c43 = c40
        var c50 = start(arguments, row, 5, rows), c51 = c50, c52 = c50, c53 = c50
        let w0 = arguments.weights + row * length
        let w1 = w0 + length, w2 = w1 + length, w3 = w2 + length, w4 = w3 + length, w5 = w4 + length
        var x = arguments.input + column
        for j in 0..<length {
            let x0 = load16(x)
            let x1 = wide ? load16(x + 16) : x0, x2 = wide ? load16(x + 32) : x0, x3 = wide ? load16(x + 48) : x0
            x += columns
            let b0 = SIMD16<Float>(repeating: w0[j])
            c00 = c00.addingProduct(b0, x0)
            if wide {
                c01 = c01.addingProduct(b0, x1)
                c02 = c02.addingProduct(b0, x2)
                c03 = c03.addingProduct(b0, x3)
            }
            if rows > 1 {
                let b1 = SIMD16<Float>(repeating: w1[j])
                c10 = c10.addingProduct(b1, x0)
                if wide {
                    c11 = c11.addingProduct(b1, x1)
                    c12 = c12.addingProduct(b1, x2)
                    c13 = c13.addingProduct(b1, x3)
                }
            }
            if rows > 2 {
                let b2 = SIMD16<Float>(repeating: w2[j])
                c20 = c20.addingProduct(b2, x0)
                if wide {
                    c21 = c21.addingProduct(b2, x1)
                    c22 = c22.addingProduct(b2, x2)
                    c23 = c23.addingProduct(b2, x3)
                }
            }
            if rows > 3 {
                let b3 = SIMD16<Float>(repeating: w3[j])
                c30 = c30.addingProduct(b3, x0)
                if wide {
                    c31 = c31.addingProduct(b3, x1)
                    c32 = c32.addingProduct(b3, x2)
                    c33 = c33.addingProduct(b3, x3)
                }
            }
            if rows > 4 {
                let b4 = SIMD16<Float>(repeating: w4[j])
                c40 = c40.addingProduct(b4, x0)
                if wide {
                    c41 = c41.addingProduct(b4, x1)
                    c42 = c42.addingProduct(b4, x2)
                    c43 = c43.addingProduct(b4, x3)
                }
            }
            if rows > 5 {
                let b5 = SIMD16<Float>(repeating: w5[j])
                c50 = c50.addingProduct(b5, x0)
                if wide {
                    c51 = c51.addingProduct(b5, x1)
                    c52 = c52.addingProduct(b5, x2)
                    c53 = c53.addingProduct(b5, x3)
                }
            }
        }
        // Transparent helpers: the optimizer does not inline ordinary calls into a function this large.
        storeRow(c00, c01, c02, c03, wide, arguments, (row + 0) * columns + column)
        if rows > 1 { storeRow(c10, c11, c12, c13, wide, arguments, (row + 1) * columns + column) }
        if rows > 2 { storeRow(c20, c21, c22, c23, wide, arguments, (row + 2) * columns + column) }
        if rows > 3 { storeRow(c30, c31, c32, c33, wide, arguments, (row + 3) * columns + column) }
        if rows > 4 { storeRow(c40, c41, c42, c43, wide, arguments, (row + 4) * columns + column) }
        if rows > 5 { storeRow(c50, c51, c52, c53, wide, arguments, (row + 5) * columns + column) }
    }

    /// The starting value of row `row + offset` of a tile of `rows` rows: its bias (0 without one, or past the tile).
    @_transparent
    private static func start(_ arguments: RowMixingArguments, _ row: Int, _ offset: Int, _ rows: Int) -> SIMD16<Float> {
        guard offset < rows, let bias = arguments.bias else { return SIMD16<Float>() }
        return SIMD16<Float>(repeating: bias[row + offset])
    }

    /// Residual, RELU and the stores of one tile row (one register, or four when `wide`) at element `index`.
    @_transparent
    private static func storeRow(_ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ v2: SIMD16<Float>, _ v3: SIMD16<Float>,
                                 _ wide: Bool, _ arguments: RowMixingArguments, _ index: Int) {
        finishAndStore(v0, arguments, index)
        if wide {
            finishAndStore(v1, arguments, index + 16)
            finishAndStore(v2, arguments, index + 32)
            finishAndStore(v3, arguments, index + 48)
        }
    }

    /// Residual, RELU and the store of the 16 values at element `index` of the output.
    @_transparent
    private static func finishAndStore(_ sum: SIMD16<Float>, _ arguments: RowMixingArguments, _ index: Int) {
        var value = sum
        if let residual = arguments.residual { value += load16(residual + index) }
        if arguments.rectifies { value = value.replacing(with: 0, where: value .< 0) }
        UnsafeMutableRawPointer(arguments.output + index).storeBytes(of: value, as: SIMD16<Float>.self)
    }

    @inline(__always)
    private static func load16(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }
}

/// The compile-time row count of a row-mixing tile (1...6).
private protocol RowMixingRowsAVX512 { static var count: Int { get } }
/// The compile-time width of a row-mixing tile in 16-float registers (1 or 4).
private protocol RowMixingVectorsAVX512 { static var count: Int { get } }

private enum OneRow: RowMixingRowsAVX512 { static var count: Int { 1 } }
private enum TwoRows: RowMixingRowsAVX512 { static var count: Int { 2 } }
private enum ThreeRows: RowMixingRowsAVX512 { static var count: Int { 3 } }
private enum FourRows: RowMixingRowsAVX512 { static var count: Int { 4 } }
private enum FiveRows: RowMixingRowsAVX512 { static var count: Int { 5 } }
private enum SixRows: RowMixingRowsAVX512 { static var count: Int { 6 } }
private enum OneVector: RowMixingVectorsAVX512 { static var count: Int { 1 } }
private enum FourVectors: RowMixingVectorsAVX512 { static var count: Int { 4 } }
