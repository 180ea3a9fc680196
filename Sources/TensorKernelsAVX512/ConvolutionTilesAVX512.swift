import TensorKernelInterface

/// The direct convolution's register tiles at AVX-512 width (16 floats per register, 32 registers).
///
/// This module is compiled for AVX-512 (`-target-cpu skylake-avx512`) and must only be called on CPUs that have
/// it (TensorRuntime checks `RuntimeEnvironment.kernelInstructionSet`). It computes exactly what the AVX2 tiles of
/// `ConvolutionMicroKernel` (TensorRuntime) compute, bit for bit: every output value is
/// `epilogue(bias[c] + Σ_k a_p[k] · w[k, c])` accumulated with fused multiply-adds in k order, except the last
/// pixel of a call with an odd pixel count, which (as the AVX2 single-pixel tile does) accumulates even and odd k
/// in two sums, restarted at every segment and added at the end. Lanes are output channels, so the register width
/// changes how many channels share an instruction, never a value. `reference` below spells the arithmetic out in
/// scalar code; the tests compare the two, and this path against the AVX2 path, for equality.
///
/// Tiles: 12, 8, 6, 4 or 2 pixels × 32 channels (two weight panels, up to 24 accumulators) or × 16 channels (one
/// panel); a last block of 33...48 channels takes 8, 6, 4 or 2 pixels × 48 channels (three panels, 24
/// accumulators), so that each pixel's broadcast feeds three multiply-adds instead of a 16-channel pass of its own.
package enum ConvolutionTilesAVX512 {
    /// Pixels per full register tile.
    package static let tilePixels = 12

    /// Computes `pixels` consecutive output pixels (any count ≥ 1), the first being output pixel `firstPixel`,
    /// channels `layer.firstChannel..<layer.endChannel`, writing `layer.channels` floats per pixel at
    /// `output + p · layer.channels`. Pixel p's input starts at `source.base + p · source.pixelStride`.
    /// Channel blocks are the outer loop so that one block's weights stay in L1 while the tiles go by.
    @inline(never)
    package static func run(source: ConvolutionTileSource, pixels: Int, firstPixel: Int, layer: ConvolutionTileLayer,
                            output: UnsafeMutablePointer<Float>) {
        let tiled = pixels & ~1
        var block = layer.firstChannel
        while block < layer.endChannel {
            if layer.endChannel - block > 32, layer.endChannel - block <= 48 {
                runTriple(source: source, pixels: pixels, firstPixel: firstPixel, block: block, layer: layer,
                          output: output)
                break
            }
            let pair = block + 16 < layer.endChannel
            var done = 0
            while done < tiled {
                let remaining = tiled - done
                // 12, 8, 6 or 4 pixels, never leaving 2 behind when 4 or more remain: small tiles have too few
                // accumulators to hide the FMA latency (a 32-pixel row goes 12, 12, 8; a 16-pixel row 8, 8).
                // Every value gets the same arithmetic in any multi-pixel tile, so the mix changes no result.
                let count: Int
                switch remaining {
                case 2, 4, 6, 8, 12: count = remaining
                case 10: count = 6
                case 14, 16: count = 8
                default: count = 12
                }
                var tileSource = source
                tileSource.base = source.base + done * source.pixelStride
                let first = firstPixel + done, tileOutput = output + done * layer.channels
                switch (count, pair) {
                case (12, true): tile(Tile12x32.self, tileSource, first, block, layer, tileOutput)
                case (12, false): tile(Tile12x16.self, tileSource, first, block, layer, tileOutput)
                case (8, true): tile(Tile8x32.self, tileSource, first, block, layer, tileOutput)
                case (8, false): tile(Tile8x16.self, tileSource, first, block, layer, tileOutput)
                case (6, true): tile(Tile6x32.self, tileSource, first, block, layer, tileOutput)
                case (6, false): tile(Tile6x16.self, tileSource, first, block, layer, tileOutput)
                case (4, true): tile(Tile4x32.self, tileSource, first, block, layer, tileOutput)
                case (4, false): tile(Tile4x16.self, tileSource, first, block, layer, tileOutput)
                case (_, true): tile(Tile2x32.self, tileSource, first, block, layer, tileOutput)
                default: tile(Tile2x16.self, tileSource, first, block, layer, tileOutput)
                }
                done += count
            }
            if pixels > tiled {
                var lastSource = source
                lastSource.base = source.base + tiled * source.pixelStride
                let lastOutput = output + tiled * layer.channels
                singlePixel(lastSource, firstPixel + tiled, block, layer, lastOutput)
                if pair { singlePixel(lastSource, firstPixel + tiled, block + 16, layer, lastOutput) }
            }
            block += pair ? 32 : 16
        }
    }

    /// The last block of 33...48 channels (three 16-channel panels at `block`): 8-pixel tiles of 24 accumulators
    /// (two or four pixels at the end of an even run), the last pixel of an odd count as a single pixel per panel.
    /// Three panels share each pixel's broadcast, which halves the loads per multiply-add of a 32-channel pass
    /// followed by a 16-channel one.
    @inline(__always)
    private static func runTriple(source: ConvolutionTileSource, pixels: Int, firstPixel: Int, block: Int,
                                  layer: ConvolutionTileLayer, output: UnsafeMutablePointer<Float>) {
        let tiled = pixels & ~1
        var done = 0
        while done < tiled {
            let remaining = tiled - done
            let count = remaining >= 8 ? (remaining == 10 ? 6 : 8) : remaining
            var tileSource = source
            tileSource.base = source.base + done * source.pixelStride
            let first = firstPixel + done, tileOutput = output + done * layer.channels
            switch count {
            case 8: tripleTile(Triple8.self, tileSource, first, block, layer, tileOutput)
            case 6: tripleTile(Triple6.self, tileSource, first, block, layer, tileOutput)
            case 4: tripleTile(Triple4.self, tileSource, first, block, layer, tileOutput)
            default: tripleTile(Triple2.self, tileSource, first, block, layer, tileOutput)
            }
            done += count
        }
        if pixels > tiled {
            var lastSource = source
            lastSource.base = source.base + tiled * source.pixelStride
            let lastOutput = output + tiled * layer.channels
            for panel in 0..<3 { singlePixel(lastSource, firstPixel + tiled, block + 16 * panel, layer, lastOutput) }
        }
    }

    /// `Shape.pixels` (2, 4, 6 or 8) pixels × the three 16-channel panels at `block`, `block + 16`, `block + 32`.
    @inline(__always)
    private static func tripleTile<Shape: TripleTileShape>(_ shape: Shape.Type, _ source: ConvolutionTileSource,
                                                          _ firstPixel: Int, _ block: Int,
                                                          _ layer: ConvolutionTileLayer,
                                                          _ output: UnsafeMutablePointer<Float>) {
        let count = Shape.pixels
        let bias0 = load16(layer.bias + block), bias1 = load16(layer.bias + block + 16)
        let bias2 = load16(layer.bias + block + 32)
        var c00 = bias0, c01 = bias1, c02 = bias2, c10 = bias0, c11 = bias1, c12 = bias2
        var c20 = bias0, c21 = bias1, c22 = bias2, c30 = bias0, c31 = bias1, c32 = bias2
        var c40 = bias0, c41 = bias1, c42 = bias2, c50 = bias0, c51 = bias1, c52 = bias2
        var c60 = bias0, c61 = bias1, c62 = bias2, c70 = bias0, c71 = bias1, c72 = bias2
        var panel0 = layer.weights + block * layer.patchLength
        var panel1 = panel0 + 16 * layer.patchLength, panel2 = panel1 + 16 * layer.patchLength
        let stride = source.pixelStride
        for segment in 0..<source.segmentCount {
            let a0 = source.base + segment &* source.segmentStride
            for k in 0..<source.segmentLength {
                let w0 = load16(panel0), w1 = load16(panel1), w2 = load16(panel2)
                panel0 += 16
                panel1 += 16
                panel2 += 16
                @inline(__always) func input(_ pixel: Int) -> SIMD16<Float> {
                    SIMD16<Float>(repeating: a0[pixel &* stride &+ k])
                }
                let x0 = input(0), x1 = input(1)
                c00 = c00.addingProduct(x0, w0)
                c01 = c01.addingProduct(x0, w1)
                c02 = c02.addingProduct(x0, w2)
                c10 = c10.addingProduct(x1, w0)
                c11 = c11.addingProduct(x1, w1)
                c12 = c12.addingProduct(x1, w2)
                if count > 2 {
                    let x2 = input(2), x3 = input(3)
                    c20 = c20.addingProduct(x2, w0)
                    c21 = c21.addingProduct(x2, w1)
                    c22 = c22.addingProduct(x2, w2)
                    c30 = c30.addingProduct(x3, w0)
                    c31 = c31.addingProduct(x3, w1)
                    c32 = c32.addingProduct(x3, w2)
                }
                if count > 4 {
                    let x4 = input(4), x5 = input(5)
                    c40 = c40.addingProduct(x4, w0)
                    c41 = c41.addingProduct(x4, w1)
                    c42 = c42.addingProduct(x4, w2)
                    c50 = c50.addingProduct(x5, w0)
                    c51 = c51.addingProduct(x5, w1)
                    c52 = c52.addingProduct(x5, w2)
                }
                if count > 6 {
                    let x6 = input(6), x7 = input(7)
                    c60 = c60.addingProduct(x6, w0)
                    c61 = c61.addingProduct(x6, w1)
                    c62 = c62.addingProduct(x6, w2)
                    c70 = c70.addingProduct(x7, w0)
                    c71 = c71.addingProduct(x7, w1)
                    c72 = c72.addingProduct(x7, w2)
                }
            }
        }
        let epilogue = TileEpilogue(layer, firstPixel: firstPixel, block: block, panels: 3)
        epilogue.store(c00, c01, c02, 0, output)
        epilogue.store(c10, c11, c12, 1, output)
        if count > 2 {
            epilogue.store(c20, c21, c22, 2, output)
            epilogue.store(c30, c31, c32, 3, output)
        }
        if count > 4 {
            epilogue.store(c40, c41, c42, 4, output)
            epilogue.store(c50, c51, c52, 5, output)
        }
        if count > 6 {
            epilogue.store(c60, c61, c62, 6, output)
            epilogue.store(c70, c71, c72, 7, output)
        }
    }

    /// `Shape.pixels` pixels × 32 channels (`Shape.pair`: the panels at `block` and `block + 16`) or 16 channels.
    /// Generic specialisation turns every shape into a dedicated register tile in which the tests on the shape's
    /// constants fold away.
    @inline(__always)
    private static func tile<Shape: TileShapeAVX512>(_ shape: Shape.Type, _ source: ConvolutionTileSource,
                                                     _ firstPixel: Int, _ block: Int, _ layer: ConvolutionTileLayer,
                                                     _ output: UnsafeMutablePointer<Float>) {
        let count = Shape.pixels, pair = Shape.pair
        let bias0 = load16(layer.bias + block)
        let bias1 = pair ? load16(layer.bias + block + 16) : bias0
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        var c60 = bias0, c61 = bias1, c70 = bias0, c71 = bias1, c80 = bias0, c81 = bias1
        var c90 = bias0, c91 = bias1, cA0 = bias0, cA1 = bias1, cB0 = bias0, cB1 = bias1
        var lowPanel = layer.weights + block * layer.patchLength
        var highPanel = lowPanel + 16 * layer.patchLength
        let stride = source.pixelStride
        for segment in 0..<source.segmentCount {
            let a0 = source.base + segment &* source.segmentStride
            for k in 0..<source.segmentLength {
                let w0 = load16(lowPanel)
                let w1 = pair ? load16(highPanel) : w0
                lowPanel += 16
                highPanel += 16
                @inline(__always) func input(_ pixel: Int) -> SIMD16<Float> {
                    SIMD16<Float>(repeating: a0[pixel &* stride &+ k])
                }
                let x0 = input(0)
                c00 = c00.addingProduct(x0, w0)
                if pair { c01 = c01.addingProduct(x0, w1) }
                let x1 = input(1)
                c10 = c10.addingProduct(x1, w0)
                if pair { c11 = c11.addingProduct(x1, w1) }
                if count > 2 {
                    let x2 = input(2), x3 = input(3)
                    c20 = c20.addingProduct(x2, w0)
                    if pair { c21 = c21.addingProduct(x2, w1) }
                    c30 = c30.addingProduct(x3, w0)
                    if pair { c31 = c31.addingProduct(x3, w1) }
                }
                if count > 4 {
                    let x4 = input(4), x5 = input(5)
                    c40 = c40.addingProduct(x4, w0)
                    if pair { c41 = c41.addingProduct(x4, w1) }
                    c50 = c50.addingProduct(x5, w0)
                    if pair { c51 = c51.addingProduct(x5, w1) }
                }
                if count > 6 {
                    let x6 = input(6), x7 = input(7)
                    c60 = c60.addingProduct(x6, w0)
                    if pair { c61 = c61.addingProduct(x6, w1) }
                    c70 = c70.addingProduct(x7, w0)
                    if pair { c71 = c71.addingProduct(x7, w1) }
                }
                if count > 8 {
                    let x8 = input(8)
                    c80 = c80.addingProduct(x8, w0)
                    if pair { c81 = c81.addingProduct(x8, w1) }
                    let x9 = input(9), xA = input(10), xB = input(11)
                    c90 = c90.addingProduct(x9, w0)
                    if pair { c91 = c91.addingProduct(x9, w1) }
                    cA0 = cA0.addingProduct(xA, w0)
                    if pair { cA1 = cA1.addingProduct(xA, w1) }
                    cB0 = cB0.addingProduct(xB, w0)
                    if pair { cB1 = cB1.addingProduct(xB, w1) }
                }
            }
        }
        // Transparent helpers: the optimizer does not inline ordinary calls into a function this large, and a
        // call per pixel, which spills the live accumulators around it, cost 17% of the mesh model's time.
        let epilogue = TileEpilogue(layer, firstPixel: firstPixel, block: block, panels: pair ? 2 : 1)
        epilogue.store(c00, c01, pair, 0, output)
        epilogue.store(c10, c11, pair, 1, output)
        if count > 2 {
            epilogue.store(c20, c21, pair, 2, output)
            epilogue.store(c30, c31, pair, 3, output)
        }
        if count > 4 {
            epilogue.store(c40, c41, pair, 4, output)
            epilogue.store(c50, c51, pair, 5, output)
        }
        if count > 6 {
            epilogue.store(c60, c61, pair, 6, output)
            epilogue.store(c70, c71, pair, 7, output)
        }
        if count > 8 {
            epilogue.store(c80, c81, pair, 8, output)
            epilogue.store(c90, c91, pair, 9, output)
            epilogue.store(cA0, cA1, pair, 10, output)
            epilogue.store(cB0, cB1, pair, 11, output)
        }
    }

    /// One pixel × the 16 channels of the panel at `block`: even and odd k in two accumulators (restarted at
    /// every segment, added at the end), which shortens the dependency chain of the single-pixel heads with long
    /// K. The same arithmetic as the AVX2 single-pixel tile.
    @inline(__always)
    private static func singlePixel(_ source: ConvolutionTileSource, _ pixel: Int, _ block: Int,
                                    _ layer: ConvolutionTileLayer, _ output: UnsafeMutablePointer<Float>) {
        var even = load16(layer.bias + block), odd = SIMD16<Float>()
        var panel = layer.weights + block * layer.patchLength
        for segment in 0..<source.segmentCount {
            let a = source.base + segment &* source.segmentStride
            var k = 0
            while k + 2 <= source.segmentLength {
                even = even.addingProduct(SIMD16<Float>(repeating: a[k]), load16(panel))
                odd = odd.addingProduct(SIMD16<Float>(repeating: a[k + 1]), load16(panel + 16))
                panel += 32
                k += 2
            }
            if k < source.segmentLength {
                even = even.addingProduct(SIMD16<Float>(repeating: a[k]), load16(panel))
                panel += 16
            }
        }
        finishAndStore(even + odd, layer, pixel, block, output + block)
    }

    /// Residual add and activation for output pixel `pixel`, channels `channel..<channel + 16`, then the store of
    /// the lanes that are real channels (min(16, channels − channel) of them) at `output`.
    @_transparent
    fileprivate static func finishAndStore(_ sum: SIMD16<Float>, _ layer: ConvolutionTileLayer, _ pixel: Int,
                                       _ channel: Int, _ output: UnsafeMutablePointer<Float>) {
        var value = sum
        let epilogue = layer.epilogue
        if let residual = epilogue.residual, channel < epilogue.residualChannels {
            let row = residual + pixel * epilogue.residualStride + channel
            let lanes = epilogue.residualChannels - channel
            if lanes >= 16 {
                value += load16(row)
            } else {
                // The residual's last lanes; the others add −0, which leaves every value as it is (even −0).
                var partial = SIMD16<Float>(repeating: -0.0)
                var lane = 0
                if lanes >= 8 {
                    partial.lowHalf = UnsafeRawPointer(row).loadUnaligned(as: SIMD8<Float>.self)
                    lane = 8
                }
                while lane < lanes {
                    partial[lane] = row[lane]
                    lane += 1
                }
                value += partial
            }
        }
        switch epilogue.kind {
        case .none: break
        case .relu: value = value.replacing(with: 0, where: value .< 0)
        case .prelu: value = value.replacing(with: value * load16(epilogue.alphas + channel), where: value .< 0)
        }
        let width = min(16, layer.channels - channel)
        if width == 16 {
            UnsafeMutableRawPointer(output).storeBytes(of: value, as: SIMD16<Float>.self)
        } else {
            var lane = 0
            if width >= 8 {
                UnsafeMutableRawPointer(output).storeBytes(of: value.lowHalf, as: SIMD8<Float>.self)
                lane = 8
            }
            while lane < width {
                output[lane] = value[lane]
                lane += 1
            }
        }
    }

    @inline(__always)
    private static func load16(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }
}

