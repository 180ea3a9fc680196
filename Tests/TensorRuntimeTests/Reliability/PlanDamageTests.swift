import Foundation
import XCTest
@testable import TensorRuntime

/// Graphs that load but cannot be planned or run: each damage is refused with the matching `PlanError`, never a
/// trap. Every test first shows that the undamaged graph plans (and where relevant runs) correctly, so the error
/// is caused by the damage alone.
final class PlanDamageTests: XCTestCase {
    private let inputValues: [Float] = [1, -2, 3, -4, 0.5, -0.5, 2, -8, 6, -1, 0, 4]

    /// input [1,2,2,3] → PRELU(alpha [3]) → hidden → RELU → output, both [1,2,2,3].
    private func chain() -> TestModelBuilder {
        var builder = TestModelBuilder()
        let input = builder.activation("input", [1, 2, 2, 3])
        let alpha = builder.constant("alpha", [3], [0.5, 0.25, -1])
        let hidden = builder.activation("hidden", [1, 2, 2, 3])
        let output = builder.activation("output", [1, 2, 2, 3])
        builder.inputs = [input]
        builder.outputs = [output]
        builder.add("PRELU", [input, alpha], [hidden])
        builder.add("RELU", [hidden], [output])
        return builder
    }

    /// input [1,3,3,2] → CONV_2D(filter [oc,kh,kw,ic], bias) → output.
    private func convolution(filterShape: [Int], outputChannels: Int = 2) -> TestModelBuilder {
        var builder = TestModelBuilder()
        let input = builder.activation("input", [1, 3, 3, 2])
        let filterCount = filterShape.reduce(1, *)
        let filter = builder.constant("filter", filterShape, (0..<filterCount).map { Float($0 % 5) - 2 })
        let bias = builder.constant("bias", [outputChannels], (0..<outputChannels).map { Float($0) })
        let output = builder.activation("output", [1, 3, 3, outputChannels])
        builder.inputs = [input]
        builder.outputs = [output]
        builder.add("CONV_2D", [input, filter, bias], [output],
                    ["padding": .string("SAME"), "stride_h": .int(1), "stride_w": .int(1),
                     "dilation_h": .int(1), "dilation_w": .int(1), "fused_activation": .string("NONE")])
        return builder
    }

    /// input [1,2,2,1] → PAD(paddings int32 [4,2]) → output.
    private func pad(paddings: [Int32], paddingsShape: [Int], outputShape: [Int]) -> TestModelBuilder {
        var builder = TestModelBuilder()
        let input = builder.activation("input", [1, 2, 2, 1])
        let paddingsTensor = builder.intConstant("paddings", paddingsShape, paddings)
        let output = builder.activation("output", outputShape)
        builder.inputs = [input]
        builder.outputs = [output]
        builder.add("PAD", [input, paddingsTensor], [output])
        return builder
    }

    private func plan(_ builder: TestModelBuilder) throws -> ModelRunner {
        try ModelRunner(file: ModelFile(data: builder.serialized()))
    }

    /// Asserts that planning `builder` throws a `PlanError` accepted by `matches`.
    private func expectPlanError(_ builder: TestModelBuilder, file: StaticString = #filePath, line: UInt = #line,
                                 _ matches: (PlanError) -> Bool) {
        let model: ModelFile
        do {
            model = try ModelFile(data: builder.serialized())
        } catch {
            return XCTFail("the damaged graph should load and fail in the planner, the loader threw \(error)",
                           file: file, line: line)
        }
        XCTAssertThrowsError(try ModelRunner(file: model), file: file, line: line) { error in
            guard let planError = error as? PlanError else {
                return XCTFail("expected a PlanError, got \(type(of: error)): \(error)", file: file, line: line)
            }
            XCTAssertTrue(matches(planError), "unexpected error: \(planError)", file: file, line: line)
            XCTAssertFalse(planError.description.isEmpty, file: file, line: line)
        }
    }

