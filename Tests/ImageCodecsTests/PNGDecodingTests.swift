import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// PNG decoding against files written by Pillow/pypng whose pixels the fixture generator defines.
final class PNGDecodingTests: XCTestCase {
    private func assertDecodesExactly(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try CodecFixtures.expectation(name)
        let image = try ImageDecoder.decode(contentsOf: CodecFixtures.url(name))
        XCTAssertEqual(image.width, expected.width, name, file: file, line: line)
        XCTAssertEqual(image.height, expected.height, name, file: file, line: line)
        XCTAssertEqual(image.pixels, try XCTUnwrap(expected.pixels), name, file: file, line: line)
    }

    func testRGB8Bit() throws { try assertDecodesExactly("rgb_8bit.png") }

    /// Alpha varies over 0, 128, 255; the decoded colour must be the stored colour regardless (alpha ignored).
    func testRGBAAlphaIsIgnored() throws { try assertDecodesExactly("rgba_8bit.png") }

    func testGrey8BitIsReplicated() throws { try assertDecodesExactly("grey_8bit.png") }

    func testGreyAlphaDropsAlpha() throws { try assertDecodesExactly("grey_alpha_8bit.png") }

    func testGreyColourKeyTransparencyIsIgnored() throws { try assertDecodesExactly("grey_trns_8bit.png") }

    /// Palette with tRNS entries 0 and 128: expanded to the palette colours, transparency ignored.
    func testPalette8BitIsExpanded() throws { try assertDecodesExactly("palette_8bit.png") }

    func testPalette2BitIsExpanded() throws { try assertDecodesExactly("palette_2bit.png") }

    func testGrey1BitScalesTo0And255() throws { try assertDecodesExactly("grey_1bit.png") }

    func testGrey2BitScalesBy85() throws { try assertDecodesExactly("grey_2bit.png") }

    func testGrey4BitScalesBy17() throws { try assertDecodesExactly("grey_4bit.png") }

    func testInterlacedRGB() throws { try assertDecodesExactly("interlaced_rgb_8bit.png") }

    func testInterlacedGrey1Bit() throws { try assertDecodesExactly("interlaced_grey_1bit.png") }

    /// 16-bit grey, grey + alpha, RGB and RGBA (pypng; samples with every low byte) against OpenCV's imread, which
    /// keeps the high byte (v >> 8; rounding would differ by 1 on these files). Measured: identical.
    func testSixteenBitMatchesOpenCV() throws {
        for name in ["grey_16bit_full.png", "grey_alpha_16bit_full.png", "rgb_16bit_full.png", "rgba_16bit_full.png",
                     "rgb_16bit.png", "grey_16bit.png"] {
            XCTAssertEqual(try maximumDifferenceFromExpected(name), 0, name)
        }
    }

    func testEverySixteenBitTruncationIsAnError() throws {
        let data = try CodecFixtures.data("rgba_16bit_full.png")
        for length in 8..<data.count {
            let error = assertCodecError(try ImageDecoder.decode(data: data.prefix(length)), "cut to \(length) bytes")
            if case .truncatedData(.png, _)? = error {
            } else {
                XCTFail("cut to \(length) bytes: expected truncatedData, got \(String(describing: error))")
            }
        }
    }

    /// The header claims 100000 x 100000 (30 GB of RGB); the file is 70 bytes. Must fail on the header alone.
    func testHugeDimensionsAreRejectedBeforeAllocating() throws {
        let error = assertCodecError(try ImageDecoder.decode(data: CodecFixtures.data("huge_dimensions.png")))
        XCTAssertEqual(error, .imageTooLarge(format: .png, width: 100_000, height: 100_000, limits: .default))
        XCTAssertTrue(error?.description.contains("100000x100000") ?? false, "\(String(describing: error))")
    }

    func testZeroWidthIsRejected() throws {
        let error = assertCodecError(try ImageDecoder.decode(data: CodecFixtures.data("zero_width.png")))
        guard case .corruptData(.png, let detail)? = error else {
            return XCTFail("expected corruptData, got \(String(describing: error))")
        }
        XCTAssertTrue(detail.lowercased().contains("width"), detail)
    }

