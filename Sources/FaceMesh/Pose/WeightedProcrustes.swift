/// Weighted orthogonal Procrustes analysis with uniform scale: the similarity transform that best maps source
/// points onto target points in the weighted least-squares sense, as MediaPipe's face-geometry pipeline solves it.
///
/// For sources aᵢ, targets bᵢ and weights wᵢ ≥ 0 it computes (all in `Double`):
/// - W = Σ wᵢ, ā = Σ wᵢ aᵢ / W (weighted centroid of the sources);
/// - the weighted cross-covariance M = Σ wᵢ bᵢ (aᵢ − ā)ᵀ and its singular value decomposition M = U Σ Vᵀ
///   (singular values descending, our own one-sided Jacobi solver);
/// - reflections are excluded as MediaPipe does: when det U · det V < 0 the third column of U (the one with the
///   smallest singular value) is negated, so the rotation R = U Vᵀ always has determinant +1;
/// - scale s = Σ wᵢ (R (aᵢ − ā)) · bᵢ / Σ wᵢ ‖aᵢ − ā‖²;
/// - translation t = Σ wᵢ (bᵢ − s R aᵢ) / W.
///
/// The result maps source to target: bᵢ ≈ s R aᵢ + t. Points with weight 0 do not influence it.
public enum WeightedProcrustes {
    /// MediaPipe's absolute threshold for the total weight, the cross-covariance norm, the scale denominator
    /// and the scale.
    public static let absoluteTolerance = 1e-9

    /// Below this ratio of the second to the first singular value of M the points are treated as collinear.
    public static let collinearityTolerance = 1e-6

    /// Finds the similarity transform mapping `source[i]` onto `target[i]`, weighted by `weights[i]`.
    ///
    /// - Parameters:
    ///   - source: source points (any unit).
    ///   - target: target points, same count as `source`.
    ///   - weights: one non-negative weight per point.
    /// - Returns: scale, rotation (determinant +1) and translation with target ≈ scale · rotation · source + translation.
    /// - Throws: `FaceMeshError` for empty or mismatched input, non-finite values, negative weights, or degenerate
    ///   configurations (coincident or collinear points, vanishing scale).
    public static func solve(source: [SIMD3<Double>], target: [SIMD3<Double>],
                             weights: [Double]) throws -> SimilarityTransform {
        guard !source.isEmpty else { throw FaceMeshError.noPoints }
        guard source.count == target.count, source.count == weights.count else {
            throw FaceMeshError.countMismatch(source: source.count, target: target.count, weights: weights.count)
        }
        var totalWeight = 0.0
        var weightedSourceSum = SIMD3<Double>.zero
        for index in source.indices {
            let weight = weights[index]
            guard weight.isFinite, isFinite(source[index]), isFinite(target[index]) else {
                throw FaceMeshError.nonFiniteValue(index: index)
            }
            guard weight >= 0 else { throw FaceMeshError.negativeWeight(index: index, weight: weight) }
            totalWeight += weight
            weightedSourceSum += weight * source[index]
        }
        guard totalWeight > absoluteTolerance else { throw FaceMeshError.totalWeightTooSmall(totalWeight) }
        let sourceCentroid = weightedSourceSum / totalWeight

        var crossCovariance = Matrix3x3.zero
        for index in source.indices where weights[index] > 0 {
            crossCovariance = crossCovariance
                + weights[index] * Matrix3x3.outerProduct(target[index], source[index] - sourceCentroid)
        }
        let norm = crossCovariance.frobeniusNorm
        guard norm > absoluteTolerance else { throw FaceMeshError.crossCovarianceTooSmall(norm: norm) }

        let rotation = try properRotation(maximizingAlignmentWith: crossCovariance)

        var numerator = 0.0
        var denominator = 0.0
        for index in source.indices where weights[index] > 0 {
            let centered = source[index] - sourceCentroid
            numerator += weights[index] * Vector3.dot(rotation * centered, target[index])
            denominator += weights[index] * Vector3.dot(centered, centered)
        }
        guard denominator > absoluteTolerance else { throw FaceMeshError.scaleDenominatorTooSmall(denominator) }
        let scale = numerator / denominator
        guard scale > absoluteTolerance else { throw FaceMeshError.scaleTooSmall(scale) }

        var translationSum = SIMD3<Double>.zero
        for index in source.indices where weights[index] > 0 {
            translationSum += weights[index] * (target[index] - scale * (rotation * source[index]))
        }
        return SimilarityTransform(scale: scale, rotation: rotation, translation: translationSum / totalWeight)
    }

    /// The rotation R (det R = +1) maximising trace(Rᵀ M): U Vᵀ from the SVD of M, with U's third column negated
    /// when det U · det V < 0.
    static func properRotation(maximizingAlignmentWith crossCovariance: Matrix3x3) throws -> Matrix3x3 {
        let svd = SingularValueDecomposition3x3(crossCovariance)
        let ratio = svd.singularValues[1] / svd.singularValues[0]
        guard ratio > collinearityTolerance else { throw FaceMeshError.pointsNearlyCollinear(singularValueRatio: ratio) }
        var u = svd.u
        if u.determinant * svd.v.determinant < 0 {
            for row in 0..<3 { u[row, 2] = -u[row, 2] }
        }
        return u * svd.v.transposed
    }

    private static func isFinite(_ point: SIMD3<Double>) -> Bool {
        point.x.isFinite && point.y.isFinite && point.z.isFinite
    }
}

/// A similarity transform `p ↦ scale · rotation · p + translation` in 3-D (uniform scale, proper rotation).
///
/// As a 4×4 homogeneous matrix it is `[[scale·rotation, translation], [0, 0, 0, 1]]`.
public struct SimilarityTransform: Hashable, Sendable, Codable {
    /// Uniform scale factor (> 0).
    public var scale: Double
    /// Proper rotation matrix (orthogonal, determinant +1).
    public var rotation: Matrix3x3
    /// Translation, applied after scaling and rotating.
    public var translation: SIMD3<Double>

    /// Creates a transform from its parts.
    public init(scale: Double, rotation: Matrix3x3, translation: SIMD3<Double>) {
        self.scale = scale
        self.rotation = rotation
        self.translation = translation
    }

    /// The identity transform.
    public static let identity = SimilarityTransform(scale: 1, rotation: .identity, translation: .zero)

    /// Applies the transform to a point.
    public func apply(to point: SIMD3<Double>) -> SIMD3<Double> {
        scale * (rotation * point) + translation
    }

    /// The inverse transform `q ↦ rotationᵀ · (q − translation) / scale`.
    public var inverse: SimilarityTransform {
        let inverseRotation = rotation.transposed
        return SimilarityTransform(scale: 1 / scale, rotation: inverseRotation,
                                   translation: -(inverseRotation * translation) / scale)
    }

    /// The 4×4 homogeneous matrix, 16 values in row-major order (the last row is 0, 0, 0, 1).
    public var matrixRowMajor: [Double] {
        let linear = scale * rotation
        var values: [Double] = []
        values.reserveCapacity(16)
        for row in 0..<3 {
            values += [linear[row, 0], linear[row, 1], linear[row, 2], translation[row]]
        }
        values += [0, 0, 0, 1]
        return values
    }
}
