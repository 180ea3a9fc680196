import Foundation
import TestSupport
import XCTest
@testable import ImageCodecs

/// Decoding files through ffmpeg: the synthetic fixture against its generator's records, and bad input.
final class VideoFrameReaderTests: XCTestCase {
    private struct MeshReference: Decodable {
        struct Frame: Decodable {
            let index: Int
            let decoded_rgb_sha256: String
        }
        let frame_count: Int
        let frames: [Frame]
    }

    func testProbeReportsTheFixtureGeometry() throws {
        let info = try VideoProbe.probe(VideoTestSupport.syntheticVideo, tools: try VideoTestSupport.tools())
        XCTAssertEqual(info.width, 400)
        XCTAssertEqual(info.height, 480)
        XCTAssertEqual(info.frameRate, try FrameRate(numerator: 30))
        XCTAssertEqual(info.expectedFrameCount, 90)
        XCTAssertEqual(try XCTUnwrap(info.duration), 3, accuracy: 1e-6)
        XCTAssertEqual(info.rotationDegrees, 0)
    }

    /// Every frame arrives whole: the count and size match the generator's record, and three frames hash to the
    /// SHA-256 that Tools/generate_mediapipe_references.py recorded for ffmpeg's own rgb24 decode.
    func testReadsAllFramesMatchingTheReferenceDecode() throws {
        let tools = try VideoTestSupport.tools()
        let referenceURL = VideoTestSupport.fixturesRoot.appendingPathComponent("Video/synthetic_portrait_mediapipe_mesh.json")
        let reference = try JSONDecoder().decode(MeshReference.self, from: Data(contentsOf: referenceURL))
        let reader = try VideoFrameReader(contentsOf: VideoTestSupport.syntheticVideo, tools: tools)
        XCTAssertEqual(reader.width, 400)
        XCTAssertEqual(reader.height, 480)
        var hashed: [Int: String] = [:]
        var count = 0
        while let timed = try reader.nextTimedFrame() {
            let frame = timed.image
            XCTAssertEqual(timed.index, count)
            XCTAssertEqual(timed.timestamp, Double(count) / 30, accuracy: 1e-9, "a constant-rate file: i / 30")
            XCTAssertEqual(frame.width, 400)
            XCTAssertEqual(frame.height, 480)
            XCTAssertEqual(frame.pixels.count, 400 * 480 * 3)
            if [0, 45, 89].contains(count) { hashed[count] = try VideoTestSupport.sha256(frame.pixels) }
            count += 1
        }
        XCTAssertEqual(count, reference.frame_count)
        XCTAssertEqual(reader.framesRead, 90)
        XCTAssertNil(try reader.nextFrame(), "the reader stays at its end")
        for (index, hash) in hashed {
            XCTAssertEqual(hash, reference.frames[index].decoded_rgb_sha256, "frame \(index)")
        }
        XCTAssertEqual(reader.frameRate.timestamp(ofFrame: 45), 1.5, accuracy: 1e-12)
    }

    func testClosingEarlyStopsTheDecoder() throws {
        let reader = try VideoFrameReader(contentsOf: VideoTestSupport.syntheticVideo,
                                          tools: try VideoTestSupport.tools())
        XCTAssertNotNil(try reader.nextFrame())
        reader.close()
        XCTAssertNil(try reader.nextFrame())
    }

