#if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
import _Builtin_intrinsics.intel
#endif

/// The weighted sum of a 2×2 RGB neighbourhood with 1/32-pixel bilinear weights, the inner step of the crop
/// sampler, in the integer form that reproduces OpenCV's 15-bit fixed point exactly.
///
/// With the fraction (fx, fy) in 1/32 pixel and gx = 32 − fx, gy = 32 − fy, OpenCV's weights are
/// 32·gx·gy, 32·fx·gy, 32·gx·fy, 32·fx·fy and its byte is (Σ weight·p + 2^14) >> 15. Writing
/// S = gy·(gx·p00 + fx·p01) + fy·(gx·p10 + fx·p11), that byte is exactly (S + 2^9) >> 10, since
/// 32·S + 2^14 = 32·(S + 2^9). The horizontal step fits 16-bit lanes (at most 32·255) and takes the weights as
/// bytes, the vertical one 16-bit weights with 32-bit sums, which is what the x86 kernel's `pmaddubsw` and
/// `pmaddwd` compute.
enum BilinearNeighbourhood {
    /// The horizontal weights as they are stored per pixel: byte 0 = gx, byte 1 = fx.
    @inline(__always)
    static func horizontalWeights(fraction fx: SIMD8<Int32>) -> SIMD8<Int32> {
        (32 &- fx) | (fx &<< 8)
    }

    /// The vertical weights as they are stored per pixel: low 16 bits = gy, high 16 bits = fy.
    @inline(__always)
    static func verticalWeights(fraction fy: SIMD8<Int32>) -> SIMD8<Int32> {
        (32 &- fy) | (fy &<< 16)
    }

    /// The rounded bytes (S + 2^9) >> 10 of the sums `sums` (lanes 0...2 = R, G, B).
    @inline(__always)
    static func roundedBytes(_ sums: SIMD4<Int32>) -> SIMD4<Int32> {
        (sums &+ 512) &>> 10
    }

    /// S for the neighbourhood whose top-left pixel starts at `top` (the bottom row `rowStride` bytes further),
    /// all four pixels inside the image, and 8 bytes readable from `top` and from `top + rowStride`. Lane 3 is 0.
    @inline(__always)
    static func interiorSums(top: UnsafePointer<UInt8>, rowStride: Int, horizontal: Int32, vertical: Int32)
        -> SIMD4<Int32>
    {
        #if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
        let rows = SIMD2<Int64>(UnsafeRawPointer(top).loadUnaligned(as: Int64.self),
                                UnsafeRawPointer(top + rowStride).loadUnaligned(as: Int64.self))
        // Bytes (p00, p01, p10, p11) of R, then G, then B; the last four lanes zero.
        let order = _mm_setr_epi8(0, 3, 8, 11, 1, 4, 9, 12, 2, 5, 10, 13, -1, -1, -1, -1)
        let pairs = _mm_shuffle_epi8(rows, order)
        // (gx·p00 + fx·p01, gx·p10 + fx·p11) per channel, 16-bit, then gy·first + fy·second, 32-bit.
        let rowSums = _mm_maddubs_epi16(pairs, _mm_set1_epi16(Int16(truncatingIfNeeded: horizontal)))
        return unsafeBitCast(_mm_madd_epi16(rowSums, _mm_set1_epi32(vertical)), to: SIMD4<Int32>.self)
        #else
        return portableInteriorSums(top: top, rowStride: rowStride, horizontal: horizontal, vertical: vertical)
        #endif
    }

    /// `interiorSums` in portable Swift SIMD (reads 7 bytes from each row). Lane 3 is unspecified.
    @inline(__always)
    static func portableInteriorSums(top: UnsafePointer<UInt8>, rowStride: Int, horizontal: Int32, vertical: Int32)
        -> SIMD4<Int32>
    {
        @inline(__always) func load(_ address: UnsafePointer<UInt8>) -> SIMD4<Int32> {
            SIMD4<Int32>(truncatingIfNeeded: UnsafeRawPointer(address).loadUnaligned(as: SIMD4<UInt8>.self))
        }
        let w = weights(horizontal: horizontal, vertical: vertical)
        let bottom = top + rowStride
        return load(top) &* w.0 &+ load(top + 3) &* w.1 &+ load(bottom) &* w.2 &+ load(bottom + 3) &* w.3
    }

    /// The products gx·gy, fx·gy, gx·fy, fx·fy (each at most 1024) from the stored weights.
    @inline(__always)
    static func weights(horizontal: Int32, vertical: Int32) -> (Int32, Int32, Int32, Int32) {
        let gx = horizontal & 0xFF, fx = horizontal &>> 8
        let gy = vertical & 0xFFFF, fy = vertical &>> 16
        return (gx &* gy, fx &* gy, gx &* fy, fx &* fy)
    }
}
