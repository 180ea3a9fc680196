import TestSupport
import XCTest
@testable import TensorRuntime

/// The fused depthwise + 1×1 step of every BlazeBlock (`DepthwisePointwiseBlock`, Plan/ConvolutionFusion.swift)
/// against the composition of the scalar references (`DepthwiseConv2D.reference`, then `Conv2D.reference` with the
/// residual and activation), on random shapes.
final class DepthwisePointwiseBlockTests: XCTestCase {
    /// Stride 1 and 2, odd and even widths, channel counts below, at and above the 8-lane vector width, 3×3 and 5×5
    /// depthwise windows, with and without the residual join (full or fewer channels, as after a channel PAD) and
    /// each fused activation. Work units are run one at a time in a shuffled order (units are independent).
    func testRandomShapesMatchReferenceComposition() throws {
        var random = TestRandom(seed: 0xB10C_0006)
        var checked = 0, worst: Float = 0
        var residualCases = 0, strideTwoCases = 0, narrowChannelCases = 0, wideChannelCases = 0
        while checked < 60 {
            let channels = random.pick([1, 3, 4, 7, 8, 9, 16, 24, 28, 33])
            let outputChannels = random.pick([1, 5, 8, 12, 16, 24, 32, 40])
            let stride = random.int(1...2)
            let kernel = random.pick([3, 5])
            let height = random.int(4...21), width = random.int(4...23)
            let depthwiseGeometry = try ConvolutionGeometry(
                inputHeight: height, inputWidth: width, inputChannels: channels, outputChannels: channels,
                kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride, padding: .same)
            let (outHeight, outWidth) = (depthwiseGeometry.outputHeight, depthwiseGeometry.outputWidth)
            let pointwiseGeometry = try ConvolutionGeometry(
                inputHeight: outHeight, inputWidth: outWidth, inputChannels: channels, outputChannels: outputChannels,
                kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .same)
            let depthwiseFilter = random.floats(kernel * kernel * channels)
            let depthwiseBias: [Float]? = random.bool() ? random.floats(channels) : nil
            let pointwiseFilter = random.floats(outputChannels * channels)
            let pointwiseBias: [Float]? = random.bool() ? random.floats(outputChannels) : nil
            let activation: Activation
            switch random.int(0...2) {
            case 0: activation = .none
            case 1: activation = .relu
            default: activation = .prelu(random.floats(outputChannels, in: 0...0.5))
            }
            let residualChannels = random.bool() ? 0 : (random.bool() ? outputChannels : random.int(1...outputChannels))
            let residual = random.floats(outHeight * outWidth * residualChannels, in: -2...2)
            let input = random.floats(depthwiseGeometry.inputElementCount)

            let depthwise = try DepthwiseConv2D(geometry: depthwiseGeometry, filter: depthwiseFilter,
                                                bias: depthwiseBias, activation: .none)
            let pointwise = try Conv2D(geometry: pointwiseGeometry, filter: pointwiseFilter, bias: pointwiseBias,
                                       activation: activation)
            guard let block = DepthwisePointwiseBlock(depthwise: depthwise, pointwise: pointwise) else {
                // Too small a map to join (fewer than `minimumMapPixels` output pixels): the planner keeps two steps.
                XCTAssertLessThan(outHeight * outWidth, DepthwisePointwiseBlock.minimumMapPixels)
                continue
            }
            let label = "case \(checked): \(height)x\(width)x\(channels) dw \(kernel)x\(kernel)/\(stride) -> "
                + "\(outHeight)x\(outWidth)x\(outputChannels), residual \(residualChannels), \(activation)"

            var actual = [Float](repeating: .nan, count: outHeight * outWidth * outputChannels)
            var workspace = [Float](repeating: .nan, count: block.workspaceCount)
            residual.withUnsafeBufferPointer { residualValues in
                let join = residualChannels > 0
                    ? ResidualInput(values: residualValues.baseAddress!, channels: residualChannels) : nil
                for unit in (0..<block.workUnitCount).shuffled(using: &random) {
                    block.run(input: input, residual: join, output: &actual, workspace: &workspace, units: unit..<unit + 1)
                }
            }

            var intermediate = [Float](repeating: 0, count: outHeight * outWidth * channels)
            var expected = [Float](repeating: 0, count: actual.count)
            DepthwiseConv2D.reference(input: input, geometry: depthwiseGeometry, filter: depthwiseFilter,
                                      bias: depthwiseBias, activation: .none, residual: nil, output: &intermediate)
            residual.withUnsafeBufferPointer { residualValues in
                let join = residualChannels > 0
                    ? ResidualInput(values: residualValues.baseAddress!, channels: residualChannels) : nil
                Conv2D.reference(input: intermediate, geometry: pointwiseGeometry, filter: pointwiseFilter,
                                 bias: pointwiseBias, activation: activation, residual: join, output: &expected)
            }
            // Measured: largest difference 4.8e-6 over the 60 cases; bound 1e-5 · max(1, max |expected|).
            let difference = assertClose(actual, expected, relativeTolerance: 1e-5, label)
            worst = max(worst, difference.maximum)
            checked += 1
            if residualChannels > 0 { residualCases += 1 }
            if stride == 2 { strideTwoCases += 1 }
            if channels < 8 { narrowChannelCases += 1 }
            if channels > 8 { wideChannelCases += 1 }
        }
        // The random draw covers every kind of case (counts fixed by the seed).
        XCTAssertGreaterThan(residualCases, 10)
        XCTAssertGreaterThan(strideTwoCases, 10)
        XCTAssertGreaterThan(narrowChannelCases, 10)
        XCTAssertGreaterThan(wideChannelCases, 10)
        print("DepthwisePointwiseBlockTests: largest difference to the reference composition \(worst)")
    }

