import Foundation
import XCTest
import ImageCodecs

/// `facemesh video`: tracking through the synthetic fixture, raw standard input, errors, overlay video.
final class VideoCommandTests: XCTestCase {
    private let video = "Tests/Fixtures/Video/synthetic_portrait.mp4"

    private struct VideoReference: Decodable {
        struct Frame: Decodable {
            let index: Int
            let faces: [MediaPipeLandmarks.Face]
        }
        let frames: [Frame]
    }

    private func frames(of tools: FFmpegTools, count: Int) throws -> Data {
        let reader = try VideoFrameReader(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent(video),
                                          tools: tools)
        var data = Data()
        for _ in 0..<count { data.append(contentsOf: try XCTUnwrap(try reader.nextFrame()).pixels) }
        reader.close()
        return data
    }

    /// All 90 frames, one JSON line each with one face, tracked close to MediaPipe's legacy FaceMesh in video mode
    /// (Tests/Fixtures/Video/synthetic_portrait_mediapipe_mesh.json).
    func testSyntheticVideoToFile() throws {
        _ = try CommandRunner.requireFFmpeg()
        let out = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("frames.jsonl")
        let result = try CommandRunner.run(["video", video, "--model", "mesh", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput.count, 0, "lines go to --out")
        XCTAssertEqual(result.standardError, "", "no progress bar when standard error is not a terminal")

        OutputSchemas.assertValid(try Data(contentsOf: out), printedBy: "video")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 90)
        let referenceURL = CommandRunner.fixtures.appendingPathComponent("Video/synthetic_portrait_mediapipe_mesh.json")
        let reference = try JSONDecoder().decode(VideoReference.self, from: Data(contentsOf: referenceURL))
        var errors: [Double] = []
        for (index, line) in lines.enumerated() {
            let data = Data(line.utf8)
            try FaceObjectChecks.assertKeys(data)
            let frame = try JSONDecoder().decode(FrameLine.self, from: data)
            XCTAssertEqual(frame.frame, index)
            XCTAssertEqual(frame.timestamp, Double(index) / 30, accuracy: 1e-6)
            XCTAssertEqual(frame.faces.count, 1, "frame \(index)")
            guard let face = frame.faces.first else { continue }
            try FaceObjectChecks.assertPlausible(face, width: 400, height: 480, count: 468)
            XCTAssertEqual(face.id, 0, "the one face keeps its first id while tracked (frame \(index))")
            errors.append(FaceObjectChecks.meanDistanceOverEyeSpan(face.landmarks, reference.frames[index].faces[0].landmarks))
        }
        XCTAssertLessThanOrEqual(errors.max() ?? 1, 0.03, "worst frame vs MediaPipe (fraction of the eye span)")
        XCTAssertLessThanOrEqual(errors.reduce(0, +) / Double(max(1, errors.count)), 0.01, "mean over frames")
    }

    /// Raw frames on standard input ending in a partial frame: the complete frames are written, then one error
    /// line and exit status 1.
    func testRawInputWithPartialFrame() throws {
        let tools = try CommandRunner.requireFFmpeg()
        var input = try frames(of: tools, count: 2)
        input.append(contentsOf: [UInt8](repeating: 128, count: 1000))
        let result = try CommandRunner.run(["video", "-", "--size", "400x480", "--model", "mesh"], input: input)
        XCTAssertTrue(result.exited)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.errorLines.count, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("partial frame"), result.standardError)
        let lines = result.outputText.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        for (index, line) in lines.enumerated() {
            let frame = try JSONDecoder().decode(FrameLine.self, from: Data(line.utf8))
            XCTAssertEqual(frame.frame, index)
            XCTAssertEqual(frame.faces.count, 1)
        }
    }

    /// Raw input at 12.5 fps with an overlay video: timestamps follow --fps and the overlay has every frame.
    func testRawInputWithOverlayVideo() throws {
        let tools = try CommandRunner.requireFFmpeg()
        let input = try frames(of: tools, count: 3)
        let overlay = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("overlay.mp4")
        let result = try CommandRunner.run(["video", "-", "--size", "400x480", "--fps", "12.5", "--model", "mesh",
                                            "--overlay-video", overlay.path], input: input)
        XCTAssertEqual(result.status, 0, result.standardError)
        let frames = try result.outputText.split(separator: "\n").map {
            try JSONDecoder().decode(FrameLine.self, from: Data($0.utf8))
        }
        XCTAssertEqual(frames.map(\.timestamp), [0, 0.08, 0.16])
        let info = try VideoProbe.probe(overlay, tools: tools)
        XCTAssertEqual(info.width, 400)
        XCTAssertEqual(info.height, 480)
        XCTAssertEqual(info.expectedFrameCount, 3)
        XCTAssertEqual(info.frameRate.framesPerSecond, 12.5, accuracy: 1e-9)
    }

    func testUnreadableInputsFail() throws {
        _ = try CommandRunner.requireFFmpeg()
        for (arguments, word) in [(["video", "Tests/Fixtures/Video/no_such.mp4"], "no_such.mp4"),
                                  (["video", "Tests/Fixtures/Video/README.md"], "cannot read video")] {
            let result = try CommandRunner.run(arguments)
            XCTAssertTrue(result.exited)
            XCTAssertEqual(result.status, 1, "\(arguments)")
            XCTAssertEqual(result.errorLines.count, 1, result.standardError)
            XCTAssertTrue(result.standardError.contains(word), result.standardError)
            XCTAssertEqual(result.standardOutput.count, 0)
        }
    }

    func testEmptyRawInputHasNoFrames() throws {
        let result = try CommandRunner.run(["video", "-", "--size", "8x8"], input: Data())
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.errorLines.count, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("no frames"), result.standardError)
    }

    /// Without ffmpeg on PATH the command says so (one line, status 1).
    func testMissingFFmpegIsReported() throws {
        let result = try CommandRunner.run(["video", video], environment: ["PATH": "/nonexistent-directory"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.errorLines.count, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("ffmpeg not found"), result.standardError)
    }

    func testRawInputNeedsASize() throws {
        let result = try CommandRunner.run(["video", "-"], input: Data())
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.standardError.contains("--size"), result.standardError)
    }
}
