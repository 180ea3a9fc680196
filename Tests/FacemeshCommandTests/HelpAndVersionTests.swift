import Foundation
import XCTest
@testable import facemesh

/// `facemesh --help` and each subcommand's help show examples; `--version` prints the version and the weights'
/// SHA-256, which agree with Weights/README.md.
final class HelpAndVersionTests: XCTestCase {
    func testEveryHelpShowsAnExample() throws {
        for (arguments, example) in [(["--help"], "facemesh image photo.jpg"),
                                     (["image", "--help"], "facemesh image Tests/Fixtures/Images/mpl_grace_hopper.jpg"),
                                     (["video", "--help"], "facemesh video clip.mp4 --out faces.jsonl"),
                                     (["batch", "--help"], "facemesh batch photos/ --output results/")] {
            let result = try CommandRunner.run(arguments)
            XCTAssertEqual(result.status, 0, result.standardError)
            XCTAssertTrue(result.outputText.contains("Examples:"), "\(arguments): \(result.outputText)")
            XCTAssertTrue(result.outputText.contains(example), "\(arguments): \(result.outputText)")
        }
    }

    /// The digests printed are those Weights/README.md lists, for every file it lists.
    func testVersionPrintsTheWeightDigests() throws {
        let result = try CommandRunner.run(["--version"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.outputText.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "facemesh \(VersionReport.version)")
        XCTAssertTrue(lines.dropFirst().first?.hasPrefix("weights: ") ?? false, result.outputText)
        let printed = Set(lines.dropFirst(2).map { $0.trimmingCharacters(in: .whitespaces) })
        let readme = try String(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent("Weights/README.md"),
                                encoding: .utf8)
        let documented = readme.split(separator: "\n").map(String.init).filter {
            $0.range(of: #"^[0-9a-f]{64}  \S+\.sfmw$"#, options: .regularExpression) != nil
        }
        XCTAssertGreaterThanOrEqual(documented.count, 4)
        for line in documented { XCTAssertTrue(printed.contains(line), "\(line) not printed; got \(printed)") }
    }

    /// FIPS 180-4's examples (one block, two blocks) and the empty message.
    func testSHA256KnownAnswers() {
        XCTAssertEqual(SHA256Digest.hex(of: Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hex(of: Data("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
