import Foundation
import TensorKernelsAVX512
import TensorRuntime

/// Times a closure with the monotonic clock: untimed warm-up runs, then one sample per timed run.
enum TimingLoop {
    /// Nanoseconds of the monotonic clock (unaffected by wall-clock changes).
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Runs `body` `warmup` times untimed, then `runs` times timed; returns the per-run times in milliseconds.
    static func measure(warmup: Int, runs: Int, _ body: () throws -> Void) throws -> [Double] {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        for _ in 0..<runs {
            let start = now()
            try body()
            samples.append(Double(now() - start) / 1e6)
        }
        return samples
    }
}

/// A set of values, sorted once, for percentiles by linear interpolation between the closest ranks.
struct SortedSamples {
    let values: [Double]

    /// Sorts `samples` (at least one value).
    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "percentiles need at least one sample")
        values = samples.sorted()
    }

    /// The percentile at `fraction` (0...1): 0.5 is the median.
    func percentile(_ fraction: Double) -> Double {
        let position = fraction * Double(values.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, values.count - 1)
        return values[lower] + (position - Double(lower)) * (values[upper] - values[lower])
    }
}

/// Median and 10th/90th percentiles of a set of times (milliseconds).
struct TimingSummary {
    let medianMilliseconds: Double
    let p10Milliseconds: Double
    let p90Milliseconds: Double
    let count: Int

    /// Summarises `samples` (at least one value).
    init(_ samples: [Double]) {
        let sorted = SortedSamples(samples)
        medianMilliseconds = sorted.percentile(0.5)
        p10Milliseconds = sorted.percentile(0.1)
        p90Milliseconds = sorted.percentile(0.9)
        count = samples.count
    }
}

/// The timing of one workload at one thread count.
struct Measurement {
    let name: String
    let threads: Int
    let timing: TimingSummary
    let multiplyAccumulates: Int

    /// Convolution throughput at the median time, in GMAC/s.
    var gigaMultiplyAccumulatesPerSecond: Double {
        Double(multiplyAccumulates) / (timing.medianMilliseconds / 1000) / 1e9
    }
}

/// A fixed chain of dependent 64-bit xor-shift-multiply steps (which, unlike a plain multiply-add, the compiler
/// cannot fold into fewer steps), timed on the calling thread before every timing round. Its rate
/// does not depend on caches, memory or the models, only on how much of a core the process is getting: on a shared
/// virtual machine it drops when the host's clock falls or another guest runs on the same physical core's second
/// hardware thread. A wide spread over one bench run says the medians moved with the host, not with the code
/// (the alternating rounds still keep side-by-side ratios fair).
struct CoreSpeedProbe {
    /// Steps per sample (about 1 ms on a 3 GHz core: shift, xor and a 3-cycle multiply in a row, 5 cycles a step).
    static let steps = 600_000
    /// Million steps per second, one value per sample.
    private(set) var rates: [Double] = []

    /// Times one chain and records its rate.
    mutating func sample() {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = Self.chain(seed: UInt64(truncatingIfNeeded: start), steps: Self.steps)
        let elapsed = max(DispatchTime.now().uptimeNanoseconds - start, 1)
        // Both steps are bijections that map only 0 to 0 and the chain starts odd, so this always holds; reading the
        // result keeps the compiler from dropping the chain.
        precondition(value != 0, "the probe chain reached 0")
        rates.append(Double(Self.steps) * 1e3 / Double(elapsed))
    }

    @inline(never)
    private static func chain(seed: UInt64, steps: Int) -> UInt64 {
        var value = seed | 1
        for _ in 0..<steps {
            value ^= value >> 29
            value = value &* 0xBF58_476D_1CE4_E5B9
        }
        return value
    }

