import Foundation
import XCTest

/// `facemesh batch`: the same faces as `facemesh image`, shards and resuming after kill -9, error lines, standard
/// input (paths and base64-jsonl), empty inputs, unwritable output and usage errors.
final class BatchCommandTests: XCTestCase {
    private let imagesDirectory = "Tests/Fixtures/Images"
    private let portrait = "Tests/Fixtures/Images/mpl_grace_hopper.jpg"

    /// Every image fixture (top level and `extra/`), in the batch's sorted order.
    private func fixturePaths() throws -> [String] {
        let root = CommandRunner.repositoryRoot.appendingPathComponent(imagesDirectory)
        let names = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
        return names.filter { ["jpg", "png"].contains(($0 as NSString).pathExtension) }
            .map { imagesDirectory + "/" + $0 }.sorted()
    }

    private func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    private func object(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
    }

    /// `n` copies of the portrait named photo-000.jpg, ... in a new directory.
    private func copiesOfThePortrait(_ count: Int) throws -> URL {
        let directory = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = CommandRunner.repositoryRoot.appendingPathComponent(portrait)
        for index in 0..<count {
            try FileManager.default.copyItem(at: source,
                                             to: directory.appendingPathComponent(String(format: "photo-%03d.jpg", index)))
        }
        return directory
    }

    /// Each line is `{"path":P,` followed by exactly what `facemesh image P` prints (same options), for every
    /// fixture photo, in sorted order.
    func testLinesEqualTheImageCommandPerFile() throws {
        let options = ["--max-faces", "3"]
        let batch = try CommandRunner.run(["batch", imagesDirectory, "--jobs", "2"] + options)
        XCTAssertEqual(batch.status, 0, batch.standardError)
        let batchLines = lines(batch.outputText)
        let paths = try fixturePaths()
        XCTAssertEqual(batchLines.count, paths.count)
        XCTAssertEqual(paths.count, 8)
        for (line, path) in zip(batchLines, paths) {
            let image = try CommandRunner.run(["image", path] + options)
            XCTAssertEqual(image.status, 0, image.standardError)
            let document = image.outputText.trimmingCharacters(in: .newlines)
            XCTAssertEqual(line, "{\"path\":\"\(path)\"," + document.dropFirst(), path)
        }
        XCTAssertEqual(batch.errorLines.count, 1, batch.standardError)
        XCTAssertTrue(batch.standardError.contains("8 photos processed"), batch.standardError)
        XCTAssertTrue(batch.standardError.contains("0 errors"), batch.standardError)
        // Three faces on the montage, one each on the two portraits and the astronaut.
        XCTAssertTrue(batch.standardError.contains("6 faces"), batch.standardError)
    }

    /// The model options are `image`'s own option group: with `--model v2 --blendshapes` each line still equals the
    /// `image` document (blendshapes included).
    func testModelOptionsFollowTheImageCommand() throws {
        let options = ["--model", "v2", "--blendshapes", "--max-faces", "3"]
        let paths = [portrait, imagesDirectory + "/extra/faces_montage3.png"]
        let batch = try CommandRunner.run(["batch"] + paths + options)
        XCTAssertEqual(batch.status, 0, batch.standardError)
        let batchLines = lines(batch.outputText)
        XCTAssertEqual(batchLines.count, 2)
        for (line, path) in zip(batchLines, paths.sorted()) {
            let image = try CommandRunner.run(["image", path] + options)
            XCTAssertEqual(image.status, 0, image.standardError)
            XCTAssertEqual(line, "{\"path\":\"\(path)\"," + image.outputText.trimmingCharacters(in: .newlines).dropFirst())
            XCTAssertTrue(line.contains("\"blendshapes\""), path)
        }
    }

    /// Directories yield WebP files too, and `--ignore-orientation` (shared with `image`) acts the same: each line
    /// is the `image` document for that file with and without the flag; the EXIF-rotated file changes its size.
    func testWebPAndOrientationFollowTheImageCommand() throws {
        let directory = try CommandRunner.temporaryDirectory(for: self)
        for name in ["exif_orientation_6.webp", "lossless.webp"] {
            try FileManager.default.copyItem(
                at: CommandRunner.fixtures.appendingPathComponent("ImageCodecs/" + name),
                to: directory.appendingPathComponent(name.uppercased()))
        }
        var sizes: [[Int]] = []
        for flags in [[], ["--ignore-orientation"]] {
            let batch = try CommandRunner.run(["batch", directory.path, "--jobs", "2"] + flags)
            XCTAssertEqual(batch.status, 0, batch.standardError)
            let batchLines = lines(batch.outputText)
            XCTAssertEqual(batchLines.count, 2, batch.standardError)
            for (line, name) in zip(batchLines, ["EXIF_ORIENTATION_6.WEBP", "LOSSLESS.WEBP"]) {
                let path = directory.appendingPathComponent(name).path
                let image = try CommandRunner.run(["image", path] + flags)
                XCTAssertEqual(image.status, 0, image.standardError)
                XCTAssertEqual(line, "{\"path\":\"\(path)\"," + image.outputText.trimmingCharacters(in: .newlines).dropFirst())
            }
            let first = try object(batchLines[0])
            sizes.append([try XCTUnwrap(first["width"] as? Int), try XCTUnwrap(first["height"] as? Int)])
        }
        XCTAssertEqual(sizes[0], sizes[1].reversed(), "orientation 6 turns the picture by 90 degrees")
    }