    func testUndamagedChainRunsAsPReLUThenReLU() throws {
        let runner = try plan(chain())
        try runner.run(inputValues)
        let alpha: [Float] = [0.5, 0.25, -1]
        let expected = inputValues.enumerated().map { index, x -> Float in
            let prelu = x >= 0 ? x : alpha[index % 3] * x
            return max(prelu, 0)
        }
        XCTAssertEqual(runner.output(0), expected)
    }

    func testUnknownOperatorIsUnsupported() {
        var builder = chain()
        builder.operators[1].type = "SOFTMAX"
        expectPlanError(builder) { $0 == .unsupportedOperator(index: 1, type: "SOFTMAX") }
        builder = chain()
        builder.operators[0].type = "conv_2d"  // names are case-sensitive
        expectPlanError(builder) { $0 == .unsupportedOperator(index: 0, type: "conv_2d") }
    }

    func testWrongArity() {
        var builder = chain()
        builder.operators[1].inputs = [1, 1]  // RELU takes one input
        expectPlanError(builder) { if case .wrongArity(1, "RELU", _) = $0 { return true }; return false }
        builder = chain()
        builder.operators[0].inputs = [0]  // PRELU without alpha
        expectPlanError(builder) { if case .wrongArity(0, "PRELU", _) = $0 { return true }; return false }
        builder = chain()
        builder.operators[1].outputs = [3, 2]  // RELU with two outputs
        expectPlanError(builder) { if case .wrongArity(1, "RELU", _) = $0 { return true }; return false }
        builder = chain()
        builder.operators[0].inputs = [-1, 1]  // required input absent
        expectPlanError(builder) { if case .wrongArity(0, "PRELU", _) = $0 { return true }; return false }
        builder = convolution(filterShape: [2, 3, 3, 2])
        builder.operators[0].inputs = [0, -1, 2]  // convolution without its filter
        expectPlanError(builder) { if case .wrongArity(0, "CONV_2D", _) = $0 { return true }; return false }
    }

    func testTensorWrittenTwiceOrConstantOutputIsRefused() {
        var builder = chain()
        builder.operators[1].outputs = [2]  // RELU overwrites PRELU's output
        expectPlanError(builder) { if case .wrongArity(1, "RELU", _) = $0 { return true }; return false }
        builder = chain()
        let table = builder.constant("table", [1, 2, 2, 3], [Float](repeating: 1, count: 12))
        builder.operators[1].outputs = [table]  // RELU writes into a constant of the right shape
        expectPlanError(builder) { error in
            guard case let .wrongArity(1, "RELU", reason) = error else { return false }
            return reason.contains("'table'")
        }
    }

    func testOutputShapeMustMatchTheDeclaredShape() {
        var builder = chain()
        builder.tensors[3].shape = [1, 2, 2, 4]
        expectPlanError(builder) { error in
            guard case let .shapeMismatch(1, "RELU", reason) = error else { return false }
            return reason.contains("[1, 2, 2, 3]") && reason.contains("[1, 2, 2, 4]")
        }
        builder = chain()
        builder.tensors[2].shape = [1, 4, 3]  // same element count, different shape
        expectPlanError(builder) { if case .shapeMismatch(0, "PRELU", _) = $0 { return true }; return false }
    }

    func testOperatorsOutOfTopologicalOrder() {
        var builder = chain()
        builder.operators.swapAt(0, 1)  // RELU now reads "hidden" before PRELU writes it
        expectPlanError(builder) { $0 == .notTopological(index: 0, type: "RELU", tensor: "hidden") }
    }

    func testUndamagedConvolutionMatchesDirectSum() throws {
        let filterShape = [2, 3, 3, 2]
        let runner = try plan(convolution(filterShape: filterShape))
        let input = (0..<18).map { Float($0) / 4 - 2 }
        try runner.run(input)
        let filter = (0..<36).map { Float($0 % 5) - 2 }
        var expected = [Float](repeating: 0, count: 18)
        for y in 0..<3 { for x in 0..<3 { for o in 0..<2 {
            var sum = Float(o)  // bias
            for ky in 0..<3 { for kx in 0..<3 { for c in 0..<2 {
                let (iy, ix) = (y + ky - 1, x + kx - 1)
                guard (0..<3).contains(iy), (0..<3).contains(ix) else { continue }
                sum += input[(iy * 3 + ix) * 2 + c] * filter[((o * 3 + ky) * 3 + kx) * 2 + c]
            } } }
            expected[(y * 3 + x) * 2 + o] = sum
        } } }
        for (actual, reference) in zip(runner.output(0), expected) {
            XCTAssertEqual(actual, reference, accuracy: 1e-4)
        }
    }

