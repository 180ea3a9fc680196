import Foundation
import XCTest
@testable import ImageCodecs

/// Encoding through ffmpeg/libx264, checked by probing and decoding the result.
final class VideoFrameWriterTests: XCTestCase {
    /// Flat colours survive H.264 + yuv420p + BT.601 limited range within a few levels, so a frame of four flat
    /// quadrants comes back recognisably; frame count, size and rate are what ffprobe reports for the file.
    func testWrittenVideoDecodesBackToTheFrames() throws {
        let tools = try VideoTestSupport.tools()
        let url = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("quadrants.mp4")
        let width = 64, height = 48
        let colours: [RGBColor] = [RGBColor(red: 200, green: 40, blue: 40), RGBColor(red: 40, green: 180, blue: 60),
                                   RGBColor(red: 50, green: 60, blue: 210), RGBColor(red: 230, green: 230, blue: 230)]
        func frame(_ index: Int) throws -> RGBImage {
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let quadrant = (x < width / 2 ? 0 : 1) + (y < height / 2 ? 0 : 2)
                    let colour = colours[(quadrant + index) % 4]
                    pixels[3 * (y * width + x)] = colour.red
                    pixels[3 * (y * width + x) + 1] = colour.green
                    pixels[3 * (y * width + x) + 2] = colour.blue
                }
            }
            return try RGBImage(width: width, height: height, pixels: pixels)
        }
        let writer = try VideoFrameWriter(url: url, width: width, height: height,
                                          frameRate: try FrameRate(numerator: 15), tools: tools)
        for index in 0..<10 { try writer.write(try frame(index)) }
        XCTAssertEqual(writer.framesWritten, 10)
        try writer.finish()

        let info = try VideoProbe.probe(url, tools: tools)
        XCTAssertEqual(info.width, width)
        XCTAssertEqual(info.height, height)
        XCTAssertEqual(info.frameRate, try FrameRate(numerator: 15))
        XCTAssertEqual(info.expectedFrameCount, 10)

        let reader = try VideoFrameReader(contentsOf: url, tools: tools)
        var index = 0
        while let decoded = try reader.nextFrame() {
            let expected = try frame(index)
            // Compare quadrant centres (away from edges, where chroma subsampling blurs).
            for (x, y) in [(16, 12), (48, 12), (16, 36), (48, 36)] {
                let got = try XCTUnwrap(decoded.pixel(x: x, y: y)), want = try XCTUnwrap(expected.pixel(x: x, y: y))
                XCTAssertLessThanOrEqual(abs(Int(got.red) - Int(want.red)), 6, "frame \(index) (\(x), \(y))")
                XCTAssertLessThanOrEqual(abs(Int(got.green) - Int(want.green)), 6, "frame \(index) (\(x), \(y))")
                XCTAssertLessThanOrEqual(abs(Int(got.blue) - Int(want.blue)), 6, "frame \(index) (\(x), \(y))")
            }
            index += 1
        }
        XCTAssertEqual(index, 10)
    }

    /// yuv420p needs even sides: an odd-sized input is padded to the next even size.
    func testOddSizesArePadded() throws {
        let tools = try VideoTestSupport.tools()
        let url = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("odd.mkv")
        let writer = try VideoFrameWriter(url: url, width: 33, height: 21, frameRate: try FrameRate(numerator: 10),
                                          tools: tools)
        for _ in 0..<3 { try writer.write(try RGBImage(width: 33, height: 21, color: .white)) }
        try writer.finish()
        let info = try VideoProbe.probe(url, tools: tools)
        XCTAssertEqual(info.width, 34)
        XCTAssertEqual(info.height, 22)
    }

    func testWrongFrameSizeIsRejected() throws {
        let tools = try VideoTestSupport.tools()
        let url = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("size.mp4")
        let writer = try VideoFrameWriter(url: url, width: 16, height: 16, frameRate: try FrameRate(numerator: 10),
                                          tools: tools)
        XCTAssertThrowsError(try writer.write(try RGBImage(width: 16, height: 8, color: .black))) { error in
            XCTAssertEqual(error as? VideoError, .frameSizeMismatch(expectedWidth: 16, expectedHeight: 16,
                                                                    actualWidth: 16, actualHeight: 8))
        }
        try writer.write(try RGBImage(width: 16, height: 16, color: .black))
        try writer.finish()
    }

    /// An encoder that stops (here: its output folder vanished after the checks) fails with ffmpeg's message, and
    /// the process survives the broken pipe (no SIGPIPE) even when frames keep coming after the encoder has exited.
    func testEncoderFailureIsReportedWithoutSIGPIPE() throws {
        let tools = try VideoTestSupport.tools()
        let folder = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("vanishing")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let url = folder.appendingPathComponent("out.mp4")
        let writer = try VideoFrameWriter(url: url, width: 320, height: 240, frameRate: try FrameRate(numerator: 10),
                                          tools: tools)
        try FileManager.default.removeItem(at: folder)
        let image = try RGBImage(width: 320, height: 240, color: .black)
        var failure: Error?
        do {
            for _ in 0..<100 { try writer.write(image) }
            try writer.finish()
        } catch {
            failure = error
        }
        guard case .encodingFailed(let message)? = failure as? VideoError else {
            return XCTFail("expected encodingFailed, got \(String(describing: failure))")
        }
        XCTAssertFalse(message.isEmpty)
        XCTAssertFalse(message.contains(" @ 0x"), message)
    }

    /// Bad outputs fail in the initialiser, before any frame: a missing folder, a directory, an extension with no
    /// H.264 container.
    func testOutputIsCheckedBeforeTheFirstFrame() throws {
        let tools = try VideoTestSupport.tools()
        let folder = try VideoTestSupport.temporaryDirectory(for: self)
        let rate = try FrameRate(numerator: 10)
        let cases: [(URL, OutputFileError)] = [
            (URL(fileURLWithPath: "/nonexistent-directory/o.mp4"), .folderMissing(path: "/nonexistent-directory/o.mp4")),
            (folder, .isDirectory(path: folder.path)),
            (folder.appendingPathComponent("o.txt"),
             .unsupportedExtension(path: folder.appendingPathComponent("o.txt").path,
                                   accepted: ["avi", "m4v", "mkv", "mov", "mp4"])),
        ]
        for (url, expected) in cases {
            XCTAssertThrowsError(try VideoFrameWriter(url: url, width: 16, height: 16, frameRate: rate, tools: tools)) {
                XCTAssertEqual($0 as? OutputFileError, expected)
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "nothing was created")
    }

    /// The video appears under its name only when `finish()` succeeds; until then it is a hidden temporary file in
    /// the same folder. A cancelled writer leaves the folder as it was (an older file of that name untouched).
    func testVideoAppearsOnlyWhenFinished() throws {
        let tools = try VideoTestSupport.tools()
        let folder = try VideoTestSupport.temporaryDirectory(for: self)
        let url = folder.appendingPathComponent("overlay.mkv")
        let frame = try RGBImage(width: 32, height: 32, color: .white)

        let writer = try VideoFrameWriter(url: url, width: 32, height: 32, frameRate: try FrameRate(numerator: 10),
                                          tools: tools)
        for _ in 0..<3 { try writer.write(frame) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        let pending = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(pending.count, 1)
        XCTAssertTrue(pending.allSatisfy { $0.hasPrefix(".overlay.mkv.") && $0.hasSuffix(".partial") }, "\(pending)")
        try writer.finish()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["overlay.mkv"])
        XCTAssertEqual(try VideoProbe.probe(url, tools: tools).expectedFrameCount, 3)

        let before = try Data(contentsOf: url)
        let abandoned = try VideoFrameWriter(url: url, width: 32, height: 32, frameRate: try FrameRate(numerator: 10),
                                             tools: tools)
        for _ in 0..<2 { try abandoned.write(frame) }
        abandoned.cancel()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["overlay.mkv"])
        XCTAssertEqual(try Data(contentsOf: url), before, "the earlier video is untouched")
    }
}
