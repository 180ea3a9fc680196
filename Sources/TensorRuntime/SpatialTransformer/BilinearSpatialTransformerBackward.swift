extension BilinearSpatialTransformer {
    /// Gradients of a scalar loss `L` through `forward`, given `outputGradient = ∂L/∂output`
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
    /// the cell the sample lies in (one-sided on a kink); out-of-range samples contribute nothing.
    ///
    /// - Throws: `SpatialTransformerError`, as `forward`. Nothing is written then.
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
