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
    ///   - scale: γ, `channels` floats.
    ///   - epsilon: ε added to the variance.
    ///   - output: `rows × channels` floats; may be `x` (each row is read fully before it is written).
    public static func run(_ x: UnsafePointer<Float>, rows: Int, channels: Int, scale: UnsafePointer<Float>,
                           epsilon: Float, output: UnsafeMutablePointer<Float>) {
        guard channels > 0 else { return }
        let count = Float(channels)
        for row in 0..<max(0, rows) {
            let source = x + row * channels, destination = output + row * channels
            let mean = ReductionLayout.blockSum(source, channels) / count
            let meanVector = SIMD8<Float>(repeating: mean)
            var squares = SIMD8<Float>(repeating: 0)
            var index = 0
            while index + 8 <= channels {
                let difference = SIMDMemory.load8(source + index) - meanVector
                squares += difference * difference
                index += 8
            }
            var squareSum = squares.sum()
            while index < channels {
                let difference = source[index] - mean
                squareSum += difference * difference
                index += 1
            }
            let inverseDeviation = 1 / (squareSum / count + epsilon).squareRoot()
            let negativeMean = -mean
            let inverse = SIMD8<Float>(repeating: inverseDeviation), negative = SIMD8<Float>(repeating: negativeMean)
            index = 0
            while index + 8 <= channels {
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
