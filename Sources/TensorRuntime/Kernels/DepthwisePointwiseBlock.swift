/// A depthwise convolution feeding a 1×1 convolution directly — the core of every BlazeBlock — computed one
/// output row at a time (internal).
///
/// For each output row the depthwise layer writes its row into a scratch row (`workspaceCount` floats, small
/// enough for L1), and the pointwise layer reads it from there, adds its residual, applies its activation and
/// writes the block's output row. The intermediate tensor never goes to memory, and one step (one hand-off when
/// threads share it) replaces two. Each value is computed exactly as by the two layers run one after the other,
/// except that the pointwise layer's pixel spans restart at every row.
final class DepthwisePointwiseBlock: @unchecked Sendable {
    let depthwise: DepthwiseConvolution2D
    let pointwise: Convolution2D

    /// Joins `depthwise` (no residual of its own) and `pointwise` (1×1, stride 1, no padding, on the depthwise
    /// output's size); nil when they do not fit together so.
    init?(depthwise: DepthwiseConvolution2D, pointwise: Convolution2D) {
        let d = depthwise.geometry, p = pointwise.geometry
        guard Convolution2D.isPointwise(p), pointwise.strategy == .direct, p.inputHeight == d.outputHeight,
              p.inputWidth == d.outputWidth, p.inputChannels == d.outputChannels else { return nil }
        self.depthwise = depthwise
        self.pointwise = pointwise
    }

    /// One depthwise output row per thread.
    var workspaceCount: Int { depthwise.geometry.outputWidth * depthwise.geometry.outputChannels }
    /// Independent work units: the output rows.
    var workUnitCount: Int { depthwise.geometry.outputHeight }

    /// Computes output rows `units` of the block: `input` is the depthwise input, `residual` the pointwise
    /// layer's residual, `output` the pointwise output; `workspace` holds `workspaceCount` floats.
    func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
             workspace: UnsafeMutablePointer<Float>?, units: Range<Int>) {
        guard let workspace else { return }
        let width = depthwise.geometry.outputWidth
        let outputChannels = pointwise.geometry.outputChannels
        for row in units {
            depthwise.computeRow(row, input: input, residual: nil, outputRow: workspace)
            pointwise.runPointwise(source: workspace, pixels: width, firstPixel: row * width, residual: residual,
                                   output: output + row * width * outputChannels)
        }
    }
}

extension DepthwisePointwiseBlock: ConvolutionKernel {}
