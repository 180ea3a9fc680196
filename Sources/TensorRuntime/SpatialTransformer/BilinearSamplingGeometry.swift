/// Where each output pixel of `BilinearSpatialTransformer` samples its input: the half-pixel-corrected affine map
/// of `TransformTensorBilinear` v2 and the bilinear cell a sample falls in. Shared by the forward passes and the
/// backward pass so that all three agree on every coordinate bit for bit.
struct BilinearSamplingGeometry {
    /// Entries of the 2×2 linear part `A = T[0..1, 0..1]`.
    let t00: Float, t01: Float, t10: Float, t11: Float
    /// Translation after the half-pixel correction: `T[r][3] + ½·T[r][0] + ½·T[r][1] − ½`.
    let offsetX: Float, offsetY: Float
    /// Input size in pixels.
    let height: Int, width: Int

    /// The bilinear cell of one in-range sample: top-left neighbour `(row, column)`, fractional offsets
    /// `a = x − column`, `b = y − row` in [0, 1), and whether the right and lower neighbours lie inside the input.
    struct Cell {
        let row: Int, column: Int
        let a: Float, b: Float
        let hasRight: Bool, hasBelow: Bool
    }

    /// Reads the six used entries of the row-major 4×4 `matrix` after checking that they are finite.
    init(matrix: UnsafePointer<Float>, height: Int, width: Int) throws {
        try Self.requireFinite(matrix[0], "T00"); try Self.requireFinite(matrix[1], "T01")
        try Self.requireFinite(matrix[3], "T03"); try Self.requireFinite(matrix[4], "T10")
        try Self.requireFinite(matrix[5], "T11"); try Self.requireFinite(matrix[7], "T13")
        t00 = matrix[0]; t01 = matrix[1]; t10 = matrix[4]; t11 = matrix[5]
        // The reference operator folds the half-pixel terms into the translation in double precision and rounds
        // once to float; doing the same keeps every sample coordinate identical to it.
        offsetX = Float(Double(matrix[3]) + (Double(matrix[0]) * 0.5 + Double(matrix[1]) * 0.5 - 0.5))
        offsetY = Float(Double(matrix[7]) + (Double(matrix[4]) * 0.5 + Double(matrix[5]) * 0.5 - 0.5))
        self.height = height
        self.width = width
    }

    /// Input coordinates `(x, y)` sampled by output pixel `(column u, row v)`:
    /// `x = T00·u + T01·v + offsetX`, `y = T10·u + T11·v + offsetY`.
    @inline(__always)
    func coordinate(column: Int, row: Int) -> (x: Float, y: Float) {
        let u = Float(column), v = Float(row)
        return (t00 * u + t01 * v + offsetX, t10 * u + t11 * v + offsetY)
    }

    /// The cell of sample `(x, y)`, or nil when the sample lies outside `[0, width − 1] × [0, height − 1]`
    /// (the whole output pixel is then 0). A NaN coordinate counts as outside.
    @inline(__always)
    func cell(x: Float, y: Float) -> Cell? {
        guard x >= 0, x <= Float(width - 1), y >= 0, y <= Float(height - 1) else { return nil }
        let left = x.rounded(.down), top = y.rounded(.down)
        let column = Int(left), row = Int(top)
        return Cell(row: row, column: column, a: x - left, b: y - top,
                    hasRight: column + 1 < width, hasBelow: row + 1 < height)
    }

    /// Checks the tensor sizes shared by the forward and backward passes.
    static func validateSizes(height: Int, width: Int, channels: Int, outputHeight: Int, outputWidth: Int) throws {
        try requirePositive(height, "height"); try requirePositive(width, "width")
        try requirePositive(channels, "channels")
        try requirePositive(outputHeight, "outputHeight"); try requirePositive(outputWidth, "outputWidth")
        try requireElementCount(height, width, channels, "input")
        try requireElementCount(outputHeight, outputWidth, channels, "output")
    }

    private static func requireFinite(_ value: Float, _ name: String) throws {
        if !value.isFinite { throw SpatialTransformerError.nonFinite(name: "matrix entry " + name) }
    }

    private static func requirePositive(_ value: Int, _ name: String) throws {
        if value <= 0 { throw SpatialTransformerError.nonPositiveSize(name: name, value: value) }
    }

    private static func requireElementCount(_ rows: Int, _ columns: Int, _ channels: Int, _ name: String) throws {
        let (pixels, pixelOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (_, elementOverflow) = pixels.multipliedReportingOverflow(by: channels)
        if pixelOverflow || elementOverflow { throw SpatialTransformerError.sizeOverflow(name: name) }
    }
}