/// The epilogue and stores of one tile (panels of 16 channels from `block`, first pixel `firstPixel`): through
/// `WholePanelEpilogue` when it applies, else register by register through `finishAndStore`, which handles any
/// lane count and partial residual. Both give the same bits.
private struct TileEpilogue {
    let whole: WholePanelEpilogue?
    let layer: ConvolutionTileLayer
    let firstPixel: Int
    let block: Int

    @_transparent
    init(_ layer: ConvolutionTileLayer, firstPixel: Int, block: Int, panels: Int) {
        whole = WholePanelEpilogue(layer, firstPixel: firstPixel, block: block, panels: panels)
        self.layer = layer
        self.firstPixel = firstPixel
        self.block = block
    }

    /// Residual, activation and store of panel `panel` of tile pixel `pixel`.
    @_transparent
    func finish(_ sum: SIMD16<Float>, _ pixel: Int, _ panel: Int, _ output: UnsafeMutablePointer<Float>) {
        if let whole {
            whole.finish(sum, pixel, panel, output)
        } else {
            let channel = block + 16 * panel
            ConvolutionTilesAVX512.finishAndStore(sum, layer, firstPixel + pixel, channel,
                                                  output + pixel * layer.channels + channel)
        }
    }

    /// Pixel `pixel` of a one- or two-panel tile.
    @_transparent
    func store(_ low: SIMD16<Float>, _ high: SIMD16<Float>, _ pair: Bool, _ pixel: Int,
               _ output: UnsafeMutablePointer<Float>) {
        finish(low, pixel, 0, output)
        if pair { finish(high, pixel, 1, output) }
    }

