import ArgumentParser
import FaceMesh
import Foundation

/// `swift run -c release bench`: times the models (and model cascades) of SwiftFaceMesh on real crops and prints a
/// table against the Attention Mesh paper's Table 1, optionally per-step profiles and a LiteRT comparison.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Times SwiftFaceMesh's models on real crops from Tests/Fixtures (run with swift run -c release bench).",
        discussion: """
            Workloads: mesh, iris, cascade (mesh + iris on both eyes), attention, detector, frame (one tracked video \
            frame through FaceMeshEngine with the attention model). Each is timed after a warm-up; the table shows median / p10 / p90 ms, \
            MACs, GMAC/s, share of the FMA peak and the paper's Pixel 2 XL GPU times.
            """)

    @OptionGroup var options: BenchOptions

    func run() throws {
        signal(SIGPIPE, SIG_IGN)  // a dead LiteRT child must surface as an error, not kill the bench
        let root = try RepositoryRoot.find()
        let python = try options.compareLitert ? litertPython(root: root) : nil
        let threadCounts = try options.threadCounts
        let measuredThreads = threadCounts
        let catalog = WorkloadCatalog(root: root, weights: try ModelWeights.defaultDirectory())
        let workloads = try catalog.make(try options.selectedWorkloads)
        let machine = MachineContext.current()
        let peak = MachinePeak(overrideGigahertz: options.ghz)

        // Every thread count of a workload is timed in alternating rounds, so all see the same machine load.
        var byThreads: [Int: [Workload]] = [1: workloads]
        for threads in measuredThreads where threads > 1 {
            var threadedCatalog = catalog
            threadedCatalog.threads = threads
            byThreads[threads] = try threadedCatalog.make(try options.selectedWorkloads)
        }
        var measurements: [Measurement] = []
        var probe = CoreSpeedProbe()
        for workload in workloads {
            let variants = measuredThreads.compactMap { threads in
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
        if options.json {
            print(JSONReport.make(threads: measuredThreads, measurements: measurements, notes: notes, litert: comparison,
                                  profiles: profiles).text)
            return
        }
        print("SwiftFaceMesh bench — \(machine.summary)\n")
        print(ResultTable.render(measurements, peak: peak, notes: notes))
        if let profiles {
            print("\n" + ProfileReport.render(profiles, top: options.profileTop, runs: options.runs))
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
                                steps: steps)
        }
    }

    private func compare(_ workloads: [Workload], python: URL, root: URL) throws -> [LiteRTComparisonRow] {
        progress("starting LiteRT: \(python.path) Tools/litert_bench.py")
        let child = try LiteRTProcess(python: python, script: root.appendingPathComponent("Tools/litert_bench.py"))
        defer { child.close() }
        return try LiteRTComparison.run(workloads, child: child, rounds: options.rounds, runsPerRound: options.roundRuns,
                                        warmup: options.warmup, progress: progress)
    }

    private func notes(workloads: [Workload], threadCounts: [Int], peak: MachinePeak,
                       machine: MachineContext) -> [String] {
        var notes: [String] = []
        #if DEBUG
        notes.append("DEBUG BUILD: times are not representative; run swift run -c release bench")
        #endif
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
}
