import Foundation
import XCTest
@testable import ImageCodecs

/// Reading ffmpeg's standard error: the `framecrc` side channel that carries each frame's time, and the messages
/// turned into our own one-line errors. Lines as ffmpeg 5.1 prints them.
final class FFmpegDiagnosticsTests: XCTestCase {
    func testContextPrefixAndFileNameAreRemoved() {
        XCTAssertEqual(FFmpegDiagnostics.clean("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55b2dd247140] moov atom not found",
                                               path: "/v/a.mp4"), "moov atom not found")
        XCTAssertEqual(FFmpegDiagnostics.clean("file:/v/a.mp4: Invalid data found when processing input",
                                               path: "/v/a.mp4"), "Invalid data found when processing input")
        XCTAssertEqual(FFmpegDiagnostics.clean("[h264 @ 0x1] [NULL @ 0x2] Invalid NAL unit size (2964 > 310).",
                                               path: nil), "Invalid NAL unit size (2964 > 310).")
        // A bracket without an address is part of the message.
        XCTAssertEqual(FFmpegDiagnostics.clean("[0] tag", path: nil), "[0] tag")
    }

    /// The cause keeps the last distinct lines, one line, no address, at most `maximumCauseLength` characters.
    func testCauseIsOneShortLine() throws {
        let messages = ["[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5644ed836a40] stream 0, offset 0xf4be: partial file",
                        "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5644ed836a40] stream 0, offset 0xf4be: partial file",
                        "Error while decoding stream #0:0: Invalid data found when processing input"]
        XCTAssertEqual(FFmpegDiagnostics.cause(messages, path: nil),
                       "stream 0, offset 0xf4be: partial file; "
                       + "Error while decoding stream #0:0: Invalid data found when processing input")
        XCTAssertNil(FFmpegDiagnostics.cause([" ", ""], path: nil))
        let long = try XCTUnwrap(FFmpegDiagnostics.cause([String(repeating: "x", count: 500)], path: nil))
        XCTAssertEqual(long.count, FFmpegDiagnostics.maximumCauseLength)
        XCTAssertTrue(long.hasSuffix("…"))
    }

    /// ffprobe's "moov atom not found" means a truncated file only if the file starts like an MP4/MOV.
    func testProbeFailuresAreClassified() {
        let moov = ["[mov,mp4,m4a,3gp,3g2,mj2 @ 0x557687466a40] moov atom not found",
                    "file:/v/a.mp4: Invalid data found when processing input"]
        let mp4Head = Data([0, 0, 0, 0x20] + Array("ftypisom".utf8))
        XCTAssertEqual(FFmpegDiagnostics.probeFailure(path: "/v/a.mp4", messages: moov, head: mp4Head, status: 1),
                       .truncatedFile(path: "/v/a.mp4", cause: "moov atom not found"))
        XCTAssertEqual(FFmpegDiagnostics.probeFailure(path: "/v/a.mp4", messages: moov, head: Data("hello\n".utf8),
                                                      status: 1),
                       .notAVideo(path: "/v/a.mp4", cause: "Invalid data found when processing input"))
        XCTAssertEqual(FFmpegDiagnostics.probeFailure(path: "/v/a.mp4", messages: ["something else"], head: Data(),
                                                      status: 1),
                       .unreadableVideo("/v/a.mp4: something else"))
    }

    func testDecoderFailuresAreClassified() {
        XCTAssertEqual(FFmpegDiagnostics.decoderFailure(path: "/v/a.mkv",
                                                        messages: ["Decoder (codec av1) not found for input stream #0:0"],
                                                        framesRead: 0, status: 1),
                       .unsupportedCodec(path: "/v/a.mkv", codec: "av1"))
        XCTAssertEqual(FFmpegDiagnostics.decoderFailure(path: "/v/a.mkv", messages: [], framesRead: 3, status: 69),
                       .videoDecodingFailed("/v/a.mkv: ffmpeg stopped with status 69"))
    }

    func testFrameRecordsAndTimeBase() {
        let base = DecoderLog.timeBase(header: "#tb 0: 1/15360")
        XCTAssertEqual(base?.numerator, 1)
        XCTAssertEqual(base?.denominator, 15360)
        XCTAssertNil(DecoderLog.timeBase(header: "#dimensions 0: 480x360"))
        XCTAssertNil(DecoderLog.timeBase(header: "#tb 0: 0/1"))
        XCTAssertEqual(DecoderLog.presentationTimestamp(record: "0,       3584,       3584,      256,   518400, 0x312fa460"),
                       3584)
        XCTAssertEqual(DecoderLog.presentationTimestamp(
            record: "0,          0,          0,        1,   518400, 0x3c40b329, S=1,        8, 0x05f2010c"), 0)
        XCTAssertEqual(DecoderLog.presentationTimestamp(
            record: "0,         -2, -9223372036854775808,        1,       16, 0x00000000"), -2, "no pts: the dts")
        XCTAssertNil(DecoderLog.presentationTimestamp(record: "Error while decoding stream #0:0: Invalid data"))
        XCTAssertNil(DecoderLog.presentationTimestamp(record: "stream 0, offset 0xf4be: partial file"))
    }

    /// A decoder thread's log prefix written just before a frame record (seen under load with a truncated file) does
    /// not hide the record; a plain message stays a message.
    func testRecordAfterALogPrefixStillCounts() {
        let glued = "[h264 @ 0x55fe5135cdc0] [mov,mp4 @ 0x55fe51339d00] 0,       2560,       2560,      512,   576000, 0xe0c73791"
        XCTAssertEqual(DecoderLog.presentationTimestamp(record: DecoderLog.withoutLogPrefixes(glued)), 2560)
        XCTAssertNil(DecoderLog.presentationTimestamp(
            record: DecoderLog.withoutLogPrefixes("[h264 @ 0x55fe5135cdc0] Invalid NAL unit size (11811 > 3529).")))
        XCTAssertEqual(DecoderLog.withoutLogPrefixes("0, 1, 1, 1, 16, 0x0"), "0, 1, 1, 1, 16, 0x0")
    }

    /// The log files records and messages apart and hands out each frame's time in seconds.
    func testLogSeparatesRecordsFromMessages() throws {
        let pipe = Pipe()
        let log = DecoderLog(pipe.fileHandleForReading)
        let text = """
        #software: Lavf59.27.100
        #tb 0: 1/15360
        #media_type 0: video
        0,          0,          0,      256,   518400, 0x3c40b329
        [mov,mp4,m4a,3gp,3g2,mj2 @ 0x5644ed836a40] stream 0, offset 0xf4be: partial file
        0,       3584,       3584,      256,   518400, 0x312fa460

        """
        pipe.fileHandleForWriting.write(Data(text.utf8))
        XCTAssertEqual(try XCTUnwrap(log.timestamp(ofFrame: 1)), 3584.0 / 15360, accuracy: 1e-15)
        try pipe.fileHandleForWriting.close()
        XCTAssertEqual(log.timestamp(ofFrame: 0), 0)
        XCTAssertNil(log.timestamp(ofFrame: 2), "no record after the end")
        XCTAssertEqual(log.messages(waitForEnd: true),
                       ["[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5644ed836a40] stream 0, offset 0xf4be: partial file"])
    }
}