    /// Pixel `pixel` of a three-panel tile.
    @_transparent
    func store(_ first: SIMD16<Float>, _ second: SIMD16<Float>, _ third: SIMD16<Float>, _ pixel: Int,
               _ output: UnsafeMutablePointer<Float>) {
        finish(first, pixel, 0, output)
        finish(second, pixel, 1, output)
        finish(third, pixel, 2, output)
    }
}

/// A tile's epilogue with its decisions taken once per tile instead of once per register: usable when every panel
/// of the tile is a whole 16 real channels, or the last one exactly 8 (the full-range detector's 8-channel 1×1
/// layers), and the residual covers all of them or none. Then each register gets at most one residual add, its
/// activation and one 16- or 8-lane store, with no test of lanes or widths; the arithmetic is that of
/// `finishAndStore` (the same expressions in the same order), so the values are the same bits.
private struct WholePanelEpilogue {
    /// The residual at the tile's first pixel and channel `block`, or nil when these channels receive none.
    let residual: UnsafePointer<Float>?
    let residualStride: Int
    let kind: ConvolutionActivationKind
    /// The PReLU alphas from channel `block` on.
    let alphas: UnsafePointer<Float>
    /// Floats between consecutive output pixels.
    let channels: Int
    let block: Int
    /// The index of the tile's last panel when it holds only 8 real channels (its lanes 8...15 are not stored),
    /// else −1.
    let halfPanel: Int

