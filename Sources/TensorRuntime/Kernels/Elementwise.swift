// Elementwise kernels on flat Float32 buffers: ADD (with a fused activation), RELU and PRELU, one enum per TFLite
// op, each with `run` (vectorised) and `reference` (scalar).

/// TFLite ADD of two same-shaped flat Float32 tensors, with an optional fused RELU or PRELU.
///
/// Every function reads and writes `count` floats; `output` may be the same buffer as an input (in-place use),
/// but must not partially overlap one. For PReLU the alphas are broadcast over the innermost dimension: element i
/// uses α[i mod channels] (NHWC: one α per channel, shared by every pixel). A PReLU with fewer than one channel
/// (an empty alpha list) has no α to apply and leaves its input unchanged.
public enum Add {
    /// output[i] = activation(a[i] + b[i]) (TFLite ADD of two same-shaped tensors, then RELU or PRELU if fused).
    /// - Parameters:
    ///   - a: the first operand, `count` floats.
    ///   - b: the second operand, `count` floats.
    ///   - count: the number of elements.
    ///   - activation: `.none`, `.relu`, or `.prelu(alphas)` with `channels = alphas.count`.
    ///   - output: `count` floats; may be `a` or `b` (in place).
    public static func run(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                           activation: Activation, output: UnsafeMutablePointer<Float>) {
        var index = 0
        while index + 8 <= count {
            SIMDMemory.store8(SIMDMemory.load8(a + index) + SIMDMemory.load8(b + index), output + index)
            index += 8
        }
        while index < count {
            output[index] = a[index] + b[index]
            index += 1
        }
        switch activation {
        case .none: break
        case .relu: ReLU.run(output, count: count, output: output)
        case .prelu(let alphas):
            alphas.withUnsafeBufferPointer { alpha in
                if let base = alpha.baseAddress {
                    PReLU.run(output, count: count, alpha: base, channels: alpha.count, output: output)
                }
            }
        }
    }

    /// Scalar reference for `run(_:_:count:activation:output:)`.
    public static func reference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                                 activation: Activation, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            let sum = a[index] + b[index]
            switch activation {
            case .none: output[index] = sum
            case .relu: output[index] = sum < 0 ? 0 : sum
            case .prelu(let alphas):
                output[index] = alphas.isEmpty || sum >= 0 ? sum : alphas[index % alphas.count] * sum
            }
        }
    }

}

/// TFLite RELU on a flat Float32 buffer (`output` may be `x`).
public enum ReLU {
    /// output[i] = max(x[i], 0) (TFLite RELU), vectorised.
    public static func run(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        var index = 0
        while index + 8 <= count {
            SIMDMemory.store8(SIMDMemory.relu(SIMDMemory.load8(x + index)), output + index)
            index += 8
        }
        while index < count {
            output[index] = x[index] < 0 ? 0 : x[index]
            index += 1
        }
    }

    /// Scalar reference for `run(_:count:output:)`.
    public static func reference(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            output[index] = x[index] < 0 ? 0 : x[index]
        }
    }

}

/// TFLite PRELU on a flat NHWC Float32 buffer: one α per channel, shared by every pixel (`output` may be `x`).
/// With fewer than one channel (no α) the input is copied unchanged.
public enum PReLU {
    /// output[i] = x[i] ≥ 0 ? x[i] : α[i mod channels] · x[i] (TFLite PRELU with α of shape [1, 1, channels]),
    /// vectorised over the channels of each pixel.
    public static func run(_ x: UnsafePointer<Float>, count: Int, alpha: UnsafePointer<Float>, channels: Int,
                             output: UnsafeMutablePointer<Float>) {
        guard channels >= 1 else {
            if UnsafePointer(output) != x { output.update(from: x, count: max(0, count)) }
            return
        }
        var start = 0
        while start < count {
            let length = min(channels, count - start)
            let source = x + start, destination = output + start
            var channel = 0
            while channel + 8 <= length {
                let value = SIMDMemory.load8(source + channel)
                SIMDMemory.store8(SIMDMemory.prelu(value, alpha: SIMDMemory.load8(alpha + channel)),
                                  destination + channel)
                channel += 8
            }
            while channel < length {
                let value = source[channel]
                destination[channel] = value < 0 ? alpha[channel] * value : value
                channel += 1
            }
            start += length
        }
    }

    /// Scalar reference for `run(_:count:alpha:channels:output:)`.
    public static func reference(_ x: UnsafePointer<Float>, count: Int, alpha: UnsafePointer<Float>,
                                 channels: Int, output: UnsafeMutablePointer<Float>) {
        for index in 0..<max(0, count) {
            let value = x[index]
            output[index] = channels < 1 || value >= 0 ? value : alpha[index % channels] * value
        }
    }
}
