import _Builtin_intrinsics.intel

#if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
#endif

/// The fast form of the crop sampler: the same arithmetic as `ReferenceBilinearWarp` (OpenCV's
/// `warpPerspective(INTER_LINEAR)` on 8-bit RGB), organised for speed. The output is identical byte for byte.
///
/// Each output row is processed in OpenCV's column blocks, in two passes:
/// 1. positions, eight pixels at a time in `SIMD8<Double>`: the reference's per-pixel double-precision
///    expressions lane by lane (IEEE multiply, add and divide, never fused, so every lane rounds exactly as the
///    scalar code), giving the 1/32-pixel position of each sample. From it come the byte offset of a 2×2
///    neighbourhood inside the image and its separable weight pairs. Samples at or beyond the border are folded
///    into the same form: the border rule acts per column and per row (a neighbour is outside when its column
///    or its row is), so a clamped (replicate) or missing (zero) column or row only changes that axis's pair:
///    replicate gives (32, 0) or (0, 32) on the nearest edge column, zero drops the outside column's weight;
/// 2. sampling: every pixel blends its neighbourhood with `BilinearNeighbourhood.sums`, branch-free.
///
/// Images narrower or shorter than 2 pixels (no 2×2 neighbourhood inside), wider or taller than 32767 pixels
/// (where OpenCV's Int16 positions saturate inside the image) or over 2 GiB (offsets beyond Int32) are sampled by
/// the reference implementation.
enum BilinearWarpSampler {
    /// Lanes of the position pass.
    private static let lanes = 8

    /// Per-block scratch arrays (Int32 each, `capacity` elements).
    struct Scratch {
        static let arrayCount = 3
        /// Byte offset of the neighbourhood's top-left pixel.
        let offset: UnsafeMutablePointer<Int32>
        /// Packed weight pairs (`BilinearNeighbourhood.horizontalWeights`, `verticalWeights`).
        let horizontal, vertical: UnsafeMutablePointer<Int32>

        init(_ base: UnsafeMutablePointer<Int32>, capacity: Int) {
            offset = base
            horizontal = base + capacity
            vertical = base + 2 * capacity
        }
    }

