import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// Encoding followed by decoding, plus checks of the encoded bytes with independent means.
final class RoundTripTests: XCTestCase {
    private func randomImage(width: Int, height: Int, seed: UInt64) throws -> RGBImage {
        var generator = SplitMix64(seed: seed)
        return try RGBImage(width: width, height: height, pixels: generator.bytes(3 * width * height))
    }

    /// A smooth gradient: JPEG reproduces it closely, unlike noise.
    private func gradientImage(width: Int, height: Int) throws -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), UInt8(60 + (x + y) % 128)]
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    func testPNGRoundTripIsExact() throws {
        for (width, height, seed) in [(1, 1, 1), (7, 3, 2), (64, 48, 3), (333, 17, 4)] as [(Int, Int, UInt64)] {
            let image = try randomImage(width: width, height: height, seed: seed)
            let data = try PNGEncoder.encode(image)
            XCTAssertEqual(ImageFormat.sniff(data), .png)
            XCTAssertEqual(try ImageDecoder.decode(data: data), image, "\(width)x\(height)")
        }
    }

    /// The IHDR chunk (bytes 8..<33) must declare the size, 8-bit depth and colour type 2 (RGB), non-interlaced.
    func testPNGHeaderFields() throws {
        let image = try randomImage(width: 300, height: 2, seed: 9)
        let data = [UInt8](try PNGEncoder.encode(image))
        XCTAssertEqual(Array(data[12..<16]), Array("IHDR".utf8))
        XCTAssertEqual(Array(data[16..<24]), [0, 0, 0x01, 0x2C, 0, 0, 0, 2])
        XCTAssertEqual(Array(data[24..<29]), [8, 2, 0, 0, 0])
        XCTAssertEqual(Array(data.suffix(8).prefix(4)), Array("IEND".utf8))
    }

    func testJPEGRoundTripIsClose() throws {
        let image = try gradientImage(width: 64, height: 40)
        for (quality, meanLimit) in [(95, 1.5), (75, 3.0)] {
            let data = try JPEGEncoder.encode(image, quality: quality)
            XCTAssertEqual(ImageFormat.sniff(data), .jpeg)
            XCTAssertEqual(Array(data.suffix(2)), [0xFF, 0xD9], "ends with EOI")
            let decoded = try ImageDecoder.decode(data: data)
            XCTAssertEqual(decoded.width, 64)
            XCTAssertEqual(decoded.height, 40)
            let differences = zip(decoded.pixels, image.pixels).map { abs(Double($0) - Double($1)) }
            let mean = differences.reduce(0, +) / Double(differences.count)
            XCTAssertLessThan(mean, meanLimit, "quality \(quality)")
            XCTAssertLessThan(differences.max() ?? 0, 40, "quality \(quality)")
        }
    }

    func testJPEGQualityChangesSize() throws {
        let image = try randomImage(width: 64, height: 64, seed: 5)
        let low = try JPEGEncoder.encode(image, quality: 10).count
        let high = try JPEGEncoder.encode(image, quality: 100).count
        XCTAssertLessThan(low, high)
    }

    func testInvalidJPEGQualityIsRejected() throws {
        let image = try randomImage(width: 2, height: 2, seed: 6)
        XCTAssertEqual(assertCodecError(try JPEGEncoder.encode(image, quality: 0)), .invalidQuality(0))
        XCTAssertEqual(assertCodecError(try JPEGEncoder.encode(image, quality: 101)), .invalidQuality(101))
    }

    func testJPEGRejectsSidesAboveLibjpegLimit() throws {
        let image = try RGBImage(width: 65_501, height: 1, color: .white)
        guard case .imageNotEncodable(.jpeg, _)? = assertCodecError(try JPEGEncoder.encode(image)) else {
            return XCTFail("expected imageNotEncodable")
        }
    }

    /// libpng's default write limit is 1,000,000 pixels per side; the encoder lifts it to PNG's own limit.
    func testPNGEncodesVeryWideImage() throws {
        let image = try RGBImage(width: 1_000_001, height: 1, color: RGBColor(red: 1, green: 2, blue: 3))
        let data = try PNGEncoder.encode(image)
        let limits = ImageSizeLimits(maximumSide: 2_000_000, maximumPixelCount: 2_000_000)
        XCTAssertEqual(try ImageDecoder.decode(data: data, limits: limits), image)
    }

    func testWriteAndReadFiles() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ImageCodecsTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = try gradientImage(width: 20, height: 10)

        let pngURL = directory.appendingPathComponent("image.png")
        try PNGEncoder.write(image, to: pngURL)
        XCTAssertEqual(try ImageDecoder.decode(contentsOf: pngURL), image)

        // The extension says PNG but the content is JPEG: the magic bytes decide.
        let jpegURL = directory.appendingPathComponent("misnamed.png")
        try JPEGEncoder.write(image, to: jpegURL, quality: 90)
        XCTAssertEqual(ImageFormat.sniff(try Data(contentsOf: jpegURL)), .jpeg)
        XCTAssertEqual(try ImageDecoder.decode(contentsOf: jpegURL).width, 20)

        let error = assertCodecError(try PNGEncoder.write(image, to: directory))
        XCTAssertEqual(error, .unwritableFile(path: directory.path, reason: "the path is a directory"))
        let missingParent = directory.appendingPathComponent("missing/image.png")
        guard case .unwritableFile(let path, _)? = assertCodecError(try PNGEncoder.write(image, to: missingParent))
        else { return XCTFail("expected unwritableFile") }
        XCTAssertEqual(path, missingParent.path)
    }

    /// Decoders and encoders keep no shared state: many threads at once give the same results as one.
    func testConcurrentUseGivesIdenticalResults() throws {
        let jpeg = try CodecFixtures.data("mpl_grace_hopper.jpg")
        let png = try CodecFixtures.data("interlaced_rgb_8bit.png")
        let referenceJPEG = try ImageDecoder.decode(data: jpeg)
        let referencePNG = try ImageDecoder.decode(data: png)
        let referenceEncoded = try PNGEncoder.encode(referencePNG)
        let lock = NSLock()
        var failures = 0
        DispatchQueue.concurrentPerform(iterations: 16) { iteration in
            let ok: Bool
            switch iteration % 3 {
            case 0: ok = (try? ImageDecoder.decode(data: jpeg)) == referenceJPEG
            case 1: ok = (try? ImageDecoder.decode(data: png)) == referencePNG
            default: ok = (try? PNGEncoder.encode(referencePNG)) == referenceEncoded
            }
            if !ok {
                lock.lock()
                failures += 1
                lock.unlock()
            }
        }
        XCTAssertEqual(failures, 0)
    }
}
