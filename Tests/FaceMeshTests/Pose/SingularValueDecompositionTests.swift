import XCTest
@testable import FaceMesh

/// The 3×3 SVD against its defining properties and closed-form invariants: U Σ Vᵀ = M, U and V orthogonal,
/// σ descending and ≥ 0, and the symmetric functions of σ² equal the invariants of MᵀM
/// (Σσ² = ‖M‖²_F, σ₁²σ₂² + σ₁²σ₃² + σ₂²σ₃² = ((tr MᵀM)² − tr((MᵀM)²)) / 2, σ₁σ₂σ₃ = |det M|).
final class SingularValueDecompositionTests: XCTestCase {
    func testRandomMatrices() {
        var generator = SeededGenerator(seed: 21)
        for _ in 0..<500 {
            let magnitude = pow(10, generator.uniform(-4...4))
            let m = Matrix3x3(rows: magnitude * generator.gaussianVector(), magnitude * generator.gaussianVector(),
                              magnitude * generator.gaussianVector())
            check(m)
        }
    }

    func testRankDeficientAndStructuredMatrices() {
        var generator = SeededGenerator(seed: 22)
        var matrices: [Matrix3x3] = [
            .zero, .identity,
            Matrix3x3(rows: SIMD3(2, 0, 0), SIMD3(0, 2, 0), SIMD3(0, 0, 1)),  // repeated singular value
            Matrix3x3(rows: SIMD3(0, 0, 3), SIMD3(0, -5, 0), SIMD3(1, 0, 0)),  // permutation with signs
            Matrix3x3(rows: SIMD3(1e-8, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1e8)),  // wide dynamic range
        ]
        for _ in 0..<100 {
            let (a, b, c, d) = (generator.gaussianVector(), generator.gaussianVector(), generator.gaussianVector(),
                                generator.gaussianVector())
            matrices.append(Matrix3x3.outerProduct(a, b))  // rank 1
            matrices.append(Matrix3x3.outerProduct(a, b) + Matrix3x3.outerProduct(c, d))  // rank 2
            matrices.append(generator.rotation())  // all σ = 1
        }
        for m in matrices { check(m) }
    }

    func testRankIsVisibleInSingularValues() {
        var generator = SeededGenerator(seed: 23)
        let rank2 = Matrix3x3.outerProduct(generator.gaussianVector(), generator.gaussianVector())
            + Matrix3x3.outerProduct(generator.gaussianVector(), generator.gaussianVector())
        let svd = SingularValueDecomposition3x3(rank2)
        XCTAssertLessThan(svd.singularValues[2], 1e-14 * svd.singularValues[0])
        XCTAssertGreaterThan(svd.singularValues[1], 1e-3 * svd.singularValues[0])
    }

    private func check(_ m: Matrix3x3, file: StaticString = #filePath, line: UInt = #line) {
        let svd = SingularValueDecomposition3x3(m)
        let sigma = svd.singularValues
        let norm = m.frobeniusNorm
        let sigmaMatrix = Matrix3x3(rows: SIMD3(sigma[0], 0, 0), SIMD3(0, sigma[1], 0), SIMD3(0, 0, sigma[2]))
        let reconstruction = svd.u * sigmaMatrix * svd.v.transposed
        XCTAssertLessThanOrEqual((reconstruction - m).frobeniusNorm, 1e-13 * max(norm, 1e-300),
                                 "U Σ Vᵀ ≠ M", file: file, line: line)
        XCTAssertLessThan((svd.u.transposed * svd.u - .identity).frobeniusNorm, 1e-13, "U not orthogonal",
                          file: file, line: line)
        XCTAssertLessThan((svd.v.transposed * svd.v - .identity).frobeniusNorm, 1e-13, "V not orthogonal",
                          file: file, line: line)
        XCTAssertGreaterThanOrEqual(sigma[2], 0, file: file, line: line)
        XCTAssertGreaterThanOrEqual(sigma[1], sigma[2], file: file, line: line)
        XCTAssertGreaterThanOrEqual(sigma[0], sigma[1], file: file, line: line)

        let squares = sigma * sigma
        let gram = m.transposed * m
        let trace = gram[0, 0] + gram[1, 1] + gram[2, 2]
        let gramSquared = gram * gram
        let secondInvariant = (trace * trace - (gramSquared[0, 0] + gramSquared[1, 1] + gramSquared[2, 2])) / 2
        let scale2 = max(norm * norm, 1e-300)
        XCTAssertEqual(squares.sum(), norm * norm, accuracy: 1e-13 * scale2, file: file, line: line)
        XCTAssertEqual(squares[0] * squares[1] + squares[0] * squares[2] + squares[1] * squares[2], secondInvariant,
                       accuracy: 1e-12 * scale2 * scale2, file: file, line: line)
        XCTAssertEqual(sigma[0] * sigma[1] * sigma[2], abs(m.determinant),
                       accuracy: 1e-12 * max(norm * norm * norm, 1e-300), file: file, line: line)
    }
}
