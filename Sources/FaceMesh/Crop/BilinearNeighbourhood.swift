import _Builtin_intrinsics.intel

#if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
#endif

/// The weighted sum of a 2×2 RGB neighbourhood with 1/32-pixel bilinear weights, the inner step of the crop
/// sampler, in the integer form that reproduces OpenCV's 15-bit fixed point exactly.
///
/// The weights are separable: a horizontal pair (near, far) for the left and right column and a vertical pair
/// for the top and bottom row, each pair summing to at most 32. Inside the image they are (gx, fx) and (gy, fy);
/// at the border the sampler moves the neighbourhood inside and changes the pairs (see `BilinearWarpSampler`).
///
/// With the fraction (fx, fy) in 1/32 pixel and gx = 32 − fx, gy = 32 − fy, OpenCV's weights are
/// 32·gx·gy, 32·fx·gy, 32·gx·fy, 32·fx·fy and its byte is (Σ weight·p + 2^14) >> 15. Writing
/// S = gy·(gx·p00 + fx·p01) + fy·(gx·p10 + fx·p11), that byte is exactly (S + 2^9) >> 10, since
/// 32·S + 2^14 = 32·(S + 2^9). The horizontal step fits 16-bit lanes (at most 32·255) and takes the weights as
/// bytes, the vertical one 16-bit weights with 32-bit sums, which is what the x86 kernel's `pmaddubsw` and
/// `pmaddwd` compute.
enum BilinearNeighbourhood {
    /// The horizontal weights as they are stored per pixel: byte 0 = left column, byte 1 = right column, the
    /// 16-bit pair repeated in the upper half (so that a 32-bit broadcast gives the `pmaddubsw` operand).
    @inline(__always)
    static func horizontalWeights(left: SIMD8<Int32>, right: SIMD8<Int32>) -> SIMD8<Int32> {
        let pair = left | (right &<< SIMD8(repeating: 8))
        return pair | (pair &<< SIMD8(repeating: 16))
    }

    /// The vertical weights as they are stored per pixel: low 16 bits = top row, high 16 bits = bottom row.
    @inline(__always)
    static func verticalWeights(top: SIMD8<Int32>, bottom: SIMD8<Int32>) -> SIMD8<Int32> {
        top | (bottom &<< SIMD8(repeating: 16))
    }

    /// The rounded bytes (S + 2^9) >> 10 of the sums `sums` (lanes 0...2 = R, G, B).
    @inline(__always)
    static func roundedBytes(_ sums: SIMD4<Int32>) -> SIMD4<Int32> {
        (sums &+ SIMD4(repeating: 512)) &>> SIMD4(repeating: 10)
    }

    /// `roundedBytes` of eight lanes (the packed sums of `pairSums`).
    @inline(__always)
    static func roundedBytes(_ sums: SIMD8<Int32>) -> SIMD8<Int32> {
        (sums &+ SIMD8(repeating: 512)) &>> SIMD8(repeating: 10)
    }

    /// S for the 2×2 neighbourhood whose top-left pixel starts at byte `top` of an image with rows of `rowStride`
    /// bytes, all four pixels inside the image. Reads the 8 bytes from `top` and the 8 bytes that end with the
    /// bottom-right pixel (`top + rowStride − 2` ..< `top + rowStride + 6`), so nothing outside the image. Lane 3
    /// is 0 on x86 and unspecified elsewhere.
    @inline(__always)
    static func sums(top: UnsafePointer<UInt8>, rowStride: Int, horizontal: Int32, vertical: Int32)
        -> SIMD4<Int32>
    {
        #if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
        let rows = SIMD2<Int64>(UnsafeRawPointer(top).loadUnaligned(as: Int64.self),
                                UnsafeRawPointer(top + rowStride - 2).loadUnaligned(as: Int64.self))
        // Bytes (p00, p01, p10, p11) of R, then G, then B; the last four lanes zero. The bottom pixels sit at
        // lanes 10...12 and 13...15.
        let order = _mm_setr_epi8(0, 3, 10, 13, 1, 4, 11, 14, 2, 5, 12, 15, -1, -1, -1, -1)
        let pairs = _mm_shuffle_epi8(rows, order)
        // (gx·p00 + fx·p01, gx·p10 + fx·p11) per channel, 16-bit, then gy·first + fy·second, 32-bit.
        let rowSums = _mm_maddubs_epi16(pairs, _mm_set1_epi16(Int16(truncatingIfNeeded: horizontal)))
        return unsafeBitCast(_mm_madd_epi16(rowSums, _mm_set1_epi32(vertical)), to: SIMD4<Int32>.self)
        #else
        return portableSums(top: top, rowStride: rowStride, horizontal: horizontal, vertical: vertical)
        #endif
    }

