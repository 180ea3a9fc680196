import XCTest
@testable import TensorRuntime

/// The 2×2 stride-2 unpadded pooling path (the models' shortcut pooling), including channel counts that are not a
/// multiple of 8 (the detector pools 28 and 88 channels), against the scalar reference.
final class MaxPool2x2FastPathTests: XCTestCase {
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
