import TestSupport
import XCTest
@testable import TensorRuntime

/// CONV_2D: the scalar reference against hand-computed results, and every fast path against the reference.
final class Conv2DTests: XCTestCase {
    // MARK: - Reference against independent truth

    func testReferenceSameStride2PadsOnlyAfter() throws {
        // 4x4 image 1...16, 3x3 box filter, stride 2 SAME: TF pads 0 before and 1 after, so each output sums the
        // window starting at (2·oy, 2·ox), cut at the bottom/right border.
        let g = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, outputChannels: 1,
                                        kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
                                        padding: .same)
        let input = (1...16).map(Float.init)
        let output = reference(g, input: input, filter: [Float](repeating: 1, count: 9), bias: nil)
        // (1+2+3+5+6+7+9+10+11), (3+4+7+8+11+12), (9+10+11+13+14+15), (11+12+15+16)
        assertEqualFloats(output, [54, 45, 72, 54])
    }

    func testReferenceDetectorStemPadsOneBeforeTwoAfter() throws {
        // 128x128 5x5 stride 2 SAME: pads 1 before, 2 after. With a one-hot filter at (ky, kx) the output at
        // (oy, ox) is the input at (2·oy − 1 + ky, 2·ox − 1 + kx), or 0 outside the image.
        let g = try ConvolutionGeometry(inputHeight: 128, inputWidth: 128, inputChannels: 1, outputChannels: 1,
                                        kernelHeight: 5, kernelWidth: 5, strideHeight: 2, strideWidth: 2,
                                        padding: .same)
        let input = (0..<(128 * 128)).map { Float($0 + 1) }  // value = 1 + y·128 + x
        for (kernelY, kernelX) in [(0, 0), (4, 4), (1, 3)] {
            var filter = [Float](repeating: 0, count: 25)
            filter[kernelY * 5 + kernelX] = 1
            let output = reference(g, input: input, filter: filter, bias: nil)
            XCTAssertEqual(output.count, 64 * 64)
            for outputY in 0..<64 {
                for outputX in 0..<64 {
                    let y = 2 * outputY - 1 + kernelY, x = 2 * outputX - 1 + kernelX
                    let expected: Float = (0..<128).contains(y) && (0..<128).contains(x) ? Float(1 + y * 128 + x) : 0
                    XCTAssertEqual(output[outputY * 64 + outputX], expected, "tap (\(kernelY),\(kernelX)) at \(outputY),\(outputX)")
                }
            }
        }
    }

    func testReferencePointwiseEpilogue() throws {
        // One pixel [1, 2, 3]; filter rows [1, 0, −1] and [2, 1, 0]; bias [0.5, −1]: sums −1.5 and 3.
        let g = try ConvolutionGeometry(inputHeight: 1, inputWidth: 1, inputChannels: 3, outputChannels: 2,
                                        kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1,
                                        padding: .valid)
        let input: [Float] = [1, 2, 3], filter: [Float] = [1, 0, -1, 2, 1, 0], bias: [Float] = [0.5, -1]
        assertEqualFloats(reference(g, input: input, filter: filter, bias: bias), [-1.5, 3])
        assertEqualFloats(reference(g, input: input, filter: filter, bias: bias, activation: .relu), [0, 3])
        assertEqualFloats(reference(g, input: input, filter: filter, bias: bias, activation: .prelu([0.1, 0.2])),
                          [-0.15, 3])
        // A one-channel residual [10] is added to channel 0 only (zero-padded shortcut).
        assertEqualFloats(reference(g, input: input, filter: filter, bias: bias, residual: ([10], 1)), [8.5, 3])
        assertEqualFloats(reference(g, input: input, filter: filter, bias: bias, activation: .prelu([0.1, 0.2]),
                                    residual: ([-10, -1], 2)), [-1.15, 2])
    }

    func testReferenceMultiChannelValid2x2() throws {
        // 2x2 image with 2 channels, 2x2 stride 1 VALID -> 1 pixel: a dot product over all 8 values.
        let g = try ConvolutionGeometry(inputHeight: 2, inputWidth: 2, inputChannels: 2, outputChannels: 2,
                                        kernelHeight: 2, kernelWidth: 2, strideHeight: 1, strideWidth: 1,
                                        padding: .valid)
        let input: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        let filter: [Float] = [1, 1, 1, 1, 1, 1, 1, 1, 1, -1, 1, -1, 1, -1, 1, -1]
        assertEqualFloats(reference(g, input: input, filter: filter, bias: [0, 100]), [36, 96])
    }

    // MARK: - Fast paths against the reference

    func testFastPathsMatchReferenceOnRandomShapes() throws {
        var random = TestRandom(seed: 0xC0FFEE)
        var checked = 0
        while checked < 160 {
            let kernel = random.pick([1, 1, 2, 3, 3, 5])
            let stride = random.pick([1, 2, 3])
            let padding: PaddingMode = random.bool() ? .same : .valid
            let height = random.int(1...12), width = random.int(1...12)
            let inputChannels = random.pick([1, 2, 3, 5, 8, 16, 17, 33])
            let outputChannels = random.pick([1, 2, 3, 5, 8, 16, 17, 18, 24, 33, 34, 40])
            guard let g = try? ConvolutionGeometry(
                inputHeight: height, inputWidth: width, inputChannels: inputChannels, outputChannels: outputChannels,
                kernelHeight: kernel, kernelWidth: random.bool() ? kernel : random.pick([1, 2, 3]),
                strideHeight: stride, strideWidth: random.bool() ? stride : random.pick([1, 2, 3]), padding: padding)
            else { continue }
            if g.outputElementCount * g.kernelHeight * g.kernelWidth * g.inputChannels > 400_000 { continue }
            let problem = ConvolutionTestCase(geometry: g, depthwise: false, random: &random)
            try check(problem)
            checked += 1
        }
    }

    func testFastPathsMatchReferenceOnModelShapes() throws {
        var random = TestRandom(seed: 42)
        let shapes: [(size: Int, inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: PaddingMode)] = [
            (24, 3, 16, 3, 2, .same),     // landmark stem (scaled down)
            (20, 3, 24, 5, 2, .same),     // detector stem (scaled down)
            (16, 3, 64, 3, 2, .same),     // iris stem (scaled down)
            (3, 32, 60, 3, 3, .valid),    // mesh head on a 3x3 map
            (3, 32, 1, 3, 3, .valid),     // face flag head
            (8, 16, 24, 2, 2, .valid),    // iris downsampling
            (2, 32, 15, 2, 1, .valid),    // iris head on 2x2
            (2, 32, 10, 2, 2, .valid),    // attention iris head
            (12, 16, 16, 1, 1, .valid),   // pointwise
            (6, 33, 17, 1, 1, .same),     // pointwise with odd channels
            (5, 88, 32, 1, 1, .valid),    // detector head
            (1, 40, 9, 1, 1, .valid),     // 1x1 map
            (6, 88, 2, 1, 1, .valid),     // detector classifier head: a 2-channel dot-product tail only
            (8, 384, 97, 1, 1, .valid),   // blendshape channel mixing: 6 blocks and a 1-channel tail, K = 384
            (9, 3, 18, 5, 2, .same),      // 2-channel tail over 5 segments of 15 values (scalar remainders)
        ]
        for shape in shapes {
            let g = try ConvolutionGeometry(inputHeight: shape.size, inputWidth: shape.size,
                                            inputChannels: shape.inputChannels, outputChannels: shape.outputChannels,
                                            kernelHeight: shape.kernel, kernelWidth: shape.kernel,
                                            strideHeight: shape.stride, strideWidth: shape.stride,
                                            padding: shape.padding)
            for _ in 0..<2 { try check(ConvolutionTestCase(geometry: g, depthwise: false, random: &random)) }
        }
    }

    func testRunWithoutWorkspaceStillComputes() throws {
        var random = TestRandom(seed: 7)
        let g = try ConvolutionGeometry(inputHeight: 9, inputWidth: 7, inputChannels: 3, outputChannels: 5,
                                        kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
                                        padding: .same)
        let problem = ConvolutionTestCase(geometry: g, depthwise: false, random: &random)
        let convolution = try Conv2D(geometry: g, filter: problem.filter, bias: problem.bias,
                                            activation: problem.activation)
        XCTAssertGreaterThan(convolution.workspaceCount, 0)
        let output = GuardedBuffer(count: g.outputElementCount)
        problem.withResidual { residual in
            convolution.run(input: problem.input, residual: residual, output: output.pointer, workspace: nil)
        }
        assertClose(output.values, referenceOutput(problem), "\(problem)")
    }

    func testInvalidParametersThrow() throws {
        let g = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 2, outputChannels: 3,
                                        kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1,
                                        padding: .same)
        let filter = [Float](repeating: 0, count: 3 * 3 * 3 * 2)
        assertThrowsKernelError("filter size") {
            _ = try Conv2D(geometry: g, filter: Array(filter.dropLast()), bias: nil, activation: .none)
        }
        assertThrowsKernelError("bias size") {
            _ = try Conv2D(geometry: g, filter: filter, bias: [1, 2], activation: .none)
        }
        assertThrowsKernelError("alpha count") {
            _ = try Conv2D(geometry: g, filter: filter, bias: nil, activation: .prelu([0.1]))
        }
        var broken = g
        broken.padTop = -1
        assertThrowsKernelError("invalid geometry") {
            _ = try Conv2D(geometry: broken, filter: filter, bias: nil, activation: .none)
        }
        XCTAssertNoThrow(try Conv2D(geometry: g, filter: filter, bias: [1, 2, 3], activation: .prelu([1, 2, 3])))
    }

    // MARK: - Helpers

    /// Runs the public fast path and both internal strategies (with small GEMM chunks to exercise chunking)
    /// and compares each with the reference; also checks that nothing is written past the output or workspace.
    private func check(_ problem: ConvolutionTestCase, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = referenceOutput(problem)
        let g = problem.geometry
        var random = TestRandom(seed: UInt64(problem.input.count))
        let convolutions = [
            try Conv2D(geometry: g, filter: problem.filter, bias: problem.bias, activation: problem.activation),
            try Conv2D(geometry: g, filter: problem.filter, bias: problem.bias, activation: problem.activation,
                              strategy: .direct),
            try Conv2D(geometry: g, filter: problem.filter, bias: problem.bias, activation: problem.activation,
                              strategy: .gemm(chunkPixels: random.int(1...9))),
        ]
        for convolution in convolutions {
            XCTAssertEqual(convolution.geometry, g)
            let output = GuardedBuffer(count: g.outputElementCount)
            let workspace = GuardedBuffer(count: convolution.workspaceCount, fill: 0)
            problem.withResidual { residual in
                convolution.run(input: problem.input, residual: residual, output: output.pointer,
                                workspace: convolution.workspaceCount > 0 ? workspace.pointer : nil)
            }
            assertClose(output.values, expected, "\(convolution.strategy) \(problem)", file: file, line: line)
            XCTAssertTrue(output.guardsIntact, "output overrun \(problem)", file: file, line: line)
            XCTAssertTrue(workspace.guardsIntact, "workspace overrun \(problem)", file: file, line: line)
        }
    }

    private func referenceOutput(_ problem: ConvolutionTestCase) -> [Float] {
        var output = [Float](repeating: .nan, count: problem.geometry.outputElementCount)
        problem.withResidual { residual in
            problem.bias.withOptionalPointer { bias in
                Conv2D.reference(input: problem.input, geometry: problem.geometry, filter: problem.filter,
                                        bias: bias, activation: problem.activation, residual: residual,
                                        output: &output)
            }
        }
        return output
    }

    private func reference(_ g: ConvolutionGeometry, input: [Float], filter: [Float], bias: [Float]?,
                           activation: Activation = .none, residual: ([Float], Int)? = nil) -> [Float] {
        var output = [Float](repeating: .nan, count: g.outputElementCount)
        bias.withOptionalPointer { biasPointer in
            if let residual {
                residual.0.withUnsafeBufferPointer { values in
                    Conv2D.reference(input: input, geometry: g, filter: filter, bias: biasPointer,
                                            activation: activation,
                                            residual: ResidualInput(values: values.baseAddress!, channels: residual.1),
                                            output: &output)
                }
            } else {
                Conv2D.reference(input: input, geometry: g, filter: filter, bias: biasPointer,
                                        activation: activation, residual: nil, output: &output)
            }
        }
        return output
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's elements, or nil when the optional is nil.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .none: return body(nil)
        case .some(let values): return values.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}
