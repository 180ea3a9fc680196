import Foundation
import XCTest
@testable import FaceMesh

/// Weighted Procrustes against closed-form truths (exact similarity transforms) and an independent optimum:
/// Horn's quaternion method (largest eigenvector of a 4×4 symmetric matrix, found here by the classical Jacobi
/// eigenvalue algorithm), which maximises the same objective over proper rotations only.
final class WeightedProcrustesTests: XCTestCase {
    private let basis = CanonicalFaceModel.mediaPipe.procrustesBasis

    private var basisPoints: [SIMD3<Double>] {
        let vertices = canonicalVertices()
        return basis.map { vertices[$0.index] }
    }

    func testRecoversRandomSimilarityTransformsExactly() throws {
        var generator = SeededGenerator(seed: 11)
        let weights = basis.map(\.weight)
        for trial in 0..<200 {
            let rotation = generator.rotation()
            let scale = exp(generator.uniform(-3...3))
            let translation = 20 * generator.gaussianVector()
            let source = trial % 2 == 0 ? basisPoints : (0..<33).map { _ in 5 * generator.gaussianVector() }
            let trialWeights = trial % 2 == 0 ? weights : (0..<33).map { _ in generator.uniform(0.01...1) }
            let target = source.map { scale * (rotation * $0) + translation }
            let result = try WeightedProcrustes.solve(source: source, target: target, weights: trialWeights)
            XCTAssertLessThan((result.rotation - rotation).frobeniusNorm, 1e-10, "trial \(trial)")
            XCTAssertEqual(result.scale, scale, accuracy: 1e-11 * scale, "trial \(trial)")
            XCTAssertLessThan(Vector3.length(result.translation - translation), 1e-9 * max(1, scale), "trial \(trial)")
            if trial < 20 {  // the Horn reference itself must find exact rotations
                let horn = hornRotation(source: source, target: target, weights: trialWeights)
                XCTAssertLessThan((horn - rotation).frobeniusNorm, 1e-8, "trial \(trial)")
            }
        }
    }

    /// Points of weight 0 must not influence the fit, whatever their targets.
    func testZeroWeightPointsAreIgnored() throws {
        var generator = SeededGenerator(seed: 12)
        let rotation = generator.rotation()
        let source = basisPoints + (0..<10).map { _ in 5 * generator.gaussianVector() }
        var target = source.map { 2 * (rotation * $0) + SIMD3(1, 2, 3) }
        for index in 33..<43 { target[index] = 100 * generator.gaussianVector() }
        let weights = basis.map(\.weight) + Array(repeating: 0, count: 10)
        let result = try WeightedProcrustes.solve(source: source, target: target, weights: weights)
        XCTAssertLessThan((result.rotation - rotation).frobeniusNorm, 1e-10)
        XCTAssertEqual(result.scale, 2, accuracy: 1e-12)
        XCTAssertLessThan(Vector3.length(result.translation - SIMD3(1, 2, 3)), 1e-10)
    }

    /// A mirrored target has an improper best orthogonal fit; the solver must return the best *proper* rotation
    /// (det +1), which Horn's method gives independently, and MediaPipe's scale for it.
    func testMirroredTargetGivesBestProperRotation() throws {
        var generator = SeededGenerator(seed: 13)
        let weights = basis.map(\.weight)
        for trial in 0..<50 {
            let rotation = generator.rotation()
            let mirror = Matrix3x3(rows: SIMD3(-1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))
            let target = basisPoints.map { mirror * (1.5 * (rotation * $0)) + SIMD3(0, 0, -40) }
            let result = try WeightedProcrustes.solve(source: basisPoints, target: target, weights: weights)
            XCTAssertEqual(result.rotation.determinant, 1, accuracy: 1e-12, "trial \(trial)")
            XCTAssertLessThan((result.rotation.transposed * result.rotation - .identity).frobeniusNorm, 1e-12)
            let horn = hornRotation(source: basisPoints, target: target, weights: weights)
            XCTAssertLessThan((result.rotation - horn).frobeniusNorm, 1e-8, "trial \(trial)")
            XCTAssertEqual(result.scale, referenceScale(result.rotation, basisPoints, target, weights),
                           accuracy: 1e-12, "trial \(trial)")
        }
    }

