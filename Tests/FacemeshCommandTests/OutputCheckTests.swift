import Foundation
import XCTest

/// Outputs are checked before any work: a bad `--out`, `--overlay-video` or `image --overlay` fails at once with
/// one line and status 1, before a result is printed or a file written (issue #17, point 2).
final class OutputCheckTests: XCTestCase {
    private let video = "Tests/Fixtures/Video/synthetic_portrait.mp4"
    private let photo = "Tests/Fixtures/Images/mpl_grace_hopper.jpg"

    /// The two cases of the issue: an overlay in a missing folder printed 2 lines before failing, and an overlay
    /// with a .txt name left a `--out` file holding 2 of 90 frames.
    func testVideoOutputsAreCheckedBeforeTheFirstFrame() throws {
        _ = try CommandRunner.requireFFmpeg()
        let folder = try CommandRunner.temporaryDirectory(for: self)
        let missing = try CommandRunner.run(["video", video, "--model", "mesh",
                                             "--overlay-video", "/no/such/dir/o.mp4"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.standardOutput.count, 0, "no line before the failure")
        XCTAssertEqual(missing.errorLines,
                       ["facemesh: error: cannot write /no/such/dir/o.mp4: the folder /no/such/dir does not exist"])

        let out = folder.appendingPathComponent("res.jsonl"), text = folder.appendingPathComponent("o.txt")
        let wrongType = try CommandRunner.run(["video", video, "--model", "mesh", "--out", out.path,
                                               "--overlay-video", text.path])
        XCTAssertEqual(wrongType.status, 1)
        XCTAssertEqual(wrongType.errorLines,
                       ["facemesh: error: cannot write \(text.path): the name must end in .avi, .m4v, .mkv, .mov, .mp4"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "no res.jsonl")

        for (arguments, message) in [
            (["--out", "/no/such/dir/res.jsonl"], "cannot write /no/such/dir/res.jsonl: the folder /no/such/dir does not exist"),
            (["--out", folder.path], "cannot write \(folder.path): it is a directory"),
        ] {
            let result = try CommandRunner.run(["video", video, "--model", "mesh"] + arguments)
            XCTAssertEqual(result.status, 1)
            XCTAssertEqual(result.errorLines, ["facemesh: error: " + message])
        }
        let same = try CommandRunner.run(["video", video, "--out", out.path, "--overlay-video", out.path])
        XCTAssertEqual(same.status, 64, "a usage error")
        XCTAssertTrue(same.standardError.contains("same file"), same.standardError)
        let overwrite = try CommandRunner.run(["video", video, "--out", video])
        XCTAssertEqual(overwrite.status, 64, "a usage error")
        XCTAssertTrue(overwrite.standardError.contains("would replace the input video"), overwrite.standardError)
    }

    /// `image --overlay`: a missing folder or a name that is neither PNG nor JPEG fails before the photo is
    /// processed, and no JSON is printed.
    func testImageOverlayIsCheckedFirst() throws {
        let folder = try CommandRunner.temporaryDirectory(for: self)
        let text = folder.appendingPathComponent("o.txt")
        for (overlay, message) in [
            ("/no/such/dir/o.png", "cannot write /no/such/dir/o.png: the folder /no/such/dir does not exist"),
            (text.path, "cannot write \(text.path): the name must end in .png, .jpg, .jpeg"),
        ] {
            let result = try CommandRunner.run(["image", photo, "--overlay", overlay])
            XCTAssertEqual(result.status, 1)
            XCTAssertEqual(result.standardOutput.count, 0)
            XCTAssertEqual(result.errorLines, ["facemesh: error: " + message])
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    /// A successful run leaves exactly the asked-for files (no temporary sibling).
    func testSuccessfulRunLeavesOnlyTheResults() throws {
        _ = try CommandRunner.requireFFmpeg()
        let folder = try CommandRunner.temporaryDirectory(for: self)
        let input = Data(repeating: 90, count: 32 * 24 * 3 * 3)
        let result = try CommandRunner.run(["video", "-", "--size", "32x24", "--model", "mesh",
                                            "--out", folder.appendingPathComponent("res.jsonl").path,
                                            "--overlay-video", folder.appendingPathComponent("o.mkv").path],
                                           input: input)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["o.mkv", "res.jsonl"])
        let lines = try String(contentsOf: folder.appendingPathComponent("res.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
    }

    /// Interrupted (SIGINT, as Ctrl-C sends) while waiting for more raw frames: the command ends by the signal and
    /// its temporary --out and --overlay-video files are gone.
    func testInterruptedRunLeavesNoFiles() throws {
        _ = try CommandRunner.requireFFmpeg()
        let folder = try CommandRunner.temporaryDirectory(for: self)
        let process = Process()
        process.executableURL = try CommandRunner.executable()
        process.arguments = ["video", "-", "--size", "32x24", "--model", "mesh",
                             "--out", folder.appendingPathComponent("res.jsonl").path,
                             "--overlay-video", folder.appendingPathComponent("o.mp4").path]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(repeating: 90, count: 32 * 24 * 3 * 2))
        // Wait until both temporary files exist (the run has started), then interrupt.
        let deadline = Date().addingTimeInterval(30)
        while (try FileManager.default.contentsOfDirectory(atPath: folder.path)).count < 2, Date() < deadline {
            usleep(20_000)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).count, 2)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(process.terminationStatus, SIGINT)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }
}
