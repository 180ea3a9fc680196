import TensorKernelInterface
#if FACEMESH_AVX512_KERNELS
import TensorKernelsAVX512
#endif

/// Register-blocked SIMD kernel at the heart of the direct convolution (internal).
///
/// It computes, for a tile of consecutive output pixels and all output channels (16 at a time),
/// `out[p, c] = epilogue(bias[c] + Σ_k a_p[k] · w[k, c])`, where the K input values a_p of pixel p are read from
/// `segmentCount` contiguous segments of the NHWC input (one per kernel row) and w is the weight matrix packed as
/// in 16-channel panels, [outputChannels / 16][K][16] (each block's weights are one contiguous stream). Residual
/// add and activation are applied in registers before the single store.
enum ConvolutionMicroKernel {
    /// Pixels per full register tile (6 pixels × 16 channels = 12 accumulators of the 16 AVX registers).
    static let tilePixels = 6
    /// Pixels per span: the unit over which one channel block's weights are reused before the next block.
    static let spanPixels = 48

    /// Pixels whose patches the direct convolution gathers at once (bounded so the patches stay in L1):
    /// the workspace holds `gatherPixels(...) * patchLength` floats.
    static func gatherPixels(outputWidth: Int, patchLength: Int) -> Int {
        max(1, min(outputWidth, spanPixels, 4096 / max(1, patchLength)))
    }

    /// Where the K input values of consecutive pixels of a tile live (see `ConvolutionTileSource`).
    typealias Source = ConvolutionTileSource

    /// The packed layer data a tile needs.
    struct Layer {
        /// Weights in 16-channel panels: [paddedChannels / 16][patchLength][16].
        var weights: UnsafePointer<Float>
        /// K, the number of weights per output channel.
        var patchLength: Int
        /// Biases, padded with zeros to a multiple of 16 channels.
        var bias: UnsafePointer<Float>
        /// Real output channels (the distance between consecutive output pixels).
        var channels: Int
        /// The 16-channel blocks to compute: channels firstChannel..<endChannel (firstChannel a multiple of 16).
        var firstChannel = 0
        var endChannel: Int
        /// Residual and activation.
        var epilogue: ConvolutionRegisterEpilogue
        /// The last `channels - tailStart` (1 or 2) channels' weights as rows [channel][K], when the layer has such
        /// a narrow last block: those channels are computed as per-pixel dot products (`runTail`) instead of
        /// 8-wide tiles of which they would use one or two lanes. Nil otherwise.
        var tailWeights: UnsafePointer<Float>? = nil
        /// First channel of the narrow tail (a multiple of 16; `Int.max` when there is none).
        var tailStart = Int.max
        /// Whether the channel blocks before the tail run on the AVX-512 tiles (`ConvolutionTilesAVX512`, the
        /// same values bit for bit) instead of the AVX2 tiles below. Only set when the CPU has AVX-512.
        var usesAVX512 = false

        /// The blocks before the narrow tail, as the AVX-512 tiles take them.
        var tileLayer: ConvolutionTileLayer {
            ConvolutionTileLayer(weights: weights, patchLength: patchLength, bias: bias, channels: channels,
                                 firstChannel: firstChannel, endChannel: min(endChannel, tailStart),
                                 epilogue: epilogue)
        }
    }

    /// Channels per narrow last block that `runTail` computes as dot products (1 or 2 of a block of 16).
    static let maximumTailChannels = 2

