/// A convolution together with the operators folded into it: a spatial zero PAD in front of a VALID convolution
/// (read as the convolution's own padding), and in its epilogue the residual ADD of a BlazeBlock (whose
/// channel-padding PAD shortcut is replaced by a partial residual; the ADD may carry a fused RELU) and the following
/// PRELU or RELU.
struct ConvolutionFusion {
    /// The CONV_2D or DEPTHWISE_CONV_2D operator.
    let convolution: Int
    /// The ADD operator folded in, if any.
    var add: Int?
    /// The tensor added as residual (the PAD's input when the PAD is skipped).
    var residual: Int?
    /// The trailing-channel PAD operator replaced by a partial residual, if any.
    var skippedPad: Int?
    /// The PRELU or RELU operator folded in, if any.
    var activation: Int?
    /// The folded ADD applies a fused RELU (full-range detector).
    var addAppliesReLU = false
    /// The spatial PAD whose input the convolution reads directly, with its zero rows and columns as the
    /// convolution's padding (top, bottom, left, right), if any.
    var inputPad: (index: Int, top: Int, bottom: Int, left: Int, right: Int)?

    /// Operators whose work this step does, in graph order.
    var members: [Int] { ([convolution] + [inputPad?.index, skippedPad, add, activation].compactMap { $0 }).sorted() }
    /// The last operator of the chain: the step runs at its position, when every operand exists.
    var last: Int { members.max()! }

    /// Finds the fusion chain starting at convolution `index`. Only operators whose intermediate results nobody else
    /// reads are folded in.
    static func find(startingAt index: Int, in builder: PlanBuilder) -> ConvolutionFusion {
        var fusion = ConvolutionFusion(convolution: index)
        let convolution = builder.op(index)
        fusion.inputPad = foldableInputPad(of: index, in: builder)
        guard convolution.outputs.count == 1, (convolution.string("fused_activation") ?? "NONE") == "NONE" else {
            return fusion
        }
        var current = convolution.outputs[0]
        let tensors = builder.file.tensors
        if builder.isPrivate(current), let addIndex = builder.consumers[current].first,
           builder.op(addIndex).type == .add, builder.op(addIndex).inputs.count == 2,
           builder.op(addIndex).outputs.count == 1,
           ["NONE", "RELU"].contains(builder.op(addIndex).string("fused_activation") ?? "NONE") {
            let add = builder.op(addIndex)
            let other = add.inputs[0] == current ? add.inputs[1] : add.inputs[0]
            if other >= 0, other != current, !tensors[other].isConstant,
               tensors[other].shape == tensors[current].shape {
                fusion.add = addIndex
                fusion.residual = other
                if let padIndex = producer(of: other, in: builder), isTrailingChannelPad(padIndex, builder),
                   builder.isPrivate(other) {
                    fusion.skippedPad = padIndex
                    fusion.residual = builder.op(padIndex).inputs[0]
                }
                fusion.addAppliesReLU = add.string("fused_activation") == "RELU"
                current = add.outputs[0]
            }
        }
        if !fusion.addAppliesReLU, builder.isPrivate(current), let activationIndex = builder.consumers[current].first {
            let activation = builder.op(activationIndex)
            if activation.type == .relu, activation.inputs == [current], activation.outputs.count == 1 {
                fusion.activation = activationIndex
            } else if activation.type == .prelu, activation.inputs.count == 2, activation.inputs[0] == current,
                      activation.outputs.count == 1, activation.inputs[1] >= 0,
                      tensors[activation.inputs[1]].isConstant,
                      tensors[activation.inputs[1]].elementCount == tensors[current].shape.last {
                fusion.activation = activationIndex
            }
        }
        return fusion
    }

