import Foundation
import XCTest
@testable import TensorRuntime

/// Inputs that crashed the planner, found by the libFuzzer targets in Tools/fuzz (crash files in
/// Tools/fuzz/crashes/) or by reading the planner next to a fuzzer finding, rebuilt here as small graphs so that each
/// stays fixed. Each test names its origin; each used to trap and now throws a `PlanError`.
final class FuzzFindingRegressionTests: XCTestCase {
    /// FuzzWeightLoaderResealed-oom-ae869045…: the attention_crop seed with its feature-map input declared as
    /// [1, 117440518, 6, 2] (1.4 billion floats, 5.6 GB) in a 768-byte file. `ModelRunner` used to allocate and
    /// zero that arena; the plan now refuses it with `PlanError.memoryLimitExceeded`.
    func testHugeDeclaredActivationIsRefusedBeforeAllocation() throws {
        var builder = TestModelBuilder()
        let landmarks = builder.activation("landmarks", [1, 5, 3])
        let features = builder.activation("features", [1, 117_440_518, 6, 2])
        let matrix = builder.activation("matrix", [1, 4, 4])
        let crop = builder.activation("crop", [1, 3, 3, 2])
        let points = builder.activation("points", [1, 5, 3])
        builder.inputs = [landmarks, features]
        builder.outputs = [crop, points]
        builder.add("Landmarks2TransformMatrix", [landmarks], [matrix],
                    ["left_rotation_idx": .int(0), "output_height": .int(3), "output_width": .int(3),
                     "right_rotation_idx": .int(1), "scale_x": .float(1.5), "scale_y": .float(1.5),
                     "subset_idxs": .ints([0, 1, 2, 3, 4]), "target_rotation_radians": .float(0)])
        builder.add("TransformTensorBilinear", [features, matrix], [crop],
                    ["output_height": .int(3), "output_width": .int(3)])
        builder.add("TransformLandmarks", [landmarks, matrix], [points])
        let file = try ModelFile(data: builder.serialized())
        XCTAssertThrowsError(try ModelRunner(file: file)) { error in
            guard case let .memoryLimitExceeded(required, limit)? = error as? PlanError else {
                return XCTFail("expected memoryLimitExceeded, got \(error)")
            }
            XCTAssertGreaterThanOrEqual(required, 117_440_518 * 6 * 2)
            XCTAssertEqual(limit, ExecutionPlan.maximumMemoryFloats)
        }

        // The same graph with the seed's [1, 6, 6, 2] feature map compiles: the limit is not hit by normal sizes.
        builder.tensors[features].shape = [1, 6, 6, 2]
        XCTAssertNoThrow(try ModelRunner(file: ModelFile(data: builder.serialized())))
    }

    /// The limit applies to the sum of all simultaneously live activations, not to single tensors: two inputs of
    /// 2^27 floats each are allowed on their own but not together with their sum.
    func testMemoryLimitCountsLiveTensorsTogether() throws {
        var builder = TestModelBuilder()
        let half = [1, 1 << 13, 1 << 14]
        let a = builder.activation("a", half)
        let b = builder.activation("b", half)
        let sum = builder.activation("sum", half)
        builder.inputs = [a, b]
        builder.outputs = [sum]
        builder.add("ADD", [a, b], [sum])
        XCTAssertThrowsError(try ModelRunner(file: ModelFile(data: builder.serialized()))) { error in
            XCTAssertEqual(error as? PlanError,
                           .memoryLimitExceeded(required: 3 << 27, limit: ExecutionPlan.maximumMemoryFloats))
        }
    }

