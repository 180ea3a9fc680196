import CPUFeatures
import Dispatch
import Foundation

/// Runs one model graph from a weight file on Float32 NHWC buffers (batch 1).
///
/// The execution plan is built once in `init`: shapes are inferred and checked, convolutions absorb their residual
/// ADD and PReLU/ReLU, and every activation gets a place in one arena by lifetime. `run` then allocates nothing.
/// Outputs stay readable until the next `run`.
///
/// Threads: with `Options.threads` > 1 the runner owns a small pool of worker threads (started in `init`, stopped
/// in `deinit`; an idle worker spins for 1 ms, then parks). Steps large enough to pay for the hand-off are split
/// into independent pieces (output rows, pixel spans, channel blocks; consecutive independent steps such as the
/// attention model's crop branches together) computed by the calling thread and the workers; each output value is
/// computed with the same arithmetic as with one thread, so results are bit for bit identical for every thread
/// count. When other processes hold the cores, split runs get slower than serial ones (the calling thread waits
/// for descheduled workers); the runner then runs serially, going by the measured duration of recent runs.
///
/// Concurrency: a runner holds mutable buffers, so one runner must not run on two threads at once. Create one
/// runner per thread (runners are independent; the plan shares nothing global).
public final class ModelRunner {
    /// Settings for a runner.
    public struct Options: Sendable {
        /// Reject inputs containing NaN or infinity with `PlanError.nonFiniteInput` (checked while the input is
        /// copied in).
        public var validatesInputs: Bool = true
        /// Threads that compute one inference: the calling thread plus `threads − 1` workers owned by the runner
        /// (at least 1; default 1). Outputs do not depend on it.
        public var threads: Int = 1
        /// `.fast` (default) or `.reference`: the whole model through the kernels' scalar references.
        public var execution: Execution = .fast
        /// Creates the default options.
        public init() {}
    }

    /// How a runner computes its steps.
    public enum Execution: Sendable, Equatable {
        /// Fused steps (convolution + residual ADD + activation, depthwise + 1×1) through the fast kernels,
        /// split across threads.
        case fast
        /// One step per operator, nothing fused, every step through its kernel's scalar `reference(...)` as one
        /// piece (threads then only overlap independent steps). Orders of magnitude slower; it exists to check
        /// fusion, the fast kernels and threading against a plain computation of the whole model. The custom ops
        /// Landmarks2TransformMatrix and TransformLandmarks and RESHAPE have only one (scalar) path.
        case reference
    }

    /// Name and shape of a graph input or output.
    public struct TensorSignature: Sendable, Equatable {
        /// The tensor's name in the source model.
        public let name: String
        /// Dimensions, NHWC for images.
        public let shape: [Int]
        /// Number of Float32 values.
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The model name stored in the weight file.
    public let name: String
    /// Graph inputs, in order.
    public let inputs: [TensorSignature]
    /// Graph outputs, in the model's output order.
    public let outputs: [TensorSignature]
    /// Multiply-accumulates of the convolutions per run.
    public let multiplyAccumulates: Int
    /// The fused steps the plan executes, in order (for profiling and inspection).
    public var stepLabels: [String] { plan.steps.map(\.label) }
    /// Threads that compute one inference (`Options.threads`).
    public var threadCount: Int { options.threads }

    /// How the runs so far used the threads (see `ThreadStatistics`).
    public struct ThreadStatistics: Sendable, Equatable {
        /// Runs that split their steps across the threads.
        public var splitRuns = 0
        /// Runs computed on the calling thread alone (one thread, or the serial fallback of a busy machine).
        public var serialRuns = 0
        /// Parts of split steps each worker thread computed (index 0: worker 1); empty with one thread.
        public var partsComputedByWorkers: [Int] = []
        /// Parts the calling thread computed in place of a worker that had not started.
        public var partsTakenOverByCaller = 0
    }

    /// Counts of split and serial runs and of the parts each worker computed (call between runs).
    public var threadStatistics: ThreadStatistics {
        var statistics = ThreadStatistics()
        statistics.splitRuns = splitRunCount
        statistics.serialRuns = serialRunCount
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *), let workers {
            let pool = unsafeDowncast(workers, to: WorkerPool.self)
            statistics.partsComputedByWorkers = pool.partsComputedByWorkers
            statistics.partsTakenOverByCaller = pool.partsTakenOver
        }
        return statistics
    }
    private var splitRunCount = 0
    private var serialRunCount = 0

