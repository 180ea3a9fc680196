import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// WebP decoding (Debian's libwebp) against OpenCV's imread (its bundled libwebp) of files Pillow wrote, and the
/// error contract on animations, oversized headers, truncated and damaged files.
final class WebPDecodingTests: XCTestCase {
    /// Lossy, lossless, and both with alpha (dropped). Measured: identical (max difference 0) for all four.
    func testStillImagesMatchOpenCV() throws {
        for name in ["lossy.webp", "lossless.webp", "lossy_alpha.webp", "lossless_alpha.webp"] {
            XCTAssertEqual(try maximumDifferenceFromExpected(name), 0, name)
        }
    }

    func testAnimationIsRefused() throws {
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(data: CodecFixtures.data("animated.webp"))),
                       .animatedImage(format: .webp))
    }

    /// The VP8L header patched to 16384 x 16384 (805 MB of RGB) in a file of a few hundred bytes.
    func testHugeDimensionsAreRejectedBeforeAllocating() throws {
        let error = assertCodecError(try ImageDecoder.decode(data: CodecFixtures.data("huge_dimensions.webp")))
        XCTAssertEqual(error, .imageTooLarge(format: .webp, width: 16_384, height: 16_384, limits: .default))
    }

    func testCustomLimitsApply() throws {
        let data = try CodecFixtures.data("lossy.webp")  // 24 x 16
        let small = ImageSizeLimits(maximumSide: 23, maximumPixelCount: 1000)
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(data: data, limits: small)),
                       .imageTooLarge(format: .webp, width: 24, height: 16, limits: small))
    }

    /// Every prefix is an error: shorter than the 12-byte RIFF header -> unrecognizedFormat, otherwise truncated.
    func testEveryTruncationIsAnError() throws {
        for name in ["lossy.webp", "lossless.webp", "lossy_alpha.webp", "lossless_alpha.webp"] {
            let data = try CodecFixtures.data(name)
            for length in 1..<data.count {
                let error = assertCodecError(try ImageDecoder.decode(data: data.prefix(length)),
                                             "\(name) cut to \(length) bytes")
                if length < 12 {
                    XCTAssertEqual(error, .unrecognizedFormat(leadingBytes: Array(data.prefix(min(length, 8)))))
                } else if case .truncatedData(.webp, _)? = error {
                } else {
                    XCTFail("\(name) cut to \(length) bytes: expected truncatedData, got \(String(describing: error))")
                }
            }
        }
    }

    /// WebP has no checksum, so a changed byte may still decode; it must then give an image of the declared kind,
    /// otherwise a typed error, never a trap.
    func testSingleByteCorruptionsGiveAnImageOrATypedError() throws {
        for name in ["lossy_alpha.webp", "lossless.webp"] {
            let data = try CodecFixtures.data(name)
            for index in 12..<data.count {
                var corrupted = data
                corrupted[index] ^= 0x5A
                do {
                    let image = try ImageDecoder.decode(data: corrupted)
                    XCTAssertEqual(image.pixels.count, 3 * image.width * image.height)
                } catch is ImageCodecError {
                } catch {
                    XCTFail("\(name) byte \(index): \(error)")
                }
            }
        }
    }

    func testRandomBytesAfterHeaderAreAnError() {
        var generator = SplitMix64(seed: 0x57454250)
        for length in [0, 1, 4, 20, 100, 1000, 10_000] {
            let payload = generator.bytes(length)
            let size = UInt32(4 + length)
            let header = Array("RIFF".utf8) + (0..<4).map { UInt8(size >> (8 * $0) & 0xFF) } + Array("WEBP".utf8)
            let error = assertCodecError(try ImageDecoder.decode(data: Data(header + payload)), "\(length) bytes")
            if case .corruptData(.webp, _)? = error {
            } else if case .truncatedData(.webp, _)? = error {
            } else {
                XCTFail("\(length) random bytes: expected corrupt or truncated WebP, got \(String(describing: error))")
            }
        }
    }
}