    /// nil when a panel of `panels` 16-channel panels from `block` has lanes past the layer's channels (other than
    /// a last panel of exactly 8 channels) or is only partly covered by the residual.
    @_transparent
    init?(_ layer: ConvolutionTileLayer, firstPixel: Int, block: Int, panels: Int) {
        var end = block &+ 16 &* panels
        let epilogue = layer.epilogue
        if end <= layer.channels {
            halfPanel = -1
        } else if end &- 8 == layer.channels {
            halfPanel = panels &- 1
            end = layer.channels
        } else {
            return nil
        }
        if let residual = epilogue.residual, block < epilogue.residualChannels {
            guard end <= epilogue.residualChannels else { return nil }
            let offset: Int = firstPixel &* epilogue.residualStride &+ block
            self.residual = residual + offset
        } else {
            self.residual = nil
        }
        residualStride = epilogue.residualStride
        kind = epilogue.kind
        alphas = epilogue.alphas + block
        channels = layer.channels
        self.block = block
    }

    /// Residual, activation and store of panel `panel` of tile pixel `pixel`.
    @_transparent
    func finish(_ sum: SIMD16<Float>, _ pixel: Int, _ panel: Int, _ output: UnsafeMutablePointer<Float>) {
        var value = sum
        let half = panel == halfPanel
        if let residual {
            let offset: Int = pixel &* residualStride &+ 16 &* panel
            if half {
                value.lowHalf += UnsafeRawPointer(residual + offset).loadUnaligned(as: SIMD8<Float>.self)
            } else {
                value += load(residual + offset)
            }
        }
        switch kind {
        case .none: break
        case .relu: value = value.replacing(with: 0, where: value .< 0)
        case .prelu:
            let alpha = load(alphas + 16 &* panel)
            value = value.replacing(with: value * alpha, where: value .< 0)
        }
        let offset: Int = pixel &* channels &+ block &+ 16 &* panel
        if half {
            UnsafeMutableRawPointer(output + offset).storeBytes(of: value.lowHalf, as: SIMD8<Float>.self)
        } else {
            UnsafeMutableRawPointer(output + offset).storeBytes(of: value, as: SIMD16<Float>.self)
        }
    }

