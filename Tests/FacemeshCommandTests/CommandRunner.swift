import Foundation
import XCTest
import ImageCodecs
import TestSupport

/// Runs the built `facemesh` executable as a child process and captures what it prints.
enum CommandRunner {
    /// What one run produced.
    struct Result {
        let status: Int32
        let standardOutput: Data
        let standardError: String
        /// Whether the process ended by exit (false: killed by a signal, i.e. a crash).
        let exited: Bool

        var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
        /// Non-empty lines of standard error.
        var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }
    }

    /// The repository root, from this file's location.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // FacemeshCommandTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// The `facemesh` binary beside the test bundle (SwiftPM puts products and the test bundle in the same
    /// `.build/<triple>/<configuration>/` directory). Missing: a skip outside CI, a failure under `CI=true`.
    static func executable() throws -> URL {
        var candidates: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let testBinary = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: testBinary).deletingLastPathComponent())
        }
        for directory in candidates {
            let binary = directory.appendingPathComponent("facemesh")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        }
        throw ContinuousIntegration.missing("facemesh binary not found beside the tests (searched \(candidates.map(\.path)))")
    }

    /// Runs `facemesh arguments…` from the repository root, feeding `input` on standard input (or nothing).
    static func run(_ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) throws -> Result {
        // Feeding a command that has already exited must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        if let environment { process.environment = environment }
        let stdinPipe = Pipe(), stdoutPipe = Pipe(), stderrPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        let group = DispatchGroup()
        let output = Collected(), errors = Collected()
        DispatchQueue.global().async(group: group) { output.data = stdoutPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errors.data = stderrPipe.fileHandleForReading.readDataToEndOfFile() }
        if let input {
            // The command may stop reading early; a broken pipe then only ends the feeding.
            DispatchQueue.global().async(group: group) {
                try? stdinPipe.fileHandleForWriting.write(contentsOf: input)
                try? stdinPipe.fileHandleForWriting.close()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, standardOutput: output.data,
                      standardError: String(decoding: errors.data, as: UTF8.self),
                      exited: process.terminationReason == .exit)
    }

    /// Bytes read on a background queue, handed over after `DispatchGroup.wait()` (which orders the accesses).
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    /// The FFmpeg tools on PATH. When they are not installed: under `CI=true` the error itself (the test fails),
    /// elsewhere an `XCTSkip`.
    static func requireFFmpeg() throws -> FFmpegTools {
        do {
            return try FFmpegTools.locate()
        } catch {
            if VideoSamples.toolsAreRequired() { throw error }
            throw XCTSkip("ffmpeg/ffprobe not installed: \(error)")
        }
    }

    /// A new empty temporary directory, removed when the test finishes.
    static func temporaryDirectory(for testCase: XCTestCase) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facemesh-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }
}