    func testConvolutionWithMismatchedFilter() {
        // Filter input channels 3 against an input with 2 channels.
        expectPlanError(convolution(filterShape: [2, 3, 3, 3])) { error in
            if case .shapeMismatch(0, "CONV_2D", _) = error { return true }; return false
        }
        // A 3-D filter.
        expectPlanError(convolution(filterShape: [2, 3, 6])) { error in
            if case .shapeMismatch(0, "CONV_2D", _) = error { return true }; return false
        }
        // Bias with the wrong number of values.
        var builder = convolution(filterShape: [2, 3, 3, 2])
        builder.tensors[2] = TestModelBuilder.Tensor(name: "bias", shape: [3], floats: [0, 1, 2])
        expectPlanError(builder) { if case .shapeMismatch(0, "CONV_2D", _) = $0 { return true }; return false }
        // Filter computed at run time instead of a constant.
        builder = convolution(filterShape: [2, 3, 3, 2])
        builder.tensors[1] = TestModelBuilder.Tensor(name: "filter", shape: [2, 3, 3, 2])
        builder.inputs = [0, 1]
        expectPlanError(builder) { $0 == .expectedConstant(index: 0, type: "CONV_2D", operand: "filter") }
        // Padding mode that does not exist, and a zero stride.
        builder = convolution(filterShape: [2, 3, 3, 2])
        builder.operators[0].attributes["padding"] = .string("REFLECT")
        expectPlanError(builder) { if case .invalidAttributes(0, "CONV_2D", _) = $0 { return true }; return false }
        builder = convolution(filterShape: [2, 3, 3, 2])
        builder.operators[0].attributes["stride_w"] = .int(0)
        expectPlanError(builder) { if case .shapeMismatch(0, "CONV_2D", _) = $0 { return true }; return false }
    }

    func testUndamagedPadAddsZeros() throws {
        let runner = try plan(pad(paddings: [0, 0, 1, 0, 0, 1, 0, 0], paddingsShape: [4, 2], outputShape: [1, 3, 3, 1]))
        try runner.run([1, 2, 3, 4])
        XCTAssertEqual(runner.output(0), [0, 0, 0, 1, 2, 0, 3, 4, 0])
    }

    func testPadWithWrongPaddings() {
        func isPadShapeMismatch(_ error: PlanError) -> Bool {
            if case .shapeMismatch(0, "PAD", _) = error { return true }
            return false
        }
        // Three pairs for a rank-4 input.
        expectPlanError(pad(paddings: [0, 0, 1, 0, 0, 1], paddingsShape: [3, 2], outputShape: [1, 3, 3, 1]),
                        isPadShapeMismatch)
        // A negative padding (cropping is not supported).
        expectPlanError(pad(paddings: [0, 0, -1, 0, 0, 1, 0, 0], paddingsShape: [4, 2], outputShape: [1, 1, 3, 1]),
                        isPadShapeMismatch)
        // Paddings that disagree with the declared output shape.
        expectPlanError(pad(paddings: [0, 0, 1, 1, 0, 1, 0, 0], paddingsShape: [4, 2], outputShape: [1, 3, 3, 1]),
                        isPadShapeMismatch)
        // Paddings stored as float32 instead of int32.
        var builder = pad(paddings: [0, 0, 1, 0, 0, 1, 0, 0], paddingsShape: [4, 2], outputShape: [1, 3, 3, 1])
        builder.tensors[1] = TestModelBuilder.Tensor(name: "paddings", shape: [4, 2], floats: [0, 0, 1, 0, 0, 1, 0, 0])
        expectPlanError(builder) { $0 == .expectedConstant(index: 0, type: "PAD", operand: "paddings") }
    }

