/// The `TransformTensorBilinear` v2 custom operator: a differentiable bilinear spatial transformer that resamples an
/// NHWC feature map (batch 1) through an affine matrix, producing an oriented crop.
///
/// Math. `T` is a row-major 4×4 matrix; only `A = [[T00, T01], [T10, T11]]` and `t = (T03, T13)` are used (rows 2–3
/// and column 2 are ignored). Output pixel `(u, v)` (column, row; `u ∈ 0..<outputWidth`, `v ∈ 0..<outputHeight`)
/// samples input coordinates with the half-pixel correction
/// `(x, y) = A·(u + ½, v + ½) + t − (½, ½)`.
/// - If `x < 0`, `x > width − 1`, `y < 0` or `y > height − 1`, the whole output pixel (every channel) is **0**
///   (no clamping, no partial border blending).
/// - Otherwise, with `x0 = ⌊x⌋`, `y0 = ⌊y⌋`, `a = x − x0`, `b = y − y0` and `F(row, column)` the input pixel:
///   `out = b·[(1−a)·F(y0+1, x0) + a·F(y0+1, x0+1)] + (1−b)·[(1−a)·F(y0, x0) + a·F(y0, x0+1)]`,
///   where a neighbour outside the input reads 0 (that happens only when `x = width − 1` or `y = height − 1`
///   exactly, where its weight is 0).
///
/// Arithmetic is `Float`; the half-pixel translation is folded in double precision and rounded once, as the
/// reference operator does, so sample coordinates match it exactly. The reference evaluates the bilinear blend
/// partly in double, so results can differ from it by a few units in the last place.
///
/// Layouts: `input` is `[height, width, channels]`, `output` `[outputHeight, outputWidth, channels]`, both
/// row-major NHWC without the batch dimension, and must not overlap. Units are pixels of the input map.
public enum TransformTensorBilinear {
    /// Resamples `input` into `output` as described on the type. SIMD over channels (8, then 4, then scalar
    /// lanes); allocates nothing. Produces exactly the same bits as `reference`.
    ///
    /// - Throws: `PlanError` when a size is not positive, an element count overflows, or one of the
    ///   six used matrix entries is infinite or NaN. Nothing is written then.
    public static func run(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
                               matrix: UnsafePointer<Float>, outputHeight: Int, outputWidth: Int,
                               output: UnsafeMutablePointer<Float>) throws {
        try BilinearSamplingGeometry.validateSizes(height: height, width: width, channels: channels,
                                                   outputHeight: outputHeight, outputWidth: outputWidth)
        let geometry = try BilinearSamplingGeometry(matrix: matrix, height: height, width: width)
        let rowStride = width * channels
        for v in 0..<outputHeight {
            for u in 0..<outputWidth {
                let target = output + (v * outputWidth + u) * channels
                let (x, y) = geometry.coordinate(column: u, row: v)
                guard let cell = geometry.cell(x: x, y: y) else {
                    target.update(repeating: 0, count: channels)
                    continue
                }
                guard cell.hasRight && cell.hasBelow else {
                    // Exactly on the last column or row: rare, take the scalar path with its zero neighbours.
                    sampleScalar(input: input, width: width, channels: channels, cell: cell, target: target)
                    continue
                }
                let topLeft = input + (cell.row * width + cell.column) * channels
                blend(topLeft: topLeft, topRight: topLeft + channels, bottomLeft: topLeft + rowStride,
                      bottomRight: topLeft + rowStride + channels, a: cell.a, b: cell.b, channels: channels,
                      target: target)
            }
        }
    }

    /// Scalar bilinear blend of one in-range sample into `target[0..<channels]`; neighbours outside the input
    /// read 0.
    static func sampleScalar(input: UnsafePointer<Float>, width: Int, channels: Int,
                             cell: BilinearSamplingGeometry.Cell, target: UnsafeMutablePointer<Float>) {
        let topLeft = input + (cell.row * width + cell.column) * channels
        let a = cell.a, b = cell.b
        for channel in 0..<channels {
            let q00 = topLeft[channel]
            let q01 = cell.hasRight ? topLeft[channels + channel] : 0
            let q10 = cell.hasBelow ? topLeft[width * channels + channel] : 0
            let q11 = cell.hasRight && cell.hasBelow ? topLeft[width * channels + channels + channel] : 0
            let upper = (1 - a) * q00 + a * q01
            let lower = (1 - a) * q10 + a * q11
            target[channel] = b * lower + (1 - b) * upper
        }
    }