    /// Whether `pairSums` blends two pixels in one pass of 256-bit instructions (x86 AVX2 builds); elsewhere the
    /// sampler blends one pixel at a time.
    #if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
    static let blendsPairs = true
    #else
    static let blendsPairs = false
    #endif

    /// `sums` of two neighbourhoods at once, packed: R, G, B of pixel A (top-left byte `topA`, weights
    /// `horizontal[0]`, `vertical[0]`) in lanes 0...2 and of pixel B (`topB`, `horizontal[1]`, `vertical[1]`) in
    /// lanes 3...5; lanes 6 and 7 unspecified. The same reads as `sums`.
    @inline(__always)
    static func pairSums(topA: UnsafePointer<UInt8>, topB: UnsafePointer<UInt8>, rowStride: Int,
                         horizontal: UnsafePointer<Int32>, vertical: UnsafePointer<Int32>) -> SIMD8<Int32> {
        #if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
        @inline(__always) func rows(_ top: UnsafePointer<UInt8>) -> SIMD2<Int64> {
            SIMD2(UnsafeRawPointer(top).loadUnaligned(as: Int64.self),
                  UnsafeRawPointer(top + rowStride - 2).loadUnaligned(as: Int64.self))
        }
        @inline(__always) func spread(_ weights: UnsafePointer<Int32>) -> SIMD4<Int64> {
            let both = SIMD2<Int64>(UnsafeRawPointer(weights).loadUnaligned(as: Int64.self), 0)
            return _mm256_permutevar8x32_epi32(SIMD4(lowHalf: both, highHalf: both),
                                               _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1))
        }
        let order = _mm256_setr_epi8(0, 3, 10, 13, 1, 4, 11, 14, 2, 5, 12, 15, -1, -1, -1, -1,
                                     0, 3, 10, 13, 1, 4, 11, 14, 2, 5, 12, 15, -1, -1, -1, -1)
        let pairs = _mm256_shuffle_epi8(SIMD4(lowHalf: rows(topA), highHalf: rows(topB)), order)
        let rowSums = _mm256_maddubs_epi16(pairs, spread(horizontal))
        // (A.r A.g A.b 0 B.r B.g B.b 0) → (A.r A.g A.b B.r B.g B.b 0 0)
        return unsafeBitCast(_mm256_permutevar8x32_epi32(_mm256_madd_epi16(rowSums, spread(vertical)),
                                                         _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7)),
                             to: SIMD8<Int32>.self)
        #else
        let a = sums(top: topA, rowStride: rowStride, horizontal: horizontal[0], vertical: vertical[0])
        let b = sums(top: topB, rowStride: rowStride, horizontal: horizontal[1], vertical: vertical[1])
        return SIMD8(a[0], a[1], a[2], b[0], b[1], b[2], 0, 0)
        #endif
    }

    /// `sums` in portable Swift SIMD, with 4-byte reads inside the same bytes. Lane 3 is unspecified.
    @inline(__always)
    static func portableSums(top: UnsafePointer<UInt8>, rowStride: Int, horizontal: Int32, vertical: Int32)
        -> SIMD4<Int32>
    {
        @inline(__always) func load(_ address: UnsafePointer<UInt8>) -> SIMD4<Int32> {
            SIMD4<Int32>(truncatingIfNeeded: UnsafeRawPointer(address).loadUnaligned(as: SIMD4<UInt8>.self))
        }
        let w = weights(horizontal: horizontal, vertical: vertical)
        let bottom = top + rowStride
        // The bottom-right pixel is read one byte early (B of its left neighbour first) and rotated into place.
        let shifted = load(bottom + 2)
        let bottomRight = SIMD4<Int32>(shifted[1], shifted[2], shifted[3], shifted[0])
        return load(top) &* w.0 &+ load(top + 3) &* w.1 &+ load(bottom) &* w.2 &+ bottomRight &* w.3
    }

    /// The products of the stored pairs for the top-left, top-right, bottom-left and bottom-right pixel (each at
    /// most 1024; gx·gy, fx·gy, gx·fy, fx·fy inside the image).
    @inline(__always)
    static func weights(horizontal: Int32, vertical: Int32) -> (Int32, Int32, Int32, Int32) {
        let left = horizontal & 0xFF, right = (horizontal &>> 8) & 0xFF
        let top = vertical & 0xFFFF, bottom = vertical &>> 16
        return (left &* top, right &* top, left &* bottom, right &* bottom)
    }
}