    /// One line for the notes: min / median / max rate and the spread, with what a wide spread means; nil before
    /// the first sample.
    var summary: String? {
        guard let rate = ProbeSpread(rates) else { return nil }
        let verdict = rate.isWide
            ? "the host gave this process a varying share of a core during the run, so medians above carry that variation"
            : "the core's speed was steady during the run"
        return String(format: "core speed probe (dependent xor-shift-multiply chain before each of %d timing rounds): min %.0f, median %.0f, max %.0f million steps/s, spread %.0f%%: %@",
                      rates.count, rate.low, rate.median, rate.high, rate.spreadPercent, verdict)
    }
}

/// A small 1×1 convolution through the runtime's own kernels (96 pixels × 64 → 32 channels, 197 k MACs, 44 KB of
/// data that stays in the caches), timed on the calling thread before every timing round beside
/// `CoreSpeedProbe`. The scalar chain and the register-only FMA probe only see the core's clock and its FMA pipes;
/// this one also sees the loads that feed them. On a shared virtual machine it was seen to swing between ~58 and
/// ~85 GMAC/s from minute to minute while the FMA probe stayed at 78–88 and the scalar chain steady, so a wide
/// spread here says the models' medians moved with the host.
struct KernelSpeedProbe {
    /// Runs of the layer per timed batch (about 0.05 ms per batch at 80 GMAC/s).
    static let runsPerBatch = 20
    /// Timed batches per sample; the fastest counts (an interrupt only slows a batch down).
    static let batches = 5
    /// GMAC/s, one value per sample.
    private(set) var rates: [Double] = []
    private let layer: Conv2D
    private let input: UnsafeMutableBufferPointer<Float>
    private let output: UnsafeMutableBufferPointer<Float>
    private let multiplyAccumulates: Int

    init() throws {
        let geometry = try ConvolutionGeometry(inputHeight: 8, inputWidth: 12, inputChannels: 64, outputChannels: 32,
                                               kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1,
                                               padding: .valid)
        var generator = SystemRandomNumberGenerator()
        let filter = (0..<(32 * 64)).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
        layer = try Conv2D(geometry: geometry, filter: filter, bias: [Float](repeating: 0.01, count: 32),
                           activation: .none)
        input = .allocate(capacity: geometry.inputElementCount)
        for index in input.indices { input[index] = Float.random(in: -1...1, using: &generator) }
        output = .allocate(capacity: geometry.outputElementCount)
        output.initialize(repeating: 0)
        multiplyAccumulates = geometry.outputElementCount * geometry.inputChannels
        precondition(layer.workspaceCount == 0, "the probe layer needs no workspace")
    }

    /// Times the batches and records the fastest batch's rate.
    mutating func sample() {
        var best = 0.0
        for _ in 0..<Self.batches {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<Self.runsPerBatch {
                layer.run(input: input.baseAddress!, residual: nil, output: output.baseAddress!, workspace: nil)
            }
            let elapsed = max(DispatchTime.now().uptimeNanoseconds - start, 1)
            best = max(best, Double(multiplyAccumulates * Self.runsPerBatch) / Double(elapsed))
        }
        precondition(output[0].isFinite, "the kernel probe produced \(output[0])")
        rates.append(best)
    }

    /// One line for the notes: min / median / max rate, as a share of `peak` GMAC/s too, and the spread; nil
    /// before the first sample.
    func summary(peak: Double) -> String? {
        guard let rate = ProbeSpread(rates) else { return nil }
        let verdict = rate.isWide
            ? "the kernels' own speed varied with the host during the run, so medians above carry that variation"
            : "the kernels' speed was steady during the run"
        return String(format: "kernel speed probe (a cache-resident 1×1 convolution, 96 px × 64 → 32 channels, before each of %d timing rounds): min %.1f, median %.1f, max %.1f GMAC/s (%.0f–%.0f%% of the FMA probe), spread %.0f%%: %@",
                      rates.count, rate.low, rate.median, rate.high, 100 * rate.low / peak, 100 * rate.high / peak,
                      rate.spreadPercent, verdict)
    }
}

