import Foundation

/// The LiteRT child process (`Tools/litert_bench.py`) and its line protocol over stdin/stdout:
/// `load <workload> <file>...` → `ok <workload> <max |diff|>`, `time <workload> <runs>` → `times <workload> <ms>...`,
/// `quit`. The child answers `error <message>` on failure; its stderr goes to a temporary log shown on failure.
final class LiteRTProcess {
    /// The workloads the child offers (from its `ready` line).
    private(set) var workloads: [String] = []

    private let process = Process()
    private let requests = Pipe()
    private let replies = Pipe()
    private let logURL: URL
    private var pending = Data()

    /// Starts `python script` and waits for its `ready` line (the first start may download the MediaPipe wheel).
    init(python: URL, script: URL) throws {
        logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("bench-litert-\(ProcessInfo.processInfo.processIdentifier).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = python
        process.arguments = [script.path]
        process.standardInput = requests
        process.standardOutput = replies
        process.standardError = try FileHandle(forWritingTo: logURL)
        do { try process.run() } catch {
            throw BenchError.litert("cannot start \(python.path): \(error.localizedDescription)")
        }
        let ready = try readWords()
        guard ready.first == "ready" else { throw BenchError.litert("unexpected first line: \(ready.joined(separator: " "))") }
        workloads = Array(ready.dropFirst())
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: logURL)
    }

    /// Sends the input files of `workload`; returns the child's largest |difference| to the reference outputs
    /// beside the first file ("-" when there are none).
    func load(_ workload: String, inputs: [URL]) throws -> String {
        for input in inputs where input.path.contains(where: \.isWhitespace) {
            throw BenchError.litert("input path contains whitespace, which the line protocol cannot carry: \(input.path)")
        }
        try send("load \(workload) " + inputs.map(\.path).joined(separator: " "))
        let reply = try readWords()
        guard reply.count == 3, reply[0] == "ok", reply[1] == workload else {
            throw BenchError.litert("unexpected reply to load \(workload): \(reply.joined(separator: " "))")
        }
        return reply[2]
    }

    /// Runs `workload` `runs` times in the child; one time per inference, in milliseconds.
    func time(_ workload: String, runs: Int) throws -> [Double] {
        try send("time \(workload) \(runs)")
        let reply = try readWords()
        guard reply.count == runs + 2, reply[0] == "times", reply[1] == workload else {
            throw BenchError.litert("unexpected reply to time \(workload): \(reply.prefix(4).joined(separator: " "))…")
        }
        return try reply.dropFirst(2).map {
            guard let value = Double($0), value >= 0 else { throw BenchError.litert("bad time '\($0)'") }
            return value
        }
    }

    /// Asks the child to exit and waits for it.
    func close() {
        try? send("quit")
        try? requests.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func send(_ line: String) throws {
        do { try requests.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8)) } catch {
            throw BenchError.litert("the child process is gone (\(error.localizedDescription)); \(logTail())")
        }
    }

    /// The next reply line split into words; throws on end of output or an `error` reply.
    private func readWords() throws -> [String] {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix("error ") {
                    throw BenchError.litert("the child reports: \(line.dropFirst(6)); \(logTail())")
                }
                return line.split(separator: " ").map(String.init)
            }
            let chunk = replies.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                throw BenchError.litert("the child exited (status \(process.terminationStatus)) without replying (is ai-edge-litert installed in that Python? see Tools/requirements-litert.txt); \(logTail())")
            }
            pending.append(chunk)
        }
    }

    /// The last lines of the child's stderr, without LiteRT's INFO chatter.
    private func logTail() -> String {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("INFO:") }.suffix(8)
        return lines.isEmpty ? "its stderr is empty" : "its stderr ends with:\n" + lines.joined(separator: "\n")
    }
}
