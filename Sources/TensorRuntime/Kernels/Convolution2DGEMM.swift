import CBLAS

extension Convolution2D {
    /// The GEMM strategy: output[pixels × O] = patches[pixels × K] · filterᵀ with OpenBLAS SGEMM, chunk by chunk
    /// (patches gathered into the workspace; a 1×1 stride-1 convolution uses the input itself as the patch matrix),
    /// followed by the SIMD epilogue on each chunk while it is still in cache.
    func runGEMM(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
                 workspace: UnsafeMutablePointer<Float>?, chunkPixels: Int) {
        BLASThreading.ensureSingleThreaded()
        let g = geometry
        let pixelCount = g.outputHeight * g.outputWidth
        let channels = g.outputChannels
        let pointwise = Self.isPointwise(g)
        var first = 0
        while first < pixelCount {
            let count = min(chunkPixels, pixelCount - first)
            let patches: UnsafePointer<Float>
            if pointwise {
                patches = input + first * patchLength
            } else {
                guard let workspace else { return }
                ConvolutionPatches.gather(input: input, geometry: g, firstPixel: first, count: count, into: workspace)
                patches = UnsafePointer(workspace)
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(channels), Int32(patchLength),
                        1, patches, Int32(patchLength), packedWeights, Int32(patchLength),
                        0, output + first * channels, Int32(channels))
            parameters.epilogue.apply(output + first * channels, firstPixel: first, pixelCount: count,
                                      residual: residual, includeBias: true)
            first += count
        }
    }
}
