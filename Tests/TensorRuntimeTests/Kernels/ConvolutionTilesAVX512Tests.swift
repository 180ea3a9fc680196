import TensorKernelInterface
import TensorKernelsAVX512
import XCTest
@testable import TensorRuntime

/// The AVX-512 convolution tiles (TensorKernelsAVX512) against their scalar reference and against the AVX2 tiles:
/// all three must agree bit for bit (lanes are output channels, so the register width may not change a value).
/// The comparisons that run AVX-512 code need a CPU with AVX-512 and skip with that reason elsewhere; the AVX2
/// tiles are compared with the scalar reference on every machine.
final class ConvolutionTilesAVX512Tests: XCTestCase {
    private var hasAVX512: Bool { RuntimeEnvironment.kernelInstructionSet == .avx512 }

    /// Random tiles: pixel counts 1...50 (odd ones end with the even/odd-split single pixel), 1...4 segments of
    /// 1...40 values, 1...80 channels (partial last blocks, a 17...24-channel end, 33...48-channel ends that take
    /// the three-panel tiles), channel ranges of whole 16-channel blocks, every epilogue, partial residuals. The AVX2 tiles always; the AVX-512 tiles where the CPU has them.
    func testTilesEqualTheScalarReferenceBitForBit() throws {
        var random = TestRandom(seed: 0xA512)
        for trial in 0..<300 {
            let problem = TileProblem(random: &random)
            let expected = problem.output { ConvolutionTilesAVX512.reference(source: $0, pixels: problem.pixels,
                                                                              firstPixel: problem.firstPixel,
                                                                              layer: $1, output: $2) }
            let avx2 = problem.output { source, layer, output in
                let microLayer = ConvolutionMicroKernel.Layer(
                    weights: layer.weights, patchLength: layer.patchLength, bias: layer.bias, channels: layer.channels,
                    firstChannel: layer.firstChannel, endChannel: layer.endChannel, epilogue: layer.epilogue)
                ConvolutionMicroKernel.run(source: source, pixels: problem.pixels, firstPixel: problem.firstPixel,
                                           layer: microLayer, output: output)
            }
            XCTAssertEqual(avx2.map(\.bitPattern), expected.map(\.bitPattern), "AVX2, trial \(trial): \(problem)")
            if hasAVX512 {
                let avx512 = problem.output { ConvolutionTilesAVX512.run(source: $0, pixels: problem.pixels,
                                                                          firstPixel: problem.firstPixel,
                                                                          layer: $1, output: $2) }
                XCTAssertEqual(avx512.map(\.bitPattern), expected.map(\.bitPattern),
                               "AVX-512, trial \(trial): \(problem)")
            }
            for (index, value) in expected.enumerated() {
                let inRange = (problem.firstChannel..<problem.endChannel).contains(index % problem.channels)
                if value.isNaN == inRange {
                    XCTFail("trial \(trial): value \(index) is \(inRange ? "not written" : "written outside the range")")
                    break
                }
            }
        }
        if !hasAVX512 { throw XCTSkip("the AVX-512 half needs a CPU with AVX-512 (the AVX2 half ran)") }
    }

    /// Whole CONV_2D layers (borders, strides, padding, tails, single-pixel heads) built for each instruction set
    /// give the same bits.
    func testConv2DLayersAreBitIdenticalAcrossInstructionSets() throws {
        guard hasAVX512 else { throw XCTSkip("needs a CPU with AVX-512 to run the AVX-512 tiles") }
        var random = TestRandom(seed: 0x512C)
        var checked = 0
        while checked < 120 {
            let kernel = random.pick([1, 1, 2, 3, 3, 5])
            let stride = random.pick([1, 2])
            guard let g = try? ConvolutionGeometry(
                inputHeight: random.int(1...14), inputWidth: random.int(1...14),
                inputChannels: random.pick([1, 3, 8, 16, 17, 32, 64]),
                outputChannels: random.pick([1, 2, 5, 16, 17, 18, 24, 32, 40, 48, 64, 97, 128]),
                kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride,
                padding: random.bool() ? .same : .valid) else { continue }
            let problem = ConvolutionTestCase(geometry: g, depthwise: false, random: &random)
            let outputs = try [KernelInstructionSet.avx2, .avx512].map { instructionSet -> [UInt32] in
                let layer = try Conv2D(geometry: g, filter: problem.filter, bias: problem.bias,
                                       activation: problem.activation, strategy: .direct,
                                       instructionSet: instructionSet)
                var output = [Float](repeating: .nan, count: g.outputElementCount)
                problem.withResidual { residual in
                    layer.run(input: problem.input, residual: residual, output: &output, workspace: nil)
                }
                return output.map(\.bitPattern)
            }
            XCTAssertEqual(outputs[0], outputs[1], "\(problem)")
            checked += 1
        }
    }
}

