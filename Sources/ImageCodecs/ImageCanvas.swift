/// Anti-aliased drawing of lines and discs onto an `RGBImage`, for overlays such as face-mesh landmarks.
///
/// Coordinates are continuous pixel coordinates (`Float`): pixel (column i, row j) covers the square
/// [i, i + 1) x [j, j + 1) and its centre is (i + 0.5, j + 0.5); (0, 0) is the top-left corner of the image, x grows
/// to the right and y downwards. A normalised landmark (x, y) in [0, 1] therefore maps to (x * width, y * height).
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
            let centerY = Double(row) + 0.5
            guard let (left, right) = span(centerY, reach),
                  let columns = ImageCanvas.columnRange(left: left, right: right, width: width)
            else { continue }
            for column in columns {
                let coverage = min(1, radius + 0.5 - distance(Double(column) + 0.5, centerY))
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

    /// Indices i in 0..<count with i + 0.5 in [low, high]; clamps in floating point before converting to Int, so
    /// arbitrarily large finite bounds are safe.
    private static func indexRange(low: Double, high: Double, count: Int) -> ClosedRange<Int>? {
        guard low.isFinite, high.isFinite, low <= high else { return nil }
        let first = max(0, (low - 0.5).rounded(.up))
        let last = min(Double(count - 1), (high - 0.5).rounded(.down))
        guard first <= last else { return nil }
        return Int(first)...Int(last)
    }
}
