/// Copies a model input into the arena, optionally checking on the way that every value is finite
/// (internal to the runner).
enum InputCopy {
    /// Copies `count` floats from `source` to `destination`. When `validating`, returns the index of the first
    /// NaN or infinite value (the copy is then incomplete and must not be used), else nil.
    ///
    /// The check costs one subtraction per value: `x − x` is 0 for every finite x and NaN for NaN and ±infinity,
    /// so the lanes of the accumulated sums stay 0 exactly when all values are finite.
    static func copy(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int,
                     validating: Bool) -> Int? {
        guard validating else {
            destination.update(from: source, count: count)
            return nil
        }
        var sum0 = SIMD8<Float>(), sum1 = SIMD8<Float>(), sum2 = SIMD8<Float>(), sum3 = SIMD8<Float>()
        var index = 0
        while index + 32 <= count {
            let a = SIMDMemory.load8(source + index), b = SIMDMemory.load8(source + index + 8)
            let c = SIMDMemory.load8(source + index + 16), d = SIMDMemory.load8(source + index + 24)
            sum0 += a - a
            sum1 += b - b
            sum2 += c - c
            sum3 += d - d
            SIMDMemory.store8(a, destination + index)
            SIMDMemory.store8(b, destination + index + 8)
            SIMDMemory.store8(c, destination + index + 16)
            SIMDMemory.store8(d, destination + index + 24)
            index += 32
        }
        var tail: Float = 0
        while index < count {
            let value = source[index]
            tail += value - value
            destination[index] = value
            index += 1
        }
        let total = (sum0 + sum1) + (sum2 + sum3)
        if total == SIMD8<Float>() && tail == 0 { return nil }
        var position = 0
        while position < count && source[position].isFinite { position += 1 }
        return position < count ? position : nil
    }
}
