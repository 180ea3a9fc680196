/// Unaligned SIMD loads and stores on float pointers (internal to the kernels).
///
/// NHWC rows have arbitrary channel counts, so vectors are loaded and stored without alignment requirements;
/// on x86-64 these compile to plain `vmovups`.
enum SIMDMemory {
    /// Loads 8 consecutive floats starting at `pointer`.
    @inline(__always)
    static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Loads 8 consecutive floats starting at `pointer`.
    @inline(__always)
    static func load8(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Loads 4 consecutive floats starting at `pointer`.
    @inline(__always)
    static func load4(_ pointer: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    /// Stores 8 floats at `pointer`.
    @inline(__always)
    static func store8(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// Stores 4 floats at `pointer`.
    @inline(__always)
    static func store4(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Float>.self)
    }

    /// `accumulator + x · w` per lane, as one fused multiply-add instruction (`vfmadd`) when the CPU has FMA.
    ///
    /// Written with `addingProduct`: Swift does not contract a separate `*` and `+` into an FMA, and with a
    /// `-target-cpu` that has FMA, `SIMD8<Float>.addingProduct` compiles to a single `vfmadd…ps ymm`.
    @inline(__always)
    static func multiplyAdd(_ accumulator: SIMD8<Float>, _ x: SIMD8<Float>, _ w: SIMD8<Float>) -> SIMD8<Float> {
        accumulator.addingProduct(x, w)
    }

    /// Scalar `accumulator + x · w` with the same rounding as the SIMD lanes of `multiplyAdd`.
    @inline(__always)
    static func multiplyAdd(_ accumulator: Float, _ x: Float, _ w: Float) -> Float {
        accumulator.addingProduct(x, w)
    }

    /// max(value, 0) per lane, keeping the scalar rule `x < 0 ? 0 : x`.
    @inline(__always)
    static func relu(_ value: SIMD8<Float>) -> SIMD8<Float> {
        value.replacing(with: 0, where: value .< 0)
    }

    /// PReLU per lane: `x < 0 ? alpha * x : x`.
    @inline(__always)
    static func prelu(_ value: SIMD8<Float>, alpha: SIMD8<Float>) -> SIMD8<Float> {
        value.replacing(with: value * alpha, where: value .< 0)
    }
}

/// Overflow-safe helpers for tensor shapes (internal to the kernels).
enum ShapeArithmetic {
    /// The product of `factors` if every factor is non-negative and the product does not exceed `limit`;
    /// nil otherwise (including on arithmetic overflow).
    static func product(_ factors: [Int], limit: Int = 1 << 40) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow, value <= limit else { return nil }
            result = value
        }
        return result
    }

    /// The element count of `shape`, or `PlanError.invalidArgument` for negative dimensions or absurd sizes.
    static func elementCount(_ shape: [Int], name: String) throws -> Int {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw PlanError.invalidArgument("\(name) shape \(shape) has a negative dimension \(negative)")
        }
        guard let count = product(shape) else {
            throw PlanError.invalidArgument("\(name) shape \(shape) has too many elements")
        }
        return count
    }

    /// Row-major strides of `shape` (the innermost stride is 1).
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}

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
        return scan(source, copyingTo: destination, count: count)
    }

    /// The index of the first NaN or infinite value among `count` floats at `values`, else nil (the same check
    /// as `copy`, without the copy).
    static func firstNonFinite(_ values: UnsafePointer<Float>, count: Int) -> Int? {
        scan(values, copyingTo: nil, count: count)
    }

    /// The check of `copy`, storing each value to `destination` on the way when one is given.
    @inline(__always)
    private static func scan(_ source: UnsafePointer<Float>, copyingTo destination: UnsafeMutablePointer<Float>?,
                             count: Int) -> Int? {
        var sum0 = SIMD8<Float>(), sum1 = SIMD8<Float>(), sum2 = SIMD8<Float>(), sum3 = SIMD8<Float>()
        var index = 0
        while index + 32 <= count {
            let a = SIMDMemory.load8(source + index), b = SIMDMemory.load8(source + index + 8)
            let c = SIMDMemory.load8(source + index + 16), d = SIMDMemory.load8(source + index + 24)
            sum0 += a - a
            sum1 += b - b
            sum2 += c - c
            sum3 += d - d
            if let destination {
                SIMDMemory.store8(a, destination + index)
                SIMDMemory.store8(b, destination + index + 8)
                SIMDMemory.store8(c, destination + index + 16)
                SIMDMemory.store8(d, destination + index + 24)
            }
            index += 32
        }
        var tail: Float = 0
        while index < count {
            let value = source[index]
            tail += value - value
            destination?[index] = value
            index += 1
        }
        let total = (sum0 + sum1) + (sum2 + sum3)
        if total == SIMD8<Float>() && tail == 0 { return nil }
        var position = 0
        while position < count && source[position].isFinite { position += 1 }
        return position < count ? position : nil
    }
}
