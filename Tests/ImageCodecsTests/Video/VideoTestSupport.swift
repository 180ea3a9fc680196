import Foundation
import TestSupport
import XCTest
@testable import ImageCodecs

/// Fixtures and helpers shared by the video tests.
enum VideoTestSupport {
    /// Tests/Fixtures, found from this source file's location.
    static let fixturesRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Video
        .deletingLastPathComponent()  // ImageCodecsTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures")

    /// 90 frames, 400×480, 30 fps, H.264 (Tests/Fixtures/Video/README.md).
    static let syntheticVideo = fixturesRoot.appendingPathComponent("Video/synthetic_portrait.mp4")

    /// The FFmpeg tools on PATH. When they are not installed: under `CI=true` the error itself (the test fails),
    /// elsewhere an `XCTSkip`.
    static func tools(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FFmpegTools {
        do {
            return try FFmpegTools.locate(environment: environment)
        } catch {
            if VideoSamples.toolsAreRequired(environment) { throw error }
            throw XCTSkip("ffmpeg/ffprobe not installed: \(error)")
        }
    }

    /// SHA-256 of `bytes` as lowercase hex, computed by coreutils' `sha256sum` (an implementation independent of
    /// this package).
    static func sha256(_ bytes: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
        writer.start()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    /// A new empty temporary directory, removed when the test case finishes.
    static func temporaryDirectory(for testCase: XCTestCase) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("facemesh-video-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }
}