    /// Unrelated random point sets (about half need the reflection fix): the solver's rotation is Horn's optimum and
    /// no random rotation does better on the objective Σ wᵢ bᵢ · R(aᵢ − ā).
    func testArbitraryTargetsMatchHornsOptimum() throws {
        var generator = SeededGenerator(seed: 14)
        var flips = 0
        for trial in 0..<200 {
            let count = 4 + trial % 30
            let source = (0..<count).map { _ in generator.gaussianVector() }
            let target = (0..<count).map { _ in generator.gaussianVector() }
            let weights = (0..<count).map { _ in generator.uniform(0.1...1) }
            let result = try WeightedProcrustes.solve(source: source, target: target, weights: weights)
            let horn = hornRotation(source: source, target: target, weights: weights)
            XCTAssertLessThan((result.rotation - horn).frobeniusNorm, 1e-7, "trial \(trial)")
            let best = objective(result.rotation, source, target, weights)
            for _ in 0..<20 {
                XCTAssertGreaterThanOrEqual(best, objective(generator.rotation(), source, target, weights) - 1e-12)
            }
            let svd = SingularValueDecomposition3x3(crossCovariance(source, target, weights))
            if svd.u.determinant * svd.v.determinant < 0 { flips += 1 }
        }
        XCTAssertGreaterThan(flips, 20, "the reflection branch must be exercised")
    }

    /// Coplanar sources (smallest singular value 0) still give the exact transform.
    func testPlanarPointsAreExact() throws {
        var generator = SeededGenerator(seed: 15)
        let source = (0..<12).map { _ in SIMD3(generator.uniform(-5...5), generator.uniform(-5...5), 0) }
        let rotation = generator.rotation()
        let target = source.map { 0.5 * (rotation * $0) + SIMD3(3, -1, 7) }
        let result = try WeightedProcrustes.solve(source: source, target: target,
                                                  weights: Array(repeating: 1, count: 12))
        XCTAssertLessThan((result.rotation - rotation).frobeniusNorm, 1e-10)
        XCTAssertEqual(result.scale, 0.5, accuracy: 1e-12)
    }

    func testDegenerateInputThrows() {
        let source = basisPoints
        let weights = basis.map(\.weight)
        func expect(_ expected: (FaceMeshError) -> Bool, source: [SIMD3<Double>], target: [SIMD3<Double>],
                    weights: [Double], line: UInt = #line) {
            XCTAssertThrowsError(try WeightedProcrustes.solve(source: source, target: target, weights: weights),
                                 line: line) { error in
                guard let error = error as? FaceMeshError, expected(error) else {
                    return XCTFail("unexpected error \(error)", line: line)
                }
            }
        }
        expect({ $0 == .noPoints }, source: [], target: [], weights: [])
        expect({ $0 == .countMismatch(source: 33, target: 32, weights: 33) },
               source: source, target: Array(source.dropLast()), weights: weights)
        var negative = weights
        negative[5] = -0.1
        expect({ $0 == .negativeWeight(index: 5, weight: -0.1) }, source: source, target: source, weights: negative)
        var nonFinite = source
        nonFinite[7].y = .infinity
        expect({ $0 == .nonFiniteValue(index: 7) }, source: source, target: nonFinite, weights: weights)
        expect({ if case .totalWeightTooSmall = $0 { return true } else { return false } },
               source: source, target: source, weights: Array(repeating: 0, count: 33))
        // All targets at one point, or all sources at one point: the cross-covariance vanishes.
        expect({ if case .crossCovarianceTooSmall = $0 { return true } else { return false } },
               source: source, target: Array(repeating: SIMD3(1, 2, 3), count: 33), weights: weights)
        expect({ if case .crossCovarianceTooSmall = $0 { return true } else { return false } },
               source: Array(repeating: SIMD3(1, 2, 3), count: 33), target: source, weights: weights)
        // Targets on a line: the rotation about the line is undetermined.
        let line = source.indices.map { SIMD3(Double($0), 2 * Double($0), -Double($0)) }
        expect({ if case .pointsNearlyCollinear = $0 { return true } else { return false } },
               source: source, target: line, weights: weights)
        // Sources spread by ~1e-6 (denominator ~1e-12) with large targets.
        var generator = SeededGenerator(seed: 16)
        let tinySource = (0..<33).map { _ in 1e-6 * generator.gaussianVector() }
        let bigTarget = (0..<33).map { _ in 1e6 * generator.gaussianVector() }
        expect({ if case .scaleDenominatorTooSmall = $0 { return true } else { return false } },
               source: tinySource, target: bigTarget, weights: weights)
        // Target 1e-10 times the (1e4 times enlarged) source: scale 1e-10 ≤ 1e-9.
        let bigSource = source.map { 1e4 * $0 }
        expect({ if case .scaleTooSmall = $0 { return true } else { return false } },
               source: bigSource, target: bigSource.map { 1e-10 * $0 }, weights: weights)
    }