    /// SIMD bilinear blend of four neighbour pixels (all inside the input) into `target[0..<channels]`, with the
    /// same operation order as `sampleScalar`.
    @inline(__always)
    private static func blend(topLeft: UnsafePointer<Float>, topRight: UnsafePointer<Float>,
                              bottomLeft: UnsafePointer<Float>, bottomRight: UnsafePointer<Float>,
                              a: Float, b: Float, channels: Int, target: UnsafeMutablePointer<Float>) {
        let notA = 1 - a, notB = 1 - b
        var channel = 0
        while channel + 8 <= channels {
            let upper = notA * load8(topLeft + channel) + a * load8(topRight + channel)
            let lower = notA * load8(bottomLeft + channel) + a * load8(bottomRight + channel)
            UnsafeMutableRawPointer(target + channel).storeBytes(of: b * lower + notB * upper, as: SIMD8<Float>.self)
            channel += 8
        }
        if channel + 4 <= channels {
            let upper = notA * load4(topLeft + channel) + a * load4(topRight + channel)
            let lower = notA * load4(bottomLeft + channel) + a * load4(bottomRight + channel)
            UnsafeMutableRawPointer(target + channel).storeBytes(of: b * lower + notB * upper, as: SIMD4<Float>.self)
            channel += 4
        }
        while channel < channels {
            let upper = notA * topLeft[channel] + a * topRight[channel]
            let lower = notA * bottomLeft[channel] + a * bottomRight[channel]
            target[channel] = b * lower + notB * upper
            channel += 1
        }
    }

    @inline(__always)
    private static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func load4(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }
}

extension TransformTensorBilinear {
    /// Gradients of a scalar loss `L` through `run`, given `outputGradient = ∂L/∂output`
    /// (`[outputHeight, outputWidth, channels]`).
    ///
    /// - `inputGradient` (`[height, width, channels]`) is **overwritten** with `∂L/∂input`: every in-range sample
    ///   scatters `g·(1−a)(1−b)`, `g·a(1−b)`, `g·(1−a)b`, `g·a·b` to its four neighbours (those outside the input
    ///   are skipped; their weight is 0 anyway).
    /// - `matrixGradient` receives 6 values, `∂L/∂(T00, T01, T03, T10, T11, T13)`, the free parameters of the affine
    ///   map (the other ten entries do not affect the output). Per in-range sample, with `U`, `D` the upper and lower
    ///   row blends of the type's formula, `∂out/∂x = (1−b)·(F(y0,x0+1) − F(y0,x0)) + b·(F(y0+1,x0+1) − F(y0+1,x0))`
    ///   and `∂out/∂y = D − U`; then `∂x/∂T00 = u + ½`, `∂x/∂T01 = v + ½`, `∂x/∂T03 = 1`, and likewise for `y` with
    ///   `T10`, `T11`, `T13`. These sums are accumulated in `Double`.
    ///
    /// The output is piecewise bilinear in the parameters: it has kinks where a sample crosses an integer
    /// coordinate and jumps to 0 where it leaves `[0, width − 1] × [0, height − 1]`. The gradient returned is that of
    /// the cell the sample lies in; out-of-range samples contribute nothing. On a kink it is one-sided: a sample with
    /// `x` exactly the integer k belongs to the cell [k, k + 1) (`a = 0`), so `∂out/∂x` is the slope towards
    /// column k + 1, the derivative from the right (likewise `∂out/∂y` from below for an integer `y`). On the last
    /// column (`x = width − 1` exactly) that cell's right neighbours lie outside and count as 0, so `∂out/∂x` is
    /// `−((1−b)·F(y0, x0) + b·F(y0+1, x0))`; on the last row likewise with the lower neighbours.
    ///
    /// - Throws: `PlanError`, as `run`. Nothing is written then.
    public static func backward(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
                                matrix: UnsafePointer<Float>, outputHeight: Int, outputWidth: Int,
                                outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
                                matrixGradient: UnsafeMutablePointer<Float>) throws {
        try BilinearSamplingGeometry.validateSizes(height: height, width: width, channels: channels,
                                                   outputHeight: outputHeight, outputWidth: outputWidth)
        let geometry = try BilinearSamplingGeometry(matrix: matrix, height: height, width: width)
        inputGradient.update(repeating: 0, count: height * width * channels)
        let rowStride = width * channels
        var gradientT00 = 0.0, gradientT01 = 0.0, gradientT03 = 0.0
        var gradientT10 = 0.0, gradientT11 = 0.0, gradientT13 = 0.0
        for v in 0..<outputHeight {
            for u in 0..<outputWidth {
                let (x, y) = geometry.coordinate(column: u, row: v)
                guard let cell = geometry.cell(x: x, y: y) else { continue }
                let gradient = outputGradient + (v * outputWidth + u) * channels
                let topLeftOffset = (cell.row * width + cell.column) * channels
                let topLeft = input + topLeftOffset
                let topLeftGradient = inputGradient + topLeftOffset
                let a = cell.a, b = cell.b
                let weight00 = (1 - a) * (1 - b), weight01 = a * (1 - b)
                let weight10 = (1 - a) * b, weight11 = a * b
                var gradientX = 0.0, gradientY = 0.0
                for channel in 0..<channels {
                    let g = gradient[channel]
                    let q00 = topLeft[channel]
                    let q01 = cell.hasRight ? topLeft[channels + channel] : 0
                    let q10 = cell.hasBelow ? topLeft[rowStride + channel] : 0
                    let q11 = cell.hasRight && cell.hasBelow ? topLeft[rowStride + channels + channel] : 0
                    let upper = (1 - a) * q00 + a * q01
                    let lower = (1 - a) * q10 + a * q11
                    gradientX += Double(g) * Double((1 - b) * (q01 - q00) + b * (q11 - q10))
                    gradientY += Double(g) * Double(lower - upper)
                    topLeftGradient[channel] += g * weight00
                    if cell.hasRight { topLeftGradient[channels + channel] += g * weight01 }
                    if cell.hasBelow { topLeftGradient[rowStride + channel] += g * weight10 }
                    if cell.hasRight && cell.hasBelow { topLeftGradient[rowStride + channels + channel] += g * weight11 }
                }
                let centreU = Double(u) + 0.5, centreV = Double(v) + 0.5
                gradientT00 += gradientX * centreU
                gradientT01 += gradientX * centreV
                gradientT03 += gradientX
                gradientT10 += gradientY * centreU
                gradientT11 += gradientY * centreV
                gradientT13 += gradientY
            }
        }
        matrixGradient[0] = Float(gradientT00)
        matrixGradient[1] = Float(gradientT01)
        matrixGradient[2] = Float(gradientT03)
        matrixGradient[3] = Float(gradientT10)
        matrixGradient[4] = Float(gradientT11)
        matrixGradient[5] = Float(gradientT13)
    }
}

