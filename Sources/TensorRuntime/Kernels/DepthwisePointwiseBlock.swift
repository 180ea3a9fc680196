/// A depthwise convolution feeding a 1×1 convolution directly — the core of every BlazeBlock — computed one
/// output row at a time (internal).
///
/// For each few output rows the depthwise layer writes its rows into scratch rows (`workspaceCount` floats, small
/// enough for L1), and the pointwise layer reads them from there, adds its residual, applies its activation and
/// writes the block's output row. The intermediate tensor never goes to memory, and one step (one hand-off when
/// threads share it) replaces two. Each value is computed exactly as by the two layers run one after the other,
/// except that the pointwise layer's pixel spans restart at every work unit.
final class DepthwisePointwiseBlock: @unchecked Sendable {
    let depthwise: DepthwiseConvolution2D
    let pointwise: Convolution2D

    /// Output rows per work unit: enough for a span of about `ConvolutionMicroKernel.spanPixels` pixels on narrow
    /// maps (the pointwise weights are then streamed once per span, not once per row), bounded so the scratch rows
    /// stay in L1 and the map still divides into at least two units.
    let rowsPerUnit: Int
    let workUnitCount: Int
    /// Scratch floats per thread: `rowsPerUnit` depthwise output rows.
    let workspaceCount: Int
    /// The smallest map (output pixels) the row-wise order pays for; the planner joins no smaller layers.
    static let minimumMapPixels = 16

    /// Joins `depthwise` (no residual of its own) and `pointwise` (1×1, stride 1, no padding, on the depthwise
    /// output's size); nil when they do not fit together so, or when the map is smaller than `minimumMapPixels`.
    init?(depthwise: DepthwiseConvolution2D, pointwise: Convolution2D) {
        let d = depthwise.geometry, p = pointwise.geometry
        guard Convolution2D.isPointwise(p), pointwise.strategy == .direct, p.inputHeight == d.outputHeight,
              p.inputWidth == d.outputWidth, p.inputChannels == d.outputChannels,
              d.outputHeight * d.outputWidth >= Self.minimumMapPixels else { return nil }
        self.depthwise = depthwise
        self.pointwise = pointwise
        let rowFloats = d.outputWidth * d.outputChannels
        var rows = max(1, ConvolutionMicroKernel.spanPixels / d.outputWidth)
        rows = min(rows, max(1, 6144 / rowFloats), max(1, (d.outputHeight + 1) / 2))
        rowsPerUnit = rows
        workUnitCount = (d.outputHeight + rows - 1) / rows
        workspaceCount = rows * rowFloats
    }

    /// Computes the output rows of work units `units` (unit u: rows u·rowsPerUnit ..< (u+1)·rowsPerUnit) of the
    /// block: `input` is the depthwise input, `residual` the pointwise layer's residual, `output` the pointwise
    /// output; `workspace` holds `workspaceCount` floats.
    func run(input: UnsafePointer<Float>, residual: ResidualInput?, output: UnsafeMutablePointer<Float>,
             workspace: UnsafeMutablePointer<Float>?, units: Range<Int>) {
        guard let workspace else { return }
        let width = depthwise.geometry.outputWidth, height = depthwise.geometry.outputHeight
        let rowFloats = width * depthwise.geometry.outputChannels
        let outputChannels = pointwise.geometry.outputChannels
        for unit in units {
            let firstRow = unit * rowsPerUnit, endRow = min(height, firstRow + rowsPerUnit)
            for row in firstRow..<endRow {
                depthwise.computeRow(row, input: input, residual: nil,
                                     outputRow: workspace + (row - firstRow) * rowFloats)
            }
            pointwise.runPointwise(source: workspace, pixels: (endRow - firstRow) * width, firstPixel: firstRow * width,
                                   residual: residual, output: output + firstRow * width * outputChannels)
        }
    }
}

extension DepthwisePointwiseBlock: ConvolutionKernel {}