    /// Computes `pixels` consecutive output pixels (any count), the first being output pixel `firstPixel`,
    /// writing `channels` floats per pixel at `output + p * channels`. Pixel p's input starts at
    /// `source.base + p * source.pixelStride`. Channel blocks are the outer loop so that one block's weights stay
    /// in L1 while the tiles of the span go by; keep spans short enough for their input to stay in L1 as well.
    @inline(__always)
    static func run(source: Source, pixels: Int, firstPixel: Int, layer: Layer, output: UnsafeMutablePointer<Float>) {
        #if FACEMESH_AVX512_KERNELS
        if layer.usesAVX512 {
            ConvolutionTilesAVX512.run(source: source, pixels: pixels, firstPixel: firstPixel, layer: layer.tileLayer,
                                       output: output)
            if let tailWeights = layer.tailWeights, layer.tailStart < layer.endChannel {
                runTail(tailWeights, source: source, pixels: pixels, firstPixel: firstPixel, layer: layer,
                        output: output)
            }
            return
        }
        #endif
        var block = layer.firstChannel
        while block < layer.endChannel {
            if block == layer.tailStart, let tailWeights = layer.tailWeights {
                runTail(tailWeights, source: source, pixels: pixels, firstPixel: firstPixel, layer: layer,
                        output: output)
                break
            }
            var done = 0
            let remaining = layer.channels - block
            if remaining > 16 && remaining <= 24 && block + 16 < min(layer.endChannel, layer.tailStart)
                && pixels >= 4 {
                // The last 17...24 channels: 4 pixels × 24 channels at a time (12 accumulators) instead of a 16-wide
                // and an 8-wide pass; leftover pixels take the two passes below. Each value gets the same sum.
                while pixels - done >= 4 {
                    var tileSource = source
                    tileSource.base = source.base + done * source.pixelStride
                    tile4x24(source: tileSource, firstPixel: firstPixel + done, block: block, layer: layer,
                             output: output + done * layer.channels)
                    done += 4
                }
                runBlock(block, source: source, from: done, pixels: pixels, firstPixel: firstPixel, layer: layer,
                         output: output)
                runBlock(block + 16, source: source, from: done, pixels: pixels, firstPixel: firstPixel,
                         layer: layer, output: output)
                block += 32
                continue
            }
            runBlock(block, source: source, from: 0, pixels: pixels, firstPixel: firstPixel, layer: layer,
                     output: output)
            block += 16
        }
    }

    /// The narrow last block (channels `layer.tailStart..<layer.channels`, 1 or 2 of them) of `pixels` pixels:
    /// for each pixel and channel, bias + the dot product of the pixel's K input values with the channel's weight
    /// row, accumulated 8 lanes × 4 chains wide over K and summed in a fixed order, then the register epilogue.
    /// Every value gets the same arithmetic whichever pixels a call covers.
    @inline(__always)
    static func runTail(_ tailWeights: UnsafePointer<Float>, source: Source, pixels: Int, firstPixel: Int,
                        layer: Layer, output: UnsafeMutablePointer<Float>) {
        let block = layer.tailStart, width = layer.channels - block
        for pixel in 0..<pixels {
            var sums = SIMD8<Float>()
            for channel in 0..<width {
                let weights = tailWeights + channel * layer.patchLength
                var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
                var scalar: Float = 0
                var offset = 0
                for segment in 0..<source.segmentCount {
                    let a = source.base + pixel * source.pixelStride + segment &* source.segmentStride
                    let w = weights + offset
                    let length = source.segmentLength
                    var k = 0
                    while k + 32 <= length {
                        c0 = SIMDMemory.multiplyAdd(c0, SIMDMemory.load8(a + k), SIMDMemory.load8(w + k))
                        c1 = SIMDMemory.multiplyAdd(c1, SIMDMemory.load8(a + k + 8), SIMDMemory.load8(w + k + 8))
                        c2 = SIMDMemory.multiplyAdd(c2, SIMDMemory.load8(a + k + 16), SIMDMemory.load8(w + k + 16))
                        c3 = SIMDMemory.multiplyAdd(c3, SIMDMemory.load8(a + k + 24), SIMDMemory.load8(w + k + 24))
                        k += 32
                    }
                    while k + 8 <= length {
                        c0 = SIMDMemory.multiplyAdd(c0, SIMDMemory.load8(a + k), SIMDMemory.load8(w + k))
                        k += 8
                    }
                    while k < length {
                        scalar += a[k] * w[k]
                        k += 1
                    }
                    offset += length
                }
                sums[channel] = ((c0 + c1) + (c2 + c3)).sum() + scalar + layer.bias[block + channel]
            }
            finishAndStore(sums, SIMD8<Float>(), layer: layer, pixel: firstPixel + pixel, block: block,
                           output + pixel * layer.channels + block, width: width)
        }
    }