/// Min, median (the lower middle one) and max of a probe's per-round rates, and their spread, (max − min) / max.
struct ProbeSpread {
    /// A spread above this share of the maximum (in per cent) means the host moved the medians.
    static let widePercent = 15.0
    let low: Double, median: Double, high: Double
    /// (max − min) / max, in per cent.
    var spreadPercent: Double { 100 * (high - low) / high }
    /// Whether the spread is above `widePercent`.
    var isWide: Bool { spreadPercent > Self.widePercent }

    /// nil without rates.
    init?(_ rates: [Double]) {
        guard !rates.isEmpty else { return nil }
        let sorted = rates.sorted()
        low = sorted[0]
        high = sorted[sorted.count - 1]
        median = sorted[(sorted.count - 1) / 2]
    }
}

/// Measures the single-precision FMA throughput of this machine with the kernels' instruction width (8-lane
/// `SIMD8<Float>.addingProduct`, one `vfmadd…ps ymm` each when compiled for the numeric targets' CPU; 16-lane
/// `vfmadd…ps zmm` from TensorKernelsAVX512 when the kernels run at AVX-512 width): ten
/// independent accumulator chains, enough to keep two FMA pipes with a 4–5 cycle latency busy. It runs first on
/// the calling thread alone, then on `threads` threads at once, to see whether the logical CPUs behave as separate
/// physical cores (same rate per thread) or as hardware threads of one core (the rate halves).
enum FMAThroughputProbe {
    /// Independent accumulator chains (registers: 10 accumulators + 2 operands of the 16 ymm registers).
    static let chains = 10
    /// Float lanes per FMA instruction: the width the convolution kernels use (8 for AVX2, 16 for AVX-512).
    static let lanes = usesAVX512 ? FMAThroughputAVX512.lanes : 8
    /// Whether the kernels, and so the probe, run at AVX-512 width.
    static let usesAVX512 = RuntimeEnvironment.kernelInstructionSet == .avx512
    /// The probe's instruction, for the report.
    static var instruction: String { usesAVX512 ? "SIMD16 (zmm)" : "SIMD8 (ymm)" }
    /// Loop iterations per timed sample: 10 FMAs of 8 MACs each per iteration, 16 million MACs, ~0.35 ms at 46 GMAC/s.
    static let iterations = 200_000
    /// Samples per thread; the fastest counts (the peak is what the core can do, foreign load only slows it).
    static let samples = 40

    /// The probe's result, in GMAC/s (10⁹ multiply-accumulates per second).
    struct Result {
        /// One thread, the others idle.
        let alone: Double
        /// Per thread while `threads` threads run it at once (nil with one logical CPU).
        let together: [Double]?
        /// Threads of the `together` run.
        let threads: Int

        /// Mean per-thread rate of the `together` run.
        var togetherPerCore: Double? { together.map { $0.reduce(0, +) / Double($0.count) } }

        /// True when the threads together get clearly less per thread than one alone (below 75%): hardware
        /// threads of one physical core, or a host that does not give this guest two cores.
        var sharesOneCore: Bool? { togetherPerCore.map { $0 < 0.75 * alone } }
    }

    /// Runs the probe alone, then on `threads` threads at once (when more than one).
    static func measure(threads: Int) -> Result {
        let alone = fastestRate()
        guard threads > 1 else { return Result(alone: alone, together: nil, threads: 1) }
        let rates = Rates(count: threads)
        let start = DispatchGroup(), done = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        for index in 0..<threads {
            start.enter(); done.enter()
            let thread = Thread {
                start.leave()
                gate.wait()
                rates.set(index, fastestRate())
                done.leave()
            }
            thread.start()
        }
        start.wait()
        for _ in 0..<threads { gate.signal() }
        done.wait()
        return Result(alone: alone, together: rates.values, threads: threads)
    }

