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
    ///
    /// A clipped endpoint is placed exactly on the boundary that cut it and its other coordinate is interpolated
    /// from the nearer original endpoint, so horizontal and vertical lines stay exact however far they reach; for
    /// oblique lines the position error is about 1e-16 times the segment's extent (negligible below 1e12 pixels).
    init?(from start: SIMD2<Float>, to end: SIMD2<Float>, halfWidth: Double, imageWidth: Int, imageHeight: Int) {
        guard start.x.isFinite, start.y.isFinite, end.x.isFinite, end.y.isFinite else { return nil }
        let margin = halfWidth + 1
        let x0 = Double(start.x), y0 = Double(start.y)
        let x1 = Double(end.x), y1 = Double(end.y)
        let dx = x1 - x0, dy = y1 - y0
        let minimumX = -margin, maximumX = Double(imageWidth) + margin
        let minimumY = -margin, maximumY = Double(imageHeight) + margin
        // The segment is p(t) = start + t * (end - start), t in [0, 1]; each boundary keeps the t with p * t <= q.
        // `Cut` remembers which boundary set a parameter so the clipped point can be placed exactly on it.
        enum Cut { case none, vertical(Double), horizontal(Double) }
        var lower = (t: 0.0, cut: Cut.none)
        var upper = (t: 1.0, cut: Cut.none)
        let boundaries: [(p: Double, q: Double, cut: Cut)] = [
            (-dx, x0 - minimumX, .vertical(minimumX)), (dx, maximumX - x0, .vertical(maximumX)),
            (-dy, y0 - minimumY, .horizontal(minimumY)), (dy, maximumY - y0, .horizontal(maximumY)),
        ]
        for (p, q, cut) in boundaries {
            if p == 0 {
                if q < 0 { return nil }  // parallel to this boundary and outside it
            } else {
                let t = q / p
                if p < 0 {
                    if t > lower.t { lower = (t, cut) }
                } else if t < upper.t {
                    upper = (t, cut)
                }
            }
        }
        guard lower.t <= upper.t else { return nil }
        func point(_ t: Double, _ cut: Cut) -> (Double, Double) {
            // Interpolating from the nearer endpoint keeps the rounding error proportional to the distance.
            var x = t < 0.5 ? x0 + t * dx : x1 - (1 - t) * dx
            var y = t < 0.5 ? y0 + t * dy : y1 - (1 - t) * dy
            switch cut {
            case .none: (x, y) = t == 0 ? (x0, y0) : (x1, y1)
            case .vertical(let boundary): x = boundary
            case .horizontal(let boundary): y = boundary
            }
            return (x, y)
        }
        (startX, startY) = point(lower.t, lower.cut)
        (endX, endY) = point(upper.t, upper.cut)
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
