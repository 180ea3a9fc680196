import Foundation

/// A 3×3 projective transform in double precision, row-major, mapping (x, y, 1) to (X, Y, W) with the point at
/// (X/W, Y/W).
///
/// The construction reproduces the arithmetic OpenCV uses for MediaPipe's crops, so that the sample positions,
/// after quantization to 1/32 pixel, agree with OpenCV even at rounding ties:
/// - `cornerPoints(of:)` is `cv::RotatedRect::points` (single precision, angle converted to degrees and back);
/// - `init(mapping:to:)` is `cv::getPerspectiveTransform`: the 8×8 system with its products formed in single
///   precision, solved by Gaussian elimination with partial pivoting in double precision;
/// - `inverted()` is `cv::invert` for a 3×3 matrix (cofactors over the determinant).
struct PerspectiveTransform {
    /// Row-major coefficients m[0...8].
    var m: [Double]

    init(coefficients: [Double]) {
        precondition(coefficients.count == 9)
        m = coefficients
    }

    /// The four corners of a rotated rectangle in OpenCV's `boxPoints` order: bottom-left, top-left, top-right,
    /// bottom-right of the unrotated rectangle (y down), each rotated about the centre. Single precision.
    static func cornerPoints(of rect: RotatedRect) -> [SIMD2<Float>] {
        // MediaPipe passes the angle in degrees as `rotation * 180.f / M_PI` (float times float, divided in double,
        // stored as float); OpenCV converts it back to radians in double.
        let degrees = Float(Double(rect.rotation * 180) / Double.pi)
        let radians = Double(degrees) * Double.pi / 180
        let b = Float(Foundation.cos(radians)) * 0.5
        let a = Float(Foundation.sin(radians)) * 0.5
        let cx = rect.centerX, cy = rect.centerY, w = rect.width, h = rect.height
        let p0 = SIMD2<Float>(cx - a * h - b * w, cy + b * h - a * w)
        let p1 = SIMD2<Float>(cx + a * h - b * w, cy - b * h - a * w)
        let p2 = SIMD2<Float>(2 * cx - p0.x, 2 * cy - p0.y)
        let p3 = SIMD2<Float>(2 * cx - p1.x, 2 * cy - p1.y)
        return [p0, p1, p2, p3]
    }

    /// The projective transform taking `source[i]` to `destination[i]` for the four point pairs, or nil when the
    /// points are degenerate (the elimination meets a pivot below 100·ε, as OpenCV's LU does).
    init?(mapping source: [SIMD2<Float>], to destination: [SIMD2<Float>]) {
        precondition(source.count == 4 && destination.count == 4)
        var a = [Double](repeating: 0, count: 64)
        var b = [Double](repeating: 0, count: 8)
        for i in 0..<4 {
            let s = source[i], d = destination[i]
            a[i * 8 + 0] = Double(s.x); a[i * 8 + 1] = Double(s.y); a[i * 8 + 2] = 1
            a[(i + 4) * 8 + 3] = Double(s.x); a[(i + 4) * 8 + 4] = Double(s.y); a[(i + 4) * 8 + 5] = 1
            a[i * 8 + 6] = Double(-s.x * d.x)
            a[i * 8 + 7] = Double(-s.y * d.x)
            a[(i + 4) * 8 + 6] = Double(-s.x * d.y)
            a[(i + 4) * 8 + 7] = Double(-s.y * d.y)
            b[i] = Double(d.x)
            b[i + 4] = Double(d.y)
        }
        guard PerspectiveTransform.solveInPlace(&a, &b, size: 8) else { return nil }
        m = b + [1]
    }

    /// Gaussian elimination with partial pivoting and back substitution (the order of operations of OpenCV's
    /// small-matrix LU). Returns false for a (nearly) singular system.
    private static func solveInPlace(_ a: inout [Double], _ b: inout [Double], size n: Int) -> Bool {
        let epsilon = Double.ulpOfOne * 100
        for i in 0..<n {
            var pivot = i
            for j in (i + 1)..<n where abs(a[j * n + i]) > abs(a[pivot * n + i]) { pivot = j }
            if abs(a[pivot * n + i]) < epsilon { return false }
            if pivot != i {
                for j in i..<n { a.swapAt(i * n + j, pivot * n + j) }
                b.swapAt(i, pivot)
            }
            let d = -1 / a[i * n + i]
            for j in (i + 1)..<n {
                let alpha = a[j * n + i] * d
                for k in (i + 1)..<n { a[j * n + k] += alpha * a[i * n + k] }
                b[j] += alpha * b[i]
            }
            a[i * n + i] = -d
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<n { s -= a[i * n + k] * b[k] }
            b[i] = s * a[i * n + i]
        }
        return true
    }

    /// The inverse transform (3×3 cofactors times 1/determinant), or nil when the determinant is zero.
    func inverted() -> PerspectiveTransform? {
        let s = m
        let determinant = s[0] * (s[4] * s[8] - s[5] * s[7]) - s[1] * (s[3] * s[8] - s[5] * s[6])
            + s[2] * (s[3] * s[7] - s[4] * s[6])
        guard determinant != 0, determinant.isFinite else { return nil }
        let d = 1 / determinant
        return PerspectiveTransform(coefficients: [
            (s[4] * s[8] - s[5] * s[7]) * d, (s[2] * s[7] - s[1] * s[8]) * d, (s[1] * s[5] - s[2] * s[4]) * d,
            (s[5] * s[6] - s[3] * s[8]) * d, (s[0] * s[8] - s[2] * s[6]) * d, (s[2] * s[3] - s[0] * s[5]) * d,
            (s[3] * s[7] - s[4] * s[6]) * d, (s[1] * s[6] - s[0] * s[7]) * d, (s[0] * s[4] - s[1] * s[3]) * d,
        ])
    }

    /// Applies the transform to a point (double precision).
    func apply(x: Double, y: Double) -> (x: Double, y: Double) {
        let w = m[6] * x + m[7] * y + m[8]
        return ((m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w)
    }
}
