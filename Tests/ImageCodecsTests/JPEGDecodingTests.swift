import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// JPEG decoding against Pillow's decode (its own bundled libjpeg-turbo) of files Pillow wrote.
final class JPEGDecodingTests: XCTestCase {
    /// Pillow bundles a different libjpeg-turbo release (3.1.2) than Debian's (2.1.5); both use the default accurate
    /// integer IDCT and fancy upsampling. The outputs are currently identical; one level of rounding is allowed.
    private let tolerance = 1

    private func assertMatchesPillow(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try CodecFixtures.expectation(name)
        let image = try ImageDecoder.decode(contentsOf: CodecFixtures.url(name))
        XCTAssertEqual(image.width, expected.width, name, file: file, line: line)
        XCTAssertEqual(image.height, expected.height, name, file: file, line: line)
        let reference = try XCTUnwrap(expected.pixels)
        XCTAssertEqual(image.pixels.count, reference.count, name, file: file, line: line)
        let maximumDifference = zip(image.pixels, reference).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(maximumDifference, tolerance, name, file: file, line: line)
    }

    func testBaselineYCbCr() throws { try assertMatchesPillow("rgb_q95.jpg") }

    func testProgressive() throws { try assertMatchesPillow("progressive_q90.jpg") }

    func testRGBColourSpace() throws { try assertMatchesPillow("rgb_colorspace_q95.jpg") }

    func testGreyIsReplicated() throws {
        try assertMatchesPillow("grey_q95.jpg")
        let image = try ImageDecoder.decode(contentsOf: CodecFixtures.url("grey_q95.jpg"))
        for index in stride(from: 0, to: image.pixels.count, by: 3) {
            XCTAssertEqual(image.pixels[index], image.pixels[index + 1])
            XCTAssertEqual(image.pixels[index], image.pixels[index + 2])
        }
    }

    /// CMYK with Adobe's APP14 marker (Pillow; from RGB and from CMYK samples), the same file without the marker,
    /// and YCCK (imagecodecs' libjpeg-turbo), against OpenCV's imread. Measured: identical (max difference 0).
    func testCMYKAndYCCKMatchOpenCV() throws {
        for name in ["cmyk.jpg", "cmyk_adobe.jpg", "cmyk_no_adobe_marker.jpg", "ycck.jpg"] {
            XCTAssertEqual(try maximumDifferenceFromExpected(name), 0, name)
        }
    }

    func testEveryCMYKTruncationIsAnError() throws {
        let data = try CodecFixtures.data("ycck.jpg")
        for length in 3..<data.count {
            let error = assertCodecError(try ImageDecoder.decode(data: data.prefix(length)), "cut to \(length) bytes")
            if case .truncatedData(.jpeg, _)? = error {
            } else {
                XCTFail("cut to \(length) bytes: expected truncatedData, got \(String(describing: error))")
            }
        }
    }

    /// The grey JPEG with the precision byte of its SOF0 header changed from 8 to 12 bits per sample.
    func testTwelveBitPrecisionIsRejected() throws {
        var bytes = [UInt8](try CodecFixtures.data("grey_q95.jpg"))
        let sof = try XCTUnwrap((0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        XCTAssertEqual(bytes[sof + 4], 8)  // marker (2), length (2), precision (1)
        bytes[sof + 4] = 12
        XCTAssertEqual(assertCodecError(try ImageDecoder.decode(data: Data(bytes))),
                       .unsupportedBitDepth(format: .jpeg, bitDepth: 12))
    }

    /// The SOF header claims 65000 x 65000 (12.7 GB of RGB) in a 454-byte file.
    func testHugeDimensionsAreRejectedBeforeAllocating() throws {
        let error = assertCodecError(try ImageDecoder.decode(data: CodecFixtures.data("huge_dimensions.jpg")))
        XCTAssertEqual(error, .imageTooLarge(format: .jpeg, width: 65_000, height: 65_000, limits: .default))
    }

    /// Every prefix of a JPEG is an error (libjpeg's "premature end of file" warning is an error here), never a
    /// partly grey image.
    func testEveryTruncationIsAnError() throws {
        for name in ["rgb_q95.jpg", "progressive_q90.jpg", "grey_q95.jpg"] {
            let data = try CodecFixtures.data(name)
            for length in 1..<data.count {
                let error = assertCodecError(try ImageDecoder.decode(data: data.prefix(length)),
                                             "\(name) cut to \(length) bytes")
                if length < 3 {
                    XCTAssertEqual(error, .unrecognizedFormat(leadingBytes: Array(data.prefix(length))))
                } else if case .truncatedData(.jpeg, _)? = error {
                } else {
                    XCTFail("\(name) cut to \(length) bytes: expected truncatedData, got \(String(describing: error))")
                }
            }
        }
    }

    func testLargePhotographCutAtManyPointsIsAnError() throws {
        let data = try CodecFixtures.data("mpl_grace_hopper.jpg")
        for fraction in stride(from: 0.001, to: 1.0, by: 0.037) + [0.9999] {
            let length = max(3, Int(Double(data.count) * fraction))
            let error = assertCodecError(try ImageDecoder.decode(data: data.prefix(length)), "cut to \(length)")
            if case .truncatedData(.jpeg, _)? = error {
            } else {
                XCTFail("cut to \(length) bytes: expected truncatedData, got \(String(describing: error))")
            }
        }
    }

    func testRandomBytesAfterSOIAreAnError() {
        var generator = SplitMix64(seed: 0x4A5047)
        for length in [0, 1, 10, 100, 1000, 10_000] {
            let data = Data(ImageFormat.jpegSignature + generator.bytes(length))
            assertCodecError(try ImageDecoder.decode(data: data), "\(length) random bytes")
        }
    }
}