    // plan, arena and contexts are internal (not private) so ModelRunner+Profiling.swift can time single steps.
    let plan: ExecutionPlan
    private let options: Options
    let arena: UnsafeMutablePointer<Float>
    /// One workspace per thread, `workspaceStride` floats apart (nil when no step needs one).
    private let workspaces: UnsafeMutablePointer<Float>?
    /// The context of each thread (index 0: the calling thread).
    let contexts: [ExecutionContext]
    /// Element counts of the graph inputs, in order.
    private let inputCounts: [Int]
    /// Per step group: into how many parts it is split, one per thread (1: its steps run one after the other on
    /// the calling thread).
    let groupParts: [Int]
    /// Per step, for running steps one by one (profiling): parts as if the step were alone.
    let stepParts: [Int]
    /// The `WorkerPool` when threads > 1 (typed `AnyObject` because the pool needs macOS 15 atomics).
    private var workers: AnyObject?
    /// Picks split or serial runs from their measured durations (see `execute()`).
    private var modeChooser = ExecutionModeChooser()
    /// The work `runSplit(_:)` lends the worker pool to (set only while it runs; read by the workers).
    private let lentWork = LentWork()
    /// Pool task id of `runSplit(_:)`'s work (group tasks are ≥ 0, single steps −1 − step).
    private static let lentWorkTask = Int.min
    /// The copy of large inputs into the arena, split across the runner's threads.
    private let splitCopy: SplitInputCopy

