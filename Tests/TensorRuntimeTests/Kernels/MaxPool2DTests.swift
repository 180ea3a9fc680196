import XCTest
@testable import TensorRuntime

/// MAX_POOL_2D: reference against hand-computed results (padding ignored, not zero), fast path against reference.
final class MaxPool2DTests: XCTestCase {
    func testReference2x2Stride2Valid() throws {
        let g = try geometry(4, channels: 1, kernel: 2, stride: 2, .valid)
        let input: [Float] = [1, 5, 2, 0,
                              3, 4, 8, 7,
                              -1, -2, 6, 6,
                              -3, -4, 6, 9]
        assertEqualFloats(reference(g, input), [5, 8, -1, 9])
    }

    func testReferenceIgnoresPaddingInsteadOfReadingZero() throws {
        // All values negative; 3x3 stride 2 SAME on 4x4 pads 0 before, 1 after. Zero padding would give 0s.
        let g = try geometry(4, channels: 1, kernel: 3, stride: 2, .same)
        let input = (1...16).map { -Float($0) }
        assertEqualFloats(reference(g, input), [-1, -3, -9, -11])
    }

    func testReferencePoolsChannelsIndependently() throws {
        let g = try geometry(2, channels: 2, kernel: 2, stride: 2, .valid)
        assertEqualFloats(reference(g, [1, -1, 2, -2, 3, -3, 4, -4]), [4, -1])
    }

    func testFastPathMatchesReference() throws {
        var random = TestRandom(seed: 99)
        var checked = 0
        while checked < 150 {
            let kernel = random.pick([1, 2, 2, 3, 5])
            let stride = random.pick([1, 2, 3])
            let channels = random.pick([1, 3, 8, 16, 17, 24, 33])
            guard let g = try? ConvolutionGeometry(
                inputHeight: random.int(1...12), inputWidth: random.int(1...12), inputChannels: channels,
                outputChannels: channels, kernelHeight: kernel, kernelWidth: random.pick([kernel, 1, 2]),
                strideHeight: stride, strideWidth: random.pick([stride, 1, 2]),
                padding: random.bool() ? .same : .valid)
            else { continue }
            XCTAssertNoThrow(try MaxPool2D.validate(geometry: g))
            let input = random.floats(g.inputElementCount, in: -3...3)
            let expected = reference(g, input)
            let output = GuardedBuffer(count: g.outputElementCount)
            MaxPool2D.run(input: input, geometry: g, output: output.pointer)
            assertEqualFloats(output.values, expected, "\(g)")
            XCTAssertTrue(output.guardsIntact)
            checked += 1
        }
    }

    func testValidationRejectsChannelChange() throws {
        let g = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 2, outputChannels: 3,
                                        kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2,
                                        padding: .valid)
        assertThrowsKernelError("channel change") { try MaxPool2D.validate(geometry: g) }
    }

    private func geometry(_ size: Int, channels: Int, kernel: Int, stride: Int,
                          _ padding: PaddingMode) throws -> ConvolutionGeometry {
        try ConvolutionGeometry(inputHeight: size, inputWidth: size, inputChannels: channels,
                                outputChannels: channels, kernelHeight: kernel, kernelWidth: kernel,
                                strideHeight: stride, strideWidth: stride, padding: padding)
    }

    private func reference(_ g: ConvolutionGeometry, _ input: [Float]) -> [Float] {
        var output = [Float](repeating: .nan, count: g.outputElementCount)
        MaxPool2D.reference(input: input, geometry: g, output: &output)
        return output
    }

    /// The 2×2 stride-2 unpadded pooling path (the models' shortcut pooling), including channel counts that are
    /// not a multiple of 8 (the detector pools 28 and 88 channels), against the scalar reference.
    func testTwoByTwoStrideTwoMatchesReferenceForAnyChannelCount() throws {
        var random = TestRandom(seed: 5)
        for channels in [8, 12, 16, 28, 88] {
            for (height, width) in [(4, 4), (6, 10), (7, 5)] {
                let g = try ConvolutionGeometry(inputHeight: height, inputWidth: width, inputChannels: channels,
                                                outputChannels: channels, kernelHeight: 2, kernelWidth: 2,
                                                strideHeight: 2, strideWidth: 2, padding: .valid)
                let input = random.floats(g.inputElementCount, in: -3...3)
                var expected = [Float](repeating: 0, count: g.outputElementCount)
                MaxPool2D.reference(input: input, geometry: g, output: &expected)
                let output = GuardedBuffer(count: g.outputElementCount)
                MaxPool2D.run(input: input, geometry: g, output: output.pointer)
                assertEqualFloats(output.values, expected, "\(g)")
                XCTAssertTrue(output.guardsIntact)
            }
        }
    }
}
