/// Anti-aliased drawing of lines and discs onto an `RGBImage`, for overlays such as face-mesh landmarks.
///
/// Coordinates are continuous pixel coordinates (`Float`) in the package's convention, documented once at the top of
/// Sources/ImageBasics/RGBImage.swift: the centre of pixel (column i, row j) is the point (i, j). Landmarks and
/// regions in pixels are therefore drawn where they are, with no conversion.
///
/// Shapes are drawn with a one-pixel linear anti-aliasing ramp: a pixel whose centre lies at distance d from the
/// shape's core (the segment of a line, the centre of a disc) receives coverage c = clamp(r + 0.5 - d, 0, 1), where
/// r is the half-width of the line or the radius of the disc, and its colour becomes old + c * (color - old),
/// rounded. Pixels with c = 1 get exactly `color`; pixels with c = 0 are untouched.
///
/// Everything is clipped to the image: any finite coordinates, however far outside, are safe and only the visible
/// part is drawn. Shapes with a non-finite coordinate, or a non-positive (or non-finite) width or radius, draw
/// nothing. The work done is bounded by the number of pixels the shape covers inside the image.
public struct ImageCanvas: Sendable, Equatable {
    /// The image drawn so far.
    public private(set) var image: RGBImage

    /// Starts drawing on a copy of `image`.
    public init(image: RGBImage) {
        self.image = image
    }

    /// Draws a straight line with round caps (a "capsule") of total thickness `width` pixels between `start` and
    /// `end` (pixel coordinates, see the type's documentation).
    public mutating func drawLine(from start: SIMD2<Float>, to end: SIMD2<Float>, color: RGBColor,
                                  width: Float = 1) {
        guard width.isFinite, width > 0 else { return }
        let halfWidth = Double(width) / 2
        guard let segment = ClippedSegment(from: start, to: end, halfWidth: halfWidth,
                                           imageWidth: image.width, imageHeight: image.height)
        else { return }
        fill(reach: halfWidth + 0.5, rows: segment.rowRange(reach: halfWidth + 0.5, height: image.height),
             color: color, span: { segment.span(atY: $0, reach: $1) },
             distance: { segment.distance(toX: $0, y: $1) }, radius: halfWidth)
    }

    /// Fills the disc of `radius` pixels around `center` (pixel coordinates, see the type's documentation).
    public mutating func fillCircle(center: SIMD2<Float>, radius: Float, color: RGBColor) {
        guard radius.isFinite, radius > 0, center.x.isFinite, center.y.isFinite else { return }
        let centerX = Double(center.x)
        let centerY = Double(center.y)
        let radius = Double(radius)
        let reach = radius + 0.5
        let rows = ImageCanvas.rowRange(top: centerY - reach, bottom: centerY + reach, height: image.height)
        fill(reach: reach, rows: rows, color: color, span: { y, reach in
            let dy = y - centerY
            let squared = reach * reach - dy * dy
            guard squared >= 0 else { return nil }
            let dx = squared.squareRoot()
            return (centerX - dx, centerX + dx)
        }, distance: { x, y in ((x - centerX) * (x - centerX) + (y - centerY) * (y - centerY)).squareRoot() },
        radius: radius)
    }

    /// Blends `color` into every pixel of `rows` whose centre lies within the horizontal interval `span(y, reach)`
    /// of its row, with coverage clamp(radius + 0.5 - distance(x, y), 0, 1) (pixel centres x, y).
    private mutating func fill(reach: Double, rows: ClosedRange<Int>?, color: RGBColor,
                               span: (Double, Double) -> (Double, Double)?,
                               distance: (Double, Double) -> Double, radius: Double) {
        guard let rows else { return }
        let width = image.width
        for row in rows {
            let centerY = Double(row)
            guard let (left, right) = span(centerY, reach),
                  let columns = ImageCanvas.columnRange(left: left, right: right, width: width)
            else { continue }
            for column in columns {
                let coverage = min(1, radius + 0.5 - distance(Double(column), centerY))
                if coverage > 0 {
                    blend(color, coverage: coverage, at: 3 * (row * width + column))
                }
            }
        }
    }

    /// Mixes `color` into the pixel whose red sample is at `index`: old + coverage * (color - old), rounded.
    private mutating func blend(_ color: RGBColor, coverage: Double, at index: Int) {
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
            let value = Double(old) + coverage * (Double(new) - Double(old))
            return UInt8(min(255, max(0, value.rounded())))
        }
        image.pixels[index] = mix(image.pixels[index], color.red)
        image.pixels[index + 1] = mix(image.pixels[index + 1], color.green)
        image.pixels[index + 2] = mix(image.pixels[index + 2], color.blue)
    }

    /// Rows whose pixel centres lie in [top, bottom], clipped to the image; nil if none.
    static func rowRange(top: Double, bottom: Double, height: Int) -> ClosedRange<Int>? {
        indexRange(low: top, high: bottom, count: height)
    }

    /// Columns whose pixel centres lie in [left, right], clipped to the image; nil if none.
    static func columnRange(left: Double, right: Double, width: Int) -> ClosedRange<Int>? {
        indexRange(low: left, high: right, count: width)
    }

    /// Indices i in 0..<count with i in [low, high] (pixel i's centre is i); clamps in floating point before
    /// converting to Int, so arbitrarily large finite bounds are safe.
    private static func indexRange(low: Double, high: Double, count: Int) -> ClosedRange<Int>? {
        guard low.isFinite, high.isFinite, low <= high else { return nil }
        let first = max(0, low.rounded(.up))
        let last = min(Double(count - 1), high.rounded(.down))
        guard first <= last else { return nil }
        return Int(first)...Int(last)
    }
}

/// A line segment in pixel coordinates, clipped to the image rectangle [-0.5, width - 0.5] x [-0.5, height - 0.5]
/// grown by the line's half-width plus a margin, so that endpoints far outside the image (up to
/// `Float.greatestFiniteMagnitude`) lose no precision and no pixel inside the image changes its distance-based
/// coverage: a pixel centre lies at least 0.5 inside the image rectangle, so a cut-off part of the segment is at
/// least halfWidth + 1.5 from it, beyond the reach halfWidth + 0.5 where coverage ends. Computations are in `Double`.
struct ClippedSegment {
    let startX: Double
    let startY: Double
    let endX: Double
    let endY: Double

    /// Clips the segment from `start` to `end` to [-0.5 - margin, imageWidth - 0.5 + margin] x
    /// [-0.5 - margin, imageHeight - 0.5 + margin] with margin = halfWidth + 1 (Liang-Barsky). Nil if a
    /// coordinate is not finite or nothing remains.
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
        let minimumX = -0.5 - margin, maximumX = Double(imageWidth) - 0.5 + margin
        let minimumY = -0.5 - margin, maximumY = Double(imageHeight) - 0.5 + margin
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
