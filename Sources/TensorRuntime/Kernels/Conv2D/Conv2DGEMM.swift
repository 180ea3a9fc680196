import CBLAS

extension Conv2D {
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

/// Gathers convolution input patches ("im2col") (internal).
///
/// The patch of output pixel (oy, ox) is the K = kernelHeight · kernelWidth · inputChannels input values under its
/// window, in (ky, kx, channel) order — the order of a [O, kh, kw, I] filter row — with zeros for padded positions.
enum ConvolutionPatches {
    /// Writes the K-float patch of output pixel (`outputY`, `outputX`) to `patch`.
    @inline(__always)
    static func gather(input: UnsafePointer<Float>, geometry g: ConvolutionGeometry, outputY: Int, outputX: Int,
                       into patch: UnsafeMutablePointer<Float>) {
        let channels = g.inputChannels
        let rowLength = g.kernelWidth * channels
        let firstX = outputX * g.strideWidth - g.padLeft
        let rowInside = firstX >= 0 && firstX + g.kernelWidth <= g.inputWidth
        for kernelY in 0..<g.kernelHeight {
            let inputY = outputY * g.strideHeight - g.padTop + kernelY
            let destination = patch + kernelY * rowLength
            if inputY < 0 || inputY >= g.inputHeight {
                destination.update(repeating: 0, count: rowLength)
            } else if rowInside {
                destination.update(from: input + (inputY * g.inputWidth + firstX) * channels, count: rowLength)
            } else {
                for kernelX in 0..<g.kernelWidth {
                    let inputX = firstX + kernelX
                    if inputX < 0 || inputX >= g.inputWidth {
                        (destination + kernelX * channels).update(repeating: 0, count: channels)
                    } else {
                        (destination + kernelX * channels).update(
                            from: input + (inputY * g.inputWidth + inputX) * channels, count: channels)
                    }
                }
            }
        }
    }

    /// Writes the patches of `count` consecutive output pixels (row-major pixel index `firstPixel` onwards),
    /// one K-float row each, to `patches`.
    static func gather(input: UnsafePointer<Float>, geometry g: ConvolutionGeometry, firstPixel: Int, count: Int,
                       into patches: UnsafeMutablePointer<Float>) {
        let patchLength = g.kernelHeight * g.kernelWidth * g.inputChannels
        for index in 0..<count {
            let pixel = firstPixel + index
            gather(input: input, geometry: g, outputY: pixel / g.outputWidth, outputX: pixel % g.outputWidth,
                   into: patches + index * patchLength)
        }
    }
}

/// Keeps OpenBLAS single-threaded (internal to the kernels).
///
/// The runtime parallelises above the kernel level, so OpenBLAS must never start its own worker threads.
/// `ensureSingleThreaded()` is cheap after the first call (a lazily-initialised static).
enum BLASThreading {
    /// Runs `openblas_set_num_threads(1)` exactly once per process.
    private static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Makes sure OpenBLAS has been limited to one thread; call before the first GEMM.
    static func ensureSingleThreaded() {
        _ = configured
    }
}
