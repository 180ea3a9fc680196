/// Register-blocked SIMD kernel at the heart of the direct convolution (internal).
///
/// It computes, for up to `tilePixels` output pixels and one block of 16 output channels,
/// `out[p, c] = bias[c] + Σ_k a_p[k] · w[k, c]`, where the K input values a_p of pixel p are read from `kernelHeight`
/// contiguous segments of the NHWC input (one per kernel row) and w is the weight matrix packed as [K, paddedChannels].
enum ConvolutionMicroKernel {
    /// Pixels per register tile.
    static let tilePixels = 4

    /// Where the K input values of consecutive pixels of a tile live.
    struct Source {
        /// First input value of pixel 0, segment 0.
        var base: UnsafePointer<Float>
        /// Distance in floats between the values of consecutive pixels.
        var pixelStride: Int
        /// Number of contiguous segments (kernel rows) per pixel.
        var segmentCount: Int
        /// Distance in floats between consecutive segments.
        var segmentStride: Int
        /// Floats per segment (kernelWidth · inputChannels).
        var segmentLength: Int
    }

    /// Computes `pixels` (1...tilePixels) pixels × all output channels, writing `channels` floats per pixel at
    /// `output + p * outputStride`. `weights` is [K, paddedChannels] and `bias` has `paddedChannels` floats.
    @inline(__always)
    static func run(source: Source, pixels: Int, weights: UnsafePointer<Float>, paddedChannels: Int,
                    bias: UnsafePointer<Float>, channels: Int, output: UnsafeMutablePointer<Float>,
                    outputStride: Int) {
        var block = 0
        while block < channels {
            let blockWidth = min(16, channels - block)
            if pixels == tilePixels {
                tile4(source: source, weights: weights + block, paddedChannels: paddedChannels, bias: bias + block,
                      output: output + block, outputStride: outputStride, width: blockWidth)
            } else {
                for pixel in 0..<pixels {
                    var single = source
                    single.base = source.base + pixel * source.pixelStride
                    tile1(source: single, weights: weights + block, paddedChannels: paddedChannels,
                          bias: bias + block, output: output + block + pixel * outputStride, width: blockWidth)
                }
            }
            block += 16
        }
    }

    /// Four pixels × 16 channels (8 accumulators of SIMD8).
    @inline(__always)
    private static func tile4(source: Source, weights: UnsafePointer<Float>, paddedChannels: Int,
                              bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, outputStride: Int,
                              width: Int) {
        let bias0 = SIMDMemory.load8(bias), bias1 = SIMDMemory.load8(bias + 8)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1
        var c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1
        var weightRow = weights
        let stride1 = source.pixelStride, stride2 = 2 * source.pixelStride, stride3 = 3 * source.pixelStride
        for segment in 0..<source.segmentCount {
            let a = source.base + segment * source.segmentStride
            for k in 0..<source.segmentLength {
                let w0 = SIMDMemory.load8(weightRow), w1 = SIMDMemory.load8(weightRow + 8)
                weightRow += paddedChannels
                let x0 = SIMD8<Float>(repeating: a[k])
                c00 = SIMDMemory.multiplyAdd(c00, x0, w0)
                c01 = SIMDMemory.multiplyAdd(c01, x0, w1)
                let x1 = SIMD8<Float>(repeating: a[stride1 + k])
                c10 = SIMDMemory.multiplyAdd(c10, x1, w0)
                c11 = SIMDMemory.multiplyAdd(c11, x1, w1)
                let x2 = SIMD8<Float>(repeating: a[stride2 + k])
                c20 = SIMDMemory.multiplyAdd(c20, x2, w0)
                c21 = SIMDMemory.multiplyAdd(c21, x2, w1)
                let x3 = SIMD8<Float>(repeating: a[stride3 + k])
                c30 = SIMDMemory.multiplyAdd(c30, x3, w0)
                c31 = SIMDMemory.multiplyAdd(c31, x3, w1)
            }
        }
        store(c00, c01, output, width: width)
        store(c10, c11, output + outputStride, width: width)
        store(c20, c21, output + 2 * outputStride, width: width)
        store(c30, c31, output + 3 * outputStride, width: width)
    }

    /// One pixel × 16 channels.
    @inline(__always)
    private static func tile1(source: Source, weights: UnsafePointer<Float>, paddedChannels: Int,
                              bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, width: Int) {
        var c0 = SIMDMemory.load8(bias), c1 = SIMDMemory.load8(bias + 8)
        var weightRow = weights
        for segment in 0..<source.segmentCount {
            let a = source.base + segment * source.segmentStride
            for k in 0..<source.segmentLength {
                let x = SIMD8<Float>(repeating: a[k])
                c0 = SIMDMemory.multiplyAdd(c0, x, SIMDMemory.load8(weightRow))
                c1 = SIMDMemory.multiplyAdd(c1, x, SIMDMemory.load8(weightRow + 8))
                weightRow += paddedChannels
            }
        }
        store(c0, c1, output, width: width)
    }

    /// Stores the first `width` (1...16) lanes of the 16-lane value (low, high) at `output`.
    @inline(__always)
    private static func store(_ low: SIMD8<Float>, _ high: SIMD8<Float>, _ output: UnsafeMutablePointer<Float>,
                              width: Int) {
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
