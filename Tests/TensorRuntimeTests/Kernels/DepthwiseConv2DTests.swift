import TestSupport
import XCTest
@testable import TensorRuntime

/// DEPTHWISE_CONV_2D: the scalar reference against hand-computed results, and the fast path against the reference.
final class DepthwiseConv2DTests: XCTestCase {
    func testReferenceBoxSumAndIdentityChannels() throws {
        // 3x3 image, 2 channels: channel 0 = 1...9 with a 3x3 box filter (zero padding), channel 1 = 1...9 with a
        // centre-only filter (identity). Stride 1 SAME pads 1 on every side.
        let g = try geometry(3, channels: 2, kernel: 3, stride: 1, .same)
        var input = [Float](repeating: 0, count: 18)
        for index in 0..<9 { input[2 * index] = Float(index + 1); input[2 * index + 1] = Float(index + 1) }
        var filter = [Float](repeating: 0, count: 18)
        for tap in 0..<9 { filter[2 * tap] = 1 }
        filter[2 * 4 + 1] = 1
        let output = reference(g, input: input, filter: filter, bias: [0, 0.5])
        let boxSums: [Float] = [12, 21, 16, 27, 45, 33, 24, 39, 28]
        assertEqualFloats(stride(from: 0, to: 18, by: 2).map { output[$0] }, boxSums)
        assertEqualFloats(stride(from: 1, to: 18, by: 2).map { output[$0] }, (1...9).map { Float($0) + 0.5 })
    }

    func testReferenceStride2SamePadsOnlyAfter() throws {
        // Same 4x4 case as CONV_2D: windows start at (2·oy, 2·ox) and are cut at the bottom/right border.
        let g = try geometry(4, channels: 1, kernel: 3, stride: 2, .same)
        let output = reference(g, input: (1...16).map(Float.init), filter: [Float](repeating: 1, count: 9), bias: nil)
        assertEqualFloats(output, [54, 45, 72, 54])
    }

    func testReferenceEpilogue() throws {
        // 1x1 kernel: output = x·w + b, then residual on the first channel only, then PReLU.
        let g = try geometry(1, channels: 3, kernel: 1, stride: 1, .valid)
        let residual: [Float] = [-5]
        var output = [Float](repeating: .nan, count: 3)
        residual.withUnsafeBufferPointer { values in
            DepthwiseConv2D.reference(input: [1, 2, -3], geometry: g, filter: [2, -1, 1], bias: [1, 0, 0],
                                             activation: .prelu([0.5, 0.25, 2]),
                                             residual: ResidualInput(values: values.baseAddress!, channels: 1),
                                             output: &output)
        }
        // (1·2 + 1 − 5) → −2 → ·0.5 = −1; (2·−1) → −2 → ·0.25 = −0.5; (−3·1) → −3 → ·2 = −6.
        assertEqualFloats(output, [-1, -0.5, -6])
    }

    func testFastPathMatchesReferenceOnRandomShapes() throws {
        var random = TestRandom(seed: 0xDEC0DE)
        var checked = 0
        while checked < 200 {
            let kernel = random.pick([3, 3, 3, 1, 2, 5])
            let stride = random.pick([1, 2, 3])
            let padding: PaddingMode = random.int(0...3) == 0 ? .valid : .same
            let channels = random.pick([1, 3, 4, 5, 7, 8, 12, 16, 17, 24, 28, 33, 42])
            guard let g = try? ConvolutionGeometry(
                inputHeight: random.int(1...14), inputWidth: random.int(1...14), inputChannels: channels,
                outputChannels: channels, kernelHeight: kernel, kernelWidth: kernel,
                strideHeight: stride, strideWidth: random.bool() ? stride : random.pick([1, 2]), padding: padding)
            else { continue }
            try check(ConvolutionTestCase(geometry: g, depthwise: true, random: &random))
            checked += 1
        }
    }

    func testFastPathMatchesReferenceOnModelShapes() throws {
        var random = TestRandom(seed: 5)
        for (size, channels, stride) in [(24, 16, 1), (24, 32, 2), (12, 28, 1), (10, 42, 2), (6, 128, 1), (2, 128, 1),
                                         (1, 64, 1), (3, 32, 2)] {
            let g = try geometry(size, channels: channels, kernel: 3, stride: stride, .same)
            if size >= 2 {
                XCTAssertNotNil(Depthwise3x3Columns(g), "the 3×3 fast path should handle \(g)")
            }
            try check(ConvolutionTestCase(geometry: g, depthwise: true, random: &random))
        }
    }

    func testInvalidParametersThrow() throws {
        let g = try geometry(4, channels: 3, kernel: 3, stride: 1, .same)
        let filter = [Float](repeating: 0, count: 27)
        assertThrowsKernelError("filter size") {
            _ = try DepthwiseConv2D(geometry: g, filter: filter + [0], bias: nil, activation: .none)
        }
        assertThrowsKernelError("bias size") {
            _ = try DepthwiseConv2D(geometry: g, filter: filter, bias: [0], activation: .none)
        }
        assertThrowsKernelError("alpha count") {
            _ = try DepthwiseConv2D(geometry: g, filter: filter, bias: nil, activation: .prelu([]))
        }
        let multiplier = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 3, outputChannels: 6,
                                                 kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1,
                                                 padding: .same)
        assertThrowsKernelError("depth multiplier 2") {
            _ = try DepthwiseConv2D(geometry: multiplier, filter: filter + filter, bias: nil, activation: .none)
        }
        let layer = try DepthwiseConv2D(geometry: g, filter: filter, bias: nil, activation: .relu)
        XCTAssertEqual(layer.workspaceCount, 0)
        XCTAssertEqual(layer.geometry, g)
    }

    // MARK: - Helpers

    private func geometry(_ size: Int, channels: Int, kernel: Int, stride: Int,
                          _ padding: PaddingMode) throws -> ConvolutionGeometry {
        try ConvolutionGeometry(inputHeight: size, inputWidth: size, inputChannels: channels,
                                outputChannels: channels, kernelHeight: kernel, kernelWidth: kernel,
                                strideHeight: stride, strideWidth: stride, padding: padding)
    }

    private func check(_ problem: ConvolutionTestCase, file: StaticString = #filePath, line: UInt = #line) throws {
        let g = problem.geometry
        var expected = [Float](repeating: .nan, count: g.outputElementCount)
        problem.withResidual { residual in
            problem.bias.withOptionalPointer { bias in
                DepthwiseConv2D.reference(input: problem.input, geometry: g, filter: problem.filter, bias: bias,
                                                 activation: problem.activation, residual: residual, output: &expected)
            }
        }
        let layer = try DepthwiseConv2D(geometry: g, filter: problem.filter, bias: problem.bias,
                                               activation: problem.activation)
        let output = GuardedBuffer(count: g.outputElementCount)
        problem.withResidual { residual in
            layer.run(input: problem.input, residual: residual, output: output.pointer, workspace: nil)
        }
        assertClose(output.values, expected, "\(problem)", file: file, line: line)
        XCTAssertTrue(output.guardsIntact, "output overrun \(problem)", file: file, line: line)
    }

    private func reference(_ g: ConvolutionGeometry, input: [Float], filter: [Float], bias: [Float]?) -> [Float] {
        var output = [Float](repeating: .nan, count: g.outputElementCount)
        bias.withOptionalPointer { bias in
            DepthwiseConv2D.reference(input: input, geometry: g, filter: filter, bias: bias, activation: .none,
                                             residual: nil, output: &output)
        }
        return output
    }
}
