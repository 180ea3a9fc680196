import TensorRuntime

/// The per-step profile of one model (`--profile`).
struct ModelProfile {
    /// The workload name (mesh, iris, attention, detector).
    let name: String
    /// The model name stored in the weight file.
    let modelName: String
    /// Threads of the profiled runner.
    let threads: Int
    let steps: [StepProfile]

    /// Sum of the step medians, in milliseconds.
    var totalMilliseconds: Double { 1000 * steps.reduce(0) { $0 + $1.medianSeconds } }
}

/// Renders per-step profiles: the slowest `top` steps (or all, in execution order, when `top` is 0), each with its
/// share of the summed step medians, time, MACs and throughput.
enum ProfileReport {
    static func render(_ profiles: [ModelProfile], top: Int, runs: Int) -> String {
        profiles.map { profile in
            let total = profile.totalMilliseconds
            let shown = top == 0 ? profile.steps
                : Array(profile.steps.sorted { $0.medianSeconds > $1.medianSeconds }.prefix(top))
            var table = TextTable(headers: ["step", "share %", "ms", "MACs (M)", "GMAC/s"])
            for step in shown { table.append(row(step, total: total)) }
            let rest = profile.steps.count - shown.count
            if rest > 0 {
                let restMilliseconds = total - 1000 * shown.reduce(0) { $0 + $1.medianSeconds }
                let restMACs = profile.steps.reduce(0) { $0 + $1.multiplyAccumulates } - shown.reduce(0) { $0 + $1.multiplyAccumulates }
                table.append(["(\(rest) other steps)", formatted(100 * restMilliseconds / total, decimals: 1),
                              formatted(restMilliseconds, decimals: 4), formatted(Double(restMACs) / 1e6, decimals: 2), ""])
            }
            let order = top == 0 ? "execution order" : "slowest \(shown.count) of \(profile.steps.count) steps"
            return "Profile: \(profile.name) (\(profile.modelName), \(profile.threads) thread\(profile.threads == 1 ? "" : "s")), \(profile.steps.count) steps, sum of step medians "
                + "\(formatted(total, decimals: 3)) ms over \(runs) runs; \(order)\n" + table.rendered()
        }.joined(separator: "\n\n")
    }

    private static func row(_ step: StepProfile, total: Double) -> [String] {
        let milliseconds = 1000 * step.medianSeconds
        let rate = step.multiplyAccumulates > 0 && step.medianSeconds > 0
            ? formatted(Double(step.multiplyAccumulates) / step.medianSeconds / 1e9, decimals: 1) : ""
        return [step.label, formatted(total > 0 ? 100 * milliseconds / total : 0, decimals: 1),
                formatted(milliseconds, decimals: 4), formatted(Double(step.multiplyAccumulates) / 1e6, decimals: 2), rate]
    }
}