    /// Compiles `file` into an execution plan. Throws `PlanError` when the graph uses unsupported operators or its
    /// shapes do not fit together, or the thread count is invalid or threads cannot be started, and
    /// `PlanError.unsupportedCPU` on a CPU the kernels were not compiled for.
    public init(file: ModelFile, options: Options = Options()) throws {
        try RuntimeEnvironment.checkCPU()
        guard options.threads >= 1 else { throw PlanError.invalidThreadCount(options.threads) }
        var options = options
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *) {} else { options.threads = 1 }
        let plan = try ExecutionPlan(file: file, reference: options.execution == .reference)
        self.plan = plan
        self.options = options
        name = file.name
        inputs = file.inputs.map { TensorSignature(name: file.tensors[$0].name, shape: file.tensors[$0].shape) }
        outputs = file.outputs.map { TensorSignature(name: file.tensors[$0].name, shape: file.tensors[$0].shape) }
        inputCounts = inputs.map(\.elementCount)
        splitCopy = SplitInputCopy(threads: options.threads)
        multiplyAccumulates = plan.steps.reduce(0) { $0 + $1.multiplyAccumulates }
        arena = Self.allocate(plan.arenaCount)
        let threads = options.threads
        let workspaceStride = (plan.workspaceCount + 15) / 16 * 16
        workspaces = plan.workspaceCount > 0 ? Self.allocate(workspaceStride * threads) : nil
        let arena = self.arena, workspaces = self.workspaces
        contexts = (0..<threads).map { thread in
            ExecutionContext(arena: arena, workspace: workspaces.map { $0 + thread * workspaceStride })
        }
        stepParts = plan.steps.map { ParallelSchedule.parts(for: $0.partition, threads: threads) }
        groupParts = plan.groups.map { ParallelSchedule.parts(for: $0, steps: plan.steps, threads: threads) }
        if threads > 1, #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *) {
            let tasks = SplitTaskTable(groups: plan.groups, stepPartitions: plan.steps.map(\.partition))
            let contexts = self.contexts, lentWork = self.lentWork
            // Task t ≥ 0: group t; task −1 − s: step s alone (profiling); `lentWorkTask`: `runSplit(_:)`'s work.
            workers = try WorkerPool(workerCount: threads - 1) { task, part, parts, thread in
                if task == Self.lentWorkTask {
                    lentWork.work.unsafelyUnwrapped.run(part: part, of: parts)
                } else {
                    tasks.run(task: task, part: part, parts: parts, context: contexts[thread])
                }
            }
        } else {
            workers = nil
        }
    }

    /// Loads, validates and compiles the weight file at `url`.
    public convenience init(contentsOf url: URL, options: Options = Options()) throws {
        try self.init(file: try ModelFile(contentsOf: url), options: options)
    }

    deinit {
        workers = nil  // the pool's deinit stops and joins the threads before the buffers they use go away
        UnsafeMutableRawPointer(arena).deallocate()
        workspaces.map { UnsafeMutableRawPointer($0).deallocate() }
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: max(count, 16))
        pointer.initialize(repeating: 0, count: max(count, 16))
        return pointer
    }

    /// Runs the model on its single input (NHWC Float32, exactly `inputs[0].elementCount` values).
    public func run(input: UnsafeBufferPointer<Float>) throws {
        guard inputs.count == 1 else {
            throw PlanError.inputMismatch("1 input given, the model has \(inputs.count)")
        }
        try load(input, position: 0)
        try execute()
    }

    /// Runs the model; `inputs` in graph-input order, each of exactly the input's element count.
    public func run(inputs values: [UnsafeBufferPointer<Float>]) throws {
        guard values.count == inputs.count else {
            throw PlanError.inputMismatch("\(values.count) inputs given, the model has \(inputs.count)")
        }
        for position in values.indices { try load(values[position], position: position) }
        try execute()
    }

    /// The runner's own buffer for input `index` (NHWC, exactly `inputs[index].elementCount` values), to write an
    /// input in place and then call `runOnInputBuffers(validating:)`, which saves the copy `run(input:)` makes.
    /// The pointer stays the same for the runner's lifetime, but the runner reuses that memory for activations
    /// while it runs: write every input again before each run. Do not free it.
    public func inputBuffer(_ index: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: arena + plan.inputOffsets[index], count: inputCounts[index])
    }

    /// Runs the model on the values written into `inputBuffer(_:)` since the last run. `validating`: check them
    /// for NaN and infinity first (`PlanError.nonFiniteInput`), as `run(input:)` does when
    /// `Options.validatesInputs` is set; pass false only for inputs finite by construction (a crop of 8-bit pixels).
    public func runOnInputBuffers(validating: Bool) throws {
        if validating {
            for position in inputCounts.indices {
                let values = arena + plan.inputOffsets[position]
                if let bad = InputCopy.firstNonFinite(values, count: inputCounts[position]) {
                    throw PlanError.nonFiniteInput(input: position, element: bad)
                }
            }
        }
        try execute()
    }

    /// Checks input `position` and copies it into the arena (validating it on the way when asked to); a large input
    /// on a runner with threads is copied in bands by all of them (`runSplit(_:)`), the same values.
    private func load(_ value: UnsafeBufferPointer<Float>, position: Int) throws {
        let expected = inputCounts[position]
        guard value.count == expected, let base = value.baseAddress else {
            throw PlanError.inputMismatch("input \(position) '\(inputs[position].name)' has \(value.count) values, expects \(expected) (shape \(inputs[position].shape))")
        }
        let destination = arena + plan.inputOffsets[position]
        if expected >= SplitInputCopy.minimumCount && workers != nil {
            splitCopy.prepare(source: base, destination: destination, count: expected,
                              validating: options.validatesInputs)
            runSplit(splitCopy)
            if let bad = splitCopy.firstNonFinite() { throw PlanError.nonFiniteInput(input: position, element: bad) }
            return
        }
        if let bad = InputCopy.copy(base, to: destination, count: expected, validating: options.validatesInputs) {
            throw PlanError.nonFiniteInput(input: position, element: bad)
        }
    }

    /// Executes every step on the loaded inputs.
    private func execute() throws {
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *), let workers {
            // With a free core, split runs are faster; when other processes hold the cores, waiting for
            // descheduled workers makes them slower than serial runs. `ExecutionModeChooser` picks the mode that
            // has recently been faster (probing the other now and then), and a split run that waits over a
            // millisecond for a worker finishes on the calling thread alone. Results are the same either way.
            let pool = unsafeDowncast(workers, to: WorkerPool.self)
            let start = monotonicNanoseconds()
            let parallelRun = modeChooser.nextRunIsParallel()
            if parallelRun { pool.wakeIfParked() }
            if parallelRun { splitRunCount += 1 } else { serialRunCount += 1 }
            var parallel = parallelRun
            for index in 0..<groupParts.count {
                if parallel && groupParts[index] > 1 {
                    if pool.run(task: index, parts: groupParts[index]) > 1_000_000 { parallel = false }
                } else {
                    for step in plan.groups[index].steps { try plan.steps[step].body(contexts[0]) }
                }
            }
            modeChooser.record(parallel: parallelRun, nanoseconds: monotonicNanoseconds() - start)
        } else {
            serialRunCount += 1
            let context = contexts[0]
            for step in plan.steps { try step.body(context) }
        }
    }

    /// Executes step `index` alone: split over the pool when it is large enough, else on the calling thread.
    @available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
    func execute(step index: Int, pool: WorkerPool) throws {
        let parts = stepParts[index]
        if parts > 1 {
            pool.run(task: -1 - index, parts: parts)
        } else {
            try plan.steps[index].body(contexts[0])
        }
    }

    /// Executes step `index` with the runner's threads (used by profiling).
    func execute(step index: Int) throws {
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *), let workers {
            try execute(step: index, pool: unsafeDowncast(workers, to: WorkerPool.self))
        } else {
            try plan.steps[index].body(contexts[0])
        }
    }

    /// Whether a worker thread of the runner is parked (idle for over a millisecond); false without workers.
    var hasParkedWorkers: Bool {
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *), let workers {
            return unsafeDowncast(workers, to: WorkerPool.self).hasParkedWorkers
        }
        return false
    }

    /// Computes `work` with the runner's threads: parts 0..<`threadCount`, part p on thread p (the calling thread
    /// computes part 0), when the runner currently splits its runs; otherwise (one thread, or a machine whose other
    /// cores are busy, as `ExecutionModeChooser` measured on recent runs) as the single part 0 of 1 on the calling
    /// thread. Also as part 0 of 1 when the workers are parked (the runner was idle for over a millisecond): they
    /// are woken for what follows, and the work does not wait for their wake-up. Returns when every part is done.
    /// For work around an inference that is worth sharing, such as the crop that makes a model's input; the parts
    /// must give the same result in any order and on any thread. Allocates nothing. Like `run`, it must not be
    /// called on two threads at once.
    public func runSplit(_ work: any SplitWork) {
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *), let workers, modeChooser.prefersParallel {
            let pool = unsafeDowncast(workers, to: WorkerPool.self)
            if pool.hasParkedWorkers {
                pool.wakeIfParked()
                work.run(part: 0, of: 1)
                return
            }
            lentWork.work = work
            pool.run(task: Self.lentWorkTask, parts: pool.threadCount)
            lentWork.work = nil
        } else {
            work.run(part: 0, of: 1)
        }
    }

    /// Convenience: runs the model on one input array.
    public func run(_ input: [Float]) throws {
        try input.withUnsafeBufferPointer { try run(input: $0) }
    }

    /// Calls `body` with output `index`'s values (valid only inside `body`, until the next `run`).
    public func withOutput<Result>(_ index: Int, _ body: (UnsafeBufferPointer<Float>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: arena + plan.outputOffsets[index], count: outputs[index].elementCount))
    }

    /// A copy of output `index` (model output order).
    public func output(_ index: Int) -> [Float] {
        withOutput(index) { Array($0) }
    }

    /// A copy of the output named `name`.
    public func output(named name: String) throws -> [Float] {
        guard let index = outputs.firstIndex(where: { $0.name == name }) else { throw PlanError.unknownOutput(name) }
        return output(index)
    }
}