    /// --output writes shards of --shard-size lines with their statistics; killed with SIGKILL after the first
    /// shard is complete, a rerun skips the finished shards and ends with exactly one line per input.
    func testShardsResumeAfterKill() throws {
        let photos = try copiesOfThePortrait(60)
        let output = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("out")
        let arguments = ["batch", photos.path, "--output", output.path, "--shard-size", "4", "--jobs", "1"]
        let firstStatistics = output.appendingPathComponent("shard-00000.stats.json")

        let process = Process()
        process.executableURL = try CommandRunner.executable()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: firstStatistics.path) && Date() < deadline && process.isRunning {
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the batch must still be running when killed")
        let statisticsAfterKill = try FileManager.default.contentsOfDirectory(atPath: output.path)
            .filter { $0.hasSuffix(".stats.json") }
        XCTAssertGreaterThanOrEqual(statisticsAfterKill.count, 1)
        XCTAssertLessThan(statisticsAfterKill.count, 15, "killed before the end")

        let rerun = try CommandRunner.run(arguments)
        XCTAssertEqual(rerun.status, 0, rerun.standardError)
        XCTAssertEqual(rerun.standardOutput.count, 0)
        XCTAssertTrue(rerun.standardError.contains("(\(statisticsAfterKill.count * 4) skipped"), rerun.standardError)
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        XCTAssertEqual(names, (0..<15).flatMap { [String(format: "shard-%05d.jsonl", $0),
                                                  String(format: "shard-%05d.stats.json", $0)] }.sorted(),
                       "15 shards, no temporary files left")
        var paths: [String] = []
        for shard in 0..<15 {
            let shardLines = lines(try String(contentsOf: output.appendingPathComponent(String(format: "shard-%05d.jsonl", shard)),
                                              encoding: .utf8))
            XCTAssertEqual(shardLines.count, 4)
            for line in shardLines {
                let record = try object(line)
                XCTAssertEqual((record["faces"] as? [Any])?.count, 1, line.prefix(200) + "")
                paths.append(try XCTUnwrap(record["path"] as? String))
            }
            let statistics = try object(try String(contentsOf: output.appendingPathComponent(
                String(format: "shard-%05d.stats.json", shard)), encoding: .utf8))
            XCTAssertEqual(statistics["inputs"] as? Int, 4)
            XCTAssertEqual(statistics["faces"] as? Int, 4)
            XCTAssertEqual(statistics["errors"] as? Int, 0)
        }
        XCTAssertEqual(paths, (0..<60).map { photos.path + "/" + String(format: "photo-%03d.jpg", $0) },
                       "exactly one line per input, in input order")

        // A third run has nothing to do; --overwrite starts over.
        let third = try CommandRunner.run(arguments)
        XCTAssertTrue(third.standardError.contains("0 photos processed (60 skipped"), third.standardError)
        let again = try CommandRunner.run(arguments + ["--overwrite"])
        XCTAssertTrue(again.standardError.contains("60 photos processed (0 skipped"), again.standardError)
    }

