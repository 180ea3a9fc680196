import XCTest
@testable import TensorRuntime

final class TransformLandmarksTests: XCTestCase {
    /// M has used entries M00 = 2, M01 = −1, M03 = 3, M10 = ½, M11 = 4, M13 = −2; every other entry is junk that
    /// must not matter (column 2 multiplies z = 0 in the reference operator; rows 2–3 are unused).
    private let matrix: [Float] = [2, -1, 7, 3,
                                   0.5, 4, 9, -2,
                                   11, 12, 13, 14,
                                   15, 16, 17, 18]

    private func apply(_ points: [Float], dimensions: Int, matrix: [Float]) throws -> [Float] {
        var output = [Float](repeating: .nan, count: points.count)
        try output.withUnsafeMutableBufferPointer { out in
            try TransformLandmarks.run(points: points, count: points.count / dimensions,
                                               dimensions: dimensions, matrix: matrix, output: out.baseAddress!)
        }
        return output
    }

    /// x' = 2x − y + 3, y' = ½x + 4y − 2, by hand.
    func testTwoDimensionalPointsByHand() throws {
        XCTAssertEqual(try apply([1, 2, 0, 0, -2, 0.5], dimensions: 2, matrix: matrix),
                       [3, 6.5, 3, -2, -1.5, -1])
    }

    /// With three components z is copied unchanged and takes no part in x', y'.
    func testThirdComponentIsCopied() throws {
        XCTAssertEqual(try apply([1, 2, 5, -2, 0.5, -7], dimensions: 3, matrix: matrix),
                       [3, 6.5, 5, -1.5, -1, -7])
    }

    /// Output may alias the input.
    func testInPlace() throws {
        var points: [Float] = [1, 2, 5, 0, 0, 1]
        try points.withUnsafeMutableBufferPointer { buffer in
            try TransformLandmarks.run(points: buffer.baseAddress!, count: 2, dimensions: 3, matrix: matrix,
                                               output: buffer.baseAddress!)
        }
        XCTAssertEqual(points, [3, 6.5, 5, 3, -2, 1])
    }

    /// docs/models.md §5.4: the heads predict points in 4× crop units; M = T ⊙ K with
    /// K = [[1,1,4,4],[1,1,4,4],[¼,¼,1,1],[¼,¼,1,1]] equals D·T·D⁻¹ (D = diag(4,4,1,1)), so transforming p with M
    /// equals 4 × (T applied to p/4).
    func testMaskedMatrixMapsFourfoldCropUnits() throws {
        var random = SpatialTestRandom(seed: 0x5EED_2001)
        let crop = SpatialTestMatrices.crop(centreX: 21.3, centreY: 17.9, angle: 0.6, scaleX: 1.2, scaleY: 0.8,
                                            outputWidth: 16, outputHeight: 16)
        let mask: [Float] = [1, 1, 4, 4, 1, 1, 4, 4, 0.25, 0.25, 1, 1, 0.25, 0.25, 1, 1]
        let masked = zip(crop, mask).map { $0 * $1 }
        let points = random.floats(2 * 71, 0, 64)
        let viaMask = try apply(points, dimensions: 2, matrix: masked)
        let viaCrop = try apply(points.map { $0 / 4 }, dimensions: 2, matrix: crop).map { $0 * 4 }
        for (a, b) in zip(viaMask, viaCrop) { XCTAssertEqual(a, b, accuracy: 1e-4 * (1 + abs(b))) }
    }

    /// Unsupported layouts and non-finite used entries throw and write nothing.
    func testInvalidInputsThrow() {
        var output = [Float](repeating: 42, count: 8)
        func attempt(count: Int, dimensions: Int, matrix: [Float]) -> PlanError? {
            do {
                try output.withUnsafeMutableBufferPointer { out in
                    try TransformLandmarks.run(points: [Float](repeating: 1, count: 8), count: count,
                                                       dimensions: dimensions, matrix: matrix, output: out.baseAddress!)
                }
                return nil
            } catch {
                return error as? PlanError
            }
        }
        XCTAssertEqual(attempt(count: 0, dimensions: 2, matrix: matrix), .nonPositiveSize(name: "count", value: 0))
        XCTAssertEqual(attempt(count: 2, dimensions: 4, matrix: matrix),
                       .unsupportedDimensions(4, supported: "2 (x, y) or 3 (x, y, z)"))
        XCTAssertEqual(attempt(count: 8, dimensions: 1, matrix: matrix),
                       .unsupportedDimensions(1, supported: "2 (x, y) or 3 (x, y, z)"))
        var bad = matrix
        bad[7] = .nan
        XCTAssertEqual(attempt(count: 4, dimensions: 2, matrix: bad), .nonFinite(name: "matrix entry M13"))
        XCTAssertTrue(output.allSatisfy { $0 == 42 })
        bad = matrix
        bad[2] = .nan   // column 2 is unused
        XCTAssertNil(attempt(count: 4, dimensions: 2, matrix: bad))
        XCTAssertEqual(output, [4, 2.5, 4, 2.5, 4, 2.5, 4, 2.5])   // 2 − 1 + 3, ½ + 4 − 2
    }
}