    /// A block on a map of `height` × `width` × `channels` (3×3 depthwise, stride 1, then 1×1 to `outputChannels`).
    private func block(height: Int, width: Int, channels: Int, outputChannels: Int) throws -> DepthwisePointwiseBlock {
        let depthwiseGeometry = try ConvolutionGeometry(
            inputHeight: height, inputWidth: width, inputChannels: channels, outputChannels: channels,
            kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .same)
        let pointwiseGeometry = try ConvolutionGeometry(
            inputHeight: height, inputWidth: width, inputChannels: channels, outputChannels: outputChannels,
            kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .same)
        let depthwise = try DepthwiseConv2D(geometry: depthwiseGeometry,
                                            filter: [Float](repeating: 0.5, count: 9 * channels), bias: nil,
                                            activation: .none)
        let pointwise = try Conv2D(geometry: pointwiseGeometry,
                                   filter: [Float](repeating: 0.25, count: outputChannels * channels), bias: nil,
                                   activation: .none)
        return try XCTUnwrap(DepthwisePointwiseBlock(depthwise: depthwise, pointwise: pointwise))
    }

    /// Work units that two threads share evenly (they take the units as two contiguous halves). The blocks of the
    /// shipped models on 12×12 maps (mesh, attention, the full-range detector) used to be 3 units of 4 rows, which
    /// left one thread 8 of the 12 rows; they are now 4 units of 3. Maps of odd width keep their units, and a
    /// choice within 5% of the even split keeps the L1-sized span (64 rows in units of 3: 33 rows against 32).
    func testUnitsSplitEvenlyBetweenTwoThreads() throws {
        XCTAssertEqual(DepthwisePointwiseBlock.busierHalf(height: 12, rows: 4), 8)
        XCTAssertEqual(DepthwisePointwiseBlock.busierHalf(height: 12, rows: 3), 6)
        XCTAssertEqual(DepthwisePointwiseBlock.busierHalf(height: 16, rows: 3), 9)
        XCTAssertEqual(DepthwisePointwiseBlock.busierHalf(height: 7, rows: 7), 7)
        // (height, width, channels, output channels) → (rows per unit, units)
        let cases: [((Int, Int, Int, Int), (Int, Int))] = [
            ((12, 12, 128, 128), (3, 4)),  // was 4 rows, 3 units
            ((12, 12, 48, 192), (6, 2)),  // the full-range detector's (fewer channels): was 4 rows, 3 units
            ((16, 16, 64, 128), (4, 4)),  // iris, V2; was 3 rows, 6 units (9 rows against 7)
            ((32, 32, 32, 64), (4, 8)),  // was 3 rows, 11 units (17 rows against 15)
            ((64, 64, 24, 24), (3, 22)),  // short-range detector: 33 rows against 31, kept
            ((6, 6, 384, 96), (2, 3)),  // one-row units would hold 6 pixels, less than a full tile: kept
            ((24, 24, 64, 64), (2, 12)),
            ((11, 11, 32, 32), (4, 3)),  // odd width: the choice for one thread stays
        ]
        for ((height, width, channels, outputChannels), (rows, units)) in cases {
            let block = try block(height: height, width: width, channels: channels, outputChannels: outputChannels)
            XCTAssertEqual(block.rowsPerUnit, rows, "\(height)×\(width)×\(channels) → \(outputChannels)")
            XCTAssertEqual(block.workUnitCount, units, "\(height)×\(width)×\(channels) → \(outputChannels)")
            XCTAssertLessThanOrEqual(block.workspaceCount, 6144, "scratch rows stay in L1")
        }
    }
}