/// Work that can be divided into parts computed on different threads (`ModelRunner.runSplit(_:)`).
///
/// A class, so that handing it to the runner's workers copies a reference and allocates nothing: keep one instance
/// and update its inputs before each call.
public protocol SplitWork: AnyObject {
    /// Computes part `part` of `parts` (0 ≤ part < parts). The parts of one call run on different threads at the
    /// same time; each must write only its own share of the output and give the same values on any thread.
    func run(part: Int, of parts: Int)
}

/// Holds the work a runner lends its workers during `runSplit(_:)` (written by the calling thread before the pool
/// publishes the task, read by the workers after they see it).
private final class LentWork: @unchecked Sendable {
    var work: (any SplitWork)?
}

/// A runner owns its arena and workspace: it must not run on two threads at once, so it is explicitly not
/// `Sendable`. Create one runner per thread.
@available(*, unavailable, message: "ModelRunner is not thread-safe; create one runner per thread")
extension ModelRunner: Sendable {}

/// The measured cost of one fused step of an execution plan.
public struct StepProfile: Sendable, Equatable {
    /// The step's label: the fused operator types and the index of the first operator (as in `stepLabels`).
    public let label: String
    /// Multiply-accumulates of the step per run (convolutions only; 0 for other steps).
    public let multiplyAccumulates: Int
    /// Median wall-clock time of the step over the profiled runs, in seconds (monotonic clock).
    public let medianSeconds: Double
}

