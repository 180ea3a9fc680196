import XCTest
@testable import TensorRuntime

/// STRIDED_SLICE: hand-computed slices (identity, masks, negative strides, shrink), fast path against the
/// reference, errors.
final class StridedSliceTests: XCTestCase {
    typealias Parameters = StridedSlice.Parameters

    func testIdentityCopyOfTheMesh() throws {
        // The attention model's identity slice of [1,1,1,1404].
        let mesh = (0..<1404).map { Float($0) * 0.5 }
        let parameters = Parameters(begin: [0, 0, 0, 0], end: [1, 1, 1, 1404], strides: [1, 1, 1, 1])
        XCTAssertEqual(try StridedSlice.outputShape(inputShape: [1, 1, 1, 1404], parameters: parameters),
                       [1, 1, 1, 1404])
        assertEqualFloats(try both(mesh, [1, 1, 1, 1404], parameters), mesh)
        // Same with all bits of both masks set and meaningless begin/end.
        let masked = Parameters(begin: [9, 9, 9, 9], end: [0, 0, 0, 0], strides: [1, 1, 1, 1],
                                beginMask: 0b1111, endMask: 0b1111)
        assertEqualFloats(try both(mesh, [1, 1, 1, 1404], masked), mesh)
    }

    func testRangesStridesAndNegativeIndices() throws {
        let values = (0..<10).map(Float.init)
        assertEqualFloats(try both(values, [10], Parameters(begin: [2], end: [8], strides: [3])), [2, 5])
        assertEqualFloats(try both(values, [10], Parameters(begin: [-3], end: [10], strides: [1])), [7, 8, 9])
        assertEqualFloats(try both(values, [10], Parameters(begin: [-1], end: [0], strides: [-1], endMask: 1)),
                          [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        assertEqualFloats(try both(values, [10], Parameters(begin: [8], end: [2], strides: [-2])), [8, 6, 4])
        assertEqualFloats(try both(values, [10], Parameters(begin: [5], end: [100], strides: [2])), [5, 7, 9])
        assertEqualFloats(try both(values, [10], Parameters(begin: [7], end: [3], strides: [1])), [])
        assertEqualFloats(try both(values, [10], Parameters(begin: [-100], end: [2], strides: [1])), [0, 1])
    }

    func testShrinkAxis() throws {
        // 3x4 matrix: shrink axis 0 at row −1 gives the last row; shrink axis 1 at column 2 gives a column.
        let matrix = (0..<12).map(Float.init)
        let lastRow = Parameters(begin: [-1, 0], end: [0, 4], strides: [1, 1], shrinkAxisMask: 0b01)
        XCTAssertEqual(try StridedSlice.outputShape(inputShape: [3, 4], parameters: lastRow), [4])
        assertEqualFloats(try both(matrix, [3, 4], lastRow), [8, 9, 10, 11])
        let column = Parameters(begin: [0, 2], end: [3, 3], strides: [1, 1], endMask: 0b01, shrinkAxisMask: 0b10)
        XCTAssertEqual(try StridedSlice.outputShape(inputShape: [3, 4], parameters: column), [3])
        assertEqualFloats(try both(matrix, [3, 4], column), [2, 6, 10])
        let element = Parameters(begin: [1, 3], end: [2, 4], strides: [1, 1], shrinkAxisMask: 0b11)
        XCTAssertEqual(try StridedSlice.outputShape(inputShape: [3, 4], parameters: element), [])
        assertEqualFloats(try both(matrix, [3, 4], element), [7])
        // Sub-block with a column stride.
        let block = Parameters(begin: [1, 0], end: [3, 4], strides: [1, 2])
        assertEqualFloats(try both(matrix, [3, 4], block), [4, 6, 8, 10])
    }

    func testFastPathMatchesReferenceOnRandomSlices() throws {
        var random = TestRandom(seed: 51)
        var masked = 0, negative = 0, rejected = 0
        for _ in 0..<1000 {
            let rank = random.int(1...4)
            let shape = (0..<rank).map { _ in random.int(1...6) }
            var begin: [Int] = [], end: [Int] = [], strides: [Int] = []
            var shrink = 0
            for axis in 0..<rank {
                begin.append(random.int(-8...8))
                end.append(random.int(-8...8))
                strides.append(random.pick([1, 1, 2, 3, -1, -2]))
                if random.int(0...4) == 0 {
                    shrink |= 1 << axis
                    begin[axis] = random.int(-shape[axis]...(shape[axis] - 1))
                    // Now and then a shrink index just outside the axis (valid only when a begin mask overrides it).
                    if random.int(0...5) == 0 { begin[axis] = random.pick([shape[axis], -shape[axis] - 1]) }
                    strides[axis] = 1
                }
            }
            let parameters = Parameters(begin: begin, end: end, strides: strides,
                                        beginMask: random.int(0...15), endMask: random.int(0...15),
                                        shrinkAxisMask: shrink)
            let input = random.floats(shape.reduce(1, *))
            guard let outputShape = try? StridedSlice.outputShape(inputShape: shape, parameters: parameters) else {
                // e.g. a begin mask moved a shrink index out of range: the independent reference rejects it too.
                var scratch = [Float](repeating: 0, count: input.count)
                XCTAssertThrowsError(try StridedSlice.reference(input: input, inputShape: shape, parameters: parameters,
                                                                output: &scratch), "\(shape) \(parameters)")
                rejected += 1
                continue
            }
            _ = try both(input, shape, parameters)
            XCTAssertEqual(outputShape.count, rank - shrink.nonzeroBitCount)
            if parameters.beginMask != 0 || parameters.endMask != 0 { masked += 1 }
            if strides.contains(where: { $0 < 0 }) { negative += 1 }
        }
        // Counts fixed by the seed: most cases use masks and negative strides, a few are rejected.
        XCTAssertGreaterThan(masked, 500)
        XCTAssertGreaterThan(negative, 300)
        XCTAssertGreaterThan(rejected, 0)
    }

    /// Masks with negative strides, values worked out by hand on the 3×4 matrix 0...11 (row-major).
    func testMasksWithNegativeStridesByHand() throws {
        let matrix = (0..<12).map(Float.init)
        // Begin mask on axis 1 with stride −1: columns from the last one (3) down to, not including, end 0.
        let fromLast = Parameters(begin: [0, 0], end: [3, 0], strides: [1, -1], beginMask: 0b10)
        assertEqualFloats(try both(matrix, [3, 4], fromLast), [3, 2, 1, 7, 6, 5, 11, 10, 9])
        // End mask on axis 1 with stride −1: from begin 2 down through column 0.
        let toFirst = Parameters(begin: [0, 2], end: [3, 3], strides: [1, -1], endMask: 0b10)
        assertEqualFloats(try both(matrix, [3, 4], toFirst), [2, 1, 0, 6, 5, 4, 10, 9, 8])
        // Both masks on axis 0 with stride −2: rows 2 and 0; begin/end values on that axis are ignored.
        let everyOtherRow = Parameters(begin: [0, 1], end: [0, 3], strides: [-2, 1], beginMask: 0b01, endMask: 0b01)
        assertEqualFloats(try both(matrix, [3, 4], everyOtherRow), [9, 10, 1, 2])
        // Shrink axis 0 with a begin mask: row 0, axis dropped.
        let firstRow = Parameters(begin: [2, 0], end: [3, 4], strides: [1, 1], beginMask: 0b01, shrinkAxisMask: 0b01)
        XCTAssertEqual(try StridedSlice.outputShape(inputShape: [3, 4], parameters: firstRow), [4])
        assertEqualFloats(try both(matrix, [3, 4], firstRow), [0, 1, 2, 3])
        // Out-of-range begin and end are clamped: begin −9 → 0, end 99 → 4.
        let clamped = Parameters(begin: [1, -9], end: [2, 99], strides: [1, 3])
        assertEqualFloats(try both(matrix, [3, 4], clamped), [4, 7])
    }

    func testErrors() {
        assertThrowsKernelError("ellipsis") {
            _ = try StridedSlice.outputShape(
                inputShape: [2], parameters: Parameters(begin: [0], end: [1], strides: [1], ellipsisMask: 1))
        }
        assertThrowsKernelError("new axis") {
            _ = try StridedSlice.outputShape(
                inputShape: [2], parameters: Parameters(begin: [0], end: [1], strides: [1], newAxisMask: 1))
        }
        assertThrowsKernelError("zero stride") {
            _ = try StridedSlice.outputShape(inputShape: [2], parameters: Parameters(begin: [0], end: [1], strides: [0]))
        }
        assertThrowsKernelError("length mismatch") {
            _ = try StridedSlice.outputShape(inputShape: [2, 2], parameters: Parameters(begin: [0], end: [1], strides: [1]))
        }
        assertThrowsKernelError("shrink out of range") {
            _ = try StridedSlice.outputShape(
                inputShape: [2], parameters: Parameters(begin: [2], end: [3], strides: [1], shrinkAxisMask: 1))
        }
        assertThrowsKernelError("shrink with negative stride") {
            _ = try StridedSlice.outputShape(
                inputShape: [2], parameters: Parameters(begin: [1], end: [0], strides: [-1], shrinkAxisMask: 1))
        }
    }

    private func both(_ input: [Float], _ shape: [Int], _ parameters: Parameters) throws -> [Float] {
        let count = try StridedSlice.outputShape(inputShape: shape, parameters: parameters).reduce(1, *)
        var expected = [Float](repeating: .nan, count: count)
        try StridedSlice.reference(input: input, inputShape: shape, parameters: parameters, output: &expected)
        let output = GuardedBuffer(count: count)
        try StridedSlice.run(input: input, inputShape: shape, parameters: parameters, output: output.pointer)
        assertEqualFloats(output.values, expected, "fast vs reference \(shape) \(parameters)")
        XCTAssertTrue(output.guardsIntact)
        return expected
    }
}
