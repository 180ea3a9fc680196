import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// Inputs that are not images at all, and invalid `RGBImage` constructions.
final class InputValidationTests: XCTestCase {
    func testEmptyData() {
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(data: Data())), .emptyData)
    }

    func testRandomBytesAreUnrecognized() {
        var generator = SplitMix64(seed: 42)
        for length in [1, 2, 7, 8, 100, 4096] {
            var bytes = generator.bytes(length)
            bytes[0] = 0x00  // neither 0x89 (PNG) nor 0xFF (JPEG)
            XCTAssertEqual(assertCodecError(try ImageDecoder.decode(data: Data(bytes))),
                           .unrecognizedFormat(leadingBytes: Array(bytes.prefix(8))))
        }
    }

    func testTextFileIsUnrecognized() {
        let error = assertCodecError(try ImageDecoder.decode(data: Data("hello, world".utf8)))
        XCTAssertEqual(error?.description,
                       "data is not a PNG, JPEG or WebP image (leading bytes: 68 65 6C 6C 6F 2C 20 77)")
    }

    func testMissingFile() {
        let url = CodecFixtures.directory.appendingPathComponent("does_not_exist.png")
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(contentsOf: url)), .fileNotFound(path: url.path))
    }

    func testDirectory() {
        let url = CodecFixtures.directory
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(contentsOf: url)), .isDirectory(path: url.path))
    }

    func testNonFileURL() {
        let url = URL(string: "https://example.com/image.png")!
        guard case .unreadableFile? = assertCodecError(try ImageDecoder.decode(contentsOf: url)) else {
            return XCTFail("expected unreadableFile")
        }
    }

    func testSniffing() {
        XCTAssertEqual(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]), .png)
        XCTAssertEqual(ImageFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]), .jpeg)
        XCTAssertNil(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47]))
        XCTAssertNil(ImageFormat.sniff([0xFF, 0xD8]))
        XCTAssertNil(ImageFormat.sniff([UInt8]()))
        XCTAssertEqual(ImageFormat.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)), .webp)
        XCTAssertNil(ImageFormat.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVE".utf8)))
        XCTAssertNil(ImageFormat.sniff(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEB".utf8)))
    }

    func testFormatFromFileExtension() {
        XCTAssertEqual(ImageFormat(fileExtension: "webp"), .webp)
        XCTAssertEqual(ImageFormat(fileExtension: ".WebP"), .webp)
        XCTAssertEqual(ImageFormat(fileExtension: "JPG"), .jpeg)
        XCTAssertEqual(ImageFormat(fileExtension: "jpeg"), .jpeg)
        XCTAssertEqual(ImageFormat(fileExtension: "png"), .png)
        XCTAssertNil(ImageFormat(fileExtension: "gif"))
        XCTAssertNil(ImageFormat(fileExtension: ""))
    }

    func testRGBImageValidatesSizes() {
        func imageError(_ body: @autoclosure () throws -> RGBImage) -> RGBImageError? {
            do {
                _ = try body()
                XCTFail("expected an RGBImageError, got an image")
            } catch {
                XCTAssertTrue(error is RGBImageError, "expected an RGBImageError, got \(error)")
                return error as? RGBImageError
            }
            return nil
        }
        XCTAssertEqual(imageError(try RGBImage(width: 0, height: 0, pixels: [])),
                       .invalidDimensions(width: 0, height: 0))
        XCTAssertEqual(imageError(try RGBImage(width: -1, height: 2, pixels: [])),
                       .invalidDimensions(width: -1, height: 2))
        XCTAssertEqual(imageError(try RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 11))),
                       .pixelCountMismatch(width: 2, height: 2, expected: 12, actual: 11))
        XCTAssertEqual(imageError(try RGBImage(width: Int.max, height: 2, pixels: [])),
                       .invalidDimensions(width: Int.max, height: 2))
        XCTAssertEqual(imageError(try RGBImage(width: 3, height: 0, color: .red)),
                       .invalidDimensions(width: 3, height: 0))
    }

    func testRGBImageLayoutIsRowMajorInterleaved() throws {
        // 2 x 2: (0,0) red, (1,0) green, (0,1) blue, (1,1) white.
        let image = try RGBImage(width: 2, height: 2, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        XCTAssertEqual(image.pixel(x: 1, y: 0), .green)
        XCTAssertEqual(image.pixel(x: 0, y: 1), .blue)
        XCTAssertEqual(image.pixel(x: 1, y: 1), .white)
        XCTAssertNil(image.pixel(x: 2, y: 0))
        XCTAssertNil(image.pixel(x: 0, y: -1))
        let filled = try RGBImage(width: 3, height: 1, color: RGBColor(red: 1, green: 2, blue: 3))
        XCTAssertEqual(filled.pixels, [1, 2, 3, 1, 2, 3, 1, 2, 3])
    }
}
