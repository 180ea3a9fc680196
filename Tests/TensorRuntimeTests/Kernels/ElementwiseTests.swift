import XCTest
@testable import TensorRuntime

/// ADD / RELU / PRELU: references against hand-computed values, fast paths against references.
final class ElementwiseTests: XCTestCase {
    func testReferencesOnHandValues() {
        var output = [Float](repeating: .nan, count: 4)
        Add.reference([1, -2, 3, -4], [0.5, 0.5, -5, 1], count: 4, activation: .none, output: &output)
        assertEqualFloats(output, [1.5, -1.5, -2, -3])
        Add.reference([1, -2, 3, -4], [0.5, 0.5, -5, 1], count: 4, activation: .relu, output: &output)
        assertEqualFloats(output, [1.5, 0, 0, 0])
        // Two channels: alphas 0.5 (even indices) and 0.25 (odd indices).
        Add.reference([1, -2, 3, -4], [0.5, 0.5, -5, 1], count: 4, activation: .prelu([0.5, 0.25]),
                                        output: &output)
        assertEqualFloats(output, [1.5, -0.375, -1, -0.75])
        ReLU.reference([-1, 0, 2, -0.5], count: 4, output: &output)
        assertEqualFloats(output, [0, 0, 2, 0])
        PReLU.reference([-1, 4, -2, -8], count: 4, alpha: [0.1, 0.2], channels: 2, output: &output)
        assertEqualFloats(output, [-0.1, 4, -0.2, -1.6])
    }

    func testFastPathsMatchReferences() {
        var random = TestRandom(seed: 11)
        for count in [0, 1, 3, 7, 8, 9, 16, 17, 31, 100, 1023] {
            let a = random.floats(count), b = random.floats(count)
            for channels in [1, 3, 8, 17, 32] {
                let alphas = random.floats(channels, in: 0...1)
                for activation in [Activation.none, .relu, .prelu(alphas)] {
                    var expected = [Float](repeating: .nan, count: count)
                    Add.reference(a, b, count: count, activation: activation, output: &expected)
                    let output = GuardedBuffer(count: count)
                    Add.run(a, b, count: count, activation: activation, output: output.pointer)
                    assertEqualFloats(output.values, expected, "add \(count) \(activation)")
                    XCTAssertTrue(output.guardsIntact)
                }
                var expected = [Float](repeating: .nan, count: count)
                PReLU.reference(a, count: count, alpha: alphas, channels: channels, output: &expected)
                let output = GuardedBuffer(count: count)
                PReLU.run(a, count: count, alpha: alphas, channels: channels, output: output.pointer)
                assertEqualFloats(output.values, expected, "prelu \(count)x\(channels)")
                XCTAssertTrue(output.guardsIntact)
            }
            var expected = [Float](repeating: .nan, count: count)
            ReLU.reference(a, count: count, output: &expected)
            let output = GuardedBuffer(count: count)
            ReLU.run(a, count: count, output: output.pointer)
            assertEqualFloats(output.values, expected, "relu \(count)")
            XCTAssertTrue(output.guardsIntact)
        }
    }

    func testInPlaceUse() {
        var random = TestRandom(seed: 12)
        let original = random.floats(37)
        let alphas = random.floats(5, in: 0...1)
        var expected = [Float](repeating: 0, count: 37)
        PReLU.reference(original, count: 37, alpha: alphas, channels: 5, output: &expected)
        let buffer = GuardedBuffer(original)
        PReLU.run(buffer.pointer, count: 37, alpha: alphas, channels: 5, output: buffer.pointer)
        assertEqualFloats(buffer.values, expected)
        let sum = GuardedBuffer(original)
        Add.run(sum.pointer, original, count: 37, activation: .relu, output: sum.pointer)
        assertEqualFloats(sum.values, original.map { max(2 * $0, 0) })
    }

    func testPReLUWithoutAlphasLeavesValuesUnchanged() {
        let values: [Float] = [-1, 2, -3]
        var output = [Float](repeating: .nan, count: 3)
        PReLU.run(values, count: 3, alpha: [1], channels: 0, output: &output)
        assertEqualFloats(output, values)
        PReLU.reference(values, count: 3, alpha: [1], channels: 0, output: &output)
        assertEqualFloats(output, values)
    }
}
