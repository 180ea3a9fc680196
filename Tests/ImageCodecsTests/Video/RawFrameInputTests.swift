import Foundation
import XCTest
@testable import ImageCodecs

/// Raw RGB24 frames read from a pipe, as `facemesh video -` reads standard input.
final class RawFrameInputTests: XCTestCase {
    /// Writes `bytes` into a pipe from another thread (so large inputs cannot block) and returns the reading end.
    private func pipe(with bytes: [UInt8]) -> FileHandle {
        let pipe = Pipe()
        let writer = Thread {
            pipe.fileHandleForWriting.write(Data(bytes))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        return pipe.fileHandleForReading
    }

    /// A frame whose every byte encodes its frame, row, column and channel, so misplaced bytes are detected.
    private func pattern(frame: Int, width: Int, height: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for channel in 0..<3 { bytes.append(UInt8((frame * 61 + y * 17 + x * 5 + channel) % 256)) }
            }
        }
        return bytes
    }

    func testWholeFramesArriveInOrder() throws {
        let width = 37, height = 23
        let frames = (0..<4).map { pattern(frame: $0, width: width, height: height) }
        let reader = try VideoFrameReader(rawRGBFrom: pipe(with: frames.flatMap { $0 }), width: width,
                                          height: height, frameRate: try FrameRate(numerator: 25))
        for expected in frames {
            let frame = try XCTUnwrap(try reader.nextFrame())
            XCTAssertEqual(frame.width, width)
            XCTAssertEqual(frame.height, height)
            XCTAssertEqual(frame.pixels, expected)
        }
        XCTAssertNil(try reader.nextFrame())
        XCTAssertEqual(reader.framesRead, 4)
        XCTAssertEqual(reader.frameRate.timestamp(ofFrame: 3), 0.12, accuracy: 1e-12)
    }

    /// Frames larger than a pipe's buffer (64 KiB) arrive in several reads and are reassembled.
    func testFramesLargerThanThePipeBuffer() throws {
        let width = 320, height = 240
        let frames = (0..<3).map { pattern(frame: $0, width: width, height: height) }
        let reader = try VideoFrameReader(rawRGBFrom: pipe(with: frames.flatMap { $0 }), width: width,
                                          height: height, frameRate: try FrameRate(numerator: 30))
        for expected in frames { XCTAssertEqual(try reader.nextFrame()?.pixels, expected) }
        XCTAssertNil(try reader.nextFrame())
    }

    func testTrailingPartialFrameIsReportedAfterTheCompleteFrames() throws {
        let width = 8, height = 6
        let frameBytes = width * height * 3
        let bytes = pattern(frame: 0, width: width, height: height) + pattern(frame: 1, width: width, height: height)
            + Array(pattern(frame: 2, width: width, height: height).prefix(50))
        let reader = try VideoFrameReader(rawRGBFrom: pipe(with: bytes), width: width, height: height,
                                          frameRate: try FrameRate(numerator: 30))
        XCTAssertNotNil(try reader.nextFrame())
        XCTAssertNotNil(try reader.nextFrame())
        XCTAssertThrowsError(try reader.nextFrame()) { error in
            XCTAssertEqual(error as? ImageCodecError, .partialFrame(expected: frameBytes, actual: 50))
        }
        XCTAssertNil(try reader.nextFrame(), "finished after the error")
    }

    func testEmptyInputHasNoFrames() throws {
        let reader = try VideoFrameReader(rawRGBFrom: pipe(with: []), width: 4, height: 4,
                                          frameRate: try FrameRate(numerator: 30))
        XCTAssertThrowsError(try reader.nextFrame()) { error in
            XCTAssertEqual(error as? ImageCodecError, .noFrames)
        }
    }

    func testInvalidSizesAreRejected() {
        let handle = FileHandle.nullDevice
        let rate = try! FrameRate(numerator: 30)
        for (width, height) in [(0, 10), (10, -1), (Int.max / 2, 3)] {
            XCTAssertThrowsError(try VideoFrameReader(rawRGBFrom: handle, width: width, height: height,
                                                      frameRate: rate)) { error in
                XCTAssertEqual(error as? ImageCodecError, .invalidFrameSize(width: width, height: height))
            }
        }
    }

    func testFrameRateParsing() throws {
        let ntsc = try XCTUnwrap(FrameRate(ffmpegText: "30000/1001"))
        XCTAssertEqual(ntsc.framesPerSecond, 29.97002997, accuracy: 1e-8)
        XCTAssertEqual(ntsc.description, "30000/1001")
        XCTAssertEqual(ntsc.timestamp(ofFrame: 30000), 1001, accuracy: 1e-9)
        XCTAssertEqual(FrameRate(ffmpegText: "25"), try FrameRate(numerator: 25, denominator: 1))
        XCTAssertEqual(try FrameRate(framesPerSecond: 12.5), try FrameRate(numerator: 12500, denominator: 1000))
        XCTAssertNil(FrameRate(ffmpegText: "0/0"))
        XCTAssertNil(FrameRate(ffmpegText: "-30/1"))
        XCTAssertNil(FrameRate(ffmpegText: "thirty"))
        XCTAssertThrowsError(try FrameRate(framesPerSecond: .nan))
        XCTAssertThrowsError(try FrameRate(framesPerSecond: 0))
    }
}
