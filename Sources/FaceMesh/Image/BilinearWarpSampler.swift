/// The fast form of the crop sampler: the same arithmetic as `ReferenceBilinearWarp` (OpenCV's
/// `warpPerspective(INTER_LINEAR)` on 8-bit RGB), organised for speed. The output is identical byte for byte.
///
/// Each output row is processed in OpenCV's column blocks, in two passes:
/// 1. positions, eight pixels at a time in `SIMD8<Double>`: the reference's per-pixel double-precision
///    expressions lane by lane (IEEE multiply, add and divide, never fused, so every lane rounds exactly as the
///    scalar code), giving integer source positions, packed bilinear weights and an interior flag (all four
///    neighbours inside the image), stored structure-of-arrays in a per-call scratch buffer;
/// 2. sampling: interior pixels blend their 2×2 neighbourhood with `BilinearNeighbourhood` (two 8-byte row reads,
///    no border logic); the other pixels apply the border rule per neighbour.
enum BilinearWarpSampler {
    /// Lanes of the position pass.
    private static let lanes = 8

    /// Per-block scratch arrays (Int32 each, `capacity` elements).
    private struct Scratch {
        static let arrayCount = 5
        let sourceX, sourceY, horizontal, vertical, interior: UnsafeMutablePointer<Int32>

        init(_ base: UnsafeMutablePointer<Int32>, capacity: Int) {
            sourceX = base
            sourceY = base + capacity
            horizontal = base + 2 * capacity
            vertical = base + 3 * capacity
            interior = base + 4 * capacity
        }
    }

    /// The source image as the passes read it.
    private struct Source {
        let pixels: UnsafePointer<UInt8>
        let width: Int
        let height: Int
        var rowStride: Int { width &* 3 }
    }

