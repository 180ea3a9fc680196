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
