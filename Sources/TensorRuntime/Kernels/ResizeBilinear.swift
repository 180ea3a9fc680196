/// TFLite RESIZE_BILINEAR on a batch-1 NHWC Float32 tensor `[1, inputHeight, inputWidth, channels]` →
/// `[1, outputHeight, outputWidth, channels]`, with TFLite's coordinate rules (reference_ops.h,
/// `ComputeInterpolationValues`):
///
/// - scale = in / out, or (in − 1) / (out − 1) with `alignCorners` (when out > 1);
/// - source coordinate s = (o + ½)·scale − ½ with `halfPixelCenters`, else o·scale;
/// - lower = max(⌊s⌋, 0), upper = min(⌈s⌉, in − 1), weight of the upper sample = s − lower;
/// - value = Σ over the 2×2 samples of (row weight × column weight × sample), rows and columns as above.
///
/// The full-range face detector uses it for its three 2× upsamplings (half-pixel centres, no corner alignment),
/// each read only by an ADD with a skip connection: `run` can add that tensor (and apply the ADD's RELU) before it
/// stores, which is then the whole ADD step, with the resized tensor never written to memory.
/// `run` blends whole channel vectors with the two axes' sample weights multiplied once per pixel;
/// `reference` evaluates TFLite's formula sample by sample.
public enum ResizeBilinear {
    /// Sizes and coordinate mode of one resize.
    public struct Geometry: Hashable, Sendable {
        /// Input height in pixels.
        public let inputHeight: Int
        /// Input width in pixels.
        public let inputWidth: Int
        /// Channels (innermost axis), equal in input and output.
        public let channels: Int
        /// Output height in pixels.
        public let outputHeight: Int
        /// Output width in pixels.
        public let outputWidth: Int
        /// TFLite `align_corners`: the corner pixels' centres of input and output coincide.
        public let alignCorners: Bool
        /// TFLite `half_pixel_centers`: coordinates refer to pixel centres.
        public let halfPixelCenters: Bool

        /// Checks the sizes.
        /// - Throws: `PlanError.invalidArgument` for a non-positive size, or for `alignCorners` together with
        ///   `halfPixelCenters` (TFLite rejects that combination too).
        public init(inputHeight: Int, inputWidth: Int, channels: Int, outputHeight: Int, outputWidth: Int,
                    alignCorners: Bool, halfPixelCenters: Bool) throws {
            guard inputHeight > 0, inputWidth > 0, channels > 0, outputHeight > 0, outputWidth > 0 else {
                throw PlanError.invalidArgument("RESIZE_BILINEAR sizes must be positive: input \(inputHeight)×"
                    + "\(inputWidth)×\(channels), output \(outputHeight)×\(outputWidth)")
            }
            guard !(alignCorners && halfPixelCenters) else {
                throw PlanError.invalidArgument("RESIZE_BILINEAR cannot combine align_corners and half_pixel_centers")
            }
            _ = try ShapeArithmetic.elementCount([inputHeight, inputWidth, channels], name: "RESIZE_BILINEAR input")
            _ = try ShapeArithmetic.elementCount([outputHeight, outputWidth, channels], name: "RESIZE_BILINEAR output")
            self.inputHeight = inputHeight
            self.inputWidth = inputWidth
            self.channels = channels
            self.outputHeight = outputHeight
            self.outputWidth = outputWidth
            self.alignCorners = alignCorners
            self.halfPixelCenters = halfPixelCenters
        }

        /// Output element count (`outputHeight × outputWidth × channels`).
        public var outputCount: Int { outputHeight * outputWidth * channels }
        /// Input element count (`inputHeight × inputWidth × channels`).
        public var inputCount: Int { inputHeight * inputWidth * channels }
        /// The output's NHWC shape, batch 1: `[1, outputHeight, outputWidth, channels]`.
        public var outputShape: [Int] { [1, outputHeight, outputWidth, channels] }

        /// TFLite's scale along one axis.
        func scale(input: Int, output: Int) -> Float {
            alignCorners && output > 1 ? Float(input - 1) / Float(output - 1) : Float(input) / Float(output)
        }

        /// (lower index, upper index, source coordinate − lower) of output coordinate `o` along one axis.
        func samples(_ o: Int, input: Int, output: Int) -> (lower: Int, upper: Int, weight: Float) {
            let scale = scale(input: input, output: output)
            let source = halfPixelCenters ? (Float(o) + 0.5) * scale - 0.5 : Float(o) * scale
            let lower = Swift.max(Int(source.rounded(.down)), 0)
            let upper = Swift.min(Int(source.rounded(.up)), input - 1)
            return (lower, upper, source - Float(lower))
        }
    }