    /// For a depthwise convolution alone (no ADD or activation folded in), the convolution chain among `chains`
    /// that can run fused with it: a CONV_2D with a 1×1 filter, stride 1 and no dilation that is the only reader of
    /// the depthwise output, as its input, on a map of at least `DepthwisePointwiseBlock.minimumMapPixels` pixels.
    /// (Its input size equals the depthwise output's, so it has no padding.)
    func joinsPointwise(_ chains: [ConvolutionFusion], in builder: PlanBuilder) -> ConvolutionFusion? {
        let depthwise = builder.op(convolution)
        guard depthwise.type == .depthwiseConv2D, add == nil, activation == nil, depthwise.outputs.count == 1,
              (depthwise.string("fused_activation") ?? "NONE") == "NONE" else { return nil }
        let intermediate = depthwise.outputs[0]
        guard builder.isPrivate(intermediate), let reader = builder.consumers[intermediate].first else { return nil }
        let pointwise = builder.op(reader)
        guard pointwise.type == .conv2D, pointwise.inputs.count >= 2, pointwise.inputs[0] == intermediate,
              pointwise.inputs[1] >= 0, builder.file.tensors[pointwise.inputs[1]].shape.count == 4,
              builder.file.tensors[pointwise.inputs[1]].shape[1...2] == [1, 1],
              pointwise.int("stride_h") == 1, pointwise.int("stride_w") == 1,
              (pointwise.int("dilation_h") ?? 1) == 1, (pointwise.int("dilation_w") ?? 1) == 1 else { return nil }
        let shape = builder.file.tensors[intermediate].shape
        guard shape.count == 4, shape[1] * shape[2] >= DepthwisePointwiseBlock.minimumMapPixels else { return nil }
        return chains.first { $0.convolution == reader }
    }

    private static func producer(of tensor: Int, in builder: PlanBuilder) -> Int? {
        builder.file.operators.firstIndex { $0.outputs.contains(tensor) }
    }

    /// The PAD in front of convolution `index` that the convolution can take over as its own padding: a PAD that
    /// adds zero rows and columns only (paddings [[0,0],[t,b],[l,r],[0,0]], each below the kernel size), whose output
    /// only this VALID convolution reads.
    private static func foldableInputPad(of index: Int, in builder: PlanBuilder)
        -> (index: Int, top: Int, bottom: Int, left: Int, right: Int)?
    {
        let convolution = builder.op(index)
        guard convolution.string("padding") == "VALID", convolution.inputs.count >= 2, convolution.inputs[0] >= 0,
              convolution.inputs[1] >= 0, builder.isPrivate(convolution.inputs[0]),
              let padIndex = producer(of: convolution.inputs[0], in: builder) else { return nil }
        let pad = builder.op(padIndex)
        let filter = builder.file.tensors[convolution.inputs[1]].shape
        guard pad.type == .pad, pad.inputs.count == 2, pad.outputs.count == 1, pad.inputs[0] >= 0, pad.inputs[1] >= 0,
              builder.file.tensors[pad.inputs[1]].isConstant, builder.file.tensors[pad.inputs[0]].shape.count == 4,
              filter.count == 4 else { return nil }
        let p = builder.file.intData(ofTensor: pad.inputs[1])
        guard p.count == 8, p[0] == 0, p[1] == 0, p[6] == 0, p[7] == 0, p[2...5].allSatisfy({ $0 >= 0 }),
              p[2] < filter[1], p[3] < filter[1], p[4] < filter[2], p[5] < filter[2],
              p[2...5].contains(where: { $0 > 0 }) else { return nil }
        return (padIndex, p[2], p[3], p[4], p[5])
    }

    /// A PAD that only appends zero channels to a 4-D tensor (paddings [[0,0],[0,0],[0,0],[0,k]]).
    private static func isTrailingChannelPad(_ index: Int, _ builder: PlanBuilder) -> Bool {
        let pad = builder.op(index)
        guard pad.type == .pad, pad.inputs.count == 2, pad.outputs.count == 1, pad.inputs[0] >= 0, pad.inputs[1] >= 0,
              builder.file.tensors[pad.inputs[1]].isConstant,
              builder.file.tensors[pad.inputs[0]].shape.count == 4 else { return false }
        let paddings = builder.file.intData(ofTensor: pad.inputs[1])
        return paddings.count == 8 && paddings[0..<7].allSatisfy { $0 == 0 } && paddings[7] >= 0
    }
}

/// A depthwise convolution feeding a 1×1 convolution directly — the core of every BlazeBlock — computed one
/// output row at a time (internal).
///
/// For each few output rows the depthwise layer writes its rows into scratch rows (`workspaceCount` floats, small
/// enough for L1), and the pointwise layer reads them from there, adds its residual, applies its activation and
/// writes the block's output row. The intermediate tensor never goes to memory, and one step (one hand-off when
/// threads share it) replaces two. Each value is computed exactly as by the two layers run one after the other,
/// except that the pointwise layer's pixel spans restart at every work unit.
final class DepthwisePointwiseBlock: @unchecked Sendable {
    let depthwise: DepthwiseConv2D
    let pointwise: Conv2D