/// One random tile call: input pixels in segments, packed 16-channel panels, bias, epilogue.
private struct TileProblem: CustomStringConvertible {
    var pixels, firstPixel, segmentCount, segmentLength, channels, firstChannel, endChannel, residualChannels: Int
    var pixelStride, segmentStride: Int
    var input, panels, bias, alphas, residual: [Float]
    var kind: ConvolutionActivationKind

    var description: String {
        "\(pixels) pixels from \(firstPixel), \(segmentCount)×\(segmentLength) values, \(channels) channels "
            + "(computing \(firstChannel)..<\(endChannel)), "
            + "\(kind), residual \(residualChannels)"
    }

    init(random: inout TestRandom) {
        pixels = random.int(1...50)
        firstPixel = random.int(0...3)
        segmentCount = random.int(1...4)
        segmentLength = random.pick([1, 2, 3, 7, 9, 16, 27, 40])
        channels = random.pick([1, 3, 8, 9, 15, 16, 17, 20, 24, 31, 32, 33, 40, 47, 48, 56, 64, 70, 80])
        // A channel range as a thread's share of a layer: whole 16-channel blocks, the last one possibly partial.
        firstChannel = random.bool() ? 0 : 16 * random.int(0...(channels - 1) / 16)
        endChannel = random.bool() ? channels : min(channels, 16 * random.int(firstChannel / 16 + 1...(channels + 15) / 16))
        pixelStride = segmentLength + random.int(0...3)
        segmentStride = pixelStride * pixels + random.int(0...5)
        input = random.floats(segmentStride * segmentCount + pixelStride * pixels)
        let padded = (channels + 15) / 16 * 16, patchLength = segmentCount * segmentLength
        panels = [Float](repeating: 0, count: padded * patchLength)
        for channel in 0..<channels {
            for k in 0..<patchLength {
                panels[(channel / 16) * 16 * patchLength + k * 16 + channel % 16] = random.floats(1)[0]
            }
        }
        bias = random.floats(channels) + [Float](repeating: 0, count: padded - channels)
        alphas = random.floats(channels, in: 0...0.5) + [Float](repeating: 0, count: padded - channels)
        kind = random.pick([.none, .relu, .prelu])
        residualChannels = random.bool() ? 0 : random.int(1...channels)
        residual = random.floats((firstPixel + pixels) * max(1, residualChannels), in: -2...2)
    }

