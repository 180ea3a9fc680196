/// The nine 3×3 weights and the bias of one 8-channel block, held in registers (internal).
///
/// Window pointers address the block's first channel at the window's top, middle and bottom input rows;
/// horizontal neighbours are `channels` floats apart.
struct DepthwiseTaps3x3 {
    var w0, w1, w2, w3, w4, w5, w6, w7, w8, bias: SIMD8<Float>

    /// Loads the block starting at channel `channel` from [9, channels] weights.
    @inline(__always)
    init(weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, channels: Int, channel: Int) {
        let w = weights + channel
        w0 = SIMDMemory.load8(w)
        w1 = SIMDMemory.load8(w + channels)
        w2 = SIMDMemory.load8(w + 2 * channels)
        w3 = SIMDMemory.load8(w + 3 * channels)
        w4 = SIMDMemory.load8(w + 4 * channels)
        w5 = SIMDMemory.load8(w + 5 * channels)
        w6 = SIMDMemory.load8(w + 6 * channels)
        w7 = SIMDMemory.load8(w + 7 * channels)
        w8 = SIMDMemory.load8(w + 8 * channels)
        self.bias = SIMDMemory.load8(bias + channel)
    }

    /// bias + all nine taps; the pointers address the window's left column.
    @inline(__always)
    func sum(_ top: UnsafePointer<Float>, _ middle: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>,
             channels: Int) -> SIMD8<Float> {
        var sum = SIMDMemory.multiplyAdd(bias, SIMDMemory.load8(top), w0)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(top + channels), w1)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(top + 2 * channels), w2)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle), w3)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + channels), w4)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + 2 * channels), w5)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom), w6)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + channels), w7)
        return SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + 2 * channels), w8)
    }

    /// bias + the middle and right columns (the left column lies in the padding); the pointers address the
    /// window's middle column, i.e. input column 0.
    @inline(__always)
    func sumWithoutLeftColumn(_ top: UnsafePointer<Float>, _ middle: UnsafePointer<Float>,
                              _ bottom: UnsafePointer<Float>, channels: Int) -> SIMD8<Float> {
        var sum = SIMDMemory.multiplyAdd(bias, SIMDMemory.load8(top), w1)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(top + channels), w2)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle), w4)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + channels), w5)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom), w7)
        return SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + channels), w8)
    }

    /// bias + the left and middle columns (the right column lies in the padding); the pointers address the
    /// window's left column.
    @inline(__always)
    func sumWithoutRightColumn(_ top: UnsafePointer<Float>, _ middle: UnsafePointer<Float>,
                               _ bottom: UnsafePointer<Float>, channels: Int) -> SIMD8<Float> {
        var sum = SIMDMemory.multiplyAdd(bias, SIMDMemory.load8(top), w0)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(top + channels), w1)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle), w3)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + channels), w4)
        sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom), w6)
        return SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + channels), w7)
    }
}

