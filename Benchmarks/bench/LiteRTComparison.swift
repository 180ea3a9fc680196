import Foundation

/// Ours against LiteRT on one workload, measured in alternating rounds in the same session.
struct LiteRTComparisonRow {
    let name: String
    let ours: TimingSummary
    let litert: TimingSummary
    /// LiteRT's largest |difference| to the fixture outputs for this input ("-" when the fixture has none).
    let litertCheck: String

    /// Our median over LiteRT's (below 1: we are faster).
    var ratio: Double { ours.medianMilliseconds / litert.medianMilliseconds }
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
            var ours: [Double] = [], litert: [Double] = []
            for round in 0..<rounds {
                let measureOurs = { ours += try TimingLoop.measure(warmup: 0, runs: runsPerRound, workload.run) }
                let measureLiteRT = { litert += try child.time(workload.name, runs: runsPerRound) }
                if round.isMultiple(of: 2) { try measureOurs(); try measureLiteRT() } else { try measureLiteRT(); try measureOurs() }
            }
            rows.append(LiteRTComparisonRow(name: workload.name, ours: TimingSummary(ours), litert: TimingSummary(litert),
                                            litertCheck: check))
        }
        return rows
    }

    static func render(_ rows: [LiteRTComparisonRow], rounds: Int, runsPerRound: Int) -> String {
        var table = TextTable(headers: ["model", "ours median ms", "ours p10–p90", "LiteRT median ms", "LiteRT p10–p90",
                                        "ours / LiteRT", "LiteRT vs fixture max |Δ|"])
        for row in rows {
            table.append([
                row.name == WorkloadName.attention ? "attention*" : row.name,
                formatted(row.ours.medianMilliseconds, decimals: 3),
                formatted(row.ours.p10Milliseconds, decimals: 3) + "–" + formatted(row.ours.p90Milliseconds, decimals: 3),
                formatted(row.litert.medianMilliseconds, decimals: 3),
                formatted(row.litert.p10Milliseconds, decimals: 3) + "–" + formatted(row.litert.p90Milliseconds, decimals: 3),
                formatted(row.ratio, decimals: 2), row.litertCheck,
            ])
        }
        return """
            LiteRT comparison (1 thread each; \(rounds) alternating rounds × \(runsPerRound) runs per side)
            \(table.rendered())
            - LiteRT: ai-edge-litert Interpreter, num_threads=1, XNNPACK (default delegate), same .tflite models (mediapipe 0.10.14 wheel) and same input files; times are perf_counter_ns around invoke() in Python.
            - * attention: LiteRT cannot run MediaPipe's custom ops, so its model has them cut out (docs/models.md §7 (b′): 11 custom ops and 5 RESHAPEs removed, the crops and matrices fed as extra inputs): a lower bound of LiteRT's time. Ours includes the custom ops.
            - cascade on LiteRT: face_landmark + iris_landmark twice (input set before each eye), like ours.
            - ratio < 1: ours is faster.
            """
    }
}