    /// The fastest of `samples` timed runs on the calling thread, in GMAC/s.
    static func fastestRate() -> Double {
        var best = 0.0
        let multiplyAccumulates = Double(iterations * chains * lanes)
        for sample in 0..<samples {
            let start = DispatchTime.now().uptimeNanoseconds
            let seed = Float(sample & 7) * 1e-3
            let result = usesAVX512 ? FMAThroughputAVX512.chainSum(iterations: iterations, seed: seed)
                : chainSum(iterations: iterations, seed: seed)
            let elapsed = max(DispatchTime.now().uptimeNanoseconds - start, 1)
            // Every lane grows by 1e-6 per iteration from a finite start, so the sum is finite and positive; reading
            // it keeps the compiler from dropping the chains.
            precondition(result.isFinite && result > 0, "the FMA probe produced \(result)")
            best = max(best, multiplyAccumulates / Double(elapsed))
        }
        return best
    }

    /// `iterations` steps of `chains` independent accumulators `a ← a + x·y` (fused), summed at the end.
    @inline(never)
    static func chainSum(iterations: Int, seed: Float) -> Float {
        let x = SIMD8<Float>(repeating: 1e-3), y = SIMD8<Float>(repeating: 1e-3)
        var a0 = SIMD8<Float>(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4
        var a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9
        for _ in 0..<iterations {
            a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
            a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
            a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
            a9 = a9.addingProduct(x, y)
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9).sum()
    }

    /// Per-thread results written by the probe threads.
    private final class Rates: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [Double]
        init(count: Int) { storage = Array(repeating: 0, count: count) }
        func set(_ index: Int, _ value: Double) { lock.lock(); storage[index] = value; lock.unlock() }
        var values: [Double] { lock.lock(); defer { lock.unlock() }; return storage }
    }
}

/// The FMA peak the "% FMA peak" columns divide by: the probe's measured rate (per core alone for one thread,
/// per core together for more), or clock × 16 MAC/cycle with `--ghz`.
struct FMAPeak {
    let probe: FMAThroughputProbe.Result
    /// The `--ghz` clock, when given.
    let nominalGigahertz: Double?

    /// Multiply-accumulates per core per cycle assumed with `--ghz`: 2 FMA pipes × the kernels' lanes.
    static let multiplyAccumulatesPerCycle = Double(2 * FMAThroughputProbe.lanes)

    init(probe: FMAThroughputProbe.Result, overrideGigahertz: Double?) {
        self.probe = probe
        nominalGigahertz = overrideGigahertz
    }

    /// Peak GMAC/s on `cores` cores.
    func gigaMultiplyAccumulates(cores: Int) -> Double {
        if let nominalGigahertz { return Double(cores) * nominalGigahertz * Self.multiplyAccumulatesPerCycle }
        if cores == 1 { return probe.alone }
        let usable = min(cores, probe.threads)
        return Double(usable) * (probe.togetherPerCore ?? probe.alone)
    }

    /// The line under the header: the probe's result and whether the logical CPUs are separate cores.
    var headline: String {
        var line = String(format: "FMA probe (%d chains of %@ FMA): %.1f GMAC/s on one core alone", FMAThroughputProbe.chains,
                          FMAThroughputProbe.instruction, probe.alone)
        if let perCore = probe.togetherPerCore, let shared = probe.sharesOneCore {
            line += String(format: ", %.1f GMAC/s per core with %d threads at once (%.0f%% of alone): ", perCore,
                           probe.threads, 100 * perCore / probe.alone)
            line += shared ? "the logical CPUs share one physical core (or the host gives this guest less than \(probe.threads) cores)"
                : "the logical CPUs behave as separate physical cores"
        }
        return line
    }

    /// One line for the notes stating what the "% FMA peak" column divides by.
    var explanation: String {
        if let nominalGigahertz {
            return String(format: "%% FMA peak: clock from --ghz, %.3f GHz × %.0f MAC/cycle (2 FMA pipes × %d lanes) = %.1f GMAC/s per core (the probe measured %.1f)",
                          nominalGigahertz, Self.multiplyAccumulatesPerCycle, FMAThroughputProbe.lanes,
                          nominalGigahertz * Self.multiplyAccumulatesPerCycle, probe.alone)
        }
        return "% FMA peak: share of the measured FMA probe rate (1 thread: one core alone; n threads: n × the per-core rate with all threads at once), i.e. of what this core really sustains, boost included"
    }
}