extension DepthwiseTaps3x3 {
    /// Stride-1 interior outputs 0..<count whose windows start at input column pointers `top`, `middle`, `bottom`
    /// (output i starts `i · channels` floats further). Each input column is loaded once and feeds the three
    /// outputs that overlap it through three rolling accumulators: 3 loads per 9 FMAs.
    @inline(__always)
    func rollStride1(_ top: UnsafePointer<Float>, _ middle: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>,
                     count: Int, channels: Int, output: UnsafeMutablePointer<Float>, outputStride: Int) {
        // Column 0 of window 0, then column 1 (column 1 of window 0 and column 0 of window 1).
        var current = SIMDMemory.multiplyAdd(bias, SIMDMemory.load8(top), w0)
        current = SIMDMemory.multiplyAdd(current, SIMDMemory.load8(middle), w3)
        current = SIMDMemory.multiplyAdd(current, SIMDMemory.load8(bottom), w6)
        var t = SIMDMemory.load8(top + channels), m = SIMDMemory.load8(middle + channels)
        var b = SIMDMemory.load8(bottom + channels)
        current = SIMDMemory.multiplyAdd(current, t, w1)
        current = SIMDMemory.multiplyAdd(current, m, w4)
        current = SIMDMemory.multiplyAdd(current, b, w7)
        var next = SIMDMemory.multiplyAdd(bias, t, w0)
        next = SIMDMemory.multiplyAdd(next, m, w3)
        next = SIMDMemory.multiplyAdd(next, b, w6)
        var offset = 2 * channels
        for index in 0..<count {
            t = SIMDMemory.load8(top + offset)
            m = SIMDMemory.load8(middle + offset)
            b = SIMDMemory.load8(bottom + offset)
            var finished = SIMDMemory.multiplyAdd(current, t, w2)
            finished = SIMDMemory.multiplyAdd(finished, m, w5)
            finished = SIMDMemory.multiplyAdd(finished, b, w8)
            SIMDMemory.store8(finished, output + index * outputStride)
            current = SIMDMemory.multiplyAdd(next, t, w1)
            current = SIMDMemory.multiplyAdd(current, m, w4)
            current = SIMDMemory.multiplyAdd(current, b, w7)
            next = SIMDMemory.multiplyAdd(bias, t, w0)
            next = SIMDMemory.multiplyAdd(next, m, w3)
            next = SIMDMemory.multiplyAdd(next, b, w6)
            offset += channels
        }
    }

    /// Stride-2 interior outputs 0..<count whose windows start at `top`, `middle`, `bottom` (output i starts
    /// `2 · i · channels` floats further). The column shared by neighbouring windows is loaded once: 6 loads per
    /// 9 FMAs.
    @inline(__always)
    func rollStride2(_ top: UnsafePointer<Float>, _ middle: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>,
                     count: Int, channels: Int, output: UnsafeMutablePointer<Float>, outputStride: Int) {
        var carry = SIMDMemory.multiplyAdd(bias, SIMDMemory.load8(top), w0)
        carry = SIMDMemory.multiplyAdd(carry, SIMDMemory.load8(middle), w3)
        carry = SIMDMemory.multiplyAdd(carry, SIMDMemory.load8(bottom), w6)
        var offset = channels
        for index in 0..<count {
            var sum = SIMDMemory.multiplyAdd(carry, SIMDMemory.load8(top + offset), w1)
            sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(middle + offset), w4)
            sum = SIMDMemory.multiplyAdd(sum, SIMDMemory.load8(bottom + offset), w7)
            let t = SIMDMemory.load8(top + offset + channels), m = SIMDMemory.load8(middle + offset + channels)
            let b = SIMDMemory.load8(bottom + offset + channels)
            sum = SIMDMemory.multiplyAdd(sum, t, w2)
            sum = SIMDMemory.multiplyAdd(sum, m, w5)
            sum = SIMDMemory.multiplyAdd(sum, b, w8)
            SIMDMemory.store8(sum, output + index * outputStride)
            carry = SIMDMemory.multiplyAdd(bias, t, w0)
            carry = SIMDMemory.multiplyAdd(carry, m, w3)
            carry = SIMDMemory.multiplyAdd(carry, b, w6)
            offset += 2 * channels
        }
    }
}

/// Column layout of a 3×3 depthwise layer for the fast path (internal): output columns [0, interiorStart) lose
/// their left window column to the padding, [interiorEnd, outputWidth) lose their right one, the rest are whole.
struct Depthwise3x3Columns: Equatable {
    var interiorStart: Int
    var interiorEnd: Int