    @_transparent
    private func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }
}

/// The compile-time shape of an AVX-512 register tile: pixels per tile, and whether it covers two 16-channel
/// panels (32 channels) or one.
private protocol TileShapeAVX512 {
    static var pixels: Int { get }
    static var pair: Bool { get }
}

private enum Tile12x32: TileShapeAVX512 { static var pixels: Int { 12 }; static var pair: Bool { true } }
private enum Tile12x16: TileShapeAVX512 { static var pixels: Int { 12 }; static var pair: Bool { false } }
private enum Tile8x32: TileShapeAVX512 { static var pixels: Int { 8 }; static var pair: Bool { true } }
private enum Tile8x16: TileShapeAVX512 { static var pixels: Int { 8 }; static var pair: Bool { false } }
private enum Tile6x32: TileShapeAVX512 { static var pixels: Int { 6 }; static var pair: Bool { true } }
private enum Tile6x16: TileShapeAVX512 { static var pixels: Int { 6 }; static var pair: Bool { false } }
private enum Tile4x32: TileShapeAVX512 { static var pixels: Int { 4 }; static var pair: Bool { true } }
private enum Tile4x16: TileShapeAVX512 { static var pixels: Int { 4 }; static var pair: Bool { false } }
private enum Tile2x32: TileShapeAVX512 { static var pixels: Int { 2 }; static var pair: Bool { true } }
private enum Tile2x16: TileShapeAVX512 { static var pixels: Int { 2 }; static var pair: Bool { false } }