    /// Pixels `from..<pixels` of the 16-channel block starting at channel `block` (a last block of at most 8
    /// channels uses half-width tiles, one accumulator per pixel).
    @inline(__always)
    static func runBlock(_ block: Int, source: Source, from start: Int, pixels: Int, firstPixel: Int, layer: Layer,
                         output: UnsafeMutablePointer<Float>) {
        let wide = layer.channels - block > 8
        var done = start
        while done < pixels {
            var tileSource = source
            tileSource.base = source.base + done * source.pixelStride
            let remaining = pixels - done
            let count = remaining >= 6 ? 6 : remaining >= 4 ? 4 : remaining >= 2 ? 2 : 1
            let tileOutput = output + done * layer.channels
            switch (count, wide) {
            case (6, true): tile(Tile6x16.self, source: tileSource, firstPixel: firstPixel + done,
                                 block: block, layer: layer, output: tileOutput)
            case (6, false): tile(Tile6x8.self, source: tileSource, firstPixel: firstPixel + done,
                                  block: block, layer: layer, output: tileOutput)
            case (4, true): tile(Tile4x16.self, source: tileSource, firstPixel: firstPixel + done,
                                 block: block, layer: layer, output: tileOutput)
            case (4, false): tile(Tile4x8.self, source: tileSource, firstPixel: firstPixel + done,
                                  block: block, layer: layer, output: tileOutput)
            case (2, true): tile(Tile2x16.self, source: tileSource, firstPixel: firstPixel + done,
                                 block: block, layer: layer, output: tileOutput)
            case (2, false): tile(Tile2x8.self, source: tileSource, firstPixel: firstPixel + done,
                                  block: block, layer: layer, output: tileOutput)
            default: tile1(source: tileSource, firstPixel: firstPixel + done, block: block, layer: layer,
                           output: tileOutput)
            }
            done += count
        }
    }