extension ModelRunner {
    /// Times every step of the plan separately on a model with one input (NHWC Float32, exactly
    /// `inputs[0].elementCount` values): one untimed run first (it validates the input and warms the caches), then
    /// `runs` timed runs. Returns one entry per step, in execution order, with the median time over the runs.
    ///
    /// Reading the clock between steps adds a few tens of nanoseconds per step, so the sum of the medians is
    /// slightly above the time of `run`. Outputs are those of the last run afterwards.
    public func profile(input: UnsafeBufferPointer<Float>, runs: Int) throws -> [StepProfile] {
        try profile(inputs: [input], runs: runs)
    }

    /// Like `profile(input:runs:)` for a model with several inputs, given in graph-input order.
    public func profile(inputs values: [UnsafeBufferPointer<Float>], runs: Int) throws -> [StepProfile] {
        guard runs >= 1 else { throw PlanError.invalidRunCount(runs) }
        try run(inputs: values)  // validates counts and values; later runs only copy
        let steps = plan.steps
        var samples = [[UInt64]](repeating: [], count: steps.count)
        for index in samples.indices { samples[index].reserveCapacity(runs) }
        for _ in 0..<runs {
            // Later steps may reuse the input's arena memory, so every run loads the input again, as `run` does
            // (a large one in bands on the threads whose first split step reads them, so that the first steps are
            // timed with their input where a run has it).
            for position in values.indices { try load(values[position], position: position) }
            for index in steps.indices {
                let start = DispatchTime.now().uptimeNanoseconds
                try execute(step: index)
                samples[index].append(DispatchTime.now().uptimeNanoseconds - start)
            }
        }
        return zip(steps, samples).map { step, times in
            StepProfile(label: step.label, multiplyAccumulates: step.multiplyAccumulates,
                        medianSeconds: Self.median(times) / 1e9)
        }
    }

    /// Median of nanosecond samples (mean of the two middle values for an even count).
    private static func median(_ values: [UInt64]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[middle]) }
        return (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }
}

/// Both paths of one CONV_2D layer of a plan, timed side by side (`ModelRunner.compareConvolutionStrategies(runs:)`).
public struct ConvolutionStrategyTiming: Sendable, Equatable {
    /// Label of the plan step that runs the layer (as in `stepLabels`).
    public let stepLabel: String
    /// The layer's geometry.
    public let geometry: ConvolutionGeometry
    /// The path the plan runs: "direct", "GEMM", or "direct, fused" for a 1×1 layer computed inside a
    /// depthwise + 1×1 block (a block needs the direct path).
    public let chosenPath: String
    /// Median seconds of one run of the layer alone with the direct SIMD kernels.
    public let directSeconds: Double
    /// Median seconds of one run of the layer alone with patch gathering plus OpenBLAS SGEMM.
    public let gemmSeconds: Double
}

extension ModelRunner {
    /// Times the direct and the GEMM path of every CONV_2D layer of the plan on one thread, each layer alone on
    /// random data of its geometry (see `Conv2D.compareStrategies(runs:)`), in execution order. The runner's own
    /// outputs are not touched. Allocates; meant for benchmarks.
    public func compareConvolutionStrategies(runs: Int) -> [ConvolutionStrategyTiming] {
        plan.steps.flatMap { step in
            step.convolutions.map { layer in
                let (direct, gemm) = layer.compareStrategies(runs: runs)
                let fused = step.label.hasPrefix("DEPTHWISE_CONV_2D")
                return ConvolutionStrategyTiming(stepLabel: step.label, geometry: layer.geometry,
                                                 chosenPath: fused ? "direct, fused" : layer.pathName,
                                                 directSeconds: direct, gemmSeconds: gemm)
            }
        }
    }
}

/// The instruction sets the kernels come in.
public enum KernelInstructionSet: String, Sendable, CaseIterable {
    /// Portable code: a `FACEMESH_TARGET_CPU=generic` build, or a machine other than x86-64.
    case portable = "portable"
    /// 8-float registers with fused multiply-add (`-target-cpu haswell`, the default build).
    case avx2 = "AVX2+FMA"
    /// 16-float registers: the convolution tiles of TensorKernelsAVX512, chosen at run time on CPUs with AVX-512
    /// (F, BW, CD, DQ, VL). They give the AVX2 kernels' values bit for bit.
    case avx512 = "AVX-512"
}