    /// Unreadable, truncated, non-image and missing inputs give error lines; the batch goes on and exits 0.
    func testBadFilesBecomeErrorLines() throws {
        let directory = try CommandRunner.temporaryDirectory(for: self)
        let good = CommandRunner.repositoryRoot.appendingPathComponent(portrait)
        try FileManager.default.copyItem(at: good, to: directory.appendingPathComponent("a_good.JPG"))
        try Data("not an image".utf8).write(to: directory.appendingPathComponent("b_text.jpg"))
        try Data(try Data(contentsOf: good).prefix(2_000)).write(to: directory.appendingPathComponent("c_truncated.jpeg"))
        try Data().write(to: directory.appendingPathComponent("d_empty.png"))
        try Data("ignored: not an image extension".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        // Quotes, a tab and non-ASCII letters in a path come back intact (JSON-escaped).
        let missing = directory.appendingPathComponent("z_missing \"quoted\"\tdé.jpg").path
        let result = try CommandRunner.run(["batch", directory.path, missing, "--jobs", "2"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let records = try lines(result.outputText).map(object)
        XCTAssertEqual(records.compactMap { ($0["path"] as? NSString)?.lastPathComponent },
                       ["a_good.JPG", "b_text.jpg", "c_truncated.jpeg", "d_empty.png", "z_missing \"quoted\"\tdé.jpg"])
        XCTAssertEqual(records.last?["path"] as? String, missing)
        XCTAssertEqual((records[0]["faces"] as? [Any])?.count, 1)
        for (record, word) in zip(records.dropFirst(), ["leading bytes", "truncated", "empty", "no such"]) {
            XCTAssertEqual(Set(record.keys), ["path", "error"])
            let message = try XCTUnwrap(record["error"] as? String)
            XCTAssertTrue(message.localizedCaseInsensitiveContains(word), "\(message) should mention \(word)")
        }
        XCTAssertTrue(result.standardError.contains("5 photos processed (0 skipped: shards done earlier), 4 errors"),
                      result.standardError)
    }

    /// `-` reads newline-separated paths (files or directories; blank lines, repeats and CRLF are fine): the same
    /// output as the paths given as arguments.
    func testPathsOnStandardInput() throws {
        let listed = try CommandRunner.run(["batch", imagesDirectory, "--jobs", "2"])
        let stdin = "\(portrait)\r\n\n\(imagesDirectory)/\n\(portrait)\n"
        let piped = try CommandRunner.run(["batch", "-", "--jobs", "2"], input: Data(stdin.utf8))
        XCTAssertEqual(piped.status, 0, piped.standardError)
        XCTAssertEqual(lines(piped.outputText).count, 8)
        // `imagesDirectory + "/"` lists the same paths as `imagesDirectory`.
        XCTAssertEqual(piped.outputText, listed.outputText)
    }

    /// `--stdin-format base64-jsonl`: the bytes come with each line (Spark's binaryFiles); arrival order is kept
    /// and a malformed line becomes an error line.
    func testBase64JSONLinesOnStandardInput() throws {
        let paths = try fixturePaths().reversed()
        var input = ""
        for path in paths {
            let bytes = try Data(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent(path))
            input += "{\"path\":\"s3://bucket/\(path)\",\"data\":\"\(bytes.base64EncodedString())\"}\n"
        }
        input += "{\"path\":\"s3://bucket/broken.jpg\",\"data\":\"@@@\"}\nnot json\n"
        let result = try CommandRunner.run(["batch", "--stdin-format", "base64-jsonl", "-"], input: Data(input.utf8))
        XCTAssertEqual(result.status, 0, result.standardError)
        let streamed = lines(result.outputText)
        XCTAssertEqual(streamed.count, paths.count + 2)
        let reference = lines(try CommandRunner.run(["batch", imagesDirectory]).outputText)
        XCTAssertEqual(Array(streamed.prefix(paths.count)),
                       reference.reversed().map { $0.replacingOccurrences(of: "{\"path\":\"", with: "{\"path\":\"s3://bucket/") })
        XCTAssertEqual(try object(streamed[paths.count])["path"] as? String, "s3://bucket/broken.jpg")
        XCTAssertNotNil(try object(streamed[paths.count])["error"])
        XCTAssertEqual(try object(streamed[paths.count + 1])["path"] as? String, "stdin:\(paths.count + 2)")
    }

    /// An empty directory or empty standard input is a completed batch of nothing: exit 0, no lines, no shards.
    func testEmptyInputList() throws {
        let directory = try CommandRunner.temporaryDirectory(for: self)
        let output = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("empty"), withIntermediateDirectories: true)
        for (arguments, input) in [(["batch", directory.appendingPathComponent("empty").path], nil),
                                   (["batch", "-", "--output", output.path], Data()),
                                   (["batch", "--stdin-format", "base64-jsonl", "-"], Data())] as [([String], Data?)] {
            let result = try CommandRunner.run(arguments, input: input)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardOutput.count, 0)
            XCTAssertTrue(result.standardError.contains("0 photos processed"), result.standardError)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output.path), [])
    }

    /// An output directory that cannot be created is reported on one line with status 1, before any work.
    func testUnwritableOutputFails() throws {
        let file = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("a_file")
        try Data().write(to: file)
        let result = try CommandRunner.run(["batch", portrait, "--output", file.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.errorLines.count, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("Not a directory"), result.standardError)
        XCTAssertEqual(result.standardOutput.count, 0)
    }

    /// Usage errors end with status 1 (the batch contract), one message, no output.
    func testUsageErrorsExitWithOne() throws {
        for arguments in [["batch", portrait, "--jobs", "0"], ["batch", portrait, "--shard-size", "0"],
                          ["batch", portrait, "--stdin-format", "base64-jsonl"], ["batch"],
                          ["batch", portrait, "--overwrite"], ["batch", portrait, "--no-such-option"],
                          ["batch", portrait, "--model", "tiny"]] {
            let result = try CommandRunner.run(arguments)
            XCTAssertTrue(result.exited)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardOutput.count, 0)
            XCTAssertFalse(result.standardError.isEmpty)
        }
    }
}