    /// Samples the crop given by `inverse` (output → source pixel coordinates) and hands every output pixel to
    /// `sink`, in row-major order.
    @inline(__always)
    static func warp<Sink: WarpPixelSink>(_ image: ImageFrame, inverse: PerspectiveTransform, outputWidth: Int,
                                          outputHeight: Int, border: BorderMode, sink: Sink) {
        let m = inverse.m
        precondition(m.count == 9)
        let blockWidth = ImageCropper.blockWidth(outputWidth: outputWidth, outputHeight: outputHeight)
        let capacity = (blockWidth + lanes - 1) / lanes * lanes
        let lastPixel = outputWidth * outputHeight - 1
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity * Scratch.arrayCount) { buffer in
            let scratch = Scratch(buffer.baseAddress!, capacity: capacity)
            image.pixels.withUnsafeBufferPointer { pixels in
                let source = Source(pixels: pixels.baseAddress!, width: image.width, height: image.height)
                for y in 0..<outputHeight {
                    var blockStart = 0
                    while blockStart < outputWidth {
                        let count = min(blockWidth, outputWidth - blockStart)
                        // Row start of the block, as OpenCV evaluates it.
                        let dx = Double(blockStart), dy = Double(y)
                        let x0 = m[0] * dx + m[1] * dy + m[2]
                        let y0 = m[3] * dx + m[4] * dy + m[5]
                        let w0 = m[6] * dx + m[7] * dy + m[8]
                        computePositions(scratch, count: count, x0: x0, y0: y0, w0: w0, m0: m[0], m3: m[3],
                                         m6: m[6], source: source)
                        let firstPixel = y * outputWidth + blockStart
                        let isLastBlock = firstPixel + count - 1 == lastPixel
                        sampleBlock(scratch, range: 0..<(isLastBlock ? count - 1 : count), firstPixel: firstPixel,
                                    source: source, border: border, sink: sink)
                        if isLastBlock {
                            sink.storeLast(pixel: lastPixel, bytes: sample(scratch, count - 1, source, border))
                        }
                        blockStart += blockWidth
                    }
                }
            }
        }
    }

    /// Pass 1: source positions, weights and interior flags of `count` pixels of one row block (rounded up to a
    /// multiple of `lanes`; the extra lanes are computed and ignored).
    @inline(__always)
    private static func computePositions(_ scratch: Scratch, count: Int, x0: Double, y0: Double, w0: Double,
                                         m0: Double, m3: Double, m6: Double, source: Source) {
        typealias Doubles = SIMD8<Double>
        typealias Ints = SIMD8<Int32>
        let tab = Doubles(repeating: Double(ImageCropper.subpixelSteps))
        let int32Min = Doubles(repeating: Double(Int32.min)), int32Max = Doubles(repeating: Double(Int32.max))
        // 1.5·2^52: adding it leaves round-half-to-even of a value below 2^51 in magnitude in the low bits.
        let roundingShift = Doubles(repeating: 6_755_399_441_055_744.0)
        let int16Min = Ints(repeating: Int32(Int16.min)), int16Max = Ints(repeating: Int32(Int16.max))
        let fractionMask = Ints(repeating: Int32(ImageCropper.subpixelSteps - 1))
        // Interior: 0 ≤ sx < width − 1 and 0 ≤ sy < height − 1, except sx = width − 2, sy = height − 2, whose
        // 8-byte read of the bottom row would pass the end of the image. (Positions stay in the Int16 range.)
        let lastX = Ints(repeating: Int32(clamping: source.width - 1))
        let lastY = Ints(repeating: Int32(clamping: source.height - 1))
        let cornerX = lastX &- 1, cornerY = lastY &- 1
        let zero = Ints(repeating: 0), one = Ints(repeating: 1)
        let laneOffsets = Doubles(0, 1, 2, 3, 4, 5, 6, 7)

        // Round half to even after clamping to the Int32 range, with the comparisons of Swift.min and Swift.max
        // (a NaN becomes Int32.max, as in the reference and in OpenCV).
        @inline(__always) func fixedPoint(_ value: Doubles) -> Ints {
            let upper = int32Max.replacing(with: value, where: value .< int32Max)
            let clamped = int32Min.replacing(with: upper, where: upper .>= int32Min)
            return Ints(truncatingIfNeeded: unsafeBitCast(clamped + roundingShift, to: SIMD8<Int64>.self))
        }
        // OpenCV's saturate_cast<short> of the integer part.
        @inline(__always) func integerPart(_ fixed: Ints) -> Ints {
            let shifted = fixed &>> 5
            let low = shifted.replacing(with: int16Min, where: shifted .< int16Min)
            return low.replacing(with: int16Max, where: low .> int16Max)
        }
        @inline(__always) func put(_ value: Ints, _ array: UnsafeMutablePointer<Int32>, _ i: Int) {
            UnsafeMutableRawPointer(array + i).storeBytes(of: value, as: Ints.self)
        }

        var i = 0
        while i < count {
            let d = laneOffsets + Double(i)
            let w = Doubles(repeating: w0) + m6 * d
            let scale = (tab / w).replacing(with: 0, where: w .== 0)
            let fixedX = fixedPoint((Doubles(repeating: x0) + m0 * d) * scale)
            let fixedY = fixedPoint((Doubles(repeating: y0) + m3 * d) * scale)
            let sx = integerPart(fixedX), sy = integerPart(fixedY)
            let interior = (sx .>= zero) .& (sx .< lastX) .& (sy .>= zero) .& (sy .< lastY)
                .& ((sx .!= cornerX) .| (sy .!= cornerY))
            put(sx, scratch.sourceX, i)
            put(sy, scratch.sourceY, i)
            put(BilinearNeighbourhood.horizontalWeights(fraction: fixedX & fractionMask), scratch.horizontal, i)
            put(BilinearNeighbourhood.verticalWeights(fraction: fixedY & fractionMask), scratch.vertical, i)
            put(zero.replacing(with: one, where: interior), scratch.interior, i)
            i &+= lanes
        }
    }

    /// Pass 2: the pixels `range` of one row block, `firstPixel` being the output index of the block's first pixel.
    @inline(__always)
    private static func sampleBlock<Sink: WarpPixelSink>(_ scratch: Scratch, range: Range<Int>, firstPixel: Int,
                                                         source: Source, border: BorderMode, sink: Sink) {
        for i in range {
            sink.store(pixel: firstPixel &+ i, bytes: sample(scratch, i, source, border))
        }
    }

    /// The bytes of pixel `i` of the block (lanes 0...2; lane 3 unspecified).
    @inline(__always)
    private static func sample(_ scratch: Scratch, _ i: Int, _ source: Source, _ border: BorderMode)
        -> SIMD4<Int32>
    {
        let x = Int(scratch.sourceX[i]), y = Int(scratch.sourceY[i])
        let horizontal = scratch.horizontal[i], vertical = scratch.vertical[i]
        if scratch.interior[i] != 0 {
            let top = source.pixels + (y &* source.rowStride &+ x &* 3)
            return BilinearNeighbourhood.roundedBytes(
                BilinearNeighbourhood.interiorSums(top: top, rowStride: source.rowStride, horizontal: horizontal,
                                                   vertical: vertical))
        }
        return BilinearNeighbourhood.roundedBytes(
            borderSums(x: x, y: y, horizontal: horizontal, vertical: vertical, source: source, border: border))
    }

    /// The neighbourhood sums S of a pixel with a neighbour outside the image (or close to its end), each
    /// neighbour read under `border`.
    @inline(never)
    private static func borderSums(x: Int, y: Int, horizontal: Int32, vertical: Int32, source: Source,
                                   border: BorderMode) -> SIMD4<Int32> {
        let w = BilinearNeighbourhood.weights(horizontal: horizontal, vertical: vertical)
        func neighbour(_ nx: Int, _ ny: Int, _ weight: Int32) -> SIMD4<Int32> {
            var cx = nx, cy = ny
            if cx < 0 || cx >= source.width || cy < 0 || cy >= source.height {
                if border == .zero { return SIMD4<Int32>() }
                cx = min(max(cx, 0), source.width - 1)
                cy = min(max(cy, 0), source.height - 1)
            }
            let p = source.pixels + (cy * source.rowStride + cx * 3)
            return SIMD4<Int32>(Int32(p[0]), Int32(p[1]), Int32(p[2]), 0) &* weight
        }
        return neighbour(x, y, w.0) &+ neighbour(x + 1, y, w.1) &+ neighbour(x, y + 1, w.2)
            &+ neighbour(x + 1, y + 1, w.3)
    }
}