/// Receives the output pixels of `BilinearWarpSampler`, in increasing pixel order within each band of rows (a whole
/// crop is one band).
protocol WarpPixelSink {
    /// Stores output pixel `pixel` (row-major index; its channels start at offset 3·pixel of an NHWC buffer) whose
    /// R, G, B bytes are lanes 0, 1, 2 of `bytes`, each in [0, 255]. Lane 3 is unspecified: the sink may write it
    /// into the next pixel's first channel, which the next call overwrites, so this is never called for the last
    /// pixel of a band.
    func store(pixel: Int, bytes: SIMD4<Int32>)

    /// Stores pixels `pixel` and `pixel + 1`, packed: R, G, B of `pixel` in lanes 0...2 of `bytes`, of
    /// `pixel + 1` in lanes 3...5. Lanes 6 and 7 are unspecified: the sink may write them into the first two
    /// channels of `pixel + 2`, which later calls overwrite, so `pixel + 1` is never a band's last pixel.
    func storePair(pixel: Int, bytes: SIMD8<Int32>)

    /// Stores the last pixel of a band: lanes 0, 1, 2 only, nothing past them (the next band may be another
    /// thread's).
    func storeLast(pixel: Int, bytes: SIMD4<Int32>)
}

/// Writes pixels as Floats `byte·scale + offset` (single precision, the same expression for every byte).
struct FloatPixelSink: WarpPixelSink {
    let destination: UnsafeMutablePointer<Float>
    let scale: Float
    let offset: Float

    @inline(__always)
    private func values(_ bytes: SIMD4<Int32>) -> SIMD4<Float> {
        // Separate multiply and add (no fused multiply-add), each rounded as the scalar expression would be.
        SIMD4<Float>(bytes) * SIMD4(repeating: scale) + SIMD4(repeating: offset)
    }

    @inline(__always)
    func store(pixel: Int, bytes: SIMD4<Int32>) {
        UnsafeMutableRawPointer(destination + pixel &* 3).storeBytes(of: values(bytes), as: SIMD4<Float>.self)
    }

    @inline(__always)
    func storePair(pixel: Int, bytes: SIMD8<Int32>) {
        let values = SIMD8<Float>(bytes) * SIMD8(repeating: scale) + SIMD8(repeating: offset)
        UnsafeMutableRawPointer(destination + pixel &* 3).storeBytes(of: values, as: SIMD8<Float>.self)
    }

    @inline(__always)
    func storeLast(pixel: Int, bytes: SIMD4<Int32>) {
        let v = values(bytes), address = destination + pixel &* 3
        address[0] = v[0]
        address[1] = v[1]
        address[2] = v[2]
    }
}

/// Writes pixels as RGB bytes.
struct BytePixelSink: WarpPixelSink {
    let destination: UnsafeMutablePointer<UInt8>

    @inline(__always)
    func store(pixel: Int, bytes: SIMD4<Int32>) { storeLast(pixel: pixel, bytes: bytes) }

    @inline(__always)
    func storePair(pixel: Int, bytes: SIMD8<Int32>) {
        let address = destination + pixel &* 3
        for lane in 0..<6 { address[lane] = UInt8(truncatingIfNeeded: bytes[lane]) }
    }

    @inline(__always)
    func storeLast(pixel: Int, bytes: SIMD4<Int32>) {
        let address = destination + pixel &* 3
        address[0] = UInt8(truncatingIfNeeded: bytes[0])
        address[1] = UInt8(truncatingIfNeeded: bytes[1])
        address[2] = UInt8(truncatingIfNeeded: bytes[2])
    }
}
