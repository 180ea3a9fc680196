import Foundation
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
        while let frame = try reader.nextFrame() {
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

    func testTextFileIsUnreadable() throws {
        let text = VideoTestSupport.fixturesRoot.appendingPathComponent("Video/README.md")
        XCTAssertThrowsError(try VideoFrameReader(contentsOf: text, tools: try VideoTestSupport.tools())) { error in
            guard case .unreadableVideo(let message)? = error as? VideoError else {
                return XCTFail("expected unreadableVideo, got \(error)")
            }
            XCTAssertFalse(message.contains("\n"), "one line: \(message)")
        }
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
    /// the frames a plain `ffmpeg` decode to rgb24 of the same file delivers (ffmpeg skips the damaged rest).
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
        while try reader.nextFrame() != nil { count += 1 }
        XCTAssertEqual(count, expectedFrames)
    }

    /// Only the first 2 kB of the fixture: no decodable video at all.
    func testHeaderOnlyFileIsUnreadable() throws {
        let tools = try VideoTestSupport.tools()
        let data = try Data(contentsOf: VideoTestSupport.syntheticVideo)
        let truncated = try VideoTestSupport.temporaryDirectory(for: self).appendingPathComponent("head.mp4")
        try data.prefix(2048).write(to: truncated)
        XCTAssertThrowsError(try {
            let reader = try VideoFrameReader(contentsOf: truncated, tools: tools)
            while try reader.nextFrame() != nil {}
        }()) { error in
            switch error as? VideoError {
            case .unreadableVideo?, .noFrames?: break
            default: XCTFail("expected unreadableVideo or noFrames, got \(error)")
            }
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
