/// The window geometry of a 2-D convolution, depthwise convolution or pooling over one NHWC image (batch 1).
///
/// Output pixel (oy, ox) reads the input window whose top-left corner is
/// (oy · strideHeight − padTop, ox · strideWidth − padLeft) and which spans kernelHeight × kernelWidth pixels.
/// Window positions outside the input read zero for convolutions and are ignored by max pooling.
/// Sizes are in pixels (height, width) and channels.
public struct ConvolutionGeometry: Sendable, Equatable {
    /// Input height in pixels.
    public var inputHeight: Int
    /// Input width in pixels.
    public var inputWidth: Int
    /// Input channels (innermost NHWC dimension).
    public var inputChannels: Int
    /// Output height in pixels.
    public var outputHeight: Int
    /// Output width in pixels.
    public var outputWidth: Int
    /// Output channels (equal to `inputChannels` for depthwise convolution and max pooling).
    public var outputChannels: Int
    /// Window height in pixels.
    public var kernelHeight: Int
    /// Window width in pixels.
    public var kernelWidth: Int
    /// Vertical step between consecutive output rows, in input pixels.
    public var strideHeight: Int
    /// Horizontal step between consecutive output columns, in input pixels.
    public var strideWidth: Int
    /// Virtual rows added above the input (the rows added below follow from the other sizes).
    public var padTop: Int
    /// Virtual columns added left of the input (the columns added on the right follow from the other sizes).
    public var padLeft: Int

    /// Computes the output size and padding with TensorFlow's rules for `padding`.
    ///
    /// SAME: out = ⌈n/s⌉, total = max((out − 1)·s + k − n, 0), before = ⌊total/2⌋ (asymmetric when total is odd).
    /// VALID: out = ⌊(n − k)/s⌋ + 1, no padding.
    /// - Throws: `PlanError.invalidGeometry` for non-positive sizes, kernels or strides, for a VALID kernel larger
    ///   than the input, or for sizes so large that element counts would overflow.
    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                padding: PaddingMode) throws {
        let names = ["inputHeight": inputHeight, "inputWidth": inputWidth, "inputChannels": inputChannels,
                     "outputChannels": outputChannels, "kernelHeight": kernelHeight, "kernelWidth": kernelWidth,
                     "strideHeight": strideHeight, "strideWidth": strideWidth]
        for (name, value) in names.sorted(by: { $0.key < $1.key }) where value < 1 {
            throw PlanError.invalidGeometry("\(name) must be positive, got \(value)")
        }
        let vertical = try Self.axis(size: inputHeight, kernel: kernelHeight, stride: strideHeight,
                                     padding: padding, axisName: "height")
        let horizontal = try Self.axis(size: inputWidth, kernel: kernelWidth, stride: strideWidth,
                                       padding: padding, axisName: "width")
        try self.init(inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels,
                      outputHeight: vertical.output, outputWidth: horizontal.output, outputChannels: outputChannels,
                      kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                      strideHeight: strideHeight, strideWidth: strideWidth,
                      padTop: vertical.before, padLeft: horizontal.before)
    }

    /// Creates a geometry with an explicit output size and leading padding, validated by `validate()`.
    ///
    /// - Throws: `PlanError.invalidGeometry` when `validate()` rejects the values.
    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int,
                outputHeight: Int, outputWidth: Int, outputChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                padTop: Int, padLeft: Int) throws {
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padTop = padTop
        self.padLeft = padLeft
        try validate()
    }

    /// Number of floats of the NHWC input tensor (inputHeight · inputWidth · inputChannels).
    public var inputElementCount: Int { inputHeight * inputWidth * inputChannels }

    /// Number of floats of the NHWC output tensor (outputHeight · outputWidth · outputChannels).
    public var outputElementCount: Int { outputHeight * outputWidth * outputChannels }

    /// Checks that the (possibly hand-edited) fields describe a usable geometry: every size, kernel and stride
    /// positive, paddings in 0..<kernel, every window overlapping the input, and element counts far from overflow.
    ///
    /// - Throws: `PlanError.invalidGeometry` naming the first violated condition.
    public func validate() throws {
        let positive = [("inputHeight", inputHeight), ("inputWidth", inputWidth), ("inputChannels", inputChannels),
                        ("outputHeight", outputHeight), ("outputWidth", outputWidth),
                        ("outputChannels", outputChannels), ("kernelHeight", kernelHeight),
                        ("kernelWidth", kernelWidth), ("strideHeight", strideHeight), ("strideWidth", strideWidth)]
        for (name, value) in positive where value < 1 {
            throw PlanError.invalidGeometry("\(name) must be positive, got \(value)")
        }
        let limit = 1 << 24
        for (name, value) in positive where value > limit {
            throw PlanError.invalidGeometry("\(name) = \(value) exceeds the supported maximum \(limit)")
        }
        if padTop < 0 || padTop >= kernelHeight || padLeft < 0 || padLeft >= kernelWidth {
            throw PlanError.invalidGeometry(
                "padding (top \(padTop), left \(padLeft)) must lie in 0..<kernel (\(kernelHeight)×\(kernelWidth))")
        }
        if (outputHeight - 1) * strideHeight - padTop > inputHeight - 1
            || (outputWidth - 1) * strideWidth - padLeft > inputWidth - 1 {
            throw PlanError.invalidGeometry(
                "output \(outputHeight)×\(outputWidth) with stride \(strideHeight)×\(strideWidth) and padding "
                    + "\(padTop)/\(padLeft) has windows entirely outside the \(inputHeight)×\(inputWidth) input")
        }
        let elementLimit = 1 << 31
        let products = [[inputHeight, inputWidth, inputChannels], [outputHeight, outputWidth, outputChannels],
                        [outputHeight, outputWidth, kernelHeight, kernelWidth, inputChannels],
                        [kernelHeight, kernelWidth, inputChannels, outputChannels]]
        for factors in products where ShapeArithmetic.product(factors, limit: elementLimit) == nil {
            throw PlanError.invalidGeometry("tensor sizes \(factors) exceed \(elementLimit) elements")
        }
    }

    /// One spatial axis under TensorFlow's padding rules: output size and padding before.
    private static func axis(size: Int, kernel: Int, stride: Int, padding: PaddingMode,
                             axisName: String) throws -> (output: Int, before: Int) {
        switch padding {
        case .same:
            let output = (size + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - size, 0)
            return (output, total / 2)
        case .valid:
            guard kernel <= size else {
                throw PlanError.invalidGeometry(
                    "VALID \(axisName): kernel \(kernel) is larger than the input size \(size)")
            }
            return ((size - kernel) / stride + 1, 0)
        }
    }
}

/// How a convolution or pooling window treats the border of its input, with TensorFlow's rules.
///
/// - `same`: the output has ⌈n / stride⌉ positions per spatial axis; the input is virtually padded with
///   `total = max((out − 1)·stride + kernel − n, 0)` positions, ⌊total / 2⌋ before and the rest after
///   (so the padding is asymmetric when `total` is odd).
/// - `valid`: no padding; the output has ⌊(n − kernel) / stride⌋ + 1 positions per spatial axis.
public enum PaddingMode: String, Sendable {
    /// TensorFlow `SAME` padding (zeros for convolutions, ignored positions for max pooling).
    case same = "SAME"
    /// TensorFlow `VALID` padding (no padding at all).
    case valid = "VALID"
}
