import Foundation
import TestSupport
import XCTest
@testable import TensorRuntime

/// The execution plan (fusion, arena reuse) computes exactly what the unfused graph computes with the scalar
/// reference kernels, op by op.
final class ExecutionPlanTests: XCTestCase {
    private var generator = SystemRandomNumberGenerator()

    private func random(_ count: Int, seed: Int) -> [Float] {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(Int(state % 2001) - 1000) / 1000
        }
    }

    /// A BlazeBlock with a stride-2 depthwise convolution: y = PReLU(pad_c(maxpool(x)) + conv1×1(dw3×3s2(x))).
    private func blazeBlock(side n: Int) -> (TestModelBuilder, weights: [String: [Float]]) {
        let m = n / 2
        var builder = TestModelBuilder()
        let weights: [String: [Float]] = [
            "dw": random(3 * 3 * 4, seed: 1), "dw_bias": random(4, seed: 2),
            "pw": random(6 * 4, seed: 3), "pw_bias": random(6, seed: 4), "alpha": random(6, seed: 5),
        ]
        let x = builder.activation("x", [1, n, n, 4])
        let dw = builder.constant("dw", [1, 3, 3, 4], weights["dw"]!)
        let dwBias = builder.constant("dw_bias", [4], weights["dw_bias"]!)
        let t1 = builder.activation("t1", [1, m, m, 4])
        let pw = builder.constant("pw", [6, 1, 1, 4], weights["pw"]!)
        let pwBias = builder.constant("pw_bias", [6], weights["pw_bias"]!)
        let t2 = builder.activation("t2", [1, m, m, 6])
        let pooled = builder.activation("pooled", [1, m, m, 4])
        let paddings = builder.intConstant("paddings", [4, 2], [0, 0, 0, 0, 0, 0, 0, 2])
        let padded = builder.activation("padded", [1, m, m, 6])
        let sum = builder.activation("sum", [1, m, m, 6])
        let alpha = builder.constant("alpha", [1, 1, 6], weights["alpha"]!)
        let y = builder.activation("y", [1, m, m, 6])
        let convolution: [String: TestModelBuilder.Attribute] = [
            "padding": .string("SAME"), "stride_h": .int(2), "stride_w": .int(2), "fused_activation": .string("NONE"),
        ]
        builder.inputs = [x]
        builder.outputs = [y]
        builder.add("DEPTHWISE_CONV_2D", [x, dw, dwBias], [t1], convolution.merging(["depth_multiplier": .int(1)]) { $1 })
        builder.add("CONV_2D", [t1, pw, pwBias], [t2], convolution.merging(["stride_h": .int(1), "stride_w": .int(1)]) { $1 })
        builder.add("MAX_POOL_2D", [x], [pooled], ["padding": .string("VALID"), "stride_h": .int(2), "stride_w": .int(2),
                                                  "filter_h": .int(2), "filter_w": .int(2)])
        builder.add("PAD", [pooled, paddings], [padded])
        builder.add("ADD", [t2, padded], [sum])
        builder.add("PRELU", [sum, alpha], [y])
        return (builder, weights)
    }

    /// On a 6×6 input (3×3 output, too small to fuse the depthwise convolution): the depthwise step, the pooling
    /// step and one fused convolution step.
    func testFusedBlazeBlockEqualsReferenceComposition() throws {
        try checkBlazeBlock(side: 6, steps: 3, fusedPrefix: "CONV_2D+PAD+ADD+PRELU")
    }

    /// On a 12×12 input the depthwise convolution runs inside the 1×1 convolution's step: two steps in all.
    func testBlazeBlockWithJoinedDepthwiseEqualsReferenceComposition() throws {
        try checkBlazeBlock(side: 12, steps: 2, fusedPrefix: "DEPTHWISE_CONV_2D+CONV_2D+PAD+ADD+PRELU")
    }

    /// Runs `builder`'s graph fast (fused) and in reference mode (one scalar step per operator) on random inputs.
    private func fastAndReference(_ builder: TestModelBuilder, inputCounts: [Int], seed: Int) throws
        -> (fast: [Float], reference: [Float], labels: [String])
    {
        let file = try ModelFile(data: builder.serialized())
        var options = ModelRunner.Options()
        options.execution = .reference
        let fast = try ModelRunner(file: file), reference = try ModelRunner(file: file, options: options)
        let inputs = inputCounts.enumerated().map { random($0.element, seed: seed + $0.offset) }
        for runner in [fast, reference] {
            try withBuffers(inputs) { try runner.run(inputs: $0) }
        }
        return (fast.output(0), reference.output(0), fast.stepLabels)
    }

    /// Calls `body` with buffer pointers to every array of `arrays`.
    private func withBuffers(_ arrays: [[Float]], _ body: ([UnsafeBufferPointer<Float>]) throws -> Void) throws {
        func nest(_ index: Int, _ buffers: [UnsafeBufferPointer<Float>]) throws {
            guard index < arrays.count else { return try body(buffers) }
            try arrays[index].withUnsafeBufferPointer { try nest(index + 1, buffers + [$0]) }
        }
        try nest(0, [])
    }

    /// The full-range detector's pattern: a spatial zero PAD in front of a VALID convolution (depthwise or dense,
    /// stride 1 or 2, symmetric or not) runs as that convolution's own padding, one step, equal to PAD + VALID.
    func testSpatialPadFoldsIntoTheFollowingValidConvolution() throws {
        var seed = 100
        var worst: Float = 0
        defer { print("spatial PAD fold: largest difference to PAD + VALID reference \(worst)") }
        for (depthwise, stride, pads) in [(true, 1, [1, 1, 1, 1]), (true, 2, [1, 1, 1, 1]), (false, 2, [1, 1, 1, 1]),
                                          (true, 1, [0, 2, 1, 0]), (false, 1, [2, 0, 0, 1])] {
            for side in [5, 8, 13] {
                seed += 10
                var builder = TestModelBuilder()
                let channels = 3, outputChannels = depthwise ? 3 : 5
                let (paddedHeight, paddedWidth) = (side + pads[0] + pads[1], side + pads[2] + pads[3])
                let outputSide = (h: (paddedHeight - 3) / stride + 1, w: (paddedWidth - 3) / stride + 1)
                let x = builder.activation("x", [1, side, side, channels])
                let paddings = builder.intConstant("paddings", [4, 2], [0, 0, Int32(pads[0]), Int32(pads[1]),
                                                                         Int32(pads[2]), Int32(pads[3]), 0, 0])
                let padded = builder.activation("padded", [1, paddedHeight, paddedWidth, channels])
                let filterShape = depthwise ? [1, 3, 3, channels] : [outputChannels, 3, 3, channels]
                let filter = builder.constant("filter", filterShape, random(filterShape.reduce(1, *), seed: seed))
                let bias = builder.constant("bias", [outputChannels], random(outputChannels, seed: seed + 1))
                let y = builder.activation("y", [1, outputSide.h, outputSide.w, outputChannels])
                builder.inputs = [x]
                builder.outputs = [y]
                builder.add("PAD", [x, paddings], [padded])
                var attributes: [String: TestModelBuilder.Attribute] = [
                    "padding": .string("VALID"), "stride_h": .int(stride), "stride_w": .int(stride),
                    "fused_activation": .string("RELU"),
                ]
                if depthwise { attributes["depth_multiplier"] = .int(1) }
                builder.add(depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D", [padded, filter, bias], [y], attributes)
                let run = try fastAndReference(builder, inputCounts: [side * side * channels], seed: seed)
                XCTAssertEqual(run.labels.count, 1, "\(run.labels)")
                worst = max(worst, ArrayDifference(run.fast, run.reference).maximum)
                // Measured 1.4e-6 at most (summation order of the fast kernels).
                XCTAssertLessThanOrEqual(ArrayDifference(run.fast, run.reference).maximum, 5e-6,
                                         "depthwise \(depthwise) stride \(stride) pads \(pads) side \(side)")
            }
        }
    }

    /// A RESIZE_BILINEAR read only by an ADD (the full-range detector's upsampling + skip connection) runs inside
    /// the ADD's step, bit for bit the two kernels one after the other; when the resized tensor is also a graph
    /// output, the two stay separate steps.
    func testResizeBilinearJoinsTheAddThatReadsIt() throws {
        for (relu, resizedIsOutput) in [(false, false), (true, false), (true, true)] {
            var builder = TestModelBuilder()
            let x = builder.activation("x", [1, 3, 4, 5]), skip = builder.activation("skip", [1, 6, 8, 5])
            let size = builder.intConstant("size", [2], [6, 8])
            let resized = builder.activation("resized", [1, 6, 8, 5]), y = builder.activation("y", [1, 6, 8, 5])
            builder.inputs = [x, skip]
            builder.outputs = resizedIsOutput ? [y, resized] : [y]
            builder.add("RESIZE_BILINEAR", [x, size], [resized],
                        ["align_corners": .int(0), "half_pixel_centers": .int(1)])
            builder.add("ADD", [skip, resized], [y], ["fused_activation": .string(relu ? "RELU" : "NONE")])
            let runner = try ModelRunner(file: try ModelFile(data: builder.serialized()))
            let inputs = [random(60, seed: 11), random(240, seed: 12).map { 2 * $0 }]
            try withBuffers(inputs) { try runner.run(inputs: $0) }
            XCTAssertEqual(runner.stepLabels, resizedIsOutput ? ["RESIZE_BILINEAR #0", "ADD #1"] : ["RESIZE_BILINEAR+ADD #1"])
            let geometry = try ResizeBilinear.Geometry(inputHeight: 3, inputWidth: 4, channels: 5, outputHeight: 6,
                                                       outputWidth: 8, alignCorners: false, halfPixelCenters: true)
            var separate = [Float](repeating: 0, count: 240), expected = [Float](repeating: 0, count: 240)
            ResizeBilinear.run(input: inputs[0], geometry: geometry, output: &separate)
            Add.run(inputs[1], separate, count: 240, activation: relu ? .relu : .none, output: &expected)
            XCTAssertEqual(runner.output(0).map(\.bitPattern), expected.map(\.bitPattern), "relu \(relu)")
        }
    }

    /// A residual ADD with a fused RELU joins the convolution's epilogue: relu(conv(x) + r), one step.
    func testAddWithFusedReLUJoinsTheConvolution() throws {
        var builder = TestModelBuilder()
        let x = builder.activation("x", [1, 6, 6, 4]), r = builder.activation("r", [1, 6, 6, 4])
        let filter = builder.constant("filter", [4, 1, 1, 4], random(16, seed: 7))
        let bias = builder.constant("bias", [4], random(4, seed: 8))
        let t = builder.activation("t", [1, 6, 6, 4]), y = builder.activation("y", [1, 6, 6, 4])
        builder.inputs = [x, r]
        builder.outputs = [y]
        builder.add("CONV_2D", [x, filter, bias], [t], ["padding": .string("SAME"), "stride_h": .int(1),
                                                        "stride_w": .int(1), "fused_activation": .string("NONE")])
        builder.add("ADD", [t, r], [y], ["fused_activation": .string("RELU")])
        let run = try fastAndReference(builder, inputCounts: [144, 144], seed: 3)
        XCTAssertEqual(run.labels.count, 1, "\(run.labels)")
        XCTAssertTrue(run.labels[0].hasPrefix("CONV_2D+ADD"), "\(run.labels)")
        XCTAssertTrue(run.reference.contains { $0 == 0 } && run.reference.contains { $0 > 0 })   // the RELU matters
        print("ADD+RELU epilogue: largest difference \(ArrayDifference(run.fast, run.reference).maximum)")
        XCTAssertLessThanOrEqual(ArrayDifference(run.fast, run.reference).maximum, 5e-7)   // measured 1.2e-7
    }

    private func checkBlazeBlock(side n: Int, steps: Int, fusedPrefix: String) throws {
        let m = n / 2
        let (builder, weights) = blazeBlock(side: n)
        let runner = try ModelRunner(file: try ModelFile(data: builder.serialized()))
        XCTAssertEqual(runner.stepLabels.count, steps, "\(runner.stepLabels)")
        XCTAssertTrue(runner.stepLabels.contains { $0.hasPrefix(fusedPrefix) }, "\(runner.stepLabels)")
        let input = random(n * n * 4, seed: 9)
        try runner.run(input)
        let actual = runner.output(0)

        let depthwiseGeometry = try ConvolutionGeometry(inputHeight: n, inputWidth: n, inputChannels: 4, outputChannels: 4,
                                                        kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2,
                                                        padding: .same)
        let pointwiseGeometry = try ConvolutionGeometry(inputHeight: m, inputWidth: m, inputChannels: 4, outputChannels: 6,
                                                        kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1,
                                                        padding: .same)
        let poolGeometry = try ConvolutionGeometry(inputHeight: n, inputWidth: n, inputChannels: 4, outputChannels: 4,
                                                   kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2,
                                                   padding: .valid)
        let small = m * m * 4, large = m * m * 6
        var t1 = [Float](repeating: 0, count: small), t2 = [Float](repeating: 0, count: large)
        var pooled = [Float](repeating: 0, count: small), padded = [Float](repeating: 0, count: large)
        var sum = [Float](repeating: 0, count: large), expected = [Float](repeating: 0, count: large)
        DepthwiseConv2D.reference(input: input, geometry: depthwiseGeometry, filter: weights["dw"]!,
                                         bias: weights["dw_bias"]!, activation: .none, residual: nil, output: &t1)
        Conv2D.reference(input: t1, geometry: pointwiseGeometry, filter: weights["pw"]!, bias: weights["pw_bias"]!,
                                activation: .none, residual: nil, output: &t2)
        MaxPool2D.reference(input: input, geometry: poolGeometry, output: &pooled)
        try Pad.reference(input: pooled, inputShape: [1, m, m, 4],
                                paddings: [(0, 0), (0, 0), (0, 0), (0, 2)], output: &padded)
        Add.reference(t2, padded, count: large, activation: .none, output: &sum)
        PReLU.reference(sum, count: large, alpha: weights["alpha"]!, channels: 6, output: &expected)
        XCTAssertLessThanOrEqual(ArrayDifference(actual, expected).maximum, 1e-5)
    }

    func testArenaReusesMemoryOfDeadTensors() {
        // Three tensors alive one after another fit in the space of the largest; overlapping ones do not share.
        let requests = [
            ArenaAllocator.Request(tensor: 0, size: 100, first: 0, last: 1),
            ArenaAllocator.Request(tensor: 1, size: 50, first: 1, last: 2),
            ArenaAllocator.Request(tensor: 2, size: 100, first: 2, last: 3),
        ]
        let (offsets, size) = ArenaAllocator.assign(requests)
        XCTAssertEqual(size, 112 + 64)  // 100 → 112 floats (16-float alignment); 50 → 64 beside it
        XCTAssertNotEqual(offsets[0], offsets[1])
        XCTAssertNotEqual(offsets[1], offsets[2])
        XCTAssertEqual(offsets[0], offsets[2])
    }

    func testFaceLandmarkPlanFusesBlocks() throws {
        let runner = try ModelRunner(contentsOf: RepositoryFiles.weights("face_landmark"))
        // 97 operators; every PRELU and residual ADD is folded into a convolution step.
        XCTAssertLessThan(runner.stepLabels.count, 60, "\(runner.stepLabels.count) steps")
        XCTAssertFalse(runner.stepLabels.contains { $0.hasPrefix("PRELU") || $0.hasPrefix("ADD") })
        XCTAssertEqual(runner.multiplyAccumulates, 34_979_040)
    }

    func testInputErrors() throws {
        let runner = try ModelRunner(file: try ModelFile(data: blazeBlock(side: 6).0.serialized()))
        XCTAssertThrowsError(try runner.run([Float](repeating: 0, count: 10))) {
            guard case .inputMismatch? = $0 as? PlanError else { return XCTFail("\($0)") }
        }
        var input = [Float](repeating: 0, count: 144)
        input[17] = .nan
        XCTAssertThrowsError(try runner.run(input)) { XCTAssertEqual($0 as? PlanError, .nonFiniteInput(input: 0, element: 17)) }
        XCTAssertThrowsError(try runner.output(named: "nope")) { XCTAssertEqual($0 as? PlanError, .unknownOutput("nope")) }
    }
}
