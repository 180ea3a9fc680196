import TestSupport
import XCTest
@testable import TensorRuntime

/// Large single-output-pixel convolutions (the landmark heads) whose weights are exact Float16 values stream them
/// as Float16; the result equals the scalar reference and is bit for bit the Float32 path's.
final class HalfWeightHeadTests: XCTestCase {
    func testHalfWeightHeadMatchesReferenceAndFloat32Path() throws {
        var random = TestRandom(seed: 77)
        // A 3×3 stride-3 VALID head on a 3×3×32 map with 100 output channels (K = 288), like face_landmark's.
        let geometry = try ConvolutionGeometry(inputHeight: 3, inputWidth: 3, inputChannels: 32, outputChannels: 100,
                                               kernelHeight: 3, kernelWidth: 3, strideHeight: 3, strideWidth: 3,
                                               padding: .valid)
        var problem = ConvolutionTestCase(geometry: geometry, depthwise: false, random: &random)
        let exact = problem.filter.map { Float(Float16($0)) }
        problem.filter = exact
        let head = try Conv2D(geometry: geometry, filter: exact, bias: problem.bias, activation: problem.activation)
        XCTAssertNotNil(head.halfWeights, "the Float16 weight stream should be used")
        // Nudging one weight off the Float16 grid keeps the layer on Float32 weights.
        var inexact = exact
        inexact[5] = inexact[5].nextUp
        XCTAssertNil(try Conv2D(geometry: geometry, filter: inexact, bias: problem.bias,
                                       activation: problem.activation).halfWeights)

        var expected = [Float](repeating: 0, count: geometry.outputElementCount)
        var actual = expected, float32Path = expected
        problem.withResidual { residual in
            Conv2D.reference(input: problem.input, geometry: geometry, filter: exact, bias: problem.bias,
                                    activation: problem.activation, residual: residual, output: &expected)
            head.run(input: problem.input, residual: residual, output: &actual, workspace: nil)
            // The same layer through the multi-pixel tiles (one span of one pixel): the Float32 weights.
            let layer = ConvolutionMicroKernel.Layer(
                weights: head.packedWeights, patchLength: head.patchLength, bias: head.parameters.bias,
                channels: 100, firstChannel: 0, endChannel: 100,
                epilogue: head.parameters.epilogue.inRegisters(residual: residual))
            problem.input.withUnsafeBufferPointer { input in
                let source = ConvolutionMicroKernel.Source(base: input.baseAddress!, pixelStride: 288, segmentCount: 1,
                                                           segmentStride: 0, segmentLength: 288)
                ConvolutionMicroKernel.run(source: source, pixels: 1, firstPixel: 0, layer: layer, output: &float32Path)
            }
        }
        XCTAssertLessThanOrEqual(ArrayDifference(actual, expected).maximum, 1e-4, "\(problem)")
        XCTAssertEqual(actual.map(\.bitPattern), float32Path.map(\.bitPattern))
    }
}
