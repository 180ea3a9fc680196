import TensorKernelInterface

/// The per-element tail shared by the convolution kernels (internal):
/// `v = sum + bias[c]; v += residual(p, c) when c < residual.channels; v = activation(v)`.
///
/// Works in place on a block of consecutive output pixels (NHWC rows of `channels` floats).
/// The pointers are owned by the kernel object that created the epilogue.
struct ConvolutionEpilogue {
    /// Which activation the epilogue applies.
    typealias Kind = ConvolutionActivationKind

    /// Output channels per pixel.
    let channels: Int
    /// Bias per output channel (zeros when the layer has none).
    let bias: UnsafePointer<Float>
    /// Activation kind.
    let kind: Kind
    /// PReLU alphas per output channel (meaningful only for `.prelu`).
    let alphas: UnsafePointer<Float>

    /// Applies bias, residual and activation to `pixelCount` pixels starting at `output`,
    /// which is output pixel number `firstPixel` (used to locate the residual values).
    /// When `includeBias` is false the sums are assumed to already contain the bias.
    @inline(__always)
    func apply(_ output: UnsafeMutablePointer<Float>, firstPixel: Int, pixelCount: Int,
               residual: ResidualInput?, includeBias: Bool = true) {
        let residualChannels = residual.map { max(0, min($0.channels, channels)) } ?? 0
        if kind == .none && residualChannels == 0 && !includeBias { return }
        for pixel in 0..<pixelCount {
            let row = output + pixel * channels
            let residualRow: UnsafePointer<Float>? = residualChannels > 0
                ? residual!.values + (firstPixel + pixel) * residual!.channels : nil
            var channel = 0
            while channel + 8 <= channels {
                var value = SIMDMemory.load8(row + channel)
                if includeBias { value += SIMDMemory.load8(bias + channel) }
                if let residualRow {
                    if channel + 8 <= residualChannels {
                        value += SIMDMemory.load8(residualRow + channel)
                    } else if channel < residualChannels {
                        for lane in 0..<(residualChannels - channel) { value[lane] += residualRow[channel + lane] }
                    }
                }
                switch kind {
                case .none: break
                case .relu: value = SIMDMemory.relu(value)
                case .prelu: value = SIMDMemory.prelu(value, alpha: SIMDMemory.load8(alphas + channel))
                }
                SIMDMemory.store8(value, row + channel)
                channel += 8
            }
            while channel < channels {
                var value = row[channel]
                if includeBias { value += bias[channel] }
                if let residualRow, channel < residualChannels { value += residualRow[channel] }
                switch kind {
                case .none: break
                case .relu: value = value < 0 ? 0 : value
                case .prelu: value = value < 0 ? alphas[channel] * value : value
                }
                row[channel] = value
                channel += 1
            }
        }
    }
}

extension ConvolutionEpilogue {
    /// The residual and activation part of the epilogue, applied to 16-channel register blocks by the direct
    /// convolution micro-kernel before it stores them (the bias is already in the accumulators).
    typealias InRegisters = ConvolutionRegisterEpilogue
}

extension ConvolutionRegisterEpilogue {
    /// Residual add and activation for output pixel `pixel`, channels channel..<channel + 16.
    @_transparent
    func finished(_ sumLow: SIMD8<Float>, _ sumHigh: SIMD8<Float>, pixel: Int,
                  channel: Int) -> (SIMD8<Float>, SIMD8<Float>) {
        var low = sumLow, high = sumHigh
        if let residual, channel < residualChannels {
            let row = residual + pixel * residualStride + channel
            let lanes = residualChannels - channel
            if lanes >= 16 {
                low += SIMDMemory.load8(row)
                high += SIMDMemory.load8(row + 8)
            } else if lanes >= 8 {
                low += SIMDMemory.load8(row)
                for lane in 0..<(lanes - 8) { high[lane] += row[8 + lane] }
            } else {
                for lane in 0..<lanes { low[lane] += row[lane] }
            }
        }
        switch kind {
        case .none:
            break
        case .relu:
            low = SIMDMemory.relu(low)
            high = SIMDMemory.relu(high)
        case .prelu:
            low = SIMDMemory.prelu(low, alpha: SIMDMemory.load8(alphas + channel))
            high = SIMDMemory.prelu(high, alpha: SIMDMemory.load8(alphas + channel + 8))
        }
        return (low, high)
    }
}

extension ConvolutionEpilogue {
    /// The register epilogue for one `run` call with the given residual.
    func inRegisters(residual: ResidualInput?) -> InRegisters {
        let residualChannels = residual.map { max(0, min($0.channels, channels)) } ?? 0
        return InRegisters(kind: kind, alphas: alphas, residual: residualChannels > 0 ? residual?.values : nil,
                           residualStride: residual?.channels ?? 0, residualChannels: residualChannels)
    }
}

/// An activation function applied elementwise after a kernel's linear part.
public enum Activation: Sendable, Equatable {
    /// The identity: y = x.
    case none
    /// Rectified linear unit: y = max(x, 0).
    case relu
    /// Parametric ReLU: y = x for x ≥ 0, y = α_c · x otherwise, with one α per channel `c`
    /// (the innermost NHWC dimension; for convolutions, one α per output channel).
    case prelu([Float])

    /// Applies the activation to one scalar of channel `channel` (scalar reference semantics).
    @inline(__always)
    func apply(_ value: Float, channel: Int) -> Float {
        switch self {
        case .none: return value
        case .relu: return value < 0 ? 0 : value
        case .prelu(let alphas): return value < 0 ? alphas[channel] * value : value
        }
    }
}

/// A residual (shortcut) tensor that a convolution adds to its output before the activation.
///
/// Layout: NHWC with the same height and width as the convolution output and `channels` channels,
/// i.e. element (pixel p, channel c) is `values[p * channels + c]`, p = y · outputWidth + x.
/// `channels` should be at most the convolution's output channel count: output channels `c >= channels`
/// get nothing added, which implements the channel zero-pad shortcut of BlazeBlocks without a PAD op.
/// (If `channels` exceeds the output channel count, the extra residual channels are skipped.)
/// The pointer must stay valid for the duration of the kernel call; the struct does not own it.
public struct ResidualInput {
    /// First element of the residual tensor (NHWC, `channels` innermost).
    public var values: UnsafePointer<Float>
    /// Number of channels of the residual tensor (its innermost dimension); must be ≥ 1.
    public var channels: Int

    /// Wraps a residual tensor of `channels` channels stored at `values`.
    public init(values: UnsafePointer<Float>, channels: Int) {
        self.values = values
        self.channels = channels
    }
}