    /// FuzzWeightLoaderResealed-crash-62bb5fc2…: the conv_prelu seed with its graph output changed to the filter
    /// constant. The plan force-unwrapped the output's arena offset, which constants do not have.
    func testConstantGraphOutputIsRefused() throws {
        var builder = TestModelBuilder()
        let input = builder.activation("input", [1, 2, 2, 1])
        let filter = builder.constant("filter", [1, 1, 1, 1], [2])
        let output = builder.activation("output", [1, 2, 2, 1])
        builder.inputs = [input]
        builder.outputs = [filter]
        builder.add("CONV_2D", [input, filter, -1], [output],
                    ["padding": .string("VALID"), "stride_h": .int(1), "stride_w": .int(1)])
        XCTAssertThrowsError(try ModelRunner(file: ModelFile(data: builder.serialized()))) { error in
            guard case let .shapeMismatch(_, "graph", reason)? = error as? PlanError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("'filter' is a constant"), reason)
        }
        // Control: with the computed tensor as output the graph runs (1×1 convolution = scaling by 2).
        builder.outputs = [output]
        let runner = try ModelRunner(file: ModelFile(data: builder.serialized()))
        try runner.run([1, -2, 3, 0.5])
        XCTAssertEqual(runner.output(0), [2, -4, 6, 1])
    }

    /// Found by reading the planner after the previous finding (same force unwrap, reached through a step body):
    /// an int32 constant used as a float data operand has neither a float constant copy nor an arena place.
    func testInt32DataOperandIsRefused() throws {
        for type in ["ADD", "RELU", "MUL"] {
            var builder = TestModelBuilder()
            let input = builder.activation("input", [1, 3])
            let integers = builder.intConstant("integers", [1, 3], [1, 2, 3])
            let output = builder.activation("output", [1, 3])
            builder.inputs = [input]
            builder.outputs = [output]
            builder.add(type, type == "RELU" ? [integers] : [input, integers], [output])
            XCTAssertThrowsError(try ModelRunner(file: ModelFile(data: builder.serialized())), type) { error in
                XCTAssertEqual(error as? PlanError, .wrongDataType(index: 0, type: type, tensor: "integers"))
            }
        }
    }

    /// An operator output declared int32 would receive float bits: refused the same way.
    func testInt32OperatorOutputIsRefused() throws {
        var builder = TestModelBuilder()
        let input = builder.activation("input", [1, 3])
        let output = builder.activation("output", [1, 3])
        builder.tensors[output].dataType = 2
        builder.inputs = [input]
        builder.outputs = [output]
        builder.add("RELU", [input], [output])
        XCTAssertThrowsError(try ModelRunner(file: ModelFile(data: builder.serialized()))) { error in
            XCTAssertEqual(error as? PlanError, .wrongDataType(index: 0, type: "RELU", tensor: "output"))
        }
    }

    /// Found by reading the fusion pass: a residual PAD whose data input is absent (-1, allowed by the format for
    /// optional inputs) was indexed with -1 while the convolution looked for a trailing-channel PAD to fold in.
    func testAbsentPadInputInResidualFusionIsRefused() throws {
        var builder = TestModelBuilder()
        let input = builder.activation("input", [1, 2, 2, 2])
        let filter = builder.constant("filter", [2, 1, 1, 2], [1, 0, 0, 1])
        let convolution = builder.activation("convolution", [1, 2, 2, 2])
        let paddings = builder.intConstant("paddings", [4, 2], [0, 0, 0, 0, 0, 0, 0, 0])
        let shortcut = builder.activation("shortcut", [1, 2, 2, 2])
        let output = builder.activation("output", [1, 2, 2, 2])
        builder.inputs = [input]
        builder.outputs = [output]
        builder.add("CONV_2D", [input, filter, -1], [convolution],
                    ["padding": .string("SAME"), "stride_h": .int(1), "stride_w": .int(1)])
        builder.add("PAD", [-1, paddings], [shortcut])
        builder.add("ADD", [convolution, shortcut], [output])
        XCTAssertThrowsError(try ModelRunner(file: ModelFile(data: builder.serialized()))) { error in
            guard case .wrongArity(1, "PAD", _)? = error as? PlanError else { return XCTFail("\(error)") }
        }
        // Control: with the PAD reading the input the block fuses and computes identity(x) + x.
        builder.operators[1].inputs = [input, paddings]
        let runner = try ModelRunner(file: ModelFile(data: builder.serialized()))
        XCTAssertEqual(runner.stepLabels, ["CONV_2D+PAD+ADD #0"])
        let values: [Float] = [1, 2, -3, 4, 0.5, -1, 8, 0]
        try runner.run(values)
        XCTAssertEqual(runner.output(0), values.map { 2 * $0 })
    }
}
