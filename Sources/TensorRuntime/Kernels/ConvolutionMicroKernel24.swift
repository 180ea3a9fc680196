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
