import Foundation
import TestSupport
import XCTest
import ImageCodecs

/// `facemesh video`: tracking through the synthetic fixture, every frame of a variable-rate file at its own time,
/// raw standard input, errors, early end, overlay video.
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
            XCTAssertEqual([frame.width, frame.height], [400, 480])
            XCTAssertEqual(frame.faces.count, 1, "frame \(index)")
            guard let face = frame.faces.first else { continue }
            try FaceObjectChecks.assertPlausible(face, width: 400, height: 480, count: 468)
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
        XCTAssertTrue(frames.allSatisfy { $0.width == 400 && $0.height == 480 })
        let info = try VideoProbe.probe(overlay, tools: tools)
        XCTAssertEqual(info.width, 400)
        XCTAssertEqual(info.height, 480)
        XCTAssertEqual(info.expectedFrameCount, 3)
        XCTAssertEqual(info.frameRate.framesPerSecond, 12.5, accuracy: 1e-9)
    }

    /// Issue #17's variable-frame-rate file (blocks of 10 frames alternating 60 and 15 fps), tracked with One Euro
    /// smoothing (which takes the real times): one line per stored frame, in order, with the time ffprobe reports
    /// for that frame, and the frame size in every line.
    func testVariableFrameRateGivesEveryFrameItsOwnTime() throws {
        let tools = try CommandRunner.requireFFmpeg()
        let folder = try CommandRunner.temporaryDirectory(for: self)
        let vfr = folder.appendingPathComponent("vfr.mp4")
        try VideoSamples.makeVariableFrameRateVideo(at: vfr, from: CommandRunner.repositoryRoot.appendingPathComponent(video),
                                                    ffmpeg: tools.ffmpeg)
        let expected = try VideoSamples.frameTimes(of: vfr, ffprobe: tools.ffprobe)
        XCTAssertEqual(expected.count, 60)
        let overlay = folder.appendingPathComponent("overlay.mp4")
        let result = try CommandRunner.run(["video", vfr.path, "--model", "mesh", "--smoothing", "one-euro",
                                            "--overlay-video", overlay.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardError, "")
        let lines = try result.outputText.split(separator: "\n").map {
            try JSONDecoder().decode(FrameLine.self, from: Data($0.utf8))
        }
        XCTAssertEqual(lines.count, expected.count, "every frame once")
        XCTAssertEqual(lines.map(\.frame), Array(0..<lines.count))
        let worst = zip(lines.map(\.timestamp), expected).map { abs($0 - $1) }.max() ?? .infinity
        print("video command, variable frame rate: worst difference from ffprobe's frame time \(worst) s")
        // Measured: 0 s (both sides print the exact time rounded to 6 decimals); the bound is one unit of the last
        // printed decimal (issue #17 asks for 1 ms).
        XCTAssertLessThanOrEqual(worst, 1e-6)
        XCTAssertTrue(lines.allSatisfy { $0.width == 480 && $0.height == 360 })
        XCTAssertEqual(lines.filter { $0.faces.count == 1 }.count, 60, "the face is tracked through the rate changes")
        XCTAssertEqual(try VideoProbe.probe(overlay, tools: tools).expectedFrameCount, 60, "one overlay frame per line")

        // --fps resamples instead: a constant 10 fps over the file's 2.55 s.
        let resampled = try CommandRunner.run(["video", vfr.path, "--model", "mesh", "--fps", "10"])
        XCTAssertEqual(resampled.status, 0, resampled.standardError)
        let times = try resampled.outputText.split(separator: "\n").map {
            try JSONDecoder().decode(FrameLine.self, from: Data($0.utf8)).timestamp
        }
        XCTAssertEqual(times, (0..<26).map { Double($0) / 10 })
    }

    /// A file stored 64×48 with a quarter-turn display matrix is processed turned: every line says 48×64.
    func testLinesCarryTheSizeAfterRotation() throws {
        let tools = try CommandRunner.requireFFmpeg()
        let turned = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("turned.mp4")
        try VideoSamples.makeRotatedVideo(at: turned, ffmpeg: tools.ffmpeg)
        let result = try CommandRunner.run(["video", turned.path, "--model", "mesh"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = try result.outputText.split(separator: "\n").map {
            try JSONDecoder().decode(FrameLine.self, from: Data($0.utf8))
        }
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines.allSatisfy { $0.width == 48 && $0.height == 64 }, result.outputText)
    }

    /// Our own one-line message for each kind of unreadable file, with ffmpeg's text only as a short cause and
    /// never a `[component @ 0x…]` prefix; nothing on standard output.
    func testUnreadableFilesGiveOneLineOfOurOwn() throws {
        let tools = try CommandRunner.requireFFmpeg()
        let folder = try CommandRunner.temporaryDirectory(for: self)
        let empty = folder.appendingPathComponent("empty.mp4")
        try Data().write(to: empty)
        let cut = folder.appendingPathComponent("cut.mp4")
        let whole = folder.appendingPathComponent("vfr.mp4")
        try VideoSamples.makeVariableFrameRateVideo(at: whole, from: CommandRunner.repositoryRoot.appendingPathComponent(video),
                                                    ffmpeg: tools.ffmpeg)
        try Data(contentsOf: whole).prefix(2048).write(to: cut)
        let unknown = folder.appendingPathComponent("unknown.mkv")
        try VideoSamples.makeUnknownCodecVideo(at: unknown, ffmpeg: tools.ffmpeg)
        let audio = folder.appendingPathComponent("tone.m4a")
        try VideoSamples.makeAudioOnlyFile(at: audio, ffmpeg: tools.ffmpeg)
        let readme = CommandRunner.fixtures.appendingPathComponent("Video/README.md")
        let cases = [
            (empty, "cannot read video \(empty.path): the file is empty (0 bytes)"),
            (readme, "cannot read video \(readme.path): not a video file (ffmpeg: Invalid data found when processing input)"),
            (cut, "cannot read video \(cut.path): the file is truncated, its index is missing (ffmpeg: moov atom not found)"),
            (unknown, "cannot read video \(unknown.path): its codec (QQQ9) is not one this ffmpeg can decode"),
            (audio, "cannot read video \(audio.path): the file has no video stream"),
        ]
        for (file, message) in cases {
            let result = try CommandRunner.run(["video", file.path])
            XCTAssertTrue(result.exited)
            XCTAssertEqual(result.status, 1, file.lastPathComponent)
            XCTAssertEqual(result.errorLines, ["facemesh: error: " + message])
            XCTAssertFalse(result.standardError.contains("0x"), result.standardError)
            XCTAssertEqual(result.standardOutput.count, 0)
        }
    }

    /// An MP4 whose index is intact but whose data stops at a tenth: the frames that are there are tracked (exit
    /// 0, as ffmpeg itself does), and one warning line says how many frames were read and that the file ended early.
    func testTruncatedFileEndsEarlyWithASummary() throws {
        let tools = try CommandRunner.requireFFmpeg()
        let cut = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("cut.mp4")
        try VideoSamples.makeTruncatedVideo(at: cut, from: CommandRunner.repositoryRoot.appendingPathComponent(video),
                                            fraction: 0.1, ffmpeg: tools.ffmpeg)
        let result = try CommandRunner.run(["video", cut.path, "--model", "mesh"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.outputText.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 0)
        XCTAssertLessThan(lines.count, 90)
        XCTAssertEqual(result.errorLines.count, 1, result.standardError)
        let warning = try XCTUnwrap(result.errorLines.first)
        XCTAssertTrue(warning.hasPrefix("facemesh: warning: \(cut.path) ended early: read \(lines.count) of the 90 "
                                        + "frames its index lists (ffmpeg: "), warning)
        XCTAssertFalse(warning.contains(" @ 0x"), warning)
    }

    /// A run that fails part-way (raw input ending inside a frame) leaves no --out file: the folder stays empty.
    func testFailedRunLeavesNoResultFile() throws {
        let tools = try CommandRunner.requireFFmpeg()
        var input = try frames(of: tools, count: 2)
        input.append(contentsOf: [UInt8](repeating: 128, count: 1000))
        let folder = try CommandRunner.temporaryDirectory(for: self)
        let out = folder.appendingPathComponent("res.jsonl"), overlay = folder.appendingPathComponent("o.mp4")
        let result = try CommandRunner.run(["video", "-", "--size", "400x480", "--model", "mesh", "--out", out.path,
                                            "--overlay-video", overlay.path], input: input)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.errorLines.count, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("partial frame"), result.standardError)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
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
