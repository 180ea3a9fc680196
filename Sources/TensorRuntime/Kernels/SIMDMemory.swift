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