    // MARK: - Independent references

    /// Σ wᵢ bᵢ · R(aᵢ − ā): the quantity the optimal rotation maximises.
    private func objective(_ rotation: Matrix3x3, _ source: [SIMD3<Double>], _ target: [SIMD3<Double>],
                           _ weights: [Double]) -> Double {
        let centroid = weightedCentroid(source, weights)
        return source.indices.reduce(0) { sum, i in
            sum + weights[i] * Vector3.dot(target[i], rotation * (source[i] - centroid))
        }
    }

    private func weightedCentroid(_ points: [SIMD3<Double>], _ weights: [Double]) -> SIMD3<Double> {
        zip(points, weights).reduce(SIMD3<Double>.zero) { $0 + $1.1 * $1.0 } / weights.reduce(0, +)
    }

    private func crossCovariance(_ source: [SIMD3<Double>], _ target: [SIMD3<Double>],
                                 _ weights: [Double]) -> Matrix3x3 {
        let centroid = weightedCentroid(source, weights)
        return source.indices.reduce(Matrix3x3.zero) {
            $0 + weights[$1] * Matrix3x3.outerProduct(target[$1], source[$1] - centroid)
        }
    }

    /// Scale for a given rotation: Σ wᵢ (R(aᵢ − ā))·bᵢ / Σ wᵢ ‖aᵢ − ā‖².
    private func referenceScale(_ rotation: Matrix3x3, _ source: [SIMD3<Double>], _ target: [SIMD3<Double>],
                                _ weights: [Double]) -> Double {
        let centroid = weightedCentroid(source, weights)
        let denominator = source.indices.reduce(0) {
            $0 + weights[$1] * Vector3.dot(source[$1] - centroid, source[$1] - centroid)
        }
        return objective(rotation, source, target, weights) / denominator
    }

    /// Horn (1987): the unit quaternion maximising Σ wᵢ bᵢ · R(q)(aᵢ − ā) is the eigenvector of the largest
    /// eigenvalue of the symmetric matrix N built from S = Σ wᵢ (aᵢ − ā) bᵢᵀ.
    private func hornRotation(source: [SIMD3<Double>], target: [SIMD3<Double>], weights: [Double]) -> Matrix3x3 {
        let centroid = weightedCentroid(source, weights)
        var s = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in source.indices {
            let a = source[i] - centroid
            for r in 0..<3 { for c in 0..<3 { s[r][c] += weights[i] * a[r] * target[i][c] } }
        }
        let (xx, xy, xz) = (s[0][0], s[0][1], s[0][2])
        let (yx, yy, yz) = (s[1][0], s[1][1], s[1][2])
        let (zx, zy, zz) = (s[2][0], s[2][1], s[2][2])
        let n: [[Double]] = [
            [xx + yy + zz, yz - zy, zx - xz, xy - yx],
            [yz - zy, xx - yy - zz, xy + yx, zx + xz],
            [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
            [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
        ]
        let (values, vectors) = jacobiEigen(n)
        let best = values.indices.max { values[$0] < values[$1] }!
        let q = SIMD4(vectors[0][best], vectors[1][best], vectors[2][best], vectors[3][best])
        return quaternionToMatrix(q / (q * q).sum().squareRoot())
    }

    /// Classical cyclic Jacobi eigenvalue algorithm for a small symmetric matrix: returns the eigenvalues and the
    /// eigenvectors as the columns of the second result.
    private func jacobiEigen(_ matrix: [[Double]]) -> ([Double], [[Double]]) {
        var a = matrix
        let n = a.count
        var v = (0..<n).map { r in (0..<n).map { c in r == c ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for p in 0..<n { for q in (p + 1)..<n { offDiagonal += a[p][q] * a[p][q] } }
            if offDiagonal < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<n where a[p][q] != 0 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {  // A ← A·J
                        let (akp, akq) = (a[k][p], a[k][q])
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<n {  // A ← Jᵀ·A
                        let (apk, aqk) = (a[p][k], a[q][k])
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let (vkp, vkq) = (v[k][p], v[k][q])
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0][$0] }, v)
    }
}