/// Where each output pixel of `TransformTensorBilinear` samples its input: the half-pixel-corrected affine map
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
        if !value.isFinite { throw PlanError.nonFinite(name: "matrix entry " + name) }
    }

    private static func requirePositive(_ value: Int, _ name: String) throws {
        if value <= 0 { throw PlanError.nonPositiveSize(name: name, value: value) }
    }

    private static func requireElementCount(_ rows: Int, _ columns: Int, _ channels: Int, _ name: String) throws {
        let (pixels, pixelOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (_, elementOverflow) = pixels.multipliedReportingOverflow(by: channels)
        if pixelOverflow || elementOverflow { throw PlanError.sizeOverflow(name: name) }
    }
}

// MARK: - Reference

extension TransformTensorBilinear {
    /// The same resampling as `run`, written as the plain per-channel formula on the type (no SIMD). It is the
    /// readable reference the fast path is tested against.
    ///
    /// - Throws: `PlanError`, as `run`.
    public static func reference(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
                                 matrix: UnsafePointer<Float>, outputHeight: Int, outputWidth: Int,
                                 output: UnsafeMutablePointer<Float>) throws {
        try BilinearSamplingGeometry.validateSizes(height: height, width: width, channels: channels,
                                                   outputHeight: outputHeight, outputWidth: outputWidth)
        let geometry = try BilinearSamplingGeometry(matrix: matrix, height: height, width: width)
        for v in 0..<outputHeight {
            for u in 0..<outputWidth {
                let target = output + (v * outputWidth + u) * channels
                let (x, y) = geometry.coordinate(column: u, row: v)
                if let cell = geometry.cell(x: x, y: y) {
                    sampleScalar(input: input, width: width, channels: channels, cell: cell, target: target)
                } else {
                    for channel in 0..<channels { target[channel] = 0 }
                }
            }
        }
    }
}