/// Checks that the CPU supports what `Package.swift` compiled the numeric code for (AVX2 + FMA by default), and
/// says which kernels run.
public enum RuntimeEnvironment {
    /// Whether the running CPU supports AVX-512F (reported by the benchmarks).
    public static var supportsAVX512: Bool { facemesh_cpu_supports_avx512f() != 0 }

    /// The instruction set of the kernels that layers built from now on use: AVX-512 when the build has the AVX-512
    /// kernels and the CPU supports them, else the build's own (AVX2 + FMA by default). The environment variable
    /// `FACEMESH_KERNELS=avx2` keeps an AVX-512 machine on the AVX2 kernels (for measurements; the values are the
    /// same bit for bit). Read once per process.
    public static let kernelInstructionSet: KernelInstructionSet = {
        #if FACEMESH_AVX512_KERNELS
        let forcedAVX2 = ProcessInfo.processInfo.environment["FACEMESH_KERNELS"]?.lowercased() == "avx2"
        if !forcedAVX2 && facemesh_cpu_supports_avx512_kernels() != 0 { return .avx512 }
        #endif
        #if FACEMESH_REQUIRES_AVX2_FMA
        return .avx2
        #else
        return .portable
        #endif
    }()

    /// Throws `PlanError.unsupportedCPU` when the build requires AVX2/FMA or AVX-512 and the CPU
    /// lacks it. The check itself is compiled without those instructions.
    public static func checkCPU() throws {
        #if FACEMESH_REQUIRES_AVX2_FMA
        guard facemesh_cpu_supports_avx2_fma() != 0 else { throw PlanError.unsupportedCPU(required: "AVX2 and FMA") }
        #endif
        #if FACEMESH_REQUIRES_AVX512
        guard facemesh_cpu_supports_avx512f() != 0 else { throw PlanError.unsupportedCPU(required: "AVX-512") }
        #endif
    }
}

/// The copy of a large input into the arena as `parts` contiguous ranges, one per thread, each checked for NaN and
/// infinity on the way when validating. Besides halving the copy, each thread's range then sits in its own core's
/// cache, where the first step's rows (split the same way, top to bottom) read it. Preallocated: a run allocates
/// nothing.
private final class SplitInputCopy: SplitWork {
    /// Inputs smaller than this (floats) are copied by the calling thread alone: the hand-off would cost more.
    static let minimumCount = 32768
    private var source: UnsafePointer<Float>?
    private var destination: UnsafeMutablePointer<Float>?
    private var count = 0
    private var validating = true
    /// Per part: the index of its first non-finite value, or −1 (each part writes only its own entry).
    private let firstBad: UnsafeMutablePointer<Int>
    private let partCapacity: Int

    /// Room for the parts of `threads` threads.
    init(threads: Int) {
        partCapacity = max(1, threads)
        firstBad = .allocate(capacity: partCapacity)
        firstBad.initialize(repeating: -1, count: partCapacity)
    }

    deinit {
        firstBad.deallocate()
    }

    /// Sets up the copy of `count` floats from `source` to `destination` (then hand the object to `runSplit`).
    func prepare(source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>, count: Int,
                 validating: Bool) {
        self.source = source
        self.destination = destination
        self.count = count
        self.validating = validating
        firstBad.update(repeating: -1, count: partCapacity)
    }

    /// Copies (and checks) part `part` of `parts` of the floats.
    func run(part: Int, of parts: Int) {
        // Ranges of whole 16-float vectors, so that no two threads write into the same cache line.
        let vectors = (count + 15) / 16
        let range = ParallelSchedule.units(part: part, of: parts, units: vectors)
        let start = range.lowerBound * 16, end = min(count, range.upperBound * 16)
        guard start < end, let source, let destination else { return }
        if let bad = InputCopy.copy(source + start, to: destination + start, count: end - start,
                                    validating: validating) {
            firstBad[part] = start + bad
        }
    }

    /// The smallest first non-finite index over the parts of the last copy, or nil.
    func firstNonFinite() -> Int? {
        var first: Int?
        for part in 0..<partCapacity where firstBad[part] >= 0 {
            first = min(first ?? Int.max, firstBad[part])
        }
        return first
    }
}
