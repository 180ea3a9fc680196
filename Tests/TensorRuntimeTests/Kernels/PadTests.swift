import XCTest
@testable import TensorRuntime

/// PAD (zeros): hand-computed results, fast paths against the reference, errors.
final class PadTests: XCTestCase {
    func testTrailingChannelPad() throws {
        // [1,1,2,2] with channels padded [0, 2]: every pixel gets two zero channels.
        let paddings: [(before: Int, after: Int)] = [(0, 0), (0, 0), (0, 0), (0, 2)]
        XCTAssertEqual(try Pad.outputShape(inputShape: [1, 1, 2, 2], paddings: paddings), [1, 1, 2, 4])
        assertEqualFloats(try both([1, 2, 3, 4], [1, 1, 2, 2], paddings), [1, 2, 0, 0, 3, 4, 0, 0])
    }

    func testGeneralPad() throws {
        // 2x2 padded with one row above and one column on the right.
        let paddings: [(before: Int, after: Int)] = [(1, 0), (0, 1)]
        XCTAssertEqual(try Pad.outputShape(inputShape: [2, 2], paddings: paddings), [3, 3])
        assertEqualFloats(try both([1, 2, 3, 4], [2, 2], paddings), [0, 0, 0, 1, 2, 0, 3, 4, 0])
        // Rank 1 and rank 0.
        assertEqualFloats(try both([5, 6], [2], [(2, 1)]), [0, 0, 5, 6, 0])
        assertEqualFloats(try both([7], [], []), [7])
    }

    func testFastPathMatchesReferenceOnRandomShapes() throws {
        var random = TestRandom(seed: 31)
        for _ in 0..<150 {
            let rank = random.int(1...5)
            let shape = (0..<rank).map { _ in random.int(0...4) }
            let trailingOnly = random.bool()
            let paddings: [(before: Int, after: Int)] = (0..<rank).map { axis in
                trailingOnly && axis < rank - 1 ? (0, 0) : (random.int(0...3), random.int(0...3))
            }
            let input = random.floats(shape.reduce(1, *))
            let outputShape = try Pad.outputShape(inputShape: shape, paddings: paddings)
            let count = outputShape.reduce(1, *)
            var expected = [Float](repeating: .nan, count: count)
            try Pad.reference(input: input, inputShape: shape, paddings: paddings, output: &expected)
            let output = GuardedBuffer(count: count)
            try Pad.run(input: input, inputShape: shape, paddings: paddings, output: output.pointer)
            assertEqualFloats(output.values, expected, "\(shape) \(paddings)")
            XCTAssertTrue(output.guardsIntact)
        }
    }

    func testErrors() {
        assertThrowsKernelError("rank mismatch") {
            _ = try Pad.outputShape(inputShape: [1, 2], paddings: [(0, 1)])
        }
        assertThrowsKernelError("negative padding") {
            _ = try Pad.outputShape(inputShape: [2], paddings: [(-1, 0)])
        }
        assertThrowsKernelError("negative size") {
            _ = try Pad.outputShape(inputShape: [-2], paddings: [(0, 0)])
        }
        var output = [Float](repeating: 0, count: 4)
        assertThrowsKernelError("run rank mismatch") {
            try Pad.run(input: [1, 2], inputShape: [2], paddings: [], output: &output)
        }
    }

    private func both(_ input: [Float], _ shape: [Int], _ paddings: [(before: Int, after: Int)]) throws -> [Float] {
        let count = try Pad.outputShape(inputShape: shape, paddings: paddings).reduce(1, *)
        var expected = [Float](repeating: .nan, count: count)
        try Pad.reference(input: input, inputShape: shape, paddings: paddings, output: &expected)
        var fast = [Float](repeating: .nan, count: count)
        try Pad.run(input: input, inputShape: shape, paddings: paddings, output: &fast)
        assertEqualFloats(fast, expected, "fast vs reference")
        return expected
    }
}
