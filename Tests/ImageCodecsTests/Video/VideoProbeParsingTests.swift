import Foundation
import XCTest
@testable import ImageCodecs

/// Interpretation of ffprobe's JSON, with documents shaped as ffprobe 5.1 writes them for
/// `-show_entries stream=…:stream_tags=rotate:stream_side_data=rotation -of json`.
final class VideoProbeParsingTests: XCTestCase {
    private func parse(_ json: String) throws -> VideoInfo {
        try VideoProbe.parse(Data(json.utf8), path: "clip.mp4")
    }

    /// A phone clip stored 1920×1080 with a display matrix rotating by −90° (ffprobe's convention: counter-
    /// clockwise degrees) is shown, and decoded by ffmpeg, as 1080×1920.
    func testDisplayMatrixRotationSwapsTheSides() throws {
        let info = try parse("""
        {"streams": [{"codec_name": "h264", "width": 1920, "height": 1080, "r_frame_rate": "30000/1001", "avg_frame_rate": "8991/300",
          "nb_frames": "300", "duration": "10.010000", "side_data_list": [{"rotation": -90}]}]}
        """)
        XCTAssertEqual(info.width, 1080)
        XCTAssertEqual(info.height, 1920)
        XCTAssertEqual(info.rotationDegrees, 90)
        XCTAssertEqual(info.expectedFrameCount, 300)
        XCTAssertEqual(info.frameRate.description, "30000/1001", "the exact base rate when the average agrees with it")
    }

    func testLegacyRotateTagAndUpsideDown() throws {
        let info = try parse("""
        {"streams": [{"codec_name": "h264", "width": 640, "height": 480, "r_frame_rate": "25/1", "avg_frame_rate": "25/1",
          "tags": {"rotate": "180"}}]}
        """)
        XCTAssertEqual(info.width, 640)
        XCTAssertEqual(info.height, 480)
        XCTAssertEqual(info.rotationDegrees, 180)
        XCTAssertNil(info.expectedFrameCount)
    }

    func testFrameCountFromDurationWhenTheContainerDeclaresNone() throws {
        let info = try parse("""
        {"streams": [{"codec_name": "h264", "width": 320, "height": 240, "r_frame_rate": "24/1", "avg_frame_rate": "0/0",
          "duration": "2.500000"}]}
        """)
        XCTAssertEqual(info.frameRate, try FrameRate(numerator: 24))
        XCTAssertEqual(info.expectedFrameCount, 60)
    }

    func testVariableRateUsesTheAverage() throws {
        let info = try parse("""
        {"streams": [{"codec_name": "h264", "width": 320, "height": 240, "r_frame_rate": "90000/1", "avg_frame_rate": "2997/100"}]}
        """)
        XCTAssertEqual(info.frameRate.description, "2997/100")
    }

    func testMissingStreamSizeOrRateIsUnreadable() {
        for json in ["not json",
                     #"{"streams": [{"codec_name": "h264", "r_frame_rate": "25/1"}]}"#,
                     #"{"streams": [{"codec_name": "h264", "width": 0, "height": 10, "r_frame_rate": "25/1"}]}"#,
                     #"{"streams": [{"codec_name": "h264", "width": 10, "height": 10, "r_frame_rate": "0/0", "avg_frame_rate": "0/0"}]}"#] {
            XCTAssertThrowsError(try parse(json), json) { error in
                guard case .unreadableVideo? = error as? VideoError else {
                    return XCTFail("expected unreadableVideo for \(json), got \(error)")
                }
            }
        }
    }

    /// A container without a video stream (ffprobe lists none for `-select_streams v:0`).
    func testNoStreamIsNoVideoStream() {
        for json in [#"{"streams": []}"#, #"{}"#] {
            XCTAssertThrowsError(try parse(json), json) { error in
                XCTAssertEqual(error as? VideoError, .noVideoStream(path: "clip.mp4"))
            }
        }
    }

    /// ffprobe names every codec it knows; a stream it does not know shows only its container tag.
    func testUnknownCodecIsUnsupported() {
        let cases = [(#"{"streams": [{"codec_tag_string": "QQQ9", "width": 64, "height": 48, "r_frame_rate": "10/1"}]}"#, "QQQ9"),
                     (#"{"streams": [{"codec_name": "none", "codec_tag_string": "[0][0][0][0]", "width": 64, "height": 48}]}"#, "unknown")]
        for (json, codec) in cases {
            XCTAssertThrowsError(try parse(json), json) { error in
                XCTAssertEqual(error as? VideoError, .unsupportedCodec(path: "clip.mp4", codec: codec))
            }
        }
    }

    /// The count the index declares is kept apart from the estimate made from the duration.
    func testDeclaredFrameCountComesOnlyFromTheIndex() throws {
        let declared = try parse("""
        {"streams": [{"codec_name": "h264", "width": 8, "height": 8, "r_frame_rate": "60/1", "avg_frame_rate": "1200/47", "nb_frames": "60"}]}
        """)
        XCTAssertEqual(declared.declaredFrameCount, 60)
        XCTAssertEqual(declared.expectedFrameCount, 60)
        let estimated = try parse("""
        {"streams": [{"codec_name": "h264", "width": 8, "height": 8, "r_frame_rate": "24/1", "duration": "2.0"}]}
        """)
        XCTAssertNil(estimated.declaredFrameCount)
        XCTAssertEqual(estimated.expectedFrameCount, 48)
    }
}