    /// A valid PNG header (correct CRCs) of `width` × `height` 8-bit RGB pixels followed by an empty zlib stream:
    /// it decodes no further than the header checks.
    private func headerOnlyPNG(width: UInt32, height: UInt32) -> Data {
        var ihdr: [UInt8] = Array("IHDR".utf8)
        for value in [width, height] { ihdr += withUnsafeBytes(of: value.bigEndian, Array.init) }
        ihdr += [8, 2, 0, 0, 0]
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + ihdr
        png += withUnsafeBytes(of: pngChunkCRC(ihdr).bigEndian, Array.init)
        let idat: [UInt8] = Array("IDAT".utf8) + [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        png += [0, 0, 0, 8] + idat + withUnsafeBytes(of: pngChunkCRC(idat).bigEndian, Array.init)
        let iend: [UInt8] = Array("IEND".utf8)
        png += [0, 0, 0, 0] + iend + withUnsafeBytes(of: pngChunkCRC(iend).bigEndian, Array.init)
        return Data(png)
    }

    /// The default limits the README and the doc comments state: 16,384 pixels per side and 100 megapixels, both
    /// inclusive. Images just past either limit are refused from the header; images at the limits pass the header
    /// check (and then fail only because their pixel data is missing).
    func testDefaultLimitsAre16384PixelsPerSideAnd100Megapixels() throws {
        XCTAssertEqual(ImageSizeLimits.default, ImageSizeLimits(maximumSide: 16_384, maximumPixelCount: 100_000_000))
        let limits = ImageSizeLimits.default
        XCTAssertTrue(limits.accepts(width: 16_384, height: 6_103))  // 99,991,552 pixels
        XCTAssertTrue(limits.accepts(width: 10_000, height: 10_000))  // exactly 100 megapixels
        XCTAssertFalse(limits.accepts(width: 16_385, height: 1))
        XCTAssertFalse(limits.accepts(width: 1, height: 16_385))
        XCTAssertFalse(limits.accepts(width: 10_000, height: 10_001))
        XCTAssertFalse(limits.accepts(width: 16_384, height: 16_384))
        for (width, height) in [(16_385, 1), (1, 16_385), (10_001, 10_000), (16_384, 6_104)] {
            let error = assertCodecError(try ImageDecoder.decode(data: headerOnlyPNG(width: UInt32(width),
                                                                                    height: UInt32(height))))
            XCTAssertEqual(error, .imageTooLarge(format: .png, width: width, height: height, limits: .default),
                           "\(width)x\(height)")
        }
        for (width, height) in [(16_384, 1), (1, 16_384), (10_000, 10_000)] {
            let error = assertCodecError(try ImageDecoder.decode(data: headerOnlyPNG(width: UInt32(width),
                                                                                    height: UInt32(height))))
            if case .imageTooLarge? = error { XCTFail("\(width)x\(height) is within the default limits") }
            XCTAssertNotNil(error, "\(width)x\(height): the pixel data is missing")
        }
    }

    func testCustomLimitsApplyPerSideAndInTotal() throws {
        let data = try CodecFixtures.data("rgb_8bit.png")  // 7 x 5
        let narrow = ImageSizeLimits(maximumSide: 6, maximumPixelCount: 1000)
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(data: data, limits: narrow)),
                       .imageTooLarge(format: .png, width: 7, height: 5, limits: narrow))
        let small = ImageSizeLimits(maximumSide: 100, maximumPixelCount: 34)
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(data: data, limits: small)),
                       .imageTooLarge(format: .png, width: 7, height: 5, limits: small))
        let exact = ImageSizeLimits(maximumSide: 7, maximumPixelCount: 35)
        XCTAssertEqual(try ImageDecoder.decode(data: data, limits: exact).width, 7)
    }

    /// Every prefix of a PNG is an error: too short for the signature -> unrecognizedFormat, otherwise truncated.
    func testEveryTruncationIsAnError() throws {
        for name in ["rgb_8bit.png", "interlaced_rgb_8bit.png", "palette_8bit.png", "grey_1bit.png"] {
            let data = try CodecFixtures.data(name)
            for length in 1..<data.count {
                let error = assertCodecError(try ImageDecoder.decode(data: data.prefix(length)),
                                             "\(name) cut to \(length) bytes")
                if length < 8 {
                    XCTAssertEqual(error, .unrecognizedFormat(leadingBytes: Array(data.prefix(length))))
                } else if case .truncatedData(.png, _)? = error {
                } else {
                    XCTFail("\(name) cut to \(length) bytes: expected truncatedData, got \(String(describing: error))")
                }
            }
        }
    }

    /// Every byte after the signature is covered by a chunk CRC (or is a length or CRC field), so changing any
    /// single byte must make decoding fail rather than return different pixels.
    func testEverySingleByteCorruptionIsAnError() throws {
        let data = try CodecFixtures.data("rgb_8bit.png")
        for index in 8..<data.count {
            var corrupted = data
            corrupted[index] ^= 0x5A
            assertCodecError(try ImageDecoder.decode(data: corrupted), "byte \(index) changed")
        }
    }

    func testRandomBytesAfterSignatureAreAnError() {
        var generator = SplitMix64(seed: 0x504E47)
        for length in [1, 8, 33, 100, 1000, 10_000] {
            let data = Data(ImageFormat.pngSignature + generator.bytes(length))
            let error = assertCodecError(try ImageDecoder.decode(data: data), "\(length) random bytes")
            if case .corruptData(.png, _)? = error {
            } else if case .truncatedData(.png, _)? = error {
            } else {
                XCTFail("expected corrupt or truncated PNG data, got \(String(describing: error))")
            }
        }
    }
}
