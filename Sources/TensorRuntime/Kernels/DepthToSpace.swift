/// TFLite DEPTH_TO_SPACE on a batch-1 NHWC Float32 tensor: `[1, H, W, C·b²]` → `[1, H·b, W·b, C]` with block
/// size b, TFLite's (and TensorFlow's default "DCR") channel order:
///
///   output[h·b + i, w·b + j, c] = input[h, w, (i·b + j)·C + c]
///
/// The full-range face detector uses it (b = 2) to turn its stride-2 heads into the 48×48 anchor grid. It is a
/// pure permutation: `run` copies runs of C contiguous channels, `reference` moves one element at a time.
public enum DepthToSpace {
    /// Sizes of one rearrangement.
    public struct Geometry: Hashable, Sendable {
        /// Input height in pixels.
        public let inputHeight: Int
        /// Input width in pixels.
        public let inputWidth: Int
        /// Input channels (a multiple of `blockSize²`).
        public let inputChannels: Int
        /// The block size b.
        public let blockSize: Int

        /// Checks the sizes.
        /// - Throws: `PlanError.invalidArgument` for non-positive sizes or a block size below 1,
        ///   `PlanError.sizeMismatch` when the input channels are not a multiple of b².
        public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, blockSize: Int) throws {
            guard inputHeight > 0, inputWidth > 0, inputChannels > 0, blockSize >= 1 else {
                throw PlanError.invalidArgument("DEPTH_TO_SPACE sizes must be positive: input \(inputHeight)×"
                    + "\(inputWidth)×\(inputChannels), block \(blockSize)")
            }
            let (square, overflow) = blockSize.multipliedReportingOverflow(by: blockSize)
            guard !overflow, inputChannels % square == 0 else {
                throw PlanError.sizeMismatch("DEPTH_TO_SPACE: \(inputChannels) channels are not a multiple of "
                    + "block² for block \(blockSize)")
            }
            _ = try ShapeArithmetic.elementCount([inputHeight, blockSize, inputWidth, blockSize, inputChannels / square],
                                                 name: "DEPTH_TO_SPACE output")
            self.inputHeight = inputHeight
            self.inputWidth = inputWidth
            self.inputChannels = inputChannels
            self.blockSize = blockSize
        }

        /// Output channels C = inputChannels / b².
        public var outputChannels: Int { inputChannels / (blockSize * blockSize) }
        /// Output shape `[1, H·b, W·b, C]`.
        public var outputShape: [Int] { [1, inputHeight * blockSize, inputWidth * blockSize, outputChannels] }
        /// Element count of input and output (equal).
        public var elementCount: Int { inputHeight * inputWidth * inputChannels }
    }

    /// Rearranges `input` into `output` (`geometry.elementCount` floats each, not overlapping), input rows `rows`
    /// only (default: all; each input row writes b output rows).
    public static func run(input: UnsafePointer<Float>, geometry g: Geometry, output: UnsafeMutablePointer<Float>,
                           rows: Range<Int>? = nil) {
        let b = g.blockSize, channels = g.outputChannels
        let outputWidth = g.inputWidth * b
        for h in rows ?? 0..<g.inputHeight {
            for i in 0..<b {
                let destinationRow = output + (h * b + i) * outputWidth * channels
                for w in 0..<g.inputWidth {
                    let source = input + (h * g.inputWidth + w) * g.inputChannels + i * b * channels
                    // The b blocks j = 0..<b of this (i) are contiguous in both tensors: one copy of b·C values.
                    (destinationRow + w * b * channels).update(from: source, count: b * channels)
                }
            }
        }
    }

    /// Plain scalar reference: TFLite's index formula, one element at a time.
    public static func reference(input: UnsafePointer<Float>, geometry g: Geometry, output: UnsafeMutablePointer<Float>) {
        let b = g.blockSize, channels = g.outputChannels, outputWidth = g.inputWidth * b
        for h in 0..<g.inputHeight {
            for w in 0..<g.inputWidth {
                for i in 0..<b {
                    for j in 0..<b {
                        for c in 0..<channels {
                            output[((h * b + i) * outputWidth + w * b + j) * channels + c] =
                                input[(h * g.inputWidth + w) * g.inputChannels + (i * b + j) * channels + c]
                        }
                    }
                }
            }
        }
    }
}