    /// `Shape.pixels` (2, 4 or 6) pixels × 16 channels (`Shape.wide`) or 8 channels starting at channel `block`.
    /// Generic specialisation turns every shape into a dedicated register tile in which the tests on the
    /// shape's constants fold away.
    private static func tile<Shape: MicroTileShape>(_ shape: Shape.Type, source: Source, firstPixel: Int,
                                                    block: Int, layer: Layer, output: UnsafeMutablePointer<Float>) {
        let count = Shape.pixels, wide = Shape.wide
        let bias0 = SIMDMemory.load8(layer.bias + block), bias1 = SIMDMemory.load8(layer.bias + block + 8)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        var weightRow = layer.weights + block * layer.patchLength
        let stride = source.pixelStride
        for segment in 0..<source.segmentCount {
            let a0 = source.base + segment &* source.segmentStride
            let a1 = a0 + stride, a2 = a1 + stride, a3 = a2 + stride, a4 = a3 + stride, a5 = a4 + stride
            for k in 0..<source.segmentLength {
                let w0 = SIMDMemory.load8(weightRow)
                let w1 = wide ? SIMDMemory.load8(weightRow + 8) : w0
                weightRow += 16
                let x0 = SIMD8<Float>(repeating: a0[k])
                c00 = SIMDMemory.multiplyAdd(c00, x0, w0)
                if wide { c01 = SIMDMemory.multiplyAdd(c01, x0, w1) }
                let x1 = SIMD8<Float>(repeating: a1[k])
                c10 = SIMDMemory.multiplyAdd(c10, x1, w0)
                if wide { c11 = SIMDMemory.multiplyAdd(c11, x1, w1) }
                if count > 2 {
                    let x2 = SIMD8<Float>(repeating: a2[k])
                    c20 = SIMDMemory.multiplyAdd(c20, x2, w0)
                    if wide { c21 = SIMDMemory.multiplyAdd(c21, x2, w1) }
                    let x3 = SIMD8<Float>(repeating: a3[k])
                    c30 = SIMDMemory.multiplyAdd(c30, x3, w0)
                    if wide { c31 = SIMDMemory.multiplyAdd(c31, x3, w1) }
                }
                if count > 4 {
                    let x4 = SIMD8<Float>(repeating: a4[k])
                    c40 = SIMDMemory.multiplyAdd(c40, x4, w0)
                    if wide { c41 = SIMDMemory.multiplyAdd(c41, x4, w1) }
                    let x5 = SIMD8<Float>(repeating: a5[k])
                    c50 = SIMDMemory.multiplyAdd(c50, x5, w0)
                    if wide { c51 = SIMDMemory.multiplyAdd(c51, x5, w1) }
                }
            }
        }
        if let fast = WholeBlockEpilogue(layer, firstPixel: firstPixel, block: block, wide: wide) {
            fast.finish(c00, c01, 0, output)
            fast.finish(c10, c11, 1, output)
            if count > 2 {
                fast.finish(c20, c21, 2, output)
                fast.finish(c30, c31, 3, output)
            }
            if count > 4 {
                fast.finish(c40, c41, 4, output)
                fast.finish(c50, c51, 5, output)
            }
            return
        }
        let width = min(16, layer.channels - block), channels = layer.channels
        finishAndStore(c00, c01, layer: layer, pixel: firstPixel, block: block, output + block, width: width)
        finishAndStore(c10, c11, layer: layer, pixel: firstPixel + 1, block: block, output + channels + block,
                       width: width)
        if count > 2 {
            finishAndStore(c20, c21, layer: layer, pixel: firstPixel + 2, block: block,
                           output + 2 * channels + block, width: width)
            finishAndStore(c30, c31, layer: layer, pixel: firstPixel + 3, block: block,
                           output + 3 * channels + block, width: width)
        }
        if count > 4 {
            finishAndStore(c40, c41, layer: layer, pixel: firstPixel + 4, block: block,
                           output + 4 * channels + block, width: width)
            finishAndStore(c50, c51, layer: layer, pixel: firstPixel + 5, block: block,
                           output + 5 * channels + block, width: width)
        }
    }

    /// One pixel × 16 channels starting at channel `block`; two accumulator pairs (even and odd k) shorten the
    /// dependency chain, which matters for the single-pixel heads with long K.
    @inline(__always)
    private static func tile1(source: Source, firstPixel: Int, block: Int, layer: Layer,
                              output: UnsafeMutablePointer<Float>) {
        var c0 = SIMDMemory.load8(layer.bias + block), c1 = SIMDMemory.load8(layer.bias + block + 8)
        var d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
        var weightRow = layer.weights + block * layer.patchLength
        let padded = 16
        for segment in 0..<source.segmentCount {
            let a = source.base + segment &* source.segmentStride
            var k = 0
            while k + 2 <= source.segmentLength {
                let x = SIMD8<Float>(repeating: a[k]), y = SIMD8<Float>(repeating: a[k + 1])
                c0 = SIMDMemory.multiplyAdd(c0, x, SIMDMemory.load8(weightRow))
                c1 = SIMDMemory.multiplyAdd(c1, x, SIMDMemory.load8(weightRow + 8))
                d0 = SIMDMemory.multiplyAdd(d0, y, SIMDMemory.load8(weightRow + padded))
                d1 = SIMDMemory.multiplyAdd(d1, y, SIMDMemory.load8(weightRow + padded + 8))
                weightRow += 2 * padded
                k += 2
            }
            if k < source.segmentLength {
                let x = SIMD8<Float>(repeating: a[k])
                c0 = SIMDMemory.multiplyAdd(c0, x, SIMDMemory.load8(weightRow))
                c1 = SIMDMemory.multiplyAdd(c1, x, SIMDMemory.load8(weightRow + 8))
                weightRow += padded
            }
        }
        c0 += d0
        c1 += d1
        finishAndStore(c0, c1, layer: layer, pixel: firstPixel, block: block, output + block,
                       width: min(16, layer.channels - block))
    }

