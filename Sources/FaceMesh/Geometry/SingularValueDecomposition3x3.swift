/// The singular value decomposition `M = U · diag(σ) · Vᵀ` of a 3×3 matrix, in `Double`.
///
/// Computed with one-sided Jacobi rotations (Hestenes' method): plane rotations applied to the columns of `M`
/// from the right until the columns are mutually orthogonal; the rotations accumulate into `V`, the column lengths
/// are the singular values and the normalised columns are `U`. This works on `M` itself (not on `MᵀM`), so small
/// singular values keep their relative accuracy.
///
/// Guarantees: `U` and `V` are orthogonal (their determinants may be −1), `singularValues` are non-negative and
/// sorted in descending order. When `M` has rank < 3 the columns of `U` that belong to zero singular values are
/// completed to an orthonormal basis (the last one as the cross product of the others, so `det U = +1` then).
struct SingularValueDecomposition3x3 {
    /// Left singular vectors, as the columns of an orthogonal matrix.
    let u: Matrix3x3
    /// Singular values, descending, all ≥ 0.
    let singularValues: SIMD3<Double>
    /// Right singular vectors, as the columns of an orthogonal matrix.
    let v: Matrix3x3

    /// Maximum number of sweeps over the three column pairs; a 3×3 matrix converges in far fewer.
    private static let maximumSweeps = 60

    /// Decomposes `matrix`. Non-finite elements give non-finite results; callers validate their input.
    init(_ matrix: Matrix3x3) {
        var columns = [matrix.column(0), matrix.column(1), matrix.column(2)]
        var rightVectors = [SIMD3<Double>(1, 0, 0), SIMD3<Double>(0, 1, 0), SIMD3<Double>(0, 0, 1)]

        for _ in 0..<Self.maximumSweeps {
            var rotated = false
            for (p, q) in [(0, 1), (0, 2), (1, 2)] {
                let alpha = Vector3.dot(columns[p], columns[p])
                let beta = Vector3.dot(columns[q], columns[q])
                let gamma = Vector3.dot(columns[p], columns[q])
                // Columns already orthogonal to working precision: nothing to do for this pair.
                guard gamma != 0, abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { continue }
                // Rotation angle θ with tan 2θ = 2γ / (β − α); t = tan θ, the smaller root for stability.
                let zeta = (beta - alpha) / (2 * gamma)
                let t = (zeta >= 0 ? 1 : -1) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                let c = 1 / (1 + t * t).squareRoot()
                let s = c * t
                let columnP = columns[p], columnQ = columns[q]
                columns[p] = c * columnP - s * columnQ
                columns[q] = s * columnP + c * columnQ
                let vectorP = rightVectors[p], vectorQ = rightVectors[q]
                rightVectors[p] = c * vectorP - s * vectorQ
                rightVectors[q] = s * vectorP + c * vectorQ
                rotated = true
            }
            if !rotated { break }
        }

        // Sort by decreasing column length (= singular value).
        let lengths = columns.map(Vector3.length)
        let order = [0, 1, 2].sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        let sigma = SIMD3(lengths[order[0]], lengths[order[1]], lengths[order[2]])
        let sortedColumns = order.map { columns[$0] }
        let sortedRight = order.map { rightVectors[$0] }

        // Left vectors: normalised columns; columns of (numerically) zero length are completed to a basis.
        let negligible = sigma[0] * 1e-13
        var left: [SIMD3<Double>] = []
        for index in 0..<3 {
            if sigma[index] > negligible && sigma[index] > 0 {
                left.append(sortedColumns[index] / sigma[index])
            } else if index == 0 {
                left.append(SIMD3(1, 0, 0))
            } else if index == 1 {
                left.append(Self.unitVectorOrthogonal(to: left[0]))
            } else {
                left.append(Vector3.cross(left[0], left[1]))
            }
        }
        u = Matrix3x3(columns: left[0], left[1], left[2])
        singularValues = sigma
        v = Matrix3x3(columns: sortedRight[0], sortedRight[1], sortedRight[2])
    }

    /// A unit vector orthogonal to the unit vector `vector`, built from the coordinate axis least aligned with it.
    private static func unitVectorOrthogonal(to vector: SIMD3<Double>) -> SIMD3<Double> {
        let magnitudes = SIMD3(abs(vector.x), abs(vector.y), abs(vector.z))
        var axis = SIMD3<Double>(0, 0, 0)
        if magnitudes.x <= magnitudes.y && magnitudes.x <= magnitudes.z {
            axis.x = 1
        } else if magnitudes.y <= magnitudes.z {
            axis.y = 1
        } else {
            axis.z = 1
        }
        let orthogonal = axis - Vector3.dot(axis, vector) * vector
        return orthogonal / Vector3.length(orthogonal)
    }
}
