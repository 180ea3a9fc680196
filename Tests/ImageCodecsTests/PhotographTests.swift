import Foundation
import XCTest
@testable import ImageCodecs

/// Real photographs checked against Pillow's decode at a grid of sample positions (Tools/make_codec_fixtures.py).
final class PhotographTests: XCTestCase {
    /// mpl_grace_hopper.jpg (512 x 600 baseline JPEG), copied into Tests/Fixtures/ImageCodecs. Pillow uses another
    /// libjpeg-turbo release; one level of rounding is allowed (the values are currently identical).
    func testGraceHopperJPEGMatchesPillow() throws {
        try assertSamples(of: CodecFixtures.url("mpl_grace_hopper.jpg"), expected: "mpl_grace_hopper.jpg",
                          tolerance: 1)
    }

    /// skimage_astronaut.png (512 x 512 RGB PNG) from the committed image fixtures in Tests/Fixtures/Images (a
    /// missing file fails the test). PNG is lossless: the values must be identical.
    func testAstronautPNGMatchesPillow() throws {
        let url = CodecFixtures.fixturesRoot.appendingPathComponent("Images/skimage_astronaut.png")
        try assertSamples(of: url, expected: "skimage_astronaut.png", tolerance: 0)
    }

    private func assertSamples(of url: URL, expected name: String, tolerance: Int, file: StaticString = #filePath,
                               line: UInt = #line) throws {
        let expected = try CodecFixtures.expectation(name)
        let image = try ImageDecoder.decode(contentsOf: url)
        XCTAssertEqual(image.width, expected.width, file: file, line: line)
        XCTAssertEqual(image.height, expected.height, file: file, line: line)
        let samples = try XCTUnwrap(expected.samples)
        XCTAssertEqual(samples.count, 25)
        for sample in samples {
            let pixel = try XCTUnwrap(image.pixel(x: sample[0], y: sample[1]))
            let actual = [Int(pixel.red), Int(pixel.green), Int(pixel.blue)]
            for channel in 0..<3 {
                XCTAssertLessThanOrEqual(abs(actual[channel] - sample[2 + channel]), tolerance,
                                         "\(name) at (\(sample[0]), \(sample[1])): \(actual) vs \(sample[2...])",
                                         file: file, line: line)
            }
        }
    }
}