    /// One output pixel whose K = `layer.patchLength` input values lie consecutively at `patch`, with the weights
    /// as Float16 panels laid out like `layer.weights` (exactly the Float32 weights, which all fit in Float16):
    /// the same accumulation as `tile1`, so the result is bit for bit the Float32 path's, while the weight stream —
    /// what limits the large single-pixel heads — is half as long. Channel blocks
    /// `layer.firstChannel..<layer.endChannel`.
    static func runSinglePixel(patch: UnsafePointer<Float>, halfWeights: UnsafePointer<Float16>, layer: Layer,
                               output: UnsafeMutablePointer<Float>) {
        @inline(__always) func widen(_ pointer: UnsafePointer<Float16>) -> SIMD8<Float> {
            SIMD8<Float>(UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float16>.self))
        }
        let length = layer.patchLength
        var block = layer.firstChannel
        while block < layer.endChannel {
            var c0 = SIMDMemory.load8(layer.bias + block), c1 = SIMDMemory.load8(layer.bias + block + 8)
            var d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
            var weightRow = halfWeights + block * length
            var k = 0
            while k + 2 <= length {
                let x = SIMD8<Float>(repeating: patch[k]), y = SIMD8<Float>(repeating: patch[k + 1])
                c0 = SIMDMemory.multiplyAdd(c0, x, widen(weightRow))
                c1 = SIMDMemory.multiplyAdd(c1, x, widen(weightRow + 8))
                d0 = SIMDMemory.multiplyAdd(d0, y, widen(weightRow + 16))
                d1 = SIMDMemory.multiplyAdd(d1, y, widen(weightRow + 24))
                weightRow += 32
                k += 2
            }
            if k < length {
                let x = SIMD8<Float>(repeating: patch[k])
                c0 = SIMDMemory.multiplyAdd(c0, x, widen(weightRow))
                c1 = SIMDMemory.multiplyAdd(c1, x, widen(weightRow + 8))
            }
            c0 += d0
            c1 += d1
            finishAndStore(c0, c1, layer: layer, pixel: 0, block: block, output + block,
                           width: min(16, layer.channels - block))
            block += 16
        }
    }

    /// Applies the register epilogue and stores the first `width` (1...16) lanes of (low, high) at `output`.
    @_transparent
    static func finishAndStore(_ sumLow: SIMD8<Float>, _ sumHigh: SIMD8<Float>, layer: Layer,
                                       pixel: Int, block: Int, _ output: UnsafeMutablePointer<Float>, width: Int) {
        let (low, high) = layer.epilogue.finished(sumLow, sumHigh, pixel: pixel, channel: block)
        if width == 16 {
            SIMDMemory.store8(low, output)
            SIMDMemory.store8(high, output + 8)
        } else if width >= 8 {
            SIMDMemory.store8(low, output)
            for lane in 0..<(width - 8) { output[8 + lane] = high[lane] }
        } else {
            for lane in 0..<width { output[lane] = low[lane] }
        }
    }
}

/// A tile's epilogue with its decisions taken once per tile instead of once per pixel (internal): usable when the
/// tile's 16 channels (or, for a half-width tile, 8) are all real and the residual covers all of them or none.
/// Each pixel then gets at most one residual add per register, its activation and one 8-lane store per register,
/// with no test of lanes or widths; the arithmetic is that of `ConvolutionRegisterEpilogue.finished` (the same
/// expressions in the same order), so the values are the same bits.
struct WholeBlockEpilogue {
    /// The residual at the tile's first pixel and channel `block`, or nil when these channels receive none.
    let residual: UnsafePointer<Float>?
    let residualStride: Int
    let kind: ConvolutionActivationKind
    /// The PReLU alphas from channel `block` on.
    let alphas: UnsafePointer<Float>
    /// Floats between consecutive output pixels.
    let channels: Int
    let block: Int
    /// Whether the tile covers 16 channels (two registers per pixel) rather than 8.
    let wide: Bool

