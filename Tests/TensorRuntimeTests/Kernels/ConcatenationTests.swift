import XCTest
@testable import TensorRuntime

/// CONCATENATION: hand-computed results, fast path against the reference, shape errors.
final class ConcatenationTests: XCTestCase {
    func testAxis1LikeTheDetectorAnchors() throws {
        // [1,2,2] ++ [1,3,2] along axis 1 = rows of the first, then rows of the second.
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8, 9, 10]
        XCTAssertEqual(try Concatenation.outputShape([[1, 2, 2], [1, 3, 2]], axis: 1), [1, 5, 2])
        assertEqualFloats(try both([(a, [1, 2, 2]), (b, [1, 3, 2])], axis: 1), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        assertEqualFloats(try both([(a, [1, 2, 2]), (b, [1, 3, 2])], axis: -2), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }

    func testInnermostAxisInterleaves() throws {
        // [2,1] ++ [2,2] along the last axis: each row is [a_i, b_i0, b_i1].
        assertEqualFloats(try both([([1, 2], [2, 1]), ([3, 4, 5, 6], [2, 2])], axis: -1), [1, 3, 4, 2, 5, 6])
        assertEqualFloats(try both([([1, 2], [2, 1])], axis: 0), [1, 2])
    }

    func testFastPathMatchesReferenceOnRandomShapes() throws {
        var random = TestRandom(seed: 41)
        for _ in 0..<120 {
            let rank = random.int(1...4)
            let base = (0..<rank).map { _ in random.int(1...4) }
            let axis = random.int(0...(rank - 1))
            let inputCount = random.int(1...4)
            var inputs: [([Float], [Int])] = []
            for _ in 0..<inputCount {
                var shape = base
                shape[axis] = random.int(0...3)
                inputs.append((random.floats(shape.reduce(1, *)), shape))
            }
            _ = try both(inputs, axis: random.bool() ? axis : axis - rank)
        }
    }

    func testErrors() {
        assertThrowsKernelError("no inputs") { _ = try Concatenation.outputShape([], axis: 0) }
        assertThrowsKernelError("axis out of range") { _ = try Concatenation.outputShape([[1, 2]], axis: 2) }
        assertThrowsKernelError("negative axis out of range") {
            _ = try Concatenation.outputShape([[1, 2]], axis: -3)
        }
        assertThrowsKernelError("rank mismatch") { _ = try Concatenation.outputShape([[1, 2], [1, 2, 1]], axis: 0) }
        assertThrowsKernelError("other axis differs") { _ = try Concatenation.outputShape([[1, 2], [2, 3]], axis: 1) }
        assertThrowsKernelError("rank 0") { _ = try Concatenation.outputShape([[]], axis: 0) }
    }

    /// Runs reference and fast path on Swift arrays, checks they agree exactly and returns the result.
    private func both(_ inputs: [([Float], [Int])], axis: Int) throws -> [Float] {
        let count = try Concatenation.outputShape(inputs.map(\.1), axis: axis).reduce(1, *)
        let buffers = inputs.map { GuardedBuffer($0.0) }
        // The views hold raw pointers into the buffers: keep the buffers alive until the kernels are done.
        return try withExtendedLifetime(buffers) {
            let views = zip(buffers, inputs).map { (values: UnsafePointer($0.0.pointer), shape: $0.1.1) }
            var expected = [Float](repeating: .nan, count: count)
            try Concatenation.reference(inputs: views, axis: axis, output: &expected)
            let output = GuardedBuffer(count: count)
            try Concatenation.run(inputs: views, axis: axis, output: output.pointer)
            assertEqualFloats(output.values, expected, "fast vs reference \(inputs.map(\.1)) axis \(axis)")
            XCTAssertTrue(output.guardsIntact)
            return expected
        }
    }
}
