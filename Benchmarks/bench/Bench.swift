import ArgumentParser
import FaceMesh
import Foundation

/// `swift run -c release bench`: times the models (and model cascades) of SwiftFaceMesh on real crops and prints a
/// table against the Attention Mesh paper's Table 1, optionally per-step profiles and a LiteRT comparison.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Times SwiftFaceMesh's models on real crops from Tests/Fixtures.",
        discussion: """
            Workloads: mesh, iris, cascade (mesh + iris on both eyes), attention, detector, detector-full (the \
            full-range detector), v2 (MediaPipe Tasks' Face Mesh V2), blendshapes (its blendshape network), frame (one \
            tracked video frame through FaceMeshEngine with the attention model), crowd (the crowd detector on the \
            1280-px Solvay group photo). Each is timed after a warm-up; the table shows median / p10 / p90 ms, \
            MACs, GMAC/s, share of the FMA peak measured by a probe on this machine, and the paper's Pixel 2 XL GPU times.

            The published numbers (README) come from: swift run -c release bench --compare-litert
            A debug build (swift run bench) optimizes the numeric code too and measures within noise of it, but says \
            so in its first line; --compare-litert refuses a debug build.
            """)

    @OptionGroup var options: BenchOptions

    func run() throws {
        signal(SIGPIPE, SIG_IGN)  // a dead LiteRT child must surface as an error, not kill the bench
        let build = BuildContext.current
        if options.compareLitert, build.isDebug { throw BenchError.debugBuildComparison }
        let root = try RepositoryRoot.find()
        let python = try options.compareLitert ? litertPython(root: root) : nil
        let threadCounts = try options.threadCounts
        let catalog = WorkloadCatalog(root: root, weights: try ModelWeights.defaultDirectory())
        let workloads = try catalog.make(try options.selectedWorkloads)
        let machine = MachineContext.current()
        progress("FMA probe: \(FMAThroughputProbe.chains) independent \(FMAThroughputProbe.instruction) FMA chains, alone and on \(machine.logicalCPUs) threads at once")
        let peak = FMAPeak(probe: FMAThroughputProbe.measure(threads: machine.logicalCPUs), overrideGigahertz: options.ghz)

        // Every thread count of a workload is timed in alternating rounds, so all see the same machine load.
        var byThreads: [Int: [Workload]] = [1: workloads]
        for threads in threadCounts where threads > 1 {
            var threadedCatalog = catalog
            threadedCatalog.threads = threads
            byThreads[threads] = try threadedCatalog.make(try options.selectedWorkloads)
        }
        var measurements: [Measurement] = []
        var probe = CoreSpeedProbe()
        var kernelProbe = try KernelSpeedProbe()
        for workload in workloads {
            let variants = threadCounts.compactMap { threads in
                byThreads[threads]?.first { $0.name == workload.name }.map { (threads, $0) }
            }
            progress("timing \(workload.name) at \(variants.map { "\($0.0)" }.joined(separator: ", ")) thread(s) (\(options.runs) runs each)")
            var samples = [[Double]](repeating: [], count: variants.count)
            for (_, variant) in variants { _ = try TimingLoop.measure(warmup: options.warmup, runs: 0, variant.run) }
            var round = 0
            while samples[0].count < options.runs {
                let runs = min(options.roundRuns, options.runs - samples[0].count)
                let order = round.isMultiple(of: 2) ? Array(variants.indices) : variants.indices.reversed()
                probe.sample()
                kernelProbe.sample()
                for index in order {
                    samples[index] += try TimingLoop.measure(warmup: 0, runs: runs, variants[index].1.run)
                }
                round += 1
            }
            for (index, (threads, variant)) in variants.enumerated() {
                measurements.append(Measurement(name: variant.name, threads: threads, timing: TimingSummary(samples[index]),
                                                multiplyAccumulates: variant.multiplyAccumulates))
            }
        }
        let order = Dictionary(uniqueKeysWithValues: workloads.enumerated().map { ($1.name, $0) })
        measurements.sort { ($0.threads, order[$0.name] ?? 0) < ($1.threads, order[$1.name] ?? 0) }
        var profiledCatalog = catalog
        profiledCatalog.threads = options.profileThreads
        let profiles = options.profile
            ? try profile(options.profileThreads == 1 ? workloads : try profiledCatalog.make(try options.selectedWorkloads))
            : nil
        let comparison = try python.map { try compare(workloads, python: $0, root: root) }

        var notes = self.notes(workloads: workloads, threadCounts: threadCounts, peak: peak, machine: machine)
        if let speed = probe.summary { notes.append(speed) }
        if let speed = kernelProbe.summary(peak: peak.probe.alone) { notes.append(speed) }
        if options.json {
            print(JSONReport.make(build: build, peak: peak, threads: threadCounts, measurements: measurements, notes: notes,
                                  litert: comparison, profiles: profiles).text)
            return
        }
        print(build.headline)
        print("SwiftFaceMesh bench — \(machine.summary)")
        print(peak.headline + "\n")
        print(ResultTable.render(measurements, peak: peak, notes: notes))
        if let profiles {
            print("\n" + ProfileReport.render(profiles, top: options.profileTop, runs: options.runs, peak: peak))
        }
        if let comparison {
            print("\n" + LiteRTComparison.render(comparison, rounds: options.rounds, runsPerRound: options.roundRuns))
        }
    }

    private func progress(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// `--python`, else `Tools/.venv-litert/bin/python`; throws `pythonNotFound` (exit status 1) when missing.
    private func litertPython(root: URL) throws -> URL {
        let path = options.python ?? root.appendingPathComponent("Tools/.venv-litert/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw BenchError.pythonNotFound(path: path) }
        return URL(fileURLWithPath: path)
    }

    private func profile(_ workloads: [Workload]) throws -> [ModelProfile] {
        try workloads.compactMap { workload in
            guard let model = workload.profiled else { return nil }
            progress("profiling \(workload.name) (\(options.runs) runs)")
            let steps = try model.input.withUnsafeBufferPointer { try model.runner.profile(input: $0, runs: options.runs) }
            return ModelProfile(name: workload.name, modelName: model.runner.name, threads: model.runner.threadCount,
                                steps: steps, traffic: steps.map { StepTraffic(label: $0.label, file: model.file) },
                                strategies: model.runner.compareConvolutionStrategies(runs: options.runs))
        }
    }

    private func compare(_ workloads: [Workload], python: URL, root: URL) throws -> [LiteRTComparisonRow] {
        progress("starting LiteRT: \(python.path) Tools/litert_bench.py")
        let child = try LiteRTProcess(python: python, script: root.appendingPathComponent("Tools/litert_bench.py"))
        defer { child.close() }
        return try LiteRTComparison.run(workloads, child: child, rounds: options.rounds, runsPerRound: options.roundRuns,
                                        warmup: options.warmup, progress: progress)
    }

    private func notes(workloads: [Workload], threadCounts: [Int], peak: FMAPeak, machine: MachineContext) -> [String] {
        var notes: [String] = []
        if let warning = build.warning { notes.append(warning) }
        notes.append("each row: \(options.runs) timed runs after \(options.warmup) warm-up runs (monotonic clock), on real crops of mpl_grace_hopper.jpg from Tests/Fixtures; the thread counts of one workload are timed in alternating rounds of \(options.roundRuns) runs")
        notes += workloads.map { "\($0.name): \($0.summary)" }
        if workloads.contains(where: { $0.name == WorkloadName.cascade }) {
            notes.append("our Cascade is mesh + iris on both eyes: no lips model is published, so it lacks the lips stage of the paper's Cascade")
        }
        if threadCounts.contains(where: { $0 > 1 }) {
            notes.append("rows with more than 1 thread: ModelRunner.Options.threads (the calling thread plus worker threads owned by the runner; cascade and frame through FaceMeshOptions.threads); a runner whose workers keep it waiting (second core busy) falls back to serial runs, so on a shared machine 2-thread rows approach the 1-thread ones")
        }
        notes.append(peak.explanation)
        if workloads.contains(where: { $0.name == WorkloadName.frame }) {
            notes.append("for scale: MediaPipe 0.10.14 legacy FaceMesh, refine_landmarks=True, tracking the same 512×600 image, measured 4.8–4.95 ms per frame on the development machine (docs/models.md §8)")
        }
        notes.append("paper: Attention Mesh (arXiv 2006.10962) Table 1, Pixel 2 XL GPU; ours: one CPU core of this machine (\(machine.cpuModel))")
        notes.append("the machine may be shared: load average at start \(machine.loadAverage)")
        return notes
    }

    private var build: BuildContext { .current }
}

/// The command-line options of `bench`.
struct BenchOptions: ParsableArguments {
    @Option(help: "Timed runs per workload (after the warm-up).")
    var runs: Int = 300

    @Option(help: "Untimed warm-up runs per workload.")
    var warmup: Int = 30

    @Option(help: ArgumentHelp("Thread counts to report, comma-separated (e.g. 1,2).",
                               discussion: "Counts above 1 time every workload with that many threads per inference."))
    var threads: String = "1,2"

    @Option(help: "Only these workloads, comma-separated (mesh, iris, cascade, attention, detector, detector-full, v2, blendshapes, frame, crowd).")
    var only: String?

    @Option(help: "Use clock (GHz) × 16 MAC/cycle as the FMA peak instead of the measured one (probe still reported).")
    var ghz: Double?

    @Flag(help: "Print one JSON document instead of tables.")
    var json = false

    @Flag(help: "Per-step profile of each model: step label, share of time, ms, MACs, bytes moved, GMAC/s, % of the measured FMA peak; then every CONV_2D layer's path (direct or GEMM) with both paths timed alone.")
    var profile = false

    @Option(help: "Threads of the runners profiled with --profile (split steps are timed across all threads).")
    var profileThreads: Int = 1

    @Option(help: "Steps shown per model with --profile, slowest first (0 = all, in execution order).")
    var profileTop: Int = 12

    @Flag(help: "Also time LiteRT (Python ai-edge-litert, 1 thread, XNNPACK) on the same inputs, in alternating rounds (release builds only).")
    var compareLitert = false

    @Option(help: "Python with ai-edge-litert for --compare-litert (default: Tools/.venv-litert/bin/python).")
    var python: String?

    @Option(help: "Alternating rounds per workload with --compare-litert.")
    var rounds: Int = 100

    @Option(help: "Runs per side in each round with --compare-litert.")
    var roundRuns: Int = 5

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

/// Why the benchmark could not run.
enum BenchError: Error, CustomStringConvertible {
    /// No directory with `Package.swift` and `Tests/Fixtures` above the sources or the current directory.
    case repositoryNotFound(searched: [String])
    /// A fixture file is missing or has the wrong size.
    case badFixture(path: String, reason: String)
    /// No Python with ai-edge-litert was found for `--compare-litert`.
    case pythonNotFound(path: String)
    /// `--compare-litert` in a debug build: its numbers would be published against LiteRT's release build.
    case debugBuildComparison
    /// A workload did not behave as expected (e.g. the engine lost the face it tracks).
    case workloadFailed(String)
    /// The LiteRT child process failed or broke the line protocol.
    case litert(String)

    var description: String {
        switch self {
        case let .repositoryNotFound(searched):
            return "repository root not found (looked for Package.swift and Tests/Fixtures in: \(searched.joined(separator: ", "))); run from the repository"
        case let .badFixture(path, reason): return "fixture \(path): \(reason)"
        case let .pythonNotFound(path):
            return """
                --compare-litert needs a Python with ai-edge-litert; \(path) does not exist or is not executable.
                Set it up with:
                  python3 -m venv Tools/.venv-litert && Tools/.venv-litert/bin/pip install -r Tools/requirements-litert.txt
                or pass --python PATH.
                """
        case .debugBuildComparison:
            return "--compare-litert compares against LiteRT's optimized build and refuses a debug build; run: \(BuildContext.releaseCommand) --compare-litert"
        case let .workloadFailed(message): return message
        case let .litert(message): return "LiteRT comparison failed: \(message)"
        }
    }
}

/// Locates the repository checkout (for the fixtures and Tools/): first from this source file's path, known at
/// compile time, then upwards from the current directory.
enum RepositoryRoot {
    /// The first candidate directory holding both `Package.swift` and `Tests/Fixtures`.
    static func find() throws -> URL {
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var candidates = [fromSource]
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            candidates.append(directory)
            directory.deleteLastPathComponent()
        }
        let manager = FileManager.default
        for candidate in candidates
        where manager.fileExists(atPath: candidate.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: candidate.appendingPathComponent("Tests/Fixtures").path) {
            return candidate.standardizedFileURL
        }
        throw BenchError.repositoryNotFound(searched: candidates.map(\.path))
    }
}
