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
public enum BilinearSpatialTransformer {
    /// Resamples `input` into `output` as described on the type. SIMD over channels (8, then 4, then scalar
    /// lanes); allocates nothing. Produces exactly the same bits as `forwardReference`.
    ///
    /// - Throws: `SpatialTransformerError` when a size is not positive, an element count overflows, or one of the
    ///   six used matrix entries is infinite or NaN. Nothing is written then.
    public static func forward(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
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

    /// The same resampling as `forward`, written as the plain per-channel formula on the type (no SIMD). It is the
    /// readable reference the fast path is tested against.
    ///
    /// - Throws: `SpatialTransformerError`, as `forward`.
    public static func forwardReference(input: UnsafePointer<Float>, height: Int, width: Int, channels: Int,
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
