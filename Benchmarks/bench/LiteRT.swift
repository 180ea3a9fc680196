import Foundation

/// Ours against LiteRT on one workload, measured in alternating rounds in the same session.
struct LiteRTComparisonRow {
    let name: String
    let ours: TimingSummary
    let litert: TimingSummary
    /// LiteRT's largest |difference| to the fixture outputs for this input ("-" when the fixture has none).
    let litertCheck: String

    /// Per round, our median over LiteRT's in that round: the two sides of a round ran seconds apart at most, so
    /// these ratios move much less with a host whose speed changes from minute to minute than the overall medians.
    let roundRatios: [Double]

    /// Our median over LiteRT's (below 1: we are faster).
    var ratio: Double { ours.medianMilliseconds / litert.medianMilliseconds }

    /// The median of the per-round ratios, with their 25th and 75th percentiles.
    var pairedRatio: (median: Double, lowerQuartile: Double, upperQuartile: Double) {
        let sorted = SortedSamples(roundRatios)
        return (sorted.percentile(0.5), sorted.percentile(0.25), sorted.percentile(0.75))
    }
}

/// Times each workload alternately with our runtime and with LiteRT (round r: ours first when r is even, LiteRT
/// first when odd), so both see the same machine load; each side is warmed up first.
enum LiteRTComparison {
    static func run(_ workloads: [Workload], child: LiteRTProcess, rounds: Int, runsPerRound: Int,
                    warmup: Int, progress: (String) -> Void) throws -> [LiteRTComparisonRow] {
        var rows: [LiteRTComparisonRow] = []
        for workload in workloads {
            guard let inputs = workload.litertInputs, child.workloads.contains(workload.name) else { continue }
            progress("LiteRT comparison: \(workload.name)")
            let check = try child.load(workload.name, inputs: inputs)
            _ = try TimingLoop.measure(warmup: warmup, runs: 0, workload.run)
            if warmup > 0 { _ = try child.time(workload.name, runs: warmup) }
            var ours: [Double] = [], litert: [Double] = [], roundRatios: [Double] = []
            for round in 0..<rounds {
                var oursRound: [Double] = [], litertRound: [Double] = []
                let measureOurs = { oursRound = try TimingLoop.measure(warmup: 0, runs: runsPerRound, workload.run) }
                let measureLiteRT = { litertRound = try child.time(workload.name, runs: runsPerRound) }
                if round.isMultiple(of: 2) { try measureOurs(); try measureLiteRT() } else { try measureLiteRT(); try measureOurs() }
                ours += oursRound
                litert += litertRound
                roundRatios.append(TimingSummary(oursRound).medianMilliseconds
                                   / TimingSummary(litertRound).medianMilliseconds)
            }
            rows.append(LiteRTComparisonRow(name: workload.name, ours: TimingSummary(ours), litert: TimingSummary(litert),
                                            litertCheck: check, roundRatios: roundRatios))
        }
        return rows
    }

    static func render(_ rows: [LiteRTComparisonRow], rounds: Int, runsPerRound: Int) -> String {
        var table = TextTable(headers: ["model", "ours median ms", "ours p10–p90", "LiteRT median ms", "LiteRT p10–p90",
                                        "ours / LiteRT", "per round: median (q25–q75)", "LiteRT vs fixture max |Δ|"])
        for row in rows {
            table.append([
                row.name == WorkloadName.attention ? "attention*" : row.name,
                formatted(row.ours.medianMilliseconds, decimals: 3),
                formatted(row.ours.p10Milliseconds, decimals: 3) + "–" + formatted(row.ours.p90Milliseconds, decimals: 3),
                formatted(row.litert.medianMilliseconds, decimals: 3),
                formatted(row.litert.p10Milliseconds, decimals: 3) + "–" + formatted(row.litert.p90Milliseconds, decimals: 3),
                formatted(row.ratio, decimals: 2),
                formatted(row.pairedRatio.median, decimals: 3) + " (" + formatted(row.pairedRatio.lowerQuartile, decimals: 3)
                    + "–" + formatted(row.pairedRatio.upperQuartile, decimals: 3) + ")",
                row.litertCheck,
            ])
        }
        return """
            LiteRT comparison (1 thread each; \(rounds) alternating rounds × \(runsPerRound) runs per side)
            \(table.rendered())
            - LiteRT: ai-edge-litert Interpreter, num_threads=1, XNNPACK (default delegate), same .tflite models (mediapipe 0.10.14 wheel) and same input files; times are perf_counter_ns around invoke() in Python.
            - * attention: LiteRT cannot run MediaPipe's custom ops, so its model has them cut out (docs/models.md §7 (b′): 11 custom ops and 5 RESHAPEs removed, the crops and matrices fed as extra inputs): a lower bound of LiteRT's time. Ours includes the custom ops.
            - cascade on LiteRT: face_landmark + iris_landmark twice (input set before each eye), like ours.
            - ratio < 1: ours is faster. "ours / LiteRT" divides the medians of all runs; "per round" is the median (and quartiles) of each round's ratio of medians, whose two sides ran moments apart: on a host whose speed changes from minute to minute it is the steadier figure (many short rounds, e.g. --rounds 100 --round-runs 5, the default).
            """
    }
}

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
