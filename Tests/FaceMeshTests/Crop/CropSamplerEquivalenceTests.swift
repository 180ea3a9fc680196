import Foundation
import XCTest
@testable import FaceMesh
import TestSupport

/// The fast crop sampler (`ImageCropper`, `BilinearWarpSampler`) against the plain scalar reference
/// (`ReferenceBilinearWarp`), byte for byte, on many regions; and its neighbourhood kernel against the
/// fixed-point formula OpenCV uses.
final class CropSamplerEquivalenceTests: XCTestCase {
    struct Case {
        var image: RGBImage
        var region: RotatedRect
        var outputWidth: Int
        var outputHeight: Int
        var border: BorderMode
    }

    static func randomImage(width: Int, height: Int, using generator: inout SplitMix64) throws -> RGBImage {
        try RGBImage(width: width, height: height,
                       pixels: (0..<(width * height * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Random cases: image sizes from 1×1 up, odd sizes, output sizes across OpenCV's column blocks, regions from
    /// a hundredth of a pixel to far larger than the image, any rotation, inside, straddling or outside the image.
    static func randomCases(count: Int, seed: UInt64) throws -> [Case] {
        var generator = SplitMix64(seed: seed)
        let imageSides = [1, 2, 3, 5, 8, 17, 64, 101, 240]
        let outputSides = [1, 2, 3, 7, 16, 17, 63, 64, 65, 129, 192]
        var cases: [Case] = []
        for index in 0..<count {
            let width = imageSides.randomElement(using: &generator)!
            let height = imageSides.randomElement(using: &generator)!
            let image = try randomImage(width: width, height: height, using: &generator)
            let imageSize = Float(max(width, height))
            let size: Float
            switch index % 4 {
            case 0: size = Float.random(in: 0.01...2, using: &generator)  // tiny: strong magnification
            case 1: size = imageSize * Float.random(in: 0.2...1.2, using: &generator)
            case 2: size = imageSize * Float.random(in: 2...50, using: &generator)  // far larger than the image
            default: size = Float.random(in: 1...400, using: &generator)
            }
            // Centres from well outside to well inside; a third of the cases unrotated or turned by 90°.
            let region = RotatedRect(
                centerX: Float(width) * Float.random(in: -1...2, using: &generator),
                centerY: Float(height) * Float.random(in: -1...2, using: &generator),
                width: size * Float.random(in: 0.5...2, using: &generator),
                height: size * Float.random(in: 0.5...2, using: &generator),
                rotation: [0, Float.pi / 2, Float.random(in: -7...7, using: &generator)][index % 3])
            cases.append(Case(image: image, region: region,
                              outputWidth: outputSides.randomElement(using: &generator)!,
                              outputHeight: outputSides.randomElement(using: &generator)!,
                              border: Bool.random(using: &generator) ? .zero : .replicate))
        }
        return cases
    }

    /// Hand-picked regions: the pipeline's shapes, exact half-step positions, a crop entirely outside the image.
    static func specialCases() throws -> [Case] {
        var generator = SplitMix64(seed: 7)
        let frame = try randomImage(width: 160, height: 120, using: &generator)
        let single = try randomImage(width: 1, height: 1, using: &generator)
        let column = try randomImage(width: 1, height: 9, using: &generator)
        // Wider than Int16: positions saturate inside the image (the sampler hands this to the reference code).
        let wide = try randomImage(width: 32_800, height: 2, using: &generator)
        return [
            // Face crop, detector letterbox, eye crop.
            Case(image: frame, region: RotatedRect(centerX: 80.3, centerY: 61.7, width: 70.2, height: 70.2,
                                                   rotation: 0.21), outputWidth: 192, outputHeight: 192,
                 border: .replicate),
            Case(image: frame, region: RotatedRect(centerX: 80, centerY: 60, width: 160, height: 160),
                 outputWidth: 128, outputHeight: 128, border: .zero),
            Case(image: frame, region: RotatedRect(centerX: 50.6, centerY: 40.1, width: 12.5, height: 12.5,
                                                   rotation: -0.3), outputWidth: 64, outputHeight: 64,
                 border: .replicate),
            // Steps of 1/64 pixel: every other position is a rounding tie of the 1/32-pixel grid.
            Case(image: frame, region: RotatedRect(centerX: 10, centerY: 20, width: 1, height: 1),
                 outputWidth: 64, outputHeight: 64, border: .replicate),
            Case(image: frame, region: RotatedRect(centerX: 159, centerY: 119, width: 3, height: 3),
                 outputWidth: 192, outputHeight: 192, border: .zero),
            // The image's bottom-right corner, wholly outside, 1×1 images and outputs.
            Case(image: frame, region: RotatedRect(centerX: 158.5, centerY: 118.5, width: 4, height: 4),
                 outputWidth: 33, outputHeight: 31, border: .replicate),
            Case(image: frame, region: RotatedRect(centerX: -500, centerY: 900, width: 40, height: 40, rotation: 1),
                 outputWidth: 20, outputHeight: 20, border: .replicate),
            Case(image: frame, region: RotatedRect(centerX: -500, centerY: 900, width: 40, height: 40, rotation: 1),
                 outputWidth: 20, outputHeight: 20, border: .zero),
            Case(image: single, region: RotatedRect(centerX: 0, centerY: 0, width: 3, height: 2, rotation: 0.4),
                 outputWidth: 9, outputHeight: 7, border: .replicate),
            Case(image: single, region: RotatedRect(centerX: 0.5, centerY: 0.5, width: 1, height: 1),
                 outputWidth: 1, outputHeight: 1, border: .zero),
            Case(image: column, region: RotatedRect(centerX: 0.2, centerY: 4, width: 2, height: 9, rotation: 0.1),
                 outputWidth: 5, outputHeight: 17, border: .replicate),
            Case(image: wide, region: RotatedRect(centerX: 32_760, centerY: 1, width: 80, height: 4, rotation: 0.05),
                 outputWidth: 40, outputHeight: 3, border: .zero),
            // Huge magnification of a sliver, huge minification of the frame.
            Case(image: frame, region: RotatedRect(centerX: 70.1, centerY: 33.3, width: 0.05, height: 0.02,
                                                   rotation: 2), outputWidth: 65, outputHeight: 3, border: .zero),
            Case(image: frame, region: RotatedRect(centerX: 80, centerY: 60, width: 20_000, height: 15_000,
                                                   rotation: 0.7), outputWidth: 17, outputHeight: 64,
                 border: .replicate),
        ]
    }

    /// Compares the fast sampler's bytes and Floats with the reference; returns a description of the first
    /// difference, or nil.
    func difference(in item: Case, valueRange: ClosedRange<Float>) throws -> String? {
        let expected = try ReferenceBilinearWarp.cropBytes(item.image, region: item.region,
                                                           outputWidth: item.outputWidth,
                                                           outputHeight: item.outputHeight, border: item.border)
        let bytes = try ImageCropper.cropBytes(item.image, region: item.region, outputWidth: item.outputWidth,
                                               outputHeight: item.outputHeight, border: item.border)
        XCTAssertEqual(bytes.count, expected.count)
        if let index = expected.indices.first(where: { bytes[$0] != expected[$0] }) {
            return "byte \(index): \(bytes[index]) instead of \(expected[index])"
        }
        // Floats: byte·scale + minimum, evaluated by the reference expression; the values after the crop are
        // sentinels the sampler must not touch.
        var values = [Float](repeating: .nan, count: expected.count + 4)
        try values.withUnsafeMutableBufferPointer { buffer in
            try ImageCropper.crop(item.image, region: item.region, outputWidth: item.outputWidth,
                                  outputHeight: item.outputHeight, border: item.border, valueRange: valueRange,
                                  into: buffer.baseAddress!, destinationCount: buffer.count)
        }
        let scale = (valueRange.upperBound - valueRange.lowerBound) / 255
        for (index, byte) in expected.enumerated() {
            let reference = Float(byte) * scale + valueRange.lowerBound
            if values[index].bitPattern != reference.bitPattern {
                return "value \(index): \(values[index]) instead of \(reference)"
            }
        }
        if !values[expected.count...].allSatisfy(\.isNaN) { return "wrote past the end of the crop" }
        return nil
    }

    func testFastSamplerMatchesReferenceOnRandomRegions() throws {
        let cases = try Self.randomCases(count: 400, seed: 2024)
        var generator = SplitMix64(seed: 99)
        var compared = 0
        for (index, item) in cases.enumerated() {
            let low = Float.random(in: -2...1, using: &generator)
            let range = low...(low + Float.random(in: 0.01...3, using: &generator))
            do {
                if let message = try difference(in: item, valueRange: range) {
                    XCTFail("case \(index) \(item.region) \(item.outputWidth)×\(item.outputHeight) on "
                        + "\(item.image.width)×\(item.image.height), \(item.border): \(message)")
                }
                compared += 1
            } catch FaceMeshError.degenerateRegion {
                continue  // both samplers refuse the same regions (checked below)
            }
        }
        XCTAssertGreaterThan(compared, 360)
    }

    /// `BandedCrop` (the crop in row bands, for the runner's threads) gives the whole crop's floats bit for bit
    /// for 1 to 5 bands (more bands than rows included), whether the bands run in order, in reverse order (a band
    /// that wrote past its last pixel would spoil the next band's first one) or at the same time on several
    /// threads, and writes nothing past the crop.
    func testRowBandsGiveTheWholeCropBytes() throws {
        var cases = try Self.randomCases(count: 60, seed: 31)
        cases += try Self.specialCases()
        let bands = BandedCrop()
        for (index, item) in cases.enumerated() {
            let count = item.outputWidth * item.outputHeight * 3
            var whole = [Float](repeating: .nan, count: count + 8)
            try whole.withUnsafeMutableBufferPointer { buffer in
                try ImageCropper.crop(item.image, region: item.region, outputWidth: item.outputWidth,
                                      outputHeight: item.outputHeight, border: item.border, valueRange: -1...1,
                                      into: buffer.baseAddress!, destinationCount: count)
            }
            for parts in 1...5 {
                for order in ["forward", "reverse", "concurrent"] {
                    var banded = [Float](repeating: .nan, count: count + 8)
                    try banded.withUnsafeMutableBufferPointer { buffer in
                        try bands.prepare(item.image, region: item.region, outputWidth: item.outputWidth,
                                          outputHeight: item.outputHeight, border: item.border, valueRange: -1...1,
                                          into: buffer.baseAddress!, destinationCount: count)
                        switch order {
                        case "forward": for part in 0..<parts { bands.run(part: part, of: parts) }
                        case "reverse": for part in (0..<parts).reversed() { bands.run(part: part, of: parts) }
                        default: DispatchQueue.concurrentPerform(iterations: parts) { bands.run(part: $0, of: parts) }
                        }
                        bands.finish()
                    }
                    XCTAssertEqual(banded.map(\.bitPattern), whole.map(\.bitPattern),
                                   "case \(index) (\(item.outputWidth)×\(item.outputHeight) from \(item.image.width)×"
                                   + "\(item.image.height)), \(parts) bands, \(order)")
                }
            }
        }
    }

    func testFastSamplerMatchesReferenceOnSpecialRegions() throws {
        for (index, item) in try Self.specialCases().enumerated() {
            for range: ClosedRange<Float> in [0...1, -1...1] {
                if let message = try difference(in: item, valueRange: range) {
                    XCTFail("special case \(index) (\(item.region)): \(message)")
                }
            }
        }
    }

    func testFastSamplerMatchesReferenceOnOpenCVFixtures() throws {
        let manifest = try PipelineFixtures.manifest()
        for item in manifest.crops {
            let image = try PipelineFixtures.image(item.image, in: manifest)
            let region = RotatedRect(centerX: item.centerX, centerY: item.centerY, width: item.width,
                                     height: item.height, rotation: item.rotation)
            let testCase = Case(image: image, region: region, outputWidth: item.outputWidth,
                                outputHeight: item.outputHeight, border: item.border == "zero" ? .zero : .replicate)
            XCTAssertNil(try difference(in: testCase, valueRange: 0...1), item.name)
        }
    }

    /// Both samplers reject exactly the same regions.
    func testFastAndReferenceRefuseTheSameRegions() throws {
        var generator = SplitMix64(seed: 5)
        let image = try Self.randomImage(width: 4, height: 4, using: &generator)
        let regions = [RotatedRect(centerX: 1, centerY: 1, width: 0, height: 2),
                       RotatedRect(centerX: .nan, centerY: 1, width: 2, height: 2),
                       RotatedRect(centerX: 1, centerY: 1, width: 1e-30, height: 1e-30)]
        for region in regions {
            var fastError: FaceMeshError?, referenceError: FaceMeshError?
            do { _ = try ImageCropper.cropBytes(image, region: region, outputWidth: 4, outputHeight: 4, border: .zero) }
            catch { fastError = error as? FaceMeshError }
            do {
                _ = try ReferenceBilinearWarp.cropBytes(image, region: region, outputWidth: 4, outputHeight: 4,
                                                        border: .zero)
            } catch { referenceError = error as? FaceMeshError }
            XCTAssertNotNil(fastError, "\(region)")
            // (Compared by description: a NaN field makes the errors themselves unequal.)
            XCTAssertEqual(fastError.map(String.init(describing:)), referenceError.map(String.init(describing:)),
                           "\(region)")
        }
    }

    /// The neighbourhood kernel (x86 `pmaddubsw`/`pmaddwd` where compiled in) and its portable form against
    /// OpenCV's formula (Σ 32·gx·gy·p00 + … + 2^14) >> 15, for every 1/32-pixel fraction, and with the edge
    /// weight pairs the sampler uses at the border.
    func testNeighbourhoodKernelMatchesFixedPointFormula() {
        var generator = SplitMix64(seed: 11)
        // Rows 10 bytes apart: p00, p01 at bytes 0...5 (the kernel reads 0..<8), p10, p11 at bytes 10...15 (it
        // reads the 8 bytes ending with p11, 8..<16).
        var rows = [UInt8](repeating: 0, count: 16)
        var pairs: [(Int32, Int32)] = []
        for f in Int32(0)..<32 { pairs.append((32 - f, f)) }
        pairs += [(32, 0), (0, 32), (0, 0), (0, 7), (19, 0)]  // replicate and zero-border edge pairs
        for (left, right) in pairs {
            for (top, bottom) in pairs {
                for trial in 0..<3 {
                    for i in rows.indices {
                        // Extremes too: all 255 (largest sums) and all 0.
                        rows[i] = trial == 0 ? 255 : trial == 1 ? 0 : UInt8.random(in: 0...255, using: &generator)
                    }
                    let horizontal = BilinearNeighbourhood.horizontalWeights(left: SIMD8(repeating: left),
                                                                             right: SIMD8(repeating: right))[0]
                    let vertical = BilinearNeighbourhood.verticalWeights(top: SIMD8(repeating: top),
                                                                         bottom: SIMD8(repeating: bottom))[0]
                    let (fast, portable) = rows.withUnsafeBufferPointer { buffer in
                        (BilinearNeighbourhood.sums(top: buffer.baseAddress!, rowStride: 10, horizontal: horizontal,
                                                    vertical: vertical),
                         BilinearNeighbourhood.portableSums(top: buffer.baseAddress!, rowStride: 10,
                                                            horizontal: horizontal, vertical: vertical))
                    }
                    let fastBytes = BilinearNeighbourhood.roundedBytes(fast)
                    let portableBytes = BilinearNeighbourhood.roundedBytes(portable)
                    for channel in 0..<3 {
                        let p = [rows[channel], rows[3 + channel], rows[10 + channel], rows[13 + channel]]
                            .map(Int32.init)
                        // OpenCV's 15-bit weights are 32 times the products of the pairs.
                        let sum = left * top * 32 * p[0] + right * top * 32 * p[1] + left * bottom * 32 * p[2]
                            + right * bottom * 32 * p[3]
                        let expected = (sum + (1 << 14)) >> 15
                        let label = "pairs (\(left), \(right)) (\(top), \(bottom)) channel \(channel)"
                        XCTAssertEqual(fastBytes[channel], expected, label)
                        XCTAssertEqual(portableBytes[channel], expected, label)
                    }
                }
            }
        }
    }

    /// The vectorized fixed-point rounding against the reference's scalar `roundToInt32` (round half to even,
    /// clamped to Int32, NaN to Int32.max), at ties, at the ends of the Int32 range and beyond.
    func testFixedPointRoundingMatchesReference() {
        let limit = Double(Int32.max), low = Double(Int32.min)
        let values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.49999, -7.5000001, 1e9 + 0.5, -1e9 - 0.5,
                                limit, limit - 0.5, limit + 0.4, limit + 0.5, limit + 0.6, limit + 1, 1e12,
                                low, low + 0.5, low - 0.4, low - 0.5, low - 0.6, low - 1, -1e12,
                                .infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                .leastNonzeroMagnitude, 4_503_599_627_370_497.5]
        var generator = SplitMix64(seed: 3)
        var all = values
        for _ in 0..<200 { all.append(Double(Int.random(in: -3_000_000...3_000_000, using: &generator)) / 64) }
        for start in stride(from: 0, to: all.count, by: 8) {
            var lanes = SIMD8<Double>(repeating: 0)
            for lane in 0..<8 where start + lane < all.count { lanes[lane] = all[start + lane] }
            let fixed = BilinearWarpSampler.fixedPoint(lanes)
            for lane in 0..<8 {
                XCTAssertEqual(fixed[lane], ImageCropper.roundToInt32(lanes[lane]), "\(lanes[lane])")
            }
        }
    }

    /// The sampler on arbitrary projective transforms (not only rotated rectangles): W crossing zero and exactly
    /// zero, huge positions that saturate, mirrored and sheared mappings.
    func testFastSamplerMatchesReferenceOnProjectiveTransforms() throws {
        var generator = SplitMix64(seed: 17)
        let image = try Self.randomImage(width: 37, height: 23, using: &generator)
        var transforms: [[Double]] = [
            [1, 0, 0, 0, 1, 0, 0, 0.5, -2],  // W = y/2 − 2: exactly 0 on row 4, negative above
            [0.3, 0.1, 5, -0.2, 0.7, 3, 0.01, -0.02, 0.3],  // W crosses 0 inside the output
            [1e9, 0, 0, 0, -1e9, 0, 0, 0, 1],  // positions far beyond Int32 after ×32
            [-1, 0, 36, 0, 1, 0, 0, 0, 1],  // mirrored
            [0.5, 0.25, -3, 0.1, 0.5, -2, 0, 0, 1],  // sheared, partly outside
        ]
        for _ in 0..<40 {
            transforms.append((0..<9).map { index in
                index == 6 || index == 7 ? Double.random(in: -0.05...0.05, using: &generator)
                    : Double.random(in: -40...40, using: &generator)
            })
        }
        for (index, coefficients) in transforms.enumerated() {
            let transform = PerspectiveTransform(coefficients: coefficients)
            for border in [BorderMode.zero, .replicate] {
                let width = 19, height = 13
                var expected = [UInt8](repeating: 0, count: width * height * 3)
                ReferenceBilinearWarp.warp(image, inverse: transform, outputWidth: width, outputHeight: height,
                                           border: border) { offset, r, g, b in
                    expected[offset] = r
                    expected[offset + 1] = g
                    expected[offset + 2] = b
                }
                var actual = [UInt8](repeating: 0, count: expected.count)
                actual.withUnsafeMutableBufferPointer { buffer in
                    BilinearWarpSampler.warp(image, inverse: transform, outputWidth: width, outputHeight: height,
                                             border: border, sink: BytePixelSink(destination: buffer.baseAddress!))
                }
                XCTAssertEqual(actual, expected, "transform \(index) \(coefficients), \(border)")
            }
        }
    }
}
