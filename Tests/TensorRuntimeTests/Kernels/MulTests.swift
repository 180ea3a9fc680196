import XCTest
@testable import TensorRuntime

/// MUL with broadcasting: hand-computed products, fast path against the reference, shape errors.
final class MulTests: XCTestCase {
    func testSameShape4x4Mask() throws {
        // The attention model's [1,4,4] matrix ⊙ mask (models.md §5.4).
        let matrix = (1...16).map(Float.init)
        let mask: [Float] = [1, 1, 4, 4, 1, 1, 4, 4, 0.25, 0.25, 1, 1, 0.25, 0.25, 1, 1]
        let expected: [Float] = [1, 2, 12, 16, 5, 6, 28, 32, 2.25, 2.5, 11, 12, 3.25, 3.5, 15, 16]
        XCTAssertEqual(try Mul.outputShape([1, 4, 4], [1, 4, 4]), [1, 4, 4])
        assertEqualFloats(try both(matrix, [1, 4, 4], mask, [1, 4, 4]), expected)
    }

    func testScalarOperands() throws {
        let mesh = (0..<12).map { Float($0) }
        let quarter = mesh.map { $0 * 0.25 }
        XCTAssertEqual(try Mul.outputShape([1, 4, 3], []), [1, 4, 3])
        assertEqualFloats(try both(mesh, [1, 4, 3], [0.25], []), quarter)
        assertEqualFloats(try both(mesh, [1, 4, 3], [0.25], [1]), quarter)
        assertEqualFloats(try both([0.25], [1, 1, 1], mesh, [1, 4, 3]), quarter)
        assertEqualFloats(try both([3], [], [-2], []), [-6])
    }

    func testOuterProductAndRowBroadcast() throws {
        // [2,1] × [1,3] = outer product; [2,3] × [3] scales each column.
        XCTAssertEqual(try Mul.outputShape([2, 1], [1, 3]), [2, 3])
        assertEqualFloats(try both([2, 3], [2, 1], [1, 10, 100], [1, 3]), [2, 20, 200, 3, 30, 300])
        assertEqualFloats(try both([1, 2, 3, 4, 5, 6], [2, 3], [1, 0, -1], [3]), [1, 0, -3, 4, 0, -6])
        // [2,3] × [2,1] scales each row.
        assertEqualFloats(try both([1, 2, 3, 4, 5, 6], [2, 3], [2, -1], [2, 1]), [2, 4, 6, -4, -5, -6])
    }

    func testFastPathMatchesReferenceOnRandomShapes() throws {
        var random = TestRandom(seed: 21)
        for _ in 0..<200 {
            let rank = random.int(0...5)
            let shape = (0..<rank).map { _ in random.int(1...5) }
            var aShape = shape, bShape = shape
            for axis in 0..<rank {
                if random.int(0...2) == 0 { aShape[axis] = 1 }
                if random.int(0...2) == 0 { bShape[axis] = 1 }
            }
            aShape = Array(aShape.dropFirst(random.int(0...rank)))
            bShape = Array(bShape.dropFirst(random.int(0...min(1, rank))))
            let a = random.floats(aShape.reduce(1, *)), b = random.floats(bShape.reduce(1, *))
            let outputShape = try Mul.outputShape(aShape, bShape)
            let count = outputShape.reduce(1, *)
            var expected = [Float](repeating: .nan, count: count)
            try Mul.reference(a, shape: aShape, b, shape: bShape, output: &expected)
            let output = GuardedBuffer(count: count)
            try Mul.run(a, shape: aShape, b, shape: bShape, output: output.pointer)
            assertEqualFloats(output.values, expected, "\(aShape) × \(bShape)")
            XCTAssertTrue(output.guardsIntact)
        }
    }

    func testRank8AndErrors() throws {
        let shape = [1, 2, 1, 2, 1, 2, 1, 2]
        XCTAssertEqual(try Mul.outputShape(shape, [2]), shape)
        assertThrowsKernelError("rank 9") { _ = try Mul.outputShape([1, 1, 1, 1, 1, 1, 1, 1, 1], [1]) }
        assertThrowsKernelError("incompatible") { _ = try Mul.outputShape([2, 3], [3, 2]) }
        assertThrowsKernelError("negative") { _ = try Mul.outputShape([-1], [1]) }
        var output = [Float](repeating: 0, count: 6)
        assertThrowsKernelError("run incompatible") {
            try Mul.run([1, 2, 3], shape: [3], [1, 2], shape: [2], output: &output)
        }
        assertThrowsKernelError("reference incompatible") {
            try Mul.reference([1, 2, 3], shape: [3], [1, 2], shape: [2], output: &output)
        }
    }

    /// Runs the reference and the fast path, checks they agree exactly, and returns the result.
    private func both(_ a: [Float], _ aShape: [Int], _ b: [Float], _ bShape: [Int]) throws -> [Float] {
        let count = try Mul.outputShape(aShape, bShape).reduce(1, *)
        var expected = [Float](repeating: .nan, count: count)
        try Mul.reference(a, shape: aShape, b, shape: bShape, output: &expected)
        var fast = [Float](repeating: .nan, count: count)
        try Mul.run(a, shape: aShape, b, shape: bShape, output: &fast)
        assertEqualFloats(fast, expected, "fast vs reference \(aShape) × \(bShape)")
        return expected
    }
}