    /// Runs `body` on the problem's arguments and returns the output (NaN where nothing was written).
    func output(_ body: (ConvolutionTileSource, ConvolutionTileLayer, UnsafeMutablePointer<Float>) -> Void)
        -> [Float]
    {
        var output = [Float](repeating: .nan, count: pixels * channels)
        input.withUnsafeBufferPointer { input in
            panels.withUnsafeBufferPointer { panels in
                bias.withUnsafeBufferPointer { bias in
                    alphas.withUnsafeBufferPointer { alphas in
                        residual.withUnsafeBufferPointer { residual in
                            let source = ConvolutionTileSource(
                                base: input.baseAddress!, pixelStride: pixelStride, segmentCount: segmentCount,
                                segmentStride: segmentStride, segmentLength: segmentLength)
                            let epilogue = ConvolutionRegisterEpilogue(
                                kind: kind, alphas: alphas.baseAddress!,
                                residual: residualChannels > 0 ? residual.baseAddress! : nil,
                                residualStride: residualChannels, residualChannels: residualChannels)
                            let layer = ConvolutionTileLayer(
                                weights: panels.baseAddress!, patchLength: segmentCount * segmentLength,
                                bias: bias.baseAddress!, channels: channels, firstChannel: firstChannel, endChannel: endChannel,
                                epilogue: epilogue)
                            output.withUnsafeMutableBufferPointer { body(source, layer, $0.baseAddress!) }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// The AVX-512 3×3 depthwise rows (TensorKernelsAVX512) against their scalar reference and the AVX2 rows, bit for
/// bit, on random layers: 16...70 channels (blocks that overlap at the end), strides 1–3, both paddings, odd sizes.
final class DepthwiseRowsAVX512Tests: XCTestCase {
    func testDepthwiseLayersAreBitIdenticalAcrossInstructionSetsAndReference() throws {
        guard RuntimeEnvironment.kernelInstructionSet == .avx512 else {
            throw XCTSkip("needs a CPU with AVX-512 to run the AVX-512 rows")
        }
        var random = TestRandom(seed: 0xD512)
        var checked = 0
        while checked < 150 {
            let stride = random.pick([1, 1, 2, 3])
            let channels = random.pick([16, 17, 24, 31, 32, 48, 64, 70])
            guard let g = try? ConvolutionGeometry(
                inputHeight: random.int(1...13), inputWidth: random.int(1...40), inputChannels: channels,
                outputChannels: channels, kernelHeight: 3, kernelWidth: 3, strideHeight: stride, strideWidth: stride,
                padding: random.bool() ? .same : .valid),
                Depthwise3x3Columns(g) != nil else { continue }
            let problem = ConvolutionTestCase(geometry: g, depthwise: true, random: &random)
            let outputs = try [KernelInstructionSet.avx2, .avx512].map { instructionSet -> [UInt32] in
                let layer = try DepthwiseConv2D(geometry: g, filter: problem.filter, bias: problem.bias,
                                                activation: problem.activation, instructionSet: instructionSet)
                XCTAssertEqual(layer.usesAVX512, instructionSet == .avx512)
                var output = [Float](repeating: .nan, count: g.outputElementCount)
                problem.withResidual { residual in
                    layer.run(input: problem.input, residual: residual, output: &output, workspace: nil)
                }
                return output.map(\.bitPattern)
            }
            XCTAssertEqual(outputs[0], outputs[1], "\(problem)")
            // The row kernel alone against its scalar reference, on the first output row.
            let columns = try XCTUnwrap(Depthwise3x3Columns(g))
            let row = DepthwiseRowsAVX512.Row(
                channels: g.inputChannels, strideWidth: g.strideWidth, padLeft: g.padLeft,
                outputWidth: g.outputWidth, interiorStart: columns.interiorStart, interiorEnd: columns.interiorEnd,
                columnsPerChunk: DepthwiseConv2D.columnsPerChunk(g))
            let rowFloats = g.inputWidth * g.inputChannels
            let rows = (0..<3).map { _ in random.floats(rowFloats) }
            let bias = problem.bias ?? [Float](repeating: 0, count: g.inputChannels)
            var fast = [Float](repeating: .nan, count: g.outputWidth * g.inputChannels), slow = fast
            DepthwiseRowsAVX512.row3x3(top: rows[0], middle: rows[1], bottom: rows[2], weights: problem.filter,
                                       bias: bias, row: row, output: &fast)
            DepthwiseRowsAVX512.reference(top: rows[0], middle: rows[1], bottom: rows[2], weights: problem.filter,
                                          bias: bias, row: row, output: &slow)
            XCTAssertEqual(fast.map(\.bitPattern), slow.map(\.bitPattern), "row of \(problem)")
            checked += 1
        }
    }
}
