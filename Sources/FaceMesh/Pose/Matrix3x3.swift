import Foundation

/// A 3×3 matrix of `Double`, stored as three rows (row-major), acting on column vectors: `m * v`.
///
/// Used by the face-geometry code for rotations, scaled rotations and cross-covariance matrices.
public struct Matrix3x3: Hashable, Sendable, Codable {
    private var row0: SIMD3<Double>
    private var row1: SIMD3<Double>
    private var row2: SIMD3<Double>

    /// Creates a matrix from its three rows.
    public init(rows row0: SIMD3<Double>, _ row1: SIMD3<Double>, _ row2: SIMD3<Double>) {
        self.row0 = row0
        self.row1 = row1
        self.row2 = row2
    }

    /// Creates a matrix from its three columns.
    public init(columns column0: SIMD3<Double>, _ column1: SIMD3<Double>, _ column2: SIMD3<Double>) {
        self.init(rows: SIMD3(column0.x, column1.x, column2.x),
                  SIMD3(column0.y, column1.y, column2.y),
                  SIMD3(column0.z, column1.z, column2.z))
    }

    /// Creates a matrix from nine values in row-major order; returns nil unless `rowMajor.count == 9`.
    public init?(rowMajor: [Double]) {
        guard rowMajor.count == 9 else { return nil }
        self.init(rows: SIMD3(rowMajor[0], rowMajor[1], rowMajor[2]),
                  SIMD3(rowMajor[3], rowMajor[4], rowMajor[5]),
                  SIMD3(rowMajor[6], rowMajor[7], rowMajor[8]))
    }

    /// The identity matrix.
    public static let identity = Matrix3x3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))

    /// The zero matrix.
    public static let zero = Matrix3x3(rows: .zero, .zero, .zero)

    /// The element at `row`, `column` (both 0...2).
    public subscript(row: Int, column: Int) -> Double {
        get { self.row(row)[column] }
        set {
            switch row {
            case 0: row0[column] = newValue
            case 1: row1[column] = newValue
            default:
                precondition(row == 2, "Matrix3x3 row index \(row) out of range 0...2")
                row2[column] = newValue
            }
        }
    }

    /// Row `index` (0...2).
    public func row(_ index: Int) -> SIMD3<Double> {
        switch index {
        case 0: return row0
        case 1: return row1
        default:
            precondition(index == 2, "Matrix3x3 row index \(index) out of range 0...2")
            return row2
        }
    }

    /// Column `index` (0...2).
    public func column(_ index: Int) -> SIMD3<Double> {
        SIMD3(row0[index], row1[index], row2[index])
    }

    /// The nine elements in row-major order.
    public var rowMajor: [Double] {
        [row0.x, row0.y, row0.z, row1.x, row1.y, row1.z, row2.x, row2.y, row2.z]
    }

    /// The transpose.
    public var transposed: Matrix3x3 {
        Matrix3x3(columns: row0, row1, row2)
    }

    /// The determinant.
    public var determinant: Double {
        (row0 * Vector3.cross(row1, row2)).sum()
    }

    /// The Frobenius norm: square root of the sum of the squared elements.
    public var frobeniusNorm: Double {
        ((row0 * row0).sum() + (row1 * row1).sum() + (row2 * row2).sum()).squareRoot()
    }

    /// Matrix–vector product `m · v`.
    public static func * (matrix: Matrix3x3, vector: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((matrix.row0 * vector).sum(), (matrix.row1 * vector).sum(), (matrix.row2 * vector).sum())
    }

    /// Matrix product `a · b`.
    public static func * (a: Matrix3x3, b: Matrix3x3) -> Matrix3x3 {
        Matrix3x3(columns: a * b.column(0), a * b.column(1), a * b.column(2))
    }

    /// Multiplies every element by `scalar`.
    public static func * (scalar: Double, matrix: Matrix3x3) -> Matrix3x3 {
        Matrix3x3(rows: scalar * matrix.row0, scalar * matrix.row1, scalar * matrix.row2)
    }

    /// Element-wise sum.
    public static func + (a: Matrix3x3, b: Matrix3x3) -> Matrix3x3 {
        Matrix3x3(rows: a.row0 + b.row0, a.row1 + b.row1, a.row2 + b.row2)
    }

    /// Element-wise difference.
    public static func - (a: Matrix3x3, b: Matrix3x3) -> Matrix3x3 {
        Matrix3x3(rows: a.row0 - b.row0, a.row1 - b.row1, a.row2 - b.row2)
    }

    /// The outer product `a bᵀ`.
    public static func outerProduct(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Matrix3x3 {
        Matrix3x3(rows: a.x * b, a.y * b, a.z * b)
    }

    /// The rotation angle in degrees between two rotation matrices: the angle of `a · bᵀ`, in [0, 180].
    ///
    /// Computed as 2·asin(‖a − b‖_F / (2√2)), which stays accurate for small angles.
    public static func rotationAngleDegrees(between a: Matrix3x3, and b: Matrix3x3) -> Double {
        let halfChord = min(1, (a - b).frobeniusNorm / (2 * 2.0.squareRoot()))
        return 2 * asin(halfChord) * 180 / .pi
    }
}

/// Small 3-vector helpers for the face-geometry code (namespaced to keep the module's global scope clean).
enum Vector3 {
    /// The cross product `a × b`.
    static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    /// The dot product `a · b`.
    static func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        (a * b).sum()
    }

    /// The Euclidean length `‖a‖`.
    static func length(_ a: SIMD3<Double>) -> Double {
        dot(a, a).squareRoot()
    }
}

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