    /// The layout for `g`, or nil when some border column loses more than one window column (tiny inputs,
    /// unusual paddings) or when the layer is not 3×3 with at least 8 channels.
    init?(_ g: ConvolutionGeometry) {
        guard g.kernelHeight == 3, g.kernelWidth == 3, g.inputChannels >= 8 else { return nil }
        var start = 0
        while start < g.outputWidth && start * g.strideWidth - g.padLeft < 0 { start += 1 }
        var end = g.outputWidth
        while end > start && (end - 1) * g.strideWidth - g.padLeft + 3 > g.inputWidth { end -= 1 }
        for column in 0..<start where column * g.strideWidth - g.padLeft != -1
            || column * g.strideWidth - g.padLeft + 3 > g.inputWidth {
            return nil
        }
        for column in end..<g.outputWidth where column * g.strideWidth - g.padLeft + 2 != g.inputWidth {
            return nil
        }
        interiorStart = start
        interiorEnd = end
    }
}

extension DepthwiseConv2D {
    /// Output columns per chunk: the chunk's three input row segments must stay in L1 while every 8-channel block
    /// sweeps them.
    static func columnsPerChunk(_ g: ConvolutionGeometry) -> Int {
        max(2, 2048 / max(1, g.strideWidth * g.inputChannels))
    }

    /// One output row of a 3×3 layer with at least 8 channels (sums plus bias).
    ///
    /// `top`, `middle`, `bottom` point at the three input rows of the window (a zero row where the window
    /// overhangs the top or bottom of the input). 8-channel blocks, with their weights in registers, loop inside
    /// column chunks; interior windows of stride 1 and 2 use the rolling kernels that load shared input columns
    /// once. When the channel count is not a multiple of 8, the last block overlaps the previous one and
    /// recomputes those channels identically.
    @inline(__always)
    func row3x3(top: UnsafePointer<Float>, middle: UnsafePointer<Float>, bottom: UnsafePointer<Float>,
                columns: Depthwise3x3Columns, output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let channels = g.inputChannels
        let chunk = Self.columnsPerChunk(g)
        var chunkStart = 0
        while chunkStart < g.outputWidth {
            let chunkEnd = min(g.outputWidth, chunkStart + chunk)
            var channel = 0
            while channel < channels {
                let block = min(channel, channels - 8)
                let taps = DepthwiseTaps3x3(weights: weights, bias: parameters.bias, channels: channels,
                                            channel: block)
                var outputX = chunkStart
                // Left border: the window starts one column before the input.
                while outputX < min(chunkEnd, columns.interiorStart) {
                    let offset = (outputX * g.strideWidth - g.padLeft + 1) * channels + block
                    SIMDMemory.store8(taps.sumWithoutLeftColumn(top + offset, middle + offset, bottom + offset,
                                                                channels: channels),
                                      output + outputX * channels + block)
                    outputX += 1
                }
                let interiorEnd = min(chunkEnd, columns.interiorEnd)
                if outputX < interiorEnd && g.strideWidth <= 2 {
                    // Rolling kernels: they read exactly the columns of the windows they compute.
                    let offset = (outputX * g.strideWidth - g.padLeft) * channels + block
                    let count = interiorEnd - outputX
                    if g.strideWidth == 1 {
                        taps.rollStride1(top + offset, middle + offset, bottom + offset, count: count,
                                         channels: channels, output: output + outputX * channels + block,
                                         outputStride: channels)
                    } else {
                        taps.rollStride2(top + offset, middle + offset, bottom + offset, count: count,
                                         channels: channels, output: output + outputX * channels + block,
                                         outputStride: channels)
                    }
                    outputX = interiorEnd
                }
                while outputX < interiorEnd {
                    let offset = (outputX * g.strideWidth - g.padLeft) * channels + block
                    SIMDMemory.store8(taps.sum(top + offset, middle + offset, bottom + offset, channels: channels),
                                      output + outputX * channels + block)
                    outputX += 1
                }
                // Right border: the window's last column lies past the input.
                while outputX < chunkEnd {
                    let offset = (outputX * g.strideWidth - g.padLeft) * channels + block
                    SIMDMemory.store8(taps.sumWithoutRightColumn(top + offset, middle + offset, bottom + offset,
                                                                 channels: channels),
                                      output + outputX * channels + block)
                    outputX += 1
                }
                channel += 8
            }
            chunkStart = chunkEnd
        }
    }
}
