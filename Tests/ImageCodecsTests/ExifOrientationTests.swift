import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// EXIF orientation against OpenCV's imread (which applies it) on JPEGs with each of the 8 orientations and PNGs
/// with an eXIf chunk (Tools/make_codec_fixtures.py), the TIFF parser on malformed blocks, and the fast transform
/// against its per-pixel reference.
final class ExifOrientationTests: XCTestCase {
    /// Measured: identical to OpenCV for all 8 (the same libjpeg-turbo decode, then an exact pixel permutation).
    func testAllEightJPEGOrientationsMatchOpenCV() throws {
        for value in 1...8 {
            let name = "exif_orientation_\(value).jpg"
            XCTAssertEqual(try maximumDifferenceFromExpected(name), 0, name)
            let stored = try ImageDecoder.decode(contentsOf: CodecFixtures.url(name), ignoringOrientation: true)
            XCTAssertEqual(stored.width, 24, name)
            XCTAssertEqual(stored.height, 16, name)
        }
    }

    /// `ignoringOrientation` returns the stored pixels, which all 8 files share (OpenCV's decode of orientation 1).
    func testIgnoringOrientationKeepsStoredPixels() throws {
        for value in 1...8 {
            XCTAssertEqual(try maximumDifferenceFromExpected("exif_orientation_1.jpg", ignoringOrientation: true), 0)
            let name = "exif_orientation_\(value).jpg"
            let stored = try ImageDecoder.decode(contentsOf: CodecFixtures.url(name), ignoringOrientation: true)
            let upright = try ImageDecoder.decode(contentsOf: CodecFixtures.url("exif_orientation_1.jpg"))
            XCTAssertEqual(stored, upright, name)
        }
    }

    /// eXIf before the image data (little-endian TIFF), after it (big-endian), and with the invalid value 0 (shown as
    /// stored, as OpenCV does).
    func testPNGExifChunkMatchesOpenCV() throws {
        for name in ["exif_orientation_6.png", "exif_orientation_8_after_idat.png", "exif_orientation_invalid.png"] {
            XCTAssertEqual(try maximumDifferenceFromExpected(name), 0, name)
        }
        let stored = try ImageDecoder.decode(contentsOf: CodecFixtures.url("exif_orientation_6.png"),
                                             ignoringOrientation: true)
        XCTAssertEqual([stored.width, stored.height], [7, 5])
    }

    /// WebP EXIF chunk: lossy little-endian, lossless big-endian, and a payload with a JPEG-style "Exif\0\0" prefix,
    /// which OpenCV (and this decoder) shows as stored.
    func testWebPExifChunkMatchesOpenCV() throws {
        for name in ["exif_orientation_6.webp", "exif_orientation_8_lossless.webp",
                     "exif_orientation_6_prefixed.webp"] {
            XCTAssertEqual(try maximumDifferenceFromExpected(name), 0, name)
        }
    }

    func testParserReadsBothByteOrders() {
        for value in 1...8 {
            for bigEndian in [false, true] {
                let block = ExifTestFiles.orientationBlock(value, bigEndian: bigEndian)
                XCTAssertEqual(ExifOrientation.parse(tiff: block)?.rawValue, value, "big-endian \(bigEndian)")
            }
        }
        XCTAssertNil(ExifOrientation.parse(tiff: ExifTestFiles.orientationBlock(0)))
        XCTAssertNil(ExifOrientation.parse(tiff: ExifTestFiles.orientationBlock(9, bigEndian: true)))
    }

    /// Every prefix, every single-byte change and random blocks: the parser returns nil or a value, never traps.
    func testParserSurvivesMalformedBlocks() {
        let block = ExifTestFiles.orientationBlock(6)
        for length in 0..<20 {  // the Orientation value ends at byte 20 (the next-IFD offset is not needed)
            XCTAssertNil(ExifOrientation.parse(tiff: Array(block.prefix(length))), "cut to \(length)")
        }
        for index in block.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var changed = block
                changed[index] ^= flip
                _ = ExifOrientation.parse(tiff: changed)
            }
        }
        var generator = SplitMix64(seed: 0xE1F)
        for length in [2, 8, 14, 26, 100, 1000] {
            for _ in 0..<50 {
                var bytes = generator.bytes(length)
                bytes[0] = 0x49
                bytes[1] = 0x49
                _ = ExifOrientation.parse(tiff: bytes)
            }
        }
        // An entry count pointing far beyond the block, and an IFD offset of 2^32 - 1.
        var huge = block
        huge[8] = 0xFF
        huge[9] = 0xFF
        XCTAssertEqual(ExifOrientation.parse(tiff: huge), .rotate90Clockwise)  // the tag is the first entry
        huge[10] = 0
        XCTAssertNil(ExifOrientation.parse(tiff: huge))
        var far = block
        far.replaceSubrange(4..<8, with: [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertNil(ExifOrientation.parse(tiff: far))
    }

    /// The fast transform against the per-pixel reference on odd sizes, 1 x N, N x 1 and 1 x 1.
    func testFastTransformMatchesReference() {
        var generator = SplitMix64(seed: 0x0817)
        let sizes = [(1, 1), (1, 7), (7, 1), (2, 3), (5, 4), (13, 9), (16, 16), (31, 2)]
        for (width, height) in sizes {
            let pixels = generator.bytes(3 * width * height)
            for orientation in ExifOrientation.allCases {
                let fast = orientation.upright(pixels: pixels, width: width, height: height)
                let reference = orientation.referenceUpright(pixels: pixels, width: width, height: height)
                XCTAssertEqual(fast.width, reference.width, "\(orientation) \(width)x\(height)")
                XCTAssertEqual(fast.height, reference.height, "\(orientation) \(width)x\(height)")
                XCTAssertEqual(fast.pixels, reference.pixels, "\(orientation) \(width)x\(height)")
            }
        }
    }
}