    /// Samples the crop given by `inverse` (output → source pixel coordinates) and hands the output pixels of
    /// `rows` (all rows when nil) to `sink`, in row-major order.
    ///
    /// A band of rows ends with `storeLast`, so it writes nothing past its last pixel: bands of one crop can be
    /// computed on different threads at the same time, and give the same bytes as the whole crop at once.
    /// `scratch`: `scratchCount(outputWidth:)` Int32 values the call may use; nil takes a temporary allocation
    /// (on the stack, except that on a thread other than the main one the check of the stack's room allocates).
    @inline(__always)
    static func warp<Sink: WarpPixelSink>(_ image: RGBImage, inverse: PerspectiveTransform, outputWidth: Int,
                                          outputHeight: Int, rows: Range<Int>? = nil, border: BorderMode,
                                          scratch: UnsafeMutablePointer<Int32>? = nil, sink: Sink) {
        let rows = rows ?? 0..<outputHeight
        precondition(rows.lowerBound >= 0 && rows.upperBound <= outputHeight, "rows outside the crop")
        guard !rows.isEmpty else { return }
        guard image.width >= 2, image.height >= 2, image.width <= Int(Int16.max), image.height <= Int(Int16.max),
              image.pixels.count <= Int(Int32.max) else {
            let lastIndex = (outputWidth * rows.upperBound - 1) * 3
            ReferenceBilinearWarp.warp(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight,
                                       rows: rows, border: border) { index, r, g, b in
                let bytes = SIMD4<Int32>(Int32(r), Int32(g), Int32(b), 0)
                if index == lastIndex { sink.storeLast(pixel: index / 3, bytes: bytes) }
                else { sink.store(pixel: index / 3, bytes: bytes) }
            }
            return
        }
        let m = inverse.m
        precondition(m.count == 9)
        let blockWidth = ImageCropper.blockWidth(outputWidth: outputWidth, outputHeight: outputHeight)
        // A row, plus the lanes the last block computes beyond it.
        let capacity = outputWidth + lanes
        let rowStride = image.width * 3
        @inline(__always) func sampleRows(_ scratch: Scratch) {
            image.pixels.withUnsafeBufferPointer { pixels in
                m.withUnsafeBufferPointer { transform in
                    let source = pixels.baseAddress!
                    for y in rows {
                        computePositions(scratch, row: y, outputWidth: outputWidth, blockWidth: blockWidth,
                                         transform: transform.baseAddress!, imageWidth: image.width,
                                         imageHeight: image.height, border: border)
                        sampleRow(scratch, firstPixel: y * outputWidth, count: outputWidth,
                                  isLastRow: y == rows.upperBound - 1, source: source, rowStride: rowStride,
                                  sink: sink)
                    }
                }
            }
        }
        if let scratch {
            sampleRows(Scratch(scratch, capacity: capacity))
        } else {
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: scratchCount(outputWidth: outputWidth)) {
                sampleRows(Scratch($0.baseAddress!, capacity: capacity))
            }
        }
    }

    /// Int32 values of the scratch `warp` uses for output rows `outputWidth` pixels wide.
    static func scratchCount(outputWidth: Int) -> Int {
        (outputWidth + lanes) * Scratch.arrayCount
    }

    /// Pass 2: blends the `count` pixels of one output row (the first is output pixel `firstPixel`) and hands them
    /// to `sink`; `isLastRow`: the row ends the band, so its last pixel goes to `storeLast`. Kept out of line (one
    /// call per row, specialized per sink) so that the compiler optimizes it as a unit.
    @inline(never)
    private static func sampleRow<Sink: WarpPixelSink>(_ scratch: Scratch, firstPixel: Int, count: Int,
                                                       isLastRow: Bool, source: UnsafePointer<UInt8>, rowStride: Int,
                                                       sink: Sink) {
        // Every pixel but the band's last is stored with 4 lanes (or in pairs).
        let fullCount = isLastRow ? count - 1 : count
        var i = 0
        if BilinearNeighbourhood.blendsPairs {
            while i + 1 < fullCount {
                let bytes = BilinearNeighbourhood.roundedBytes(BilinearNeighbourhood.pairSums(
                    topA: source + Int(scratch.offset[i]), topB: source + Int(scratch.offset[i + 1]),
                    rowStride: rowStride, horizontal: scratch.horizontal + i, vertical: scratch.vertical + i))
                sink.storePair(pixel: firstPixel &+ i, bytes: bytes)
                i &+= 2
            }
        }
        while i < fullCount {
            sink.store(pixel: firstPixel &+ i, bytes: sample(scratch, i, source: source, rowStride: rowStride))
            i &+= 1
        }
        if isLastRow {
            sink.storeLast(pixel: firstPixel + count - 1,
                           bytes: sample(scratch, count - 1, source: source, rowStride: rowStride))
        }
    }

    /// The bytes of pixel `i` of the block (lanes 0...2; lane 3 unspecified).
    @inline(__always)
    private static func sample(_ scratch: Scratch, _ i: Int, source: UnsafePointer<UInt8>, rowStride: Int)
        -> SIMD4<Int32>
    {
        BilinearNeighbourhood.roundedBytes(
            BilinearNeighbourhood.sums(top: source + Int(scratch.offset[i]), rowStride: rowStride,
                                       horizontal: scratch.horizontal[i], vertical: scratch.vertical[i]))
    }

    /// Pass 1: offsets and weight pairs of the pixels of output row `row`, block by block as OpenCV evaluates the
    /// transform (`transform` = m0...m8). Each block is computed in groups of `lanes` pixels; a last partial group
    /// writes past the block, into the next block's entries (computed afterwards) or the spare lanes of the
    /// scratch arrays. Requires an image of at least 2×2 pixels. Kept out of line (one call per row) so that the
    /// compiler optimizes it as a unit.
    @inline(never)
    private static func computePositions(_ scratch: Scratch, row: Int, outputWidth: Int, blockWidth: Int,
                                         transform m: UnsafePointer<Double>, imageWidth: Int, imageHeight: Int,
                                         border: BorderMode) {
        // Vector operands throughout (the stdlib's vector-scalar operations are not all vectorized).
        typealias Doubles = SIMD8<Double>
        typealias Ints = SIMD16<Int32>  // x in lanes 0...7, y in lanes 8...15
        let tab = Doubles(repeating: Double(ImageCropper.subpixelSteps))
        let laneOffsets = Doubles(0, 1, 2, 3, 4, 5, 6, 7), laneStep = Doubles(repeating: Double(lanes))
        let zero = Ints(repeating: 0), full = Ints(repeating: 32), minusOne = Ints(repeating: -1)
        let fractionMask = Ints(repeating: Int32(ImageCropper.subpixelSteps - 1))
        let fractionBits = Ints(repeating: 5)
        // Last valid neighbourhood start along each axis (size − 2).
        let lastStart = Ints(lowHalf: SIMD8(repeating: Int32(imageWidth - 2)),
                             highHalf: SIMD8(repeating: Int32(imageHeight - 2)))
        let lastPixel = lastStart &+ 1
        let replicate = border == .replicate
        let rowStride = SIMD8<Int32>(repeating: Int32(imageWidth * 3)), three = SIMD8<Int32>(repeating: 3)
        let m0 = Doubles(repeating: m[0]), m3 = Doubles(repeating: m[3]), m6 = Doubles(repeating: m[6])

        @inline(__always) func put(_ value: SIMD8<Int32>, _ array: UnsafeMutablePointer<Int32>, _ i: Int) {
            UnsafeMutableRawPointer(array + i).storeBytes(of: value, as: SIMD8<Int32>.self)
        }

        var blockStart = 0
        while blockStart < outputWidth {
            let end = blockStart + min(blockWidth, outputWidth - blockStart)
            // Row start of the block, as OpenCV evaluates it.
            let dx = Double(blockStart), dy = Double(row)
            let x0 = Doubles(repeating: m[0] * dx + m[1] * dy + m[2])
            let y0 = Doubles(repeating: m[3] * dx + m[4] * dy + m[5])
            let w0 = Doubles(repeating: m[6] * dx + m[7] * dy + m[8])
            var d = laneOffsets  // x1, the offset within the block (exact integers)
            var i = blockStart
            while i < end {
                let w = w0 + m6 * d
                let scale = (tab / w).replacing(with: 0, where: w .== 0)
                let fixed = Ints(lowHalf: fixedPoint((x0 + m0 * d) * scale), highHalf: fixedPoint((y0 + m3 * d) * scale))
                // Integer part (OpenCV saturates it to Int16; with both image sides below 2^15 that never changes
                // what follows), fraction f, g = 32 − f.
                let index = fixed &>> fractionBits
                let f = fixed & fractionMask
                // The border rule where the near neighbour is before the first pixel or the far one after the
                // last: the neighbourhood moves inside; with replicate both neighbours clamp to the edge pixel,
                // which takes all the weight; with zero only a neighbour on the edge pixel is inside and keeps its
                // weight.
                let before = index .< zero, after = index .> lastStart
                let start = index.replacing(with: zero, where: before).replacing(with: lastStart, where: after)
                let near: Ints, far: Ints
                if replicate {
                    far = f.replacing(with: zero, where: before).replacing(with: full, where: after)
                    near = full &- far
                } else {
                    let g = full &- f
                    near = g.replacing(with: f.replacing(with: zero, where: index .!= minusOne), where: before)
                        .replacing(with: zero, where: after)
                    far = f.replacing(with: zero, where: before)
                        .replacing(with: g.replacing(with: zero, where: index .!= lastPixel), where: after)
                }
                put(start.highHalf &* rowStride &+ start.lowHalf &* three, scratch.offset, i)
                put(BilinearNeighbourhood.horizontalWeights(left: near.lowHalf, right: far.lowHalf),
                    scratch.horizontal, i)
                put(BilinearNeighbourhood.verticalWeights(top: near.highHalf, bottom: far.highHalf), scratch.vertical, i)
                d += laneStep
                i &+= lanes
            }
            blockStart = end
        }
    }

    /// OpenCV's fixed-point position: `value` clamped to the Int32 range and rounded half to even, with the
    /// comparisons of Swift.min and Swift.max (a NaN becomes Int32.max, as in the reference and in OpenCV).
    @inline(__always)
    static func fixedPoint(_ value: SIMD8<Double>) -> SIMD8<Int32> {
        let int32Max = SIMD8<Double>(repeating: Double(Int32.max))
        // value < max ? value : max (a NaN gives max).
        let upper = int32Max.replacing(with: value, where: value .< int32Max)
        #if arch(x86_64) && FACEMESH_REQUIRES_AVX2_FMA
        // cvtpd2dq rounds half to even (the default MXCSR mode, as the portable form below assumes too) and turns
        // anything below the Int32 range into Int32.min, the value the lower clamp gives.
        return unsafeBitCast(SIMD4<Int64>(lowHalf: _mm256_cvtpd_epi32(upper.lowHalf),
                                          highHalf: _mm256_cvtpd_epi32(upper.highHalf)), to: SIMD8<Int32>.self)
        #else
        let int32Min = SIMD8<Double>(repeating: Double(Int32.min))
        // `>` instead of `>=` only differs at equality, where both choices are the same value.
        let clamped = int32Min.replacing(with: upper, where: upper .> int32Min)
        // Adding 1.5·2^52 leaves round-half-to-even of a value below 2^51 in magnitude in the low bits.
        let shifted = clamped + SIMD8<Double>(repeating: 6_755_399_441_055_744.0)
        return SIMD8<Int32>(truncatingIfNeeded: unsafeBitCast(shifted, to: SIMD8<Int64>.self))
        #endif
    }
}