    func testMissingFileIsReported() throws {
        let missing = VideoTestSupport.fixturesRoot.appendingPathComponent("Video/no_such_video.mp4")
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: missing, tools: try VideoTestSupport.tools())) { error in
            XCTAssertEqual(error as? VideoError, .fileNotFound(path: missing.path))
        }
    }

    func testTextFileIsNotAVideo() throws {
        let text = VideoTestSupport.fixturesRoot.appendingPathComponent("Video/README.md")
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: text, tools: try VideoTestSupport.tools())) { error in
            XCTAssertEqual(error as? VideoError,
                           .notAVideo(path: text.path, cause: "Invalid data found when processing input"))
        }
    }

    /// A 0-byte file is reported as empty (ffprobe alone would say "moov atom not found" for an .mp4 name).
    func testEmptyFileIsReportedAsEmpty() throws {
        let empty = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("empty.mp4")
        try Data().write(to: empty)
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: empty, tools: try VideoTestSupport.tools())) { error in
            XCTAssertEqual(error as? VideoError, .emptyFile(path: empty.path))
        }
    }

    /// A text file with a video's name is "not a video", not "truncated": it does not start like an MP4.
    func testTextWithAVideoNameIsNotAVideo() throws {
        let text = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("notes.mp4")
        try Data("hello\n".utf8).write(to: text)
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: text, tools: try VideoTestSupport.tools())) { error in
            XCTAssertEqual(error as? VideoError,
                           .notAVideo(path: text.path, cause: "Invalid data found when processing input"))
        }
    }

    func testAudioOnlyFileHasNoVideoStream() throws {
        let tools = try VideoTestSupport.tools()
        let audio = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("tone.m4a")
        try VideoSamples.makeAudioOnlyFile(at: audio, ffmpeg: tools.ffmpeg)
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: audio, tools: tools)) { error in
            XCTAssertEqual(error as? VideoError, .noVideoStream(path: audio.path))
        }
    }

    func testUnknownCodecIsUnsupported() throws {
        let tools = try VideoTestSupport.tools()
        let video = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("unknown.mkv")
        try VideoSamples.makeUnknownCodecVideo(at: video, ffmpeg: tools.ffmpeg)
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: video, tools: tools)) { error in
            XCTAssertEqual(error as? VideoError, .unsupportedCodec(path: video.path, codec: "QQQ9"))
        }
    }

    /// Issue #17's variable-frame-rate file (blocks of 10 frames alternating 60 and 15 fps): every stored frame is
    /// delivered exactly once, at the time ffprobe reports for it. Resampling to a constant rate (the old
    /// behaviour) gave 61 frames of which only 3 had a real frame time.
    func testVariableFrameRateDeliversEveryFrameAtItsOwnTime() throws {
        let tools = try VideoTestSupport.tools()
        let video = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("vfr.mp4")
        try VideoSamples.makeVariableFrameRateVideo(at: video, from: VideoTestSupport.syntheticVideo, ffmpeg: tools.ffmpeg)
        let expected = try VideoSamples.frameTimes(of: video, ffprobe: tools.ffprobe)
        XCTAssertEqual(expected.count, 60)
        XCTAssertEqual(expected[11] - expected[10], 1.0 / 15, accuracy: 1e-6, "the file really changes rate")

        let reader = try VideoFrameReader(contentsOf: video, tools: tools)
        var times: [Double] = []
        while let frame = try reader.nextTimedFrame() {
            XCTAssertEqual(frame.index, times.count)
            XCTAssertEqual(frame.image.width, 480)
            XCTAssertEqual(frame.image.height, 360)
            times.append(frame.timestamp)
        }
        XCTAssertEqual(times.count, expected.count, "every frame once")
        let worst = zip(times, expected).map { abs($0 - $1) }.max() ?? .infinity
        print("variable frame rate: \(times.count) frames, worst difference from ffprobe's time \(worst) s")
        // Measured: 3.3e-7 s, ffprobe's 6-decimal rounding of the exact times k/60 (ours are exact).
        XCTAssertLessThanOrEqual(worst, 1e-6)
        XCTAssertNil(reader.earlyEnd)
    }

    /// `resamplingTo` gives a constant rate instead: frames at k / rate over the same span.
    func testResamplingGivesAConstantRate() throws {
        let tools = try VideoTestSupport.tools()
        let video = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("vfr.mp4")
        try VideoSamples.makeVariableFrameRateVideo(at: video, from: VideoTestSupport.syntheticVideo, ffmpeg: tools.ffmpeg)
        let reader = try VideoFrameReader(contentsOf: video, tools: tools, resamplingTo: try FrameRate(numerator: 10))
        XCTAssertEqual(reader.frameRate, try FrameRate(numerator: 10))
        var times: [Double] = []
        while let frame = try reader.nextTimedFrame() { times.append(frame.timestamp) }
        // The file spans 0 ... 2.55 s (last frame at 153/60 s, shown for 1/60 s): 26 frames at 10 fps.
        XCTAssertEqual(times.count, 26)
        for (index, time) in times.enumerated() { XCTAssertEqual(time, Double(index) / 10, accuracy: 1e-6) }
    }

    /// A quarter-turn display matrix: frames come out turned, 48×64 from a file stored 64×48.
    func testRotationMetadataIsApplied() throws {
        let tools = try VideoTestSupport.tools()
        let video = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("turned.mp4")
        try VideoSamples.makeRotatedVideo(at: video, ffmpeg: tools.ffmpeg)
        let reader = try VideoFrameReader(contentsOf: video, tools: tools)
        XCTAssertEqual(reader.width, 48)
        XCTAssertEqual(reader.height, 64)
        var count = 0
        while let frame = try reader.nextTimedFrame() {
            XCTAssertEqual(frame.image.width, 48)
            XCTAssertEqual(frame.image.height, 64)
            XCTAssertEqual(frame.timestamp, Double(count) / 10, accuracy: 1e-6)
            count += 1
        }
        XCTAssertEqual(count, 5)
    }

    func testDirectoryIsUnreadable() throws {
        let directory = VideoTestSupport.fixturesRoot.appendingPathComponent("Video")
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: directory, tools: try VideoTestSupport.tools())) { error in
            guard case .unreadableVideo? = error as? VideoError else {
                return XCTFail("expected unreadableVideo, got \(error)")
            }
        }
    }

    /// The fixture cut to its first tenth (header intact, most media data missing): the reader delivers exactly
    /// the frames a plain `ffmpeg` decode to rgb24 of the same file delivers (ffmpeg skips the damaged rest), at
    /// their own times, and reports that the file ended early.
    func testTruncatedVideoDeliversTheFramesFFmpegCanDecode() throws {
        let tools = try VideoTestSupport.tools()
        let data = try Data(contentsOf: VideoTestSupport.syntheticVideo)
        let truncated = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("cut.mp4")
        try data.prefix(data.count / 10).write(to: truncated)

        let plain = Process()
        plain.executableURL = tools.ffmpeg
        plain.arguments = ["-v", "quiet", "-i", truncated.path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        let output = Pipe()
        plain.standardOutput = output
        try plain.run()
        let decodedBytes = output.fileHandleForReading.readDataToEndOfFile().count
        plain.waitUntilExit()
        XCTAssertEqual(decodedBytes % (400 * 480 * 3), 0)
        let expectedFrames = decodedBytes / (400 * 480 * 3)
        XCTAssertGreaterThan(expectedFrames, 0)
        XCTAssertLessThan(expectedFrames, 90)

        let reader = try VideoFrameReader(contentsOf: truncated, tools: tools)
        var count = 0
        while let frame = try reader.nextTimedFrame() {
            XCTAssertEqual(frame.timestamp, Double(count) / 30, accuracy: 1e-6)
            count += 1
        }
        XCTAssertEqual(count, expectedFrames)
        let earlyEnd = try XCTUnwrap(reader.earlyEnd, "the file's data ends before the frames its index lists")
        XCTAssertEqual(earlyEnd.framesRead, count)
        XCTAssertEqual(earlyEnd.framesDeclared, 90)
        XCTAssertEqual(earlyEnd.cause?.hasSuffix("partial file"), true, earlyEnd.description)
        XCTAssertFalse(earlyEnd.description.contains(" @ 0x"), earlyEnd.description)
    }

    /// An MP4 whose index (`moov`, written last by most recorders) is missing: the first 2 kB of the issue's
    /// variable-rate file (index at the end), as a recording stopped before it was finished leaves it.
    func testFileWithoutItsIndexIsTruncated() throws {
        let tools = try VideoTestSupport.tools()
        let folder = try VideoTestSupport.temporaryDirectory(for: self)
        let whole = folder.appendingPathComponent("vfr.mp4"), truncated = folder.appendingPathComponent("head.mp4")
        try VideoSamples.makeVariableFrameRateVideo(at: whole, from: VideoTestSupport.syntheticVideo, ffmpeg: tools.ffmpeg)
        try Data(contentsOf: whole).prefix(2048).write(to: truncated)
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: truncated, tools: tools)) { error in
            XCTAssertEqual(error as? VideoError, .truncatedFile(path: truncated.path, cause: "moov atom not found"))
            XCTAssertEqual(String(describing: error), "cannot read video \(truncated.path): the file is truncated, "
                           + "its index is missing (ffmpeg: moov atom not found)")
        }
    }

    /// Under `CI=true` a missing ffmpeg fails the video tests; elsewhere they skip.
    func testMissingToolsFailUnderCI() {
        XCTAssertThrowsError(try VideoTestSupport.tools(environment: ["PATH": "/nonexistent-directory", "CI": "true"])) {
            XCTAssertEqual($0 as? VideoError, .ffmpegNotFound(tool: "ffmpeg"))
        }
        XCTAssertThrowsError(try VideoTestSupport.tools(environment: ["PATH": "/nonexistent-directory"])) {
            XCTAssertTrue($0 is XCTSkip, "\($0)")
        }
    }

    func testMissingToolsAreReported() {
        XCTAssertThrowsError(try FFmpegTools.locate(environment: ["PATH": "/nonexistent-directory"])) { error in
            XCTAssertEqual(error as? VideoError, .ffmpegNotFound(tool: "ffmpeg"))
        }
        XCTAssertThrowsError(try FFmpegTools.locate(environment: [:])) { error in
            XCTAssertEqual(error as? VideoError, .ffmpegNotFound(tool: "ffmpeg"))
        }
    }
}