    /// Resizes `input` (`geometry.inputCount` floats) into `output` (`geometry.outputCount` floats, not
    /// overlapping the input), output rows `rows` only (default: all). Allocates nothing: the sample indices and
    /// weights of a column are recomputed per pixel (a few operations beside the blend of all channels).
    ///
    /// With `addend` (`geometry.outputCount` floats, NHWC like the output; it may be `output` itself) each resized
    /// value v becomes v + addend and, with `relu`, then max(·, 0) as TFLite's RELU (−0 kept): bit for bit an ADD
    /// of the resized tensor and `addend` with that fused activation (float addition is commutative, so the ADD's
    /// operand order does not matter).
    public static func run(input: UnsafePointer<Float>, geometry g: Geometry, output: UnsafeMutablePointer<Float>,
                           rows: Range<Int>? = nil, adding addend: UnsafePointer<Float>? = nil, relu: Bool = false) {
        let channels = g.channels
        let rowStride = g.inputWidth * channels
        for y in rows ?? 0..<g.outputHeight {
            let row = g.samples(y, input: g.inputHeight, output: g.outputHeight)
            let top = input + row.lower * rowStride, bottom = input + row.upper * rowStride
            let wy = row.weight
            for x in 0..<g.outputWidth {
                let column = g.samples(x, input: g.inputWidth, output: g.outputWidth)
                let wx = column.weight
                // TFLite's weights: (1 − wy)(1 − wx), wy(1 − wx), (1 − wy)wx, wy·wx.
                let w00 = (1 - wy) * (1 - wx), w10 = wy * (1 - wx), w01 = (1 - wy) * wx, w11 = wy * wx
                let a = top + column.lower * channels, b = bottom + column.lower * channels
                let c = top + column.upper * channels, d = bottom + column.upper * channels
                let offset = (y * g.outputWidth + x) * channels
                blend(a, b, c, d, w00, w10, w01, w11, output + offset, channels, adding: addend.map { $0 + offset },
                      relu: relu)
            }
        }
    }

    /// destination[i] = a[i]·w00 + b[i]·w10 + c[i]·w01 + d[i]·w11 (+ addend[i], then RELU when `relu`), eight
    /// channels at a time.
    @inline(__always)
    private static func blend(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                              _ d: UnsafePointer<Float>, _ w00: Float, _ w10: Float, _ w01: Float, _ w11: Float,
                              _ destination: UnsafeMutablePointer<Float>, _ count: Int,
                              adding addend: UnsafePointer<Float>?, relu: Bool) {
        var i = 0
        let v00 = SIMD8<Float>(repeating: w00), v10 = SIMD8<Float>(repeating: w10)
        let v01 = SIMD8<Float>(repeating: w01), v11 = SIMD8<Float>(repeating: w11)
        while i + 8 <= count {
            var value = SIMDMemory.load8(a + i) * v00 + SIMDMemory.load8(b + i) * v10
                + SIMDMemory.load8(c + i) * v01 + SIMDMemory.load8(d + i) * v11
            if let addend {
                value += SIMDMemory.load8(addend + i)
                if relu { value = SIMDMemory.relu(value) }
            }
            SIMDMemory.store8(value, destination + i)
            i += 8
        }
        while i < count {
            var value = a[i] * w00 + b[i] * w10 + c[i] * w01 + d[i] * w11
            if let addend {
                value += addend[i]
                if relu { value = value < 0 ? 0 : value }
            }
            destination[i] = value
            i += 1
        }
    }

    /// Plain scalar reference: TFLite's formula evaluated per output element, in TFLite's order of terms.
    public static func reference(input: UnsafePointer<Float>, geometry g: Geometry, output: UnsafeMutablePointer<Float>) {
        for y in 0..<g.outputHeight {
            let row = g.samples(y, input: g.inputHeight, output: g.outputHeight)
            for x in 0..<g.outputWidth {
                let column = g.samples(x, input: g.inputWidth, output: g.outputWidth)
                for channel in 0..<g.channels {
                    func sample(_ yy: Int, _ xx: Int) -> Float { input[(yy * g.inputWidth + xx) * g.channels + channel] }
                    let dy = row.weight, dx = column.weight
                    output[(y * g.outputWidth + x) * g.channels + channel] =
                        sample(row.lower, column.lower) * (1 - dy) * (1 - dx)
                        + sample(row.upper, column.lower) * dy * (1 - dx)
                        + sample(row.lower, column.upper) * (1 - dy) * dx
                        + sample(row.upper, column.upper) * dy * dx
                }
            }
        }
    }
}
