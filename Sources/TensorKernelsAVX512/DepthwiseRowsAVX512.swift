/// One output row of a 3×3 depthwise convolution at AVX-512 width (16 channels per register).
///
/// The same computation as the AVX2 `DepthwiseConv2D.row3x3` and `DepthwiseTaps3x3` of TensorRuntime, bit for
/// bit: lanes are channels, and every output sums bias and taps with fused multiply-adds in the same order
/// (interior windows of the rolling kernels column by column: taps 0, 3, 6, 1, 4, 7, 2, 5, 8; border and
/// stride > 2 windows row by row). Used for layers with at least 16 channels; when the count is not a multiple
/// of 16 the last block overlaps the previous one and recomputes those channels identically. Call only on CPUs
/// with AVX-512. `reference` below spells the arithmetic out in scalar code.
package enum DepthwiseRowsAVX512 {
    /// The geometry of one row call: input channels (= output channels), the horizontal stride and left padding,
    /// the output width, output columns [interiorStart, interiorEnd) whose windows lie inside the input (border
    /// columns lose exactly one window column), and output columns per chunk.
    package struct Row {
        package var channels, strideWidth, padLeft, outputWidth, interiorStart, interiorEnd, columnsPerChunk: Int

        /// Describes a row call (see the type's description).
        @inlinable
        package init(channels: Int, strideWidth: Int, padLeft: Int, outputWidth: Int, interiorStart: Int,
                     interiorEnd: Int, columnsPerChunk: Int) {
            self.channels = channels
            self.strideWidth = strideWidth
            self.padLeft = padLeft
            self.outputWidth = outputWidth
            self.interiorStart = interiorStart
            self.interiorEnd = interiorEnd
            self.columnsPerChunk = columnsPerChunk
        }
    }

    /// Writes bias + the 3×3 window sums of one output row (NHWC, `row.channels` floats per pixel) at `output`.
    /// `top`, `middle`, `bottom` are the window's three input rows (a zero row where the window overhangs the
    /// input); `weights` is [9, channels], `bias` has `channels` floats.
    @inline(never)
    package static func row3x3(top: UnsafePointer<Float>, middle: UnsafePointer<Float>, bottom: UnsafePointer<Float>,
                               weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, row: Row,
                               output: UnsafeMutablePointer<Float>) {
        let channels = row.channels, stride = row.strideWidth
        var chunkStart = 0
        while chunkStart < row.outputWidth {
            let chunkEnd = min(row.outputWidth, chunkStart + row.columnsPerChunk)
            var channel = 0
            while channel < channels {
                let block = min(channel, channels - 16)
                let taps = Taps(weights: weights, bias: bias, channels: channels, channel: block)
                var outputX = chunkStart
                while outputX < min(chunkEnd, row.interiorStart) {
                    let offset = (outputX * stride - row.padLeft + 1) * channels + block
                    store(taps.sumWithoutLeftColumn(top + offset, middle + offset, bottom + offset, channels),
                          output + outputX * channels + block)
                    outputX += 1
                }
                let interiorEnd = min(chunkEnd, row.interiorEnd)
                if outputX < interiorEnd && stride <= 2 {
                    let offset = (outputX * stride - row.padLeft) * channels + block
                    taps.roll(stride: stride, top + offset, middle + offset, bottom + offset,
                              count: interiorEnd - outputX, channels: channels,
                              output: output + outputX * channels + block)
                    outputX = interiorEnd
                }
                while outputX < interiorEnd {
                    let offset = (outputX * stride - row.padLeft) * channels + block
                    store(taps.sum(top + offset, middle + offset, bottom + offset, channels),
                          output + outputX * channels + block)
                    outputX += 1
                }
                while outputX < chunkEnd {
                    let offset = (outputX * stride - row.padLeft) * channels + block
                    store(taps.sumWithoutRightColumn(top + offset, middle + offset, bottom + offset, channels),
                          output + outputX * channels + block)
                    outputX += 1
                }
                channel += 16
            }
            chunkStart = chunkEnd
        }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    private static func store(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
    }

    /// The nine weights and the bias of one 16-channel block, in registers.
    private struct Taps {
        var w0, w1, w2, w3, w4, w5, w6, w7, w8, bias: SIMD16<Float>

        @inline(__always)
        init(weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, channels: Int, channel: Int) {
            let w = weights + channel
            w0 = load(w)
            w1 = load(w + channels)
            w2 = load(w + 2 * channels)
            w3 = load(w + 3 * channels)
            w4 = load(w + 4 * channels)
            w5 = load(w + 5 * channels)
            w6 = load(w + 6 * channels)
            w7 = load(w + 7 * channels)
            w8 = load(w + 8 * channels)
            self.bias = load(bias + channel)
        }

        /// bias + all nine taps row by row; the pointers address the window's left column.
        @inline(__always)
        func sum(_ t: UnsafePointer<Float>, _ m: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                 _ c: Int) -> SIMD16<Float> {
            var s = bias.addingProduct(load(t), w0)
            s = s.addingProduct(load(t + c), w1)
            s = s.addingProduct(load(t + 2 * c), w2)
            s = s.addingProduct(load(m), w3)
            s = s.addingProduct(load(m + c), w4)
            s = s.addingProduct(load(m + 2 * c), w5)
            s = s.addingProduct(load(b), w6)
            s = s.addingProduct(load(b + c), w7)
            return s.addingProduct(load(b + 2 * c), w8)
        }

        /// bias + the middle and right columns; the pointers address input column 0 (the window's middle).
        @inline(__always)
        func sumWithoutLeftColumn(_ t: UnsafePointer<Float>, _ m: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                  _ c: Int) -> SIMD16<Float> {
            var s = bias.addingProduct(load(t), w1)
            s = s.addingProduct(load(t + c), w2)
            s = s.addingProduct(load(m), w4)
            s = s.addingProduct(load(m + c), w5)
            s = s.addingProduct(load(b), w7)
            return s.addingProduct(load(b + c), w8)
        }

        /// bias + the left and middle columns; the pointers address the window's left column.
        @inline(__always)
        func sumWithoutRightColumn(_ t: UnsafePointer<Float>, _ m: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                   _ c: Int) -> SIMD16<Float> {
            var s = bias.addingProduct(load(t), w0)
            s = s.addingProduct(load(t + c), w1)
            s = s.addingProduct(load(m), w3)
            s = s.addingProduct(load(m + c), w4)
            s = s.addingProduct(load(b), w6)
            return s.addingProduct(load(b + c), w7)
        }

        /// Interior outputs 0..<count of stride 1 or 2 whose windows start at `t`, `m`, `b` (output i starts
        /// `i · stride · channels` floats further). Input columns shared by neighbouring windows are loaded once;
        /// each window is summed column by column.
        @inline(__always)
        func roll(stride: Int, _ t: UnsafePointer<Float>, _ m: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                  count: Int, channels c: Int, output: UnsafeMutablePointer<Float>) {
            if stride == 1 {
                var current = bias.addingProduct(load(t), w0)
                current = current.addingProduct(load(m), w3)
                current = current.addingProduct(load(b), w6)
                var top = load(t + c), middle = load(m + c), bottom = load(b + c)
                current = current.addingProduct(top, w1)
                current = current.addingProduct(middle, w4)
                current = current.addingProduct(bottom, w7)
                var next = bias.addingProduct(top, w0)
                next = next.addingProduct(middle, w3)
                next = next.addingProduct(bottom, w6)
                // Pointers advance one column per output (wrapping arithmetic: no overflow checks in the loop).
                var topColumn = t + 2 &* c, middleColumn = m + 2 &* c, bottomColumn = b + 2 &* c
                var destination = output
                var remaining = count
                while remaining > 0 {
                    top = load(topColumn)
                    middle = load(middleColumn)
                    bottom = load(bottomColumn)
                    var finished = current.addingProduct(top, w2)
                    finished = finished.addingProduct(middle, w5)
                    finished = finished.addingProduct(bottom, w8)
                    store(finished, destination)
                    current = next.addingProduct(top, w1)
                    current = current.addingProduct(middle, w4)
                    current = current.addingProduct(bottom, w7)
                    next = bias.addingProduct(top, w0)
                    next = next.addingProduct(middle, w3)
                    next = next.addingProduct(bottom, w6)
                    topColumn += c
                    middleColumn += c
                    bottomColumn += c
                    destination += c
                    remaining &-= 1
                }
            } else {
                var carry = bias.addingProduct(load(t), w0)
                carry = carry.addingProduct(load(m), w3)
                carry = carry.addingProduct(load(b), w6)
                var offset = c
                for index in 0..<count {
                    var s = carry.addingProduct(load(t + offset), w1)
                    s = s.addingProduct(load(m + offset), w4)
                    s = s.addingProduct(load(b + offset), w7)
                    let top = load(t + offset + c), middle = load(m + offset + c), bottom = load(b + offset + c)
                    s = s.addingProduct(top, w2)
                    s = s.addingProduct(middle, w5)
                    s = s.addingProduct(bottom, w8)
                    store(s, output + index * c)
                    carry = bias.addingProduct(top, w0)
                    carry = carry.addingProduct(middle, w3)
                    carry = carry.addingProduct(bottom, w6)
                    offset += 2 * c
                }
            }
        }
    }
}

extension DepthwiseRowsAVX512 {
    /// Scalar reference of `row3x3`: the same values bit for bit. Output column x, channel c =
    /// bias[c] + Σ taps with fused multiply-adds; windows of `interiorStart..<interiorEnd` with stride ≤ 2 in column
    /// order (taps 0, 3, 6, 1, 4, 7, 2, 5, 8), all others in row order, border windows skipping the column that
    /// lies in the padding.
    package static func reference(top: UnsafePointer<Float>, middle: UnsafePointer<Float>,
                                  bottom: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                  bias: UnsafePointer<Float>, row: Row, output: UnsafeMutablePointer<Float>) {
        let rows = [top, middle, bottom], channels = row.channels
        for outputX in 0..<row.outputWidth {
            let firstColumn = outputX * row.strideWidth - row.padLeft
            let rolled = outputX >= row.interiorStart && outputX < row.interiorEnd && row.strideWidth <= 2
            let columns = outputX < row.interiorStart ? [1, 2] : outputX >= row.interiorEnd ? [0, 1] : [0, 1, 2]
            var order: [(Int, Int)] = []
            if rolled {
                for column in columns { for kernelY in 0..<3 { order.append((kernelY, column)) } }
            } else {
                for kernelY in 0..<3 { for column in columns { order.append((kernelY, column)) } }
            }
            for channel in 0..<channels {
                var sum = bias[channel]
                for (kernelY, column) in order {
                    sum = sum.addingProduct(rows[kernelY][(firstColumn + column) * channels + channel],
                                            weights[(kernelY * 3 + column) * channels + channel])
                }
                output[outputX * channels + channel] = sum
            }
        }
    }
}
