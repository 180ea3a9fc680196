/// Why `WeightedProcrustes.solve` could not determine a similarity transform.
///
/// The thresholds of the last four cases are MediaPipe's (absolute 1e-9); `pointsNearlyCollinear` is an extra check
/// of ours for input whose rotation is not determined.
public enum ProcrustesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No points were given.
    case noPoints
    /// The source, target and weight arrays have different lengths.
    case countMismatch(source: Int, target: Int, weights: Int)
    /// A coordinate or weight is NaN or infinite.
    case nonFiniteValue(index: Int)
    /// A weight is negative.
    case negativeWeight(index: Int, weight: Double)
    /// The weights sum to ≤ 1e-9.
    case totalWeightTooSmall(Double)
    /// The weighted cross-covariance `Σ wᵢ bᵢ (aᵢ − ā)ᵀ` has Frobenius norm ≤ 1e-9: the weighted source or target
    /// points (nearly) coincide.
    case crossCovarianceTooSmall(norm: Double)
    /// The weighted cross-covariance has rank ≤ 1 (second singular value ≤ 1e-6 × the first): the source or target
    /// points lie on a line, so the rotation about that line is undetermined.
    case pointsNearlyCollinear(singularValueRatio: Double)
    /// The scale denominator `Σ wᵢ ‖aᵢ − ā‖²` is ≤ 1e-9: the weighted source points (nearly) coincide.
    case scaleDenominatorTooSmall(Double)
    /// The optimal scale is ≤ 1e-9: the target is (nearly) a single point relative to the source.
    case scaleTooSmall(Double)

    /// A one-line explanation of the failure.
    public var description: String {
        switch self {
        case .noPoints:
            return "Procrustes: no points"
        case let .countMismatch(source, target, weights):
            return "Procrustes: \(source) source points, \(target) target points and \(weights) weights differ"
        case let .nonFiniteValue(index):
            return "Procrustes: point or weight \(index) is not finite"
        case let .negativeWeight(index, weight):
            return "Procrustes: weight \(index) is negative (\(weight))"
        case let .totalWeightTooSmall(total):
            return "Procrustes: total weight \(total) is ≤ 1e-9"
        case let .crossCovarianceTooSmall(norm):
            return "Procrustes: cross-covariance norm \(norm) is ≤ 1e-9 (points coincide)"
        case let .pointsNearlyCollinear(ratio):
            return "Procrustes: points are collinear (singular value ratio \(ratio)); rotation undetermined"
        case let .scaleDenominatorTooSmall(denominator):
            return "Procrustes: source spread \(denominator) is ≤ 1e-9 (source points coincide)"
        case let .scaleTooSmall(scale):
            return "Procrustes: scale \(scale) is ≤ 1e-9"
        }
    }
}
