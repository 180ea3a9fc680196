/// The arguments of the direct convolution's register tiles, shared by the AVX2 kernels of TensorRuntime and the
/// AVX-512 kernels of TensorKernelsAVX512 (package-internal).
///
/// This module is compiled without CPU-specific flags on purpose: TensorRuntime (AVX2 + FMA) builds these values
/// and TensorKernelsAVX512 (compiled for AVX-512, called only on CPUs that have it) reads them, so nothing that
/// TensorRuntime runs may live in the AVX-512 module. Everything here is plain stored data.
///
/// Layouts: the input is NHWC Float32; the weights are packed in 16-channel panels
/// [paddedChannels / 16][K][16] (K = kernelHeight · kernelWidth · inputChannels), bias and PReLU alphas are
/// padded with zeros to a multiple of 16 channels.

/// Where the K input values of consecutive output pixels of a tile live: `segmentCount` contiguous segments of
/// `segmentLength` floats (one per kernel row), `segmentStride` floats apart; pixel p starts `p · pixelStride`
/// floats after pixel 0.
package struct ConvolutionTileSource {
    /// First input value of pixel 0, segment 0.
    package var base: UnsafePointer<Float>
    /// Distance in floats between the values of consecutive pixels.
    package var pixelStride: Int
    /// Number of contiguous segments (kernel rows) per pixel.
    package var segmentCount: Int
    /// Distance in floats between consecutive segments.
    package var segmentStride: Int
    /// Floats per segment (kernelWidth · inputChannels).
    package var segmentLength: Int

    /// Describes the input of a tile (see the type's description).
    @inlinable
    package init(base: UnsafePointer<Float>, pixelStride: Int, segmentCount: Int, segmentStride: Int,
                 segmentLength: Int) {
        self.base = base
        self.pixelStride = pixelStride
        self.segmentCount = segmentCount
        self.segmentStride = segmentStride
        self.segmentLength = segmentLength
    }
}

/// The activation a convolution epilogue applies.
package enum ConvolutionActivationKind: Sendable {
    /// y = x.
    case none
    /// y = x < 0 ? 0 : x.
    case relu
    /// y = x < 0 ? α_c · x : x, one α per output channel.
    case prelu
}

/// The residual add and activation that the tiles apply in registers before their single store (the bias is
/// already in the accumulators): `v += residual[pixel, c]` for `c < residualChannels`, then the activation.
package struct ConvolutionRegisterEpilogue {
    /// Activation kind.
    package var kind: ConvolutionActivationKind
    /// PReLU alphas, padded to a multiple of 16 channels.
    package var alphas: UnsafePointer<Float>
    /// Residual tensor (NHWC, `residualStride` channels per pixel), or nil.
    package var residual: UnsafePointer<Float>?
    /// Channels per residual pixel.
    package var residualStride: Int
    /// Output channels that receive a residual value (min(residual channels, output channels)).
    package var residualChannels: Int

    /// Describes the epilogue (see the type's description).
    @inlinable
    package init(kind: ConvolutionActivationKind, alphas: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
                 residualStride: Int, residualChannels: Int) {
        self.kind = kind
        self.alphas = alphas
        self.residual = residual
        self.residualStride = residualStride
        self.residualChannels = residualChannels
    }
}

/// The packed layer data a tile needs, and the 16-channel blocks to compute.
package struct ConvolutionTileLayer {
    /// Weights in 16-channel panels: [paddedChannels / 16][patchLength][16].
    package var weights: UnsafePointer<Float>
    /// K, the number of weights per output channel.
    package var patchLength: Int
    /// Biases, padded with zeros to a multiple of 16 channels.
    package var bias: UnsafePointer<Float>
    /// Real output channels (the distance in floats between consecutive output pixels).
    package var channels: Int
    /// First channel to compute (a multiple of 16).
    package var firstChannel: Int
    /// End of the channels to compute (at most `channels`).
    package var endChannel: Int
    /// Residual and activation.
    package var epilogue: ConvolutionRegisterEpilogue

    /// Describes the layer (see the type's description).
    @inlinable
    package init(weights: UnsafePointer<Float>, patchLength: Int, bias: UnsafePointer<Float>, channels: Int,
                 firstChannel: Int, endChannel: Int, epilogue: ConvolutionRegisterEpilogue) {
        self.weights = weights
        self.patchLength = patchLength
        self.bias = bias
        self.channels = channels
        self.firstChannel = firstChannel
        self.endChannel = endChannel
        self.epilogue = epilogue
    }
}