/// The compile-time pixel count of a three-panel (48-channel) tile.
private protocol TripleTileShape {
    static var pixels: Int { get }
}

private enum Triple8: TripleTileShape { static var pixels: Int { 8 } }
private enum Triple6: TripleTileShape { static var pixels: Int { 6 } }
private enum Triple4: TripleTileShape { static var pixels: Int { 4 } }
private enum Triple2: TripleTileShape { static var pixels: Int { 2 } }

extension ConvolutionTilesAVX512 {
    /// Scalar reference of `run`: the same values, bit for bit, one output at a time. Output value (pixel p,
    /// channel c) = epilogue(bias[c] + Σ_k a_p[k] · w[k, c]), each term added with one fused multiply-add in k order;
    /// for the last pixel of an odd `pixels`, even and odd k of each segment go to two sums (the odd one starting at
    /// 0) that are added at the end. Weight w[k, c] is `weights[(c / 16) · 16 · K + k · 16 + c % 16]`.
    package static func reference(source: ConvolutionTileSource, pixels: Int, firstPixel: Int,
                                  layer: ConvolutionTileLayer, output: UnsafeMutablePointer<Float>) {
        let length = layer.patchLength
        for pixel in 0..<pixels {
            let splitsEvenOdd = pixels % 2 == 1 && pixel == pixels - 1
            for channel in layer.firstChannel..<layer.endChannel {
                let panel = layer.weights + (channel / 16) * 16 * length + channel % 16
                var even = layer.bias[channel], odd: Float = 0
                var k = 0
                for segment in 0..<source.segmentCount {
                    let a = source.base + pixel * source.pixelStride + segment * source.segmentStride
                    for index in 0..<source.segmentLength {
                        let term = (a[index], panel[(k + index) * 16])
                        if splitsEvenOdd && index % 2 == 1 {
                            odd = odd.addingProduct(term.0, term.1)
                        } else {
                            even = even.addingProduct(term.0, term.1)
                        }
                    }
                    k += source.segmentLength
                }
                var value = splitsEvenOdd ? even + odd : even
                let epilogue = layer.epilogue
                if let residual = epilogue.residual, channel < epilogue.residualChannels {
                    value += residual[(firstPixel + pixel) * epilogue.residualStride + channel]
                }
                switch epilogue.kind {
                case .none: break
                case .relu: value = value < 0 ? 0 : value
                case .prelu: value = value < 0 ? value * epilogue.alphas[channel] : value
                }
                output[pixel * layer.channels + channel] = value
            }
        }
    }
}
