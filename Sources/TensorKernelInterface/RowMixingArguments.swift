/// The arguments of a row mixing (see `RowMixing` in TensorRuntime), shared by its AVX2 kernel in TensorRuntime
/// and its AVX-512 kernel in TensorKernelsAVX512 (package-internal). Plain stored data, like the convolution tile
/// arguments beside it.
///
/// A row mixing computes, for output rows r and columns c,
/// `output[r, c] = activation(bias[r] + Σ_j weights[r, j] · input[j, c] (+ residual[r, c]))`:
/// every output row is a weighted sum of the input rows. It is a 1×1 convolution of the transposed input
/// (pixels c, channels j) transposed back, computed without either transpose. All matrices are row-major Float32.
package struct RowMixingArguments {
    /// The mixing weights, [outputRows][inputRows] (a 1×1 CONV_2D filter [outputRows, 1, 1, inputRows] as stored).
    package var weights: UnsafePointer<Float>
    /// One bias per output row, or nil for none.
    package var bias: UnsafePointer<Float>?
    /// The input matrix, [inputRows][columns].
    package var input: UnsafePointer<Float>
    /// Rows of the input (the length of each sum).
    package var inputRows: Int
    /// Columns of the input, the residual and the output; a multiple of 16.
    package var columns: Int
    /// Residual added before the activation, [outputRows][columns], or nil.
    package var residual: UnsafePointer<Float>?
    /// Whether negative values become 0 (RELU) after the residual.
    package var rectifies: Bool
    /// The output matrix, [outputRows][columns].
    package var output: UnsafeMutablePointer<Float>

    /// Describes a row mixing (see the type's description).
    @inlinable
    package init(weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, input: UnsafePointer<Float>,
                 inputRows: Int, columns: Int, residual: UnsafePointer<Float>?, rectifies: Bool,
                 output: UnsafeMutablePointer<Float>) {
        self.weights = weights
        self.bias = bias
        self.input = input
        self.inputRows = inputRows
        self.columns = columns
        self.residual = residual
        self.rectifies = rectifies
        self.output = output
    }
}

extension RowMixingArguments {
    /// Rows of the next tile when `remaining` rows are left (both widths tile alike): 6 at most, and 7 left become
    /// 4 + 3 so that no single row runs one long dependency chain.
    @inlinable
    package static func tileRows(remaining: Int) -> Int {
        remaining == 7 ? 4 : min(6, remaining)
    }
}
