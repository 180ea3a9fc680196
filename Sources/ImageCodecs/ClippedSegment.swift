/// A line segment in pixel coordinates, clipped to the image rectangle grown by the line's half-width plus a
/// margin, so that endpoints far outside the image (up to `Float.greatestFiniteMagnitude`) lose no precision and
/// no pixel inside the image changes its distance-based coverage. Computations are in `Double`.
struct ClippedSegment {
    let startX: Double
    let startY: Double
    let endX: Double
    let endY: Double

    /// Clips the segment from `start` to `end` to [-margin, imageWidth + margin] x [-margin, imageHeight + margin]
    /// with margin = halfWidth + 1 (Liang-Barsky). Nil if a coordinate is not finite or nothing remains.
    init?(from start: SIMD2<Float>, to end: SIMD2<Float>, halfWidth: Double, imageWidth: Int, imageHeight: Int) {
        guard start.x.isFinite, start.y.isFinite, end.x.isFinite, end.y.isFinite else { return nil }
        let margin = halfWidth + 1
        let x0 = Double(start.x), y0 = Double(start.y)
        let dx = Double(end.x) - x0, dy = Double(end.y) - y0
        var lower = 0.0
        var upper = 1.0
        // Each boundary keeps the parameters t where p * t <= q.
        let boundaries: [(p: Double, q: Double)] = [
            (-dx, x0 + margin), (dx, Double(imageWidth) + margin - x0),
            (-dy, y0 + margin), (dy, Double(imageHeight) + margin - y0),
        ]
        for (p, q) in boundaries {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { lower = max(lower, t) } else { upper = min(upper, t) }
            }
        }
        guard lower <= upper else { return nil }
        startX = x0 + lower * dx
        startY = y0 + lower * dy
        endX = x0 + upper * dx
        endY = y0 + upper * dy
    }

    /// Rows whose pixel centres may lie within `reach` of the segment, clipped to the image.
    func rowRange(reach: Double, height: Int) -> ClosedRange<Int>? {
        ImageCanvas.rowRange(top: min(startY, endY) - reach, bottom: max(startY, endY) + reach, height: height)
    }

    /// Euclidean distance from (x, y) to the nearest point of the segment.
    func distance(toX x: Double, y: Double) -> Double {
        let dx = endX - startX, dy = endY - startY
        let lengthSquared = dx * dx + dy * dy
        var t = 0.0
        if lengthSquared > 0 {
            t = min(1, max(0, ((x - startX) * dx + (y - startY) * dy) / lengthSquared))
        }
        let nearestX = startX + t * dx - x
        let nearestY = startY + t * dy - y
        return (nearestX * nearestX + nearestY * nearestY).squareRoot()
    }

    /// The interval of x where the horizontal line at height `y` meets the set of points within `reach` of the
    /// segment (a capsule: two discs joined by a rectangle; convex, so the meeting is one interval). Nil if empty.
    func span(atY y: Double, reach: Double) -> (Double, Double)? {
        var left = Double.infinity
        var right = -Double.infinity
        func include(_ interval: (Double, Double)?) {
            guard let (low, high) = interval else { return }
            left = min(left, low)
            right = max(right, high)
        }
        include(ClippedSegment.discSpan(centerX: startX, centerY: startY, radius: reach, y: y))
        include(ClippedSegment.discSpan(centerX: endX, centerY: endY, radius: reach, y: y))
        include(rectangleSpan(y: y, reach: reach))
        return left <= right ? (left, right) : nil
    }

    /// Where the horizontal line at `y` crosses the disc of `radius` around (centerX, centerY).
    private static func discSpan(centerX: Double, centerY: Double, radius: Double, y: Double) -> (Double, Double)? {
        let dy = y - centerY
        let squared = radius * radius - dy * dy
        guard squared >= 0 else { return nil }
        let dx = squared.squareRoot()
        return (centerX - dx, centerX + dx)
    }

    /// Where the horizontal line at `y` crosses the rectangle swept by the segment's normal in [-reach, reach]:
    /// the points p with 0 <= (p - start) . u <= length and |(p - start) . n| <= reach (u along, n across).
    private func rectangleSpan(y: Double, reach: Double) -> (Double, Double)? {
        let dx = endX - startX, dy = endY - startY
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return nil }
        let alongX = dx / length, alongY = dy / length
        let acrossX = -alongY, acrossY = alongX
        let offsetY = y - startY
        // For p = (x, y): (p - start) . u = alongX * (x - startX) + alongY * offsetY, linear in x; same for n.
        guard let along = ClippedSegment.solveSlab(slope: alongX, constant: alongY * offsetY,
                                                   low: 0, high: length),
              let across = ClippedSegment.solveSlab(slope: acrossX, constant: acrossY * offsetY,
                                                    low: -reach, high: reach)
        else { return nil }
        let low = max(along.0, across.0), high = min(along.1, across.1)
        return low <= high ? (startX + low, startX + high) : nil
    }

    /// The values of s with low <= slope * s + constant <= high, as an interval (infinite if slope is 0 and the
    /// constant satisfies the bounds); nil if there are none.
    private static func solveSlab(slope: Double, constant: Double, low: Double, high: Double) -> (Double, Double)? {
        if slope == 0 {
            return (low...high).contains(constant) ? (-Double.infinity, Double.infinity) : nil
        }
        let first = (low - constant) / slope, second = (high - constant) / slope
        return (min(first, second), max(first, second))
    }
}