    /// nil when the tile has lanes past the layer's channels (a 16-channel tile past channel `block + 16`, a
    /// half-width one anywhere but exactly 8 channels) or is only partly covered by the residual.
    @_transparent
    init?(_ layer: ConvolutionMicroKernel.Layer, firstPixel: Int, block: Int, wide: Bool) {
        let end = block &+ (wide ? 16 : 8), epilogue = layer.epilogue
        guard wide ? end <= layer.channels : end == layer.channels else { return nil }
        if let residual = epilogue.residual, block < epilogue.residualChannels {
            guard end <= epilogue.residualChannels else { return nil }
            let offset: Int = firstPixel &* epilogue.residualStride &+ block
            self.residual = residual + offset
        } else {
            self.residual = nil
        }
        residualStride = epilogue.residualStride
        kind = epilogue.kind
        alphas = epilogue.alphas + block
        channels = layer.channels
        self.block = block
        self.wide = wide
    }

    /// Residual, activation and store of tile pixel `pixel` (the 16 channels as two halves; only `sumLow` in a
    /// half-width tile).
    @_transparent
    func finish(_ sumLow: SIMD8<Float>, _ sumHigh: SIMD8<Float>, _ pixel: Int,
                _ output: UnsafeMutablePointer<Float>) {
        var low = sumLow, high = sumHigh
        if let residual {
            let row = residual + pixel &* residualStride
            low += SIMDMemory.load8(row)
            if wide { high += SIMDMemory.load8(row + 8) }
        }
        switch kind {
        case .none:
            break
        case .relu:
            low = SIMDMemory.relu(low)
            if wide { high = SIMDMemory.relu(high) }
        case .prelu:
            low = SIMDMemory.prelu(low, alpha: SIMDMemory.load8(alphas))
            if wide { high = SIMDMemory.prelu(high, alpha: SIMDMemory.load8(alphas + 8)) }
        }
        let destination = output + (pixel &* channels &+ block)
        SIMDMemory.store8(low, destination)
        if wide { SIMDMemory.store8(high, destination + 8) }
    }
}

/// The compile-time shape of a register tile (internal): pixels per tile and whether it covers 16 channels
/// (two SIMD8 accumulators per pixel) or 8.
protocol MicroTileShape {
    static var pixels: Int { get }
    static var wide: Bool { get }
}

/// 6 pixels × 16 channels.
enum Tile6x16: MicroTileShape {
    static var pixels: Int { 6 }
    static var wide: Bool { true }
}

/// 6 pixels × 8 channels.
enum Tile6x8: MicroTileShape {
    static var pixels: Int { 6 }
    static var wide: Bool { false }
}

/// 4 pixels × 16 channels.
enum Tile4x16: MicroTileShape {
    static var pixels: Int { 4 }
    static var wide: Bool { true }
}

/// 4 pixels × 8 channels.
enum Tile4x8: MicroTileShape {
    static var pixels: Int { 4 }
    static var wide: Bool { false }
}

/// 2 pixels × 16 channels.
enum Tile2x16: MicroTileShape {
    static var pixels: Int { 2 }
    static var wide: Bool { true }
}

/// 2 pixels × 8 channels.
enum Tile2x8: MicroTileShape {
    static var pixels: Int { 2 }
    static var wide: Bool { false }
}