    func testGraphOutputNeverProduced() {
        var builder = chain()
        let orphan = builder.activation("orphan", [1, 2])
        builder.outputs = [3, orphan]
        expectPlanError(builder) { error in
            guard case let .shapeMismatch(_, _, reason) = error else { return false }
            return reason.contains("orphan") && reason.contains("never produced")
        }
        builder = chain()
        builder.operators.removeLast()  // nothing writes "output" any more
        expectPlanError(builder) { error in
            guard case let .shapeMismatch(_, _, reason) = error else { return false }
            return reason.contains("never produced")
        }
    }

    func testGraphWithoutInputsOrOutputs() {
        var builder = chain()
        builder.outputs = []
        expectPlanError(builder) { $0 == .emptyGraph }
        builder = chain()
        builder.inputs = []
        expectPlanError(builder) { $0 == .emptyGraph }
    }

    func testRunnerInputOfWrongSizeOrCount() throws {
        let runner = try plan(chain())
        XCTAssertThrowsError(try runner.run(Array(inputValues.dropLast()))) { error in
            guard case .inputMismatch? = error as? PlanError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try runner.run(inputValues + [0])) { error in
            guard case .inputMismatch? = error as? PlanError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try runner.run([Float]())) { error in
            guard case .inputMismatch? = error as? PlanError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try runner.run(inputs: [])) { error in
            guard case .inputMismatch? = error as? PlanError else { return XCTFail("\(error)") }
        }
        try inputValues.withUnsafeBufferPointer { values in
            XCTAssertThrowsError(try runner.run(inputs: [values, values])) { error in
                guard case .inputMismatch? = error as? PlanError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertThrowsError(try runner.output(named: "no such output")) { error in
            XCTAssertEqual(error as? PlanError, .unknownOutput("no such output"))
        }
        // The runner still works after refusing bad inputs.
        try runner.run(inputValues)
        XCTAssertEqual(try runner.output(named: "output")[0], 1)
    }

    func testNonFiniteInputIsRefused() throws {
        let runner = try plan(chain())
        for (element, bad) in [(0, Float.nan), (7, Float.infinity), (11, -Float.infinity)] {
            var values = inputValues
            values[element] = bad
            XCTAssertThrowsError(try runner.run(values)) { error in
                XCTAssertEqual(error as? PlanError, .nonFiniteInput(input: 0, element: element))
            }
        }
        // With validation turned off the same input runs (NaN propagates; the check is the caller's choice).
        var options = ModelRunner.Options()
        options.validatesInputs = false
        let unchecked = try ModelRunner(file: ModelFile(data: chain().serialized()), options: options)
        var values = inputValues
        values[0] = .nan
        XCTAssertNoThrow(try unchecked.run(values))
    }

    /// Inputs written in place (`inputBuffer`, `runOnInputBuffers`) are checked like copied ones when asked to:
    /// the first NaN or infinity is reported (tail elements too, past the 32-value blocks), and without the check
    /// the run goes ahead.
    func testNonFiniteInputWrittenInPlaceIsRefusedWhenValidating() throws {
        let runner = try plan(chain())
        let buffer = runner.inputBuffer(0)
        XCTAssertEqual(buffer.count, inputValues.count)
        for (element, bad) in [(0, Float.nan), (7, Float.infinity), (buffer.count - 1, -Float.infinity)] {
            _ = buffer.update(fromContentsOf: inputValues)
            buffer[element] = bad
            XCTAssertThrowsError(try runner.runOnInputBuffers(validating: true)) { error in
                XCTAssertEqual(error as? PlanError, .nonFiniteInput(input: 0, element: element))
            }
        }
        _ = buffer.update(fromContentsOf: inputValues)
        buffer[0] = .nan
        XCTAssertNoThrow(try runner.runOnInputBuffers(validating: false))
        _ = buffer.update(fromContentsOf: inputValues)
        try runner.runOnInputBuffers(validating: true)
        let inPlace = try runner.output(named: "output")
        try runner.run(inputValues)
        XCTAssertEqual(inPlace.map(\.bitPattern), try runner.output(named: "output").map(\.bitPattern))
    }
}
