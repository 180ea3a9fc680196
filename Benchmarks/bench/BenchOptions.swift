import ArgumentParser

/// The command-line options of `bench`.
struct BenchOptions: ParsableArguments {
    @Option(help: "Timed runs per workload (after the warm-up).")
    var runs: Int = 300

    @Option(help: "Untimed warm-up runs per workload.")
    var warmup: Int = 30

    @Option(help: ArgumentHelp("Thread counts to report, comma-separated (e.g. 1,2).",
                               discussion: "Counts above 1 time every workload with that many threads per inference."))
    var threads: String = "1,2"

    @Option(help: "Only these workloads, comma-separated (mesh, iris, cascade, attention, detector, frame).")
    var only: String?

    @Option(help: "CPU clock in GHz for the FMA peak (default: 'cpu MHz' of /proc/cpuinfo).")
    var ghz: Double?

    @Flag(help: "Print one JSON document instead of tables.")
    var json = false

    @Flag(help: "Per-step profile of each model: step label, share of time, ms, MACs.")
    var profile = false

    @Option(help: "Threads of the runners profiled with --profile (split steps are timed across all threads).")
    var profileThreads: Int = 1

    @Option(help: "Steps shown per model with --profile, slowest first (0 = all, in execution order).")
    var profileTop: Int = 12

    @Flag(help: "Also time LiteRT (Python ai-edge-litert, 1 thread, XNNPACK) on the same inputs, in alternating rounds.")
    var compareLitert = false

    @Option(help: "Python with ai-edge-litert for --compare-litert (default: Tools/.venv-litert/bin/python).")
    var python: String?

    @Option(help: "Alternating rounds per workload with --compare-litert.")
    var rounds: Int = 10

    @Option(help: "Runs per side in each round with --compare-litert.")
    var roundRuns: Int = 50

    /// The thread counts asked for, ascending and without duplicates.
    var threadCounts: [Int] {
        get throws {
            let counts = try threads.split(separator: ",").map { text -> Int in
                guard let count = Int(text.trimmingCharacters(in: .whitespaces)), count >= 1 else {
                    throw ValidationError("--threads: '\(text)' is not a thread count ≥ 1")
                }
                return count
            }
            guard !counts.isEmpty else { throw ValidationError("--threads: give at least one thread count") }
            return Array(Set(counts)).sorted()
        }
    }

    /// The workload names selected with `--only` (all when absent).
    var selectedWorkloads: [String] {
        get throws {
            guard let only else { return WorkloadName.all }
            let names = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for name in names where !WorkloadName.all.contains(name) {
                throw ValidationError("--only: unknown workload '\(name)'; known: \(WorkloadName.all.joined(separator: ", "))")
            }
            return WorkloadName.all.filter(names.contains)
        }
    }

    func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be ≥ 1 and --warmup ≥ 0") }
        guard rounds >= 1, roundRuns >= 1 else { throw ValidationError("--rounds and --round-runs must be ≥ 1") }
        guard profileThreads >= 1 else { throw ValidationError("--profile-threads must be ≥ 1") }
        guard profileTop >= 0 else { throw ValidationError("--profile-top must be ≥ 0") }
        if let ghz, !(ghz > 0 && ghz < 20) { throw ValidationError("--ghz must be a clock in GHz, e.g. 2.25") }
        _ = try threadCounts
        _ = try selectedWorkloads
    }
}