extension ConvolutionMicroKernel {
    /// 4 pixels × the 17...24 channels from `block` on (the 16-channel panel at `block` and the first 8 lanes of the
    /// next panel): 12 accumulators, 3 weight loads and 4 broadcasts per 12 FMAs, where a 16-wide and an 8-wide
    /// pass need 15 loads per 18 FMAs. Layers with 24, 56, 72 or 88 channels (the face detector) end so. Every
    /// value is bias + Σ_k x_k·w_k in k order, exactly as in the other multi-pixel tiles.
    @inline(__always)
    static func tile4x24(source: Source, firstPixel: Int, block: Int, layer: Layer,
                         output: UnsafeMutablePointer<Float>) {
        let bias0 = SIMDMemory.load8(layer.bias + block), bias1 = SIMDMemory.load8(layer.bias + block + 8)
        let bias2 = SIMDMemory.load8(layer.bias + block + 16)
        var c00 = bias0, c01 = bias1, c02 = bias2, c10 = bias0, c11 = bias1, c12 = bias2
        var c20 = bias0, c21 = bias1, c22 = bias2, c30 = bias0, c31 = bias1, c32 = bias2
        var lowPanel = layer.weights + block * layer.patchLength
        var highPanel = layer.weights + (block + 16) * layer.patchLength
        let stride = source.pixelStride
        for segment in 0..<source.segmentCount {
            let a0 = source.base + segment &* source.segmentStride
            let a1 = a0 + stride, a2 = a1 + stride, a3 = a2 + stride
            for k in 0..<source.segmentLength {
                let w0 = SIMDMemory.load8(lowPanel), w1 = SIMDMemory.load8(lowPanel + 8)
                let w2 = SIMDMemory.load8(highPanel)
                lowPanel += 16
                highPanel += 16
                let x0 = SIMD8<Float>(repeating: a0[k])
                c00 = SIMDMemory.multiplyAdd(c00, x0, w0)
                c01 = SIMDMemory.multiplyAdd(c01, x0, w1)
                c02 = SIMDMemory.multiplyAdd(c02, x0, w2)
                let x1 = SIMD8<Float>(repeating: a1[k])
                c10 = SIMDMemory.multiplyAdd(c10, x1, w0)
                c11 = SIMDMemory.multiplyAdd(c11, x1, w1)
                c12 = SIMDMemory.multiplyAdd(c12, x1, w2)
                let x2 = SIMD8<Float>(repeating: a2[k])
                c20 = SIMDMemory.multiplyAdd(c20, x2, w0)
                c21 = SIMDMemory.multiplyAdd(c21, x2, w1)
                c22 = SIMDMemory.multiplyAdd(c22, x2, w2)
                let x3 = SIMD8<Float>(repeating: a3[k])
                c30 = SIMDMemory.multiplyAdd(c30, x3, w0)
                c31 = SIMDMemory.multiplyAdd(c31, x3, w1)
                c32 = SIMDMemory.multiplyAdd(c32, x3, w2)
            }
        }
        let channels = layer.channels, highWidth = min(16, channels - block - 16)
        let zero = SIMD8<Float>()
        finishAndStore(c00, c01, layer: layer, pixel: firstPixel, block: block, output + block, width: 16)
        finishAndStore(c02, zero, layer: layer, pixel: firstPixel, block: block + 16, output + block + 16,
                       width: highWidth)
        let row1 = output + channels, row2 = row1 + channels, row3 = row2 + channels
        finishAndStore(c10, c11, layer: layer, pixel: firstPixel + 1, block: block, row1 + block, width: 16)
        finishAndStore(c12, zero, layer: layer, pixel: firstPixel + 1, block: block + 16, row1 + block + 16,
                       width: highWidth)
        finishAndStore(c20, c21, layer: layer, pixel: firstPixel + 2, block: block, row2 + block, width: 16)
        finishAndStore(c22, zero, layer: layer, pixel: firstPixel + 2, block: block + 16, row2 + block + 16,
                       width: highWidth)
        finishAndStore(c30, c31, layer: layer, pixel: firstPixel + 3, block: block, row3 + block, width: 16)
        finishAndStore(c32, zero, layer: layer, pixel: firstPixel + 3, block: block + 16, row3 + block + 16,
                       width: highWidth)
    }
}
