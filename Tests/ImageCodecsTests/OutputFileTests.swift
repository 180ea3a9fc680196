import Foundation
import XCTest
@testable import ImageCodecs

/// Result files that appear complete or not at all (`OutputFile`).
final class OutputFileTests: XCTestCase {
    private func folder() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("output-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    func testCommitReplacesTheDestinationAtOnce() throws {
        let folder = try folder()
        let url = folder.appendingPathComponent("result.jsonl")
        try Data("old\n".utf8).write(to: url)
        let file = try OutputFile(destination: url)
        XCTAssertEqual(file.temporaryURL.deletingLastPathComponent().path, folder.path, "same folder: atomic rename")
        try Data("new\n".utf8).write(to: file.temporaryURL)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "old\n", "untouched until the commit")
        try file.commit()
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "new\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["result.jsonl"])
        // An ordinary file's permissions (0666 less the umask), not mkstemp's 0600.
        let mask = umask(0)
        umask(mask)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        XCTAssertEqual(permissions, Int(0o666 & ~mask))
    }

    func testDiscardAndDroppingLeaveNothing() throws {
        let folder = try folder()
        let url = folder.appendingPathComponent("result.jsonl")
        let file = try OutputFile(destination: url)
        try Data("partial".utf8).write(to: file.temporaryURL)
        file.discard()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
        do { _ = try OutputFile(destination: url) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "dropped uncommitted")
    }

    func testBadDestinationsAreRefusedBeforeAnythingIsCreated() throws {
        let folder = try folder()
        XCTAssertThrowsError(try OutputFile(destination: URL(fileURLWithPath: "/nonexistent-directory/a.png"))) {
            XCTAssertEqual($0 as? OutputFileError, .folderMissing(path: "/nonexistent-directory/a.png"))
            XCTAssertEqual(String(describing: $0),
                           "cannot write /nonexistent-directory/a.png: the folder /nonexistent-directory does not exist")
        }
        XCTAssertThrowsError(try OutputFile(destination: folder)) {
            XCTAssertEqual($0 as? OutputFileError, .isDirectory(path: folder.path))
        }
        let text = folder.appendingPathComponent("overlay.txt")
        XCTAssertThrowsError(try OutputFile.check(text, acceptedExtensions: ["png", "jpg", "jpeg"])) {
            XCTAssertEqual($0 as? OutputFileError, .unsupportedExtension(path: text.path, accepted: ["png", "jpg", "jpeg"]))
            XCTAssertEqual(String(describing: $0), "cannot write \(text.path): the name must end in .png, .jpg, .jpeg")
        }
        XCTAssertNoThrow(try OutputFile.check(folder.appendingPathComponent("overlay.JPG"),
                                              acceptedExtensions: ["png", "jpg", "jpeg"]), "any case")
        // A file standing where the folder should be.
        let blocker = folder.appendingPathComponent("file")
        try Data().write(to: blocker)
        XCTAssertThrowsError(try OutputFile.check(blocker.appendingPathComponent("a.png"))) {
            XCTAssertEqual($0 as? OutputFileError, .folderMissing(path: blocker.appendingPathComponent("a.png").path))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["file"])
    }

    /// A destination that is not a regular file is written in place and never replaced or removed: committing or
    /// discarding an `OutputFile` for /dev/null leaves the device as it was (and the folder holds no new file).
    func testSpecialFilesAreWrittenInPlace() throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: "/dev").count
        for settle in [true, false] {
            let file = try OutputFile(destination: URL(fileURLWithPath: "/dev/null"))
            XCTAssertEqual(file.temporaryURL.path, "/dev/null")
            try Data("ignored".utf8).write(to: file.temporaryURL)
            if settle { try file.commit() } else { file.discard() }
            let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
            XCTAssertEqual(type, .typeCharacterSpecial)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "/dev").count, before)
    }
}