    /// Output rows per work unit: enough for a span of about `ConvolutionMicroKernel.spanPixels` pixels on narrow
    /// maps (the pointwise weights are then streamed once per span, not once per row), bounded so the scratch rows
    /// stay in L1 and the map still divides into at least two units; within those bounds, up to about twice as
    /// many rows when that makes a unit's pixels a multiple of `unitPixelMultiple`. Then, on maps of even width,
    /// the count that two threads share most evenly when that shortens the busier thread's rows by more than 5%
    /// (`balancedRows`).
    let rowsPerUnit: Int
    let workUnitCount: Int
    /// Scratch floats per thread: `rowsPerUnit` depthwise output rows.
    let workspaceCount: Int
    /// The smallest map (output pixels) the row-wise order pays for; the planner joins no smaller layers.
    static let minimumMapPixels = 16
    /// A unit's pixels, where the bounds allow, are a multiple of this: the full register tiles of both widths
    /// (`ConvolutionMicroKernel.tilePixels`, 6, and the AVX-512 tiles' 12), so the pointwise pass runs no smaller
    /// tile (a 32-pixel row alone would end in an 8-pixel tile; three rows make 96 = 8 × 12).
    static let unitPixelMultiple = 12

    /// Joins `depthwise` (no residual of its own) and `pointwise` (1×1, stride 1, no padding, on the depthwise
    /// output's size); nil when they do not fit together so, or when the map is smaller than `minimumMapPixels`.
    init?(depthwise: DepthwiseConv2D, pointwise: Conv2D) {
        let d = depthwise.geometry, p = pointwise.geometry
        guard Conv2D.isPointwise(p), pointwise.strategy == .direct, p.inputHeight == d.outputHeight,
              p.inputWidth == d.outputWidth, p.inputChannels == d.outputChannels,
              d.outputHeight * d.outputWidth >= Self.minimumMapPixels else { return nil }
        self.depthwise = depthwise
        self.pointwise = pointwise
        let rowFloats = d.outputWidth * d.outputChannels
        let maximumRows = min(max(1, 6144 / rowFloats), max(1, (d.outputHeight + 1) / 2))
        var rows = min(max(1, ConvolutionMicroKernel.spanPixels / d.outputWidth), maximumRows)
        if let whole = (rows...min(maximumRows, 2 * rows + 1)).first(where: { $0 * d.outputWidth % Self.unitPixelMultiple == 0 }) {
            rows = whole
        }
        if d.outputWidth % 2 == 0 {
            rows = Self.balancedRows(height: d.outputHeight, width: d.outputWidth, preferred: rows,
                                     maximum: maximumRows)
        }
        rowsPerUnit = rows
        workUnitCount = (d.outputHeight + rows - 1) / rows
        workspaceCount = rows * rowFloats
    }

    /// Rows computed by the busier thread when two threads take the units of `rows` rows of a `height`-row map as
    /// two contiguous halves (`ParallelSchedule.units`: the second half gets the extra unit of an odd count).
    static func busierHalf(height: Int, rows: Int) -> Int {
        let units = (height + rows - 1) / rows
        let firstHalf = ParallelSchedule.units(part: 0, of: 2, units: units).count * rows
        return max(firstHalf, height - firstHalf)
    }

    /// Rows per unit for two threads on a map of `height` rows of `width` pixels (`maximum` rows at most): among
    /// the counts whose units hold at least one full `unitPixelMultiple`-pixel tile, the one with the fewest rows on
    /// the busier thread (`busierHalf`), then a multiple of `unitPixelMultiple` pixels, then the largest; it replaces
    /// `preferred` only when that thread's rows drop by more than 5%. A 12-row map in units of 4 rows is 3 units,
    /// 8 rows on one thread and 4 on the other (1.5× at best); in units of 3 rows each thread has 6. On an even
    /// width every unit has an even pixel count whatever the choice, so no unit ends in the lone last pixel that
    /// the tiles sum in another order, and the outputs are the same bits.
    static func balancedRows(height: Int, width: Int, preferred: Int, maximum: Int) -> Int {
        let fewest = (unitPixelMultiple + width - 1) / width
        guard fewest <= maximum else { return preferred }
        // Smaller is better: the busier thread's rows, then 0 for whole tiles, then more rows.
        func rank(_ rows: Int) -> (Int, Int, Int) {
            (busierHalf(height: height, rows: rows), rows * width % unitPixelMultiple == 0 ? 0 : 1, -rows)
        }
        let best = (fewest...maximum).min { rank($0) < rank($1) }!
        return busierHalf(height: height, rows: preferred) * 20 > busierHalf(height: height, rows: best) * 21
            ? best : preferred
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
