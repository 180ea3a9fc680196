import XCTest
@testable import ImageCodecs
import TestSupport

/// Drawing against closed-form expectations and a brute-force reference of the documented coverage rule.
final class ImageCanvasTests: XCTestCase {
    private func blackCanvas(width: Int = 20, height: Int = 12) throws -> ImageCanvas {
        ImageCanvas(image: try RGBImage(width: width, height: height, color: .black))
    }

    /// Distance from (px, py) to the segment a-b, written independently of the library (projection clamped).
    private func referenceDistance(_ px: Double, _ py: Double, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let ab = b - a
        let ap = SIMD2(px, py) - a
        let lengthSquared = (ab * ab).sum()
        let t = lengthSquared == 0 ? 0 : min(1, max(0, (ap * ab).sum() / lengthSquared))
        let d = ap - t * ab
        return (d * d).sum().squareRoot()
    }

    /// White drawn on black with coverage c gives round(255 c) in every channel; pixel (x, y) has its centre at (x, y).
    private func referenceImage(width: Int, height: Int, coverage: (Double, Double) -> Double) -> [UInt8] {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let c = min(1, max(0, coverage(Double(x), Double(y))))
                let value = UInt8((255 * c).rounded())
                pixels += [value, value, value]
            }
        }
        return pixels
    }

    private func assertClose(_ actual: [UInt8], _ expected: [UInt8], tolerance: Int = 1, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        let worst = zip(actual, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, message, file: file, line: line)
    }

    /// A 1-pixel line through pixel centres colours exactly those pixels and nothing else.
    func testHorizontalLineThroughPixelCentres() throws {
        var canvas = try blackCanvas()
        canvas.drawLine(from: SIMD2(2, 4), to: SIMD2(12, 4), color: .white, width: 1)
        for y in 0..<12 {
            for x in 0..<20 {
                let expected: RGBColor = (y == 4 && (2...12).contains(x)) ? .white : .black
                XCTAssertEqual(canvas.image.pixel(x: x, y: y), expected, "(\(x), \(y))")
            }
        }
    }

    /// A 3-pixel vertical line on the boundary x = 9.5: columns 9 and 10 fully covered (centre distance 0.5),
    /// columns 8 and 11 half covered (distance 1.5 -> coverage 1.5 + 0.5 - 1.5 = 0.5 -> 127.5 rounds to 128).
    func testThickLineCoverageIsClosedForm() throws {
        var canvas = try blackCanvas()
        canvas.drawLine(from: SIMD2(9.5, 2.5), to: SIMD2(9.5, 7.5), color: .white, width: 3)
        for y in 3..<8 {
            XCTAssertEqual(canvas.image.pixel(x: 9, y: y), .white)
            XCTAssertEqual(canvas.image.pixel(x: 10, y: y), .white)
            XCTAssertEqual(canvas.image.pixel(x: 8, y: y), RGBColor(red: 128, green: 128, blue: 128))
            XCTAssertEqual(canvas.image.pixel(x: 11, y: y), RGBColor(red: 128, green: 128, blue: 128))
            XCTAssertEqual(canvas.image.pixel(x: 7, y: y), .black)
            XCTAssertEqual(canvas.image.pixel(x: 12, y: y), .black)
        }
    }

    /// Arbitrary segments (some reaching far outside) against a brute-force evaluation of every pixel.
    func testLinesMatchBruteForceReference() throws {
        var generator = SplitMix64(seed: 7)
        func coordinate(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + (range.upperBound - range.lowerBound) * Double(generator.next() >> 11) / Double(1 << 53)
        }
        for trial in 0..<40 {
            var canvas = try blackCanvas(width: 23, height: 17)
            let a = SIMD2(coordinate(-10...33), coordinate(-10...27))
            let b = SIMD2(coordinate(-10...33), coordinate(-10...27))
            let width = coordinate(0.3...6)
            canvas.drawLine(from: SIMD2<Float>(Float(a.x), Float(a.y)), to: SIMD2<Float>(Float(b.x), Float(b.y)),
                            color: .white, width: Float(width))
            // Use the Float-rounded inputs the canvas actually received.
            let fa = SIMD2(Double(Float(a.x)), Double(Float(a.y)))
            let fb = SIMD2(Double(Float(b.x)), Double(Float(b.y)))
            let halfWidth = Double(Float(width)) / 2
            let expected = referenceImage(width: 23, height: 17) { x, y in
                halfWidth + 0.5 - self.referenceDistance(x, y, fa, fb)
            }
            assertClose(canvas.image.pixels, expected, "trial \(trial): \(a) -> \(b), width \(width)")
        }
    }

    /// Far-reaching oblique lines are clipped without losing their position: the line y = x + 3 drawn from
    /// 1e7 pixels away matches the brute-force reference of the same line.
    func testFarReachingObliqueLineKeepsItsPosition() throws {
        var canvas = try blackCanvas(width: 21, height: 15)
        let a = SIMD2<Double>(-1e7, -1e7 + 3), b = SIMD2<Double>(1e7, 1e7 + 3)  // exactly representable in Float
        canvas.drawLine(from: SIMD2<Float>(Float(a.x), Float(a.y)), to: SIMD2<Float>(Float(b.x), Float(b.y)),
                        color: .white, width: 2)
        let expected = referenceImage(width: 21, height: 15) { x, y in 1.5 - self.referenceDistance(x, y, a, b) }
        assertClose(canvas.image.pixels, expected)
        XCTAssertEqual(canvas.image.pixel(x: 5, y: 8), .white)  // centre (5, 8) lies on y = x + 3
    }

    /// Inside radius - 0.5 exactly the colour, beyond radius + 0.5 untouched, in between the linear ramp; and the
    /// total coverage approximates the disc's area.
    func testFilledCircleMatchesReferenceAndArea() throws {
        var canvas = try blackCanvas(width: 24, height: 22)
        let center = SIMD2<Double>(11.3, 10.8)
        let radius = 6.4
        canvas.fillCircle(center: SIMD2<Float>(Float(center.x), Float(center.y)), radius: Float(radius), color: .white)
        let fx = Double(Float(center.x)), fy = Double(Float(center.y)), fr = Double(Float(radius))
        let expected = referenceImage(width: 24, height: 22) { x, y in
            fr + 0.5 - ((x - fx) * (x - fx) + (y - fy) * (y - fy)).squareRoot()
        }
        assertClose(canvas.image.pixels, expected)
        let coveredArea = stride(from: 0, to: canvas.image.pixels.count, by: 3)
            .map { Double(canvas.image.pixels[$0]) / 255 }.reduce(0, +)
        XCTAssertEqual(coveredArea, Double.pi * radius * radius, accuracy: 0.02 * Double.pi * radius * radius)
    }

    func testBlendingMixesWithExistingColour() throws {
        let background = RGBColor(red: 200, green: 0, blue: 100)
        var canvas = ImageCanvas(image: try RGBImage(width: 5, height: 5, color: background))
        // Row 0 (centre y = 0) lies 1.5 from the line y = 1.5 of width 3: coverage 1.5 + 0.5 - 1.5 = 0.5.
        canvas.drawLine(from: SIMD2(-5, 1.5), to: SIMD2(10, 1.5), color: RGBColor(red: 0, green: 100, blue: 101),
                        width: 3)
        XCTAssertEqual(canvas.image.pixel(x: 2, y: 0), RGBColor(red: 100, green: 50, blue: 101))  // 100.5 -> 101
        XCTAssertEqual(canvas.image.pixel(x: 2, y: 2), RGBColor(red: 0, green: 100, blue: 101))
    }

    /// Shapes entirely outside, absurd coordinates and degenerate parameters change nothing and do not crash.
    func testShapesOutsideTheImageLeaveItUnchanged() throws {
        let original = try RGBImage(width: 16, height: 9, color: RGBColor(red: 10, green: 20, blue: 30))
        var canvas = ImageCanvas(image: original)
        let far = Float.greatestFiniteMagnitude
        let lines: [(SIMD2<Float>, SIMD2<Float>, Float)] = [
            (SIMD2(-100, -100), SIMD2(-50, 200), 5),        // left of the image
            (SIMD2(-1000, -3), SIMD2(1000, -3), 4),          // above, crossing the full width (reach 2.5 < 3)
            (SIMD2(1e6, 1e6), SIMD2(2e6, 3e6), 100),
            (SIMD2(-far, -far), SIMD2(far, -far), 1),         // along y = -3.4e38
            (SIMD2(-far, -far), SIMD2(-far, far), 1000),
            (SIMD2(far, far), SIMD2(far, far), 10),
            (SIMD2(.nan, 3), SIMD2(5, 5), 2),
            (SIMD2(3, 3), SIMD2(.infinity, 3), 2),
            (SIMD2(3, 3), SIMD2(8, 5), 0),
            (SIMD2(3, 3), SIMD2(8, 5), -2),
            (SIMD2(3, 3), SIMD2(8, 5), .nan),
            (SIMD2(3, 3), SIMD2(8, 5), .infinity),
        ]
        for (start, end, width) in lines {
            canvas.drawLine(from: start, to: end, color: .white, width: width)
            XCTAssertEqual(canvas.image, original, "line \(start) -> \(end), width \(width)")
        }
        let circles: [(SIMD2<Float>, Float)] = [
            (SIMD2(-20, 4), 10), (SIMD2(40, 4), 5), (SIMD2(far, far), far), (SIMD2(-far, 0), 1e30),
            (SIMD2(5, 5), 0), (SIMD2(5, 5), -1), (SIMD2(5, 5), .nan), (SIMD2(.nan, 5), 3), (SIMD2(5, 5), .infinity),
        ]
        for (center, radius) in circles {
            canvas.fillCircle(center: center, radius: radius, color: .white)
            XCTAssertEqual(canvas.image, original, "circle at \(center), radius \(radius)")
        }
    }

    /// Lines and discs much larger than the image are clipped: only the visible part is drawn.
    func testHugeShapesAreClipped() throws {
        var canvas = try blackCanvas(width: 16, height: 9)
        canvas.drawLine(from: SIMD2(-Float.greatestFiniteMagnitude, 4), to: SIMD2(Float.greatestFiniteMagnitude, 4),
                        color: .white, width: 1)
        for y in 0..<9 {
            for x in 0..<16 {
                XCTAssertEqual(canvas.image.pixel(x: x, y: y), y == 4 ? .white : .black, "(\(x), \(y))")
            }
        }
        canvas.fillCircle(center: SIMD2(8, 4), radius: 1e30, color: .red)
        XCTAssertEqual(canvas.image, try RGBImage(width: 16, height: 9, color: .red))
    }

    func testOnePixelImage() throws {
        var canvas = try blackCanvas(width: 1, height: 1)
        canvas.fillCircle(center: SIMD2(0, 0), radius: 0.5, color: .white)
        XCTAssertEqual(canvas.image.pixel(x: 0, y: 0), .white)
        canvas.drawLine(from: SIMD2(-3.5, -3.5), to: SIMD2(3.5, 3.5), color: .blue, width: 1)
        XCTAssertEqual(canvas.image.pixel(x: 0, y: 0), .blue)
    }
}
