/// The `TransformLandmarks` v2 custom operator: maps points through the affine part of a row-major 4×4 matrix.
///
/// For each point `(x, y[, z])`: `x' = M00·x + M01·y + M03`, `y' = M10·x + M11·y + M13`. There is no half-pixel
/// term. The reference operator sets the point's z to 0 before the product, so column 2 of `M` never matters, and
/// with three components it copies z through unchanged. Rows 2–3 of `M` are ignored.
public enum TransformLandmarks {
    /// Transforms `count` points of `dimensions` components each (2: x, y; or 3: x, y, z with z copied unchanged).
    ///
    /// - Parameters:
    ///   - points: `count × dimensions` floats, row-major.
    ///   - count: the number of points.
    ///   - dimensions: components per point, 2 or 3.
    ///   - matrix: 16 floats, row-major 4×4; entries `M00, M01, M03, M10, M11, M13` are used.
    ///   - output: `count × dimensions` floats, same layout. May be the same buffer as `points` (in place).
    /// - Throws: `PlanError` when `count` is not positive, `dimensions` is not 2 or 3, the element
    ///   count overflows, or a used matrix entry is infinite or NaN. Nothing is written then.
    public static func run(points: UnsafePointer<Float>, count: Int, dimensions: Int, matrix: UnsafePointer<Float>,
                             output: UnsafeMutablePointer<Float>) throws {
        guard count > 0 else { throw PlanError.nonPositiveSize(name: "count", value: count) }
        guard dimensions == 2 || dimensions == 3 else {
            throw PlanError.unsupportedDimensions(dimensions, supported: "2 (x, y) or 3 (x, y, z)")
        }
        guard !count.multipliedReportingOverflow(by: dimensions).overflow else {
            throw PlanError.sizeOverflow(name: "points")
        }
        let m00 = matrix[0], m01 = matrix[1], m03 = matrix[3]
        let m10 = matrix[4], m11 = matrix[5], m13 = matrix[7]
        if !(m00.isFinite && m01.isFinite && m03.isFinite && m10.isFinite && m11.isFinite && m13.isFinite) {
            let named = [(m00, "M00"), (m01, "M01"), (m03, "M03"), (m10, "M10"), (m11, "M11"), (m13, "M13")]
            let name = named.first { !$0.0.isFinite }!.1
            throw PlanError.nonFinite(name: "matrix entry " + name)
        }
        for index in 0..<count {
            let base = index * dimensions
            let x = points[base], y = points[base + 1]
            output[base] = m00 * x + m01 * y + m03
            output[base + 1] = m10 * x + m11 * y + m13
            if dimensions == 3 { output[base + 2] = points[base + 2] }
        }
    }
}
