/// Layer normalisation over the innermost axis with a per-channel scale and no bias: the ten TFLite operators
/// the blendshape network (face_blendshapes.tflite) spells it with, fused into one pass per row.
///
/// The TFLite sequence, for x of shape [..., C] and γ of shape [C]:
///
///     m = MEAN(x, axis −1, keep_dims)        n = NEG(m)
///     v = MEAN(SQUARED_DIFFERENCE(x, m))     r = RSQRT(ADD(v, ε))
///     g = MUL(r, γ)                          y = ADD(MUL(x, g), MUL(n, g))
///
/// `run` evaluates exactly these float operations per element, in this order (so it matches the unfused graph up
/// to the summation order of the two means); `reference` does the same with plain sequential sums.
public enum LayerNormalization {
    /// Normalises `rows` rows of `channels` floats each.
    /// - Parameters:
    ///   - x: `rows × channels` floats, row-major.
    ///   - rows: the number of rows (tokens).
    ///   - channels: floats per row, normalised together.
    ///   - scale: γ, `channels` floats.
    ///   - epsilon: ε added to the variance.
    ///   - output: `rows × channels` floats; may be `x` (each row is read fully before it is written).
    public static func run(_ x: UnsafePointer<Float>, rows: Int, channels: Int, scale: UnsafePointer<Float>,
                           epsilon: Float, output: UnsafeMutablePointer<Float>) {
        guard channels > 0 else { return }
        // Four rows at a time: each row's sums are short dependency chains (8 adds, then a horizontal sum, a
        // square root and a division), so four independent rows in flight keep the adders busy. Every row gets
        // the same arithmetic either way.
        var row = 0
        while row + 4 <= rows {
            normalize(RowGroup(x + row * channels, channels), rows: 4, channels: channels, scale: scale,
                      epsilon: epsilon, output: output + row * channels)
            row += 4
        }
        while row < rows {
            normalize(RowGroup(x + row * channels, channels), rows: 1, channels: channels, scale: scale,
                      epsilon: epsilon, output: output + row * channels)
            row += 1
        }
    }

    /// Up to four consecutive rows of `channels` floats.
    private struct RowGroup {
        let first: UnsafePointer<Float>
        let channels: Int
        init(_ first: UnsafePointer<Float>, _ channels: Int) {
            self.first = first
            self.channels = channels
        }
        @inline(__always) subscript(row: Int) -> UnsafePointer<Float> { first + row * channels }
    }

    /// Normalises `rows` (1 or 4) rows of `group` into `output`, phase by phase across the rows: per row, the sum
    /// in eight lanes then the lanes' sum then the tail (mean), the same for the squared deviations (variance),
    /// then `x · g + (−mean) · g` with g = γ / √(variance + ε).
    @inline(__always)
    private static func normalize(_ group: RowGroup, rows: Int, channels: Int, scale: UnsafePointer<Float>,
                                  epsilon: Float, output: UnsafeMutablePointer<Float>) {
        let count = Float(channels)
        let vectorEnd = channels & ~7
        var lanes = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
        var index = 0
        while index < vectorEnd {
            lanes.0 += SIMDMemory.load8(group[0] + index)
            if rows == 4 {
                lanes.1 += SIMDMemory.load8(group[1] + index)
                lanes.2 += SIMDMemory.load8(group[2] + index)
                lanes.3 += SIMDMemory.load8(group[3] + index)
            }
            index += 8
        }
        var means = SIMD4<Float>(lanes.0.sum(), lanes.1.sum(), lanes.2.sum(), lanes.3.sum())
        for row in 0..<rows {
            for tail in vectorEnd..<channels { means[row] += group[row][tail] }
        }
        means /= SIMD4<Float>(repeating: count)
        let centre = (SIMD8<Float>(repeating: means[0]), SIMD8<Float>(repeating: means[1]),
                      SIMD8<Float>(repeating: means[2]), SIMD8<Float>(repeating: means[3]))
        lanes = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
        index = 0
        while index < vectorEnd {
            let d0 = SIMDMemory.load8(group[0] + index) - centre.0
            lanes.0 += d0 * d0
            if rows == 4 {
                let d1 = SIMDMemory.load8(group[1] + index) - centre.1
                lanes.1 += d1 * d1
                let d2 = SIMDMemory.load8(group[2] + index) - centre.2
                lanes.2 += d2 * d2
                let d3 = SIMDMemory.load8(group[3] + index) - centre.3
                lanes.3 += d3 * d3
            }
            index += 8
        }
        var squareSums = SIMD4<Float>(lanes.0.sum(), lanes.1.sum(), lanes.2.sum(), lanes.3.sum())
        for row in 0..<rows {
            for tail in vectorEnd..<channels {
                let difference = group[row][tail] - means[row]
                squareSums[row] += difference * difference
            }
        }
        let inverseDeviations = 1 / (squareSums / SIMD4<Float>(repeating: count)
            + SIMD4<Float>(repeating: epsilon)).squareRoot()
        for row in 0..<rows {
            let source = group[row], destination = output + row * channels
            let inverseDeviation = inverseDeviations[row], negativeMean = -means[row]
            let inverse = SIMD8<Float>(repeating: inverseDeviation), negative = SIMD8<Float>(repeating: negativeMean)
            index = 0
            while index < vectorEnd {
                let gain = inverse * SIMDMemory.load8(scale + index)
                SIMDMemory.store8(SIMDMemory.load8(source + index) * gain + negative * gain, destination + index)
                index += 8
            }
            while index < channels {
                let gain = inverseDeviation * scale[index]
                destination[index] = source[index] * gain + negativeMean * gain
                index += 1
            }
        }
    }

    /// Scalar reference of `run`: sequential sums, the same per-element formula.
    public static func reference(_ x: UnsafePointer<Float>, rows: Int, channels: Int, scale: UnsafePointer<Float>,
                                 epsilon: Float, output: UnsafeMutablePointer<Float>) {
        guard channels > 0 else { return }
        for row in 0..<max(0, rows) {
            let source = x + row * channels, destination = output + row * channels
            var sum: Float = 0
            for c in 0..<channels { sum += source[c] }
            let mean = sum / Float(channels)
            var squareSum: Float = 0
            for c in 0..<channels { squareSum += (source[c] - mean) * (source[c] - mean) }
            let inverseDeviation = 1 / (squareSum / Float(channels) + epsilon).squareRoot()
            for c in 0..<channels {
                let gain = inverseDeviation * scale[c]
                destination[c] = source[c] * gain + (-mean) * gain
            }
        }
    }
}