/// The plain scalar form of the crop sampler: OpenCV's `warpPerspective(INTER_LINEAR)` on 8-bit RGB written one
/// output pixel at a time, exactly as OpenCV's `WarpPerspectiveInvoker` and `remapBilinear` compute it.
///
/// Kept beside the fast sampler (`BilinearWarpSampler`) as its specification: the tests require both to produce
/// the same bytes for every region. Per output pixel (x, y), with x = blockStart + x1:
/// - X0 = m0·blockStart + m1·y + m2, Y0 = m3·blockStart + m4·y + m5, W0 = m6·blockStart + m7·y + m8 (double, once
///   per row and column block);
/// - W = W0 + m6·x1, W = (W ≠ 0 ? 32/W : 0); X = round((X0 + m0·x1)·W), Y = round((Y0 + m3·x1)·W), rounded half
///   to even after clamping to the Int32 range (positions in 1/32 pixel);
/// - integer position (X >> 5, Y >> 5) clamped to the Int16 range, fraction (fx, fy) = (X & 31, Y & 31);
/// - weights (32−fx)(32−fy)·32, fx(32−fy)·32, (32−fx)fy·32, fx·fy·32 (15-bit fixed point, sum 2^15);
/// - byte = (Σ weight·neighbour + 2^14) >> 15 per channel, neighbours outside the image per `BorderMode`.
enum ReferenceBilinearWarp {
    /// Calls `store(outputIndex, r, g, b)` for every output pixel of `rows` (all rows when nil) in row-major
    /// order, `outputIndex` being the offset of the pixel's first channel in an NHWC buffer.
    static func warp(_ image: RGBImage, inverse: PerspectiveTransform, outputWidth: Int, outputHeight: Int,
                     rows: Range<Int>? = nil, border: BorderMode, store: (Int, UInt8, UInt8, UInt8) -> Void) {
        let m = inverse.m
        precondition(m.count == 9)
        let tab = Double(ImageCropper.subpixelSteps)
        let mask = Int32(ImageCropper.subpixelSteps - 1)
        let blockWidth = ImageCropper.blockWidth(outputWidth: outputWidth, outputHeight: outputHeight)
        let sourceWidth = image.width, sourceHeight = image.height
        let rounding = Int32(1) << Int32(ImageCropper.weightBits - 1)
        // Channel values of source pixel (x, y) under the border rule.
        func sample(_ x: Int, _ y: Int) -> (Int32, Int32, Int32) {
            var cx = x, cy = y
            if cx < 0 || cx >= sourceWidth || cy < 0 || cy >= sourceHeight {
                switch border {
                case .zero: return (0, 0, 0)
                case .replicate:
                    cx = min(max(cx, 0), sourceWidth - 1)
                    cy = min(max(cy, 0), sourceHeight - 1)
                }
            }
            let o = (cy * sourceWidth + cx) * 3
            return (Int32(image.pixels[o]), Int32(image.pixels[o + 1]), Int32(image.pixels[o + 2]))
        }
        for y in rows ?? 0..<outputHeight {
            var blockStart = 0
            while blockStart < outputWidth {
                let dx = Double(blockStart), dy = Double(y)
                let x0 = m[0] * dx + m[1] * dy + m[2]
                let y0 = m[3] * dx + m[4] * dy + m[5]
                let w0 = m[6] * dx + m[7] * dy + m[8]
                for x1 in 0..<min(blockWidth, outputWidth - blockStart) {
                    let d1 = Double(x1)
                    var w = w0 + m[6] * d1
                    w = w != 0 ? tab / w : 0
                    let fixedX = ImageCropper.roundToInt32((x0 + m[0] * d1) * w)
                    let fixedY = ImageCropper.roundToInt32((y0 + m[3] * d1) * w)
                    let sx = Int(max(min(fixedX >> 5, Int32(Int16.max)), Int32(Int16.min)))
                    let sy = Int(max(min(fixedY >> 5, Int32(Int16.max)), Int32(Int16.min)))
                    let fx = fixedX & mask, fy = fixedY & mask
                    let w00 = (32 - fx) * (32 - fy) * 32, w01 = fx * (32 - fy) * 32
                    let w10 = (32 - fx) * fy * 32, w11 = fx * fy * 32
                    let p00 = sample(sx, sy), p01 = sample(sx + 1, sy)
                    let p10 = sample(sx, sy + 1), p11 = sample(sx + 1, sy + 1)
                    let r = (p00.0 * w00 + p01.0 * w01 + p10.0 * w10 + p11.0 * w11 + rounding) >> 15
                    let g = (p00.1 * w00 + p01.1 * w01 + p10.1 * w10 + p11.1 * w11 + rounding) >> 15
                    let b = (p00.2 * w00 + p01.2 * w01 + p10.2 * w10 + p11.2 * w11 + rounding) >> 15
                    store((y * outputWidth + blockStart + x1) * 3, UInt8(r), UInt8(g), UInt8(b))
                }
                blockStart += blockWidth
            }
        }
    }

    /// The crop of `region` as bytes `[outputHeight, outputWidth, 3]` RGB, computed by `warp`.
    static func cropBytes(_ image: RGBImage, region: RotatedRect, outputWidth: Int, outputHeight: Int,
                          border: BorderMode) throws -> [UInt8] {
        let inverse = try ImageCropper.sourceFromTensorTransform(region: region, outputWidth: outputWidth,
                                                                 outputHeight: outputHeight, cornerInset: 0)
        var bytes = [UInt8](repeating: 0, count: outputWidth * outputHeight * 3)
        warp(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight, border: border) {
            index, r, g, b in
            bytes[index] = r
            bytes[index + 1] = g
            bytes[index + 2] = b
        }
        return bytes
    }
}
