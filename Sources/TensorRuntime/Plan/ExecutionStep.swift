/// Pointers an executing step needs: the base of the activation arena and the scratch workspace of the thread
/// that executes it (every thread of a runner has its own workspace).
struct ExecutionContext {
    let arena: UnsafeMutablePointer<Float>
    let workspace: UnsafeMutablePointer<Float>?
}

/// Where a tensor's values live while the plan runs: at an offset in the activation arena, or in constant memory.
struct TensorAddress {
    enum Location {
        case arena(offset: Int)
        case constant(UnsafeMutablePointer<Float>)
    }
    let location: Location

    /// The tensor's first element for this execution.
    @inline(__always)
    func pointer(_ context: ExecutionContext) -> UnsafeMutablePointer<Float> {
        switch location {
        case let .arena(offset): return context.arena + offset
        case let .constant(pointer): return pointer
        }
    }
}

/// The compiled body of one step: reads and writes through the context.
typealias StepBody = (ExecutionContext) throws -> Void

/// A step whose work divides into `units` independent pieces (output rows, pixel spans, channel blocks, element
/// ranges) that threads may compute separately. Each output element is computed by exactly one unit, with the
/// same arithmetic whichever thread runs it and however the units are grouped, so results do not depend on the
/// thread count.
struct StepPartition {
    /// Number of independent units (at least 1).
    let units: Int
    /// Rough single-thread cost of the whole step in nanoseconds (MACs and bytes moved), used to decide whether
    /// splitting it across threads pays for the hand-off.
    let estimatedNanoseconds: Double
    /// Computes the units in the range (a sub-range of 0..<units). Must not throw or allocate.
    let run: (ExecutionContext, Range<Int>) -> Void

    /// Estimated cost from multiply-accumulates and floats read plus written: ≈30 MAC/ns and ≈5 floats/ns.
    static func estimate(multiplyAccumulates: Int, floatsMoved: Int) -> Double {
        Double(multiplyAccumulates) / 30 + Double(floatsMoved) / 5
    }
}

/// A step ready to execute: its body, and its partition when the work can be split across threads.
struct CompiledStep {
    let body: StepBody
    let partition: StepPartition?

    /// A step that runs as one piece.
    init(_ body: @escaping StepBody) {
        self.body = body
        partition = nil
    }

    /// A step that can be split; its body runs all units.
    init(_ partition: StepPartition) {
        self.partition = partition
        body = { context in partition.run(context, 0..<partition.units) }
    }
}

/// One step of an execution plan before memory is assigned: which activation tensors it reads and writes, how
/// much scratch memory it needs, and how to build its body once every tensor has an address.
struct PlannedStep {
    /// Human-readable name: the fused operator types and the index of the first operator.
    let label: String
    /// Activation tensors read (graph inputs or outputs of earlier steps; constants excluded).
    let reads: [Int]
    /// Activation tensors written.
    let writes: [Int]
    /// Floats of scratch memory the body uses (shared by all steps, never live across steps).
    let workspaceCount: Int
    /// Multiply-accumulates per run (convolutions only; 0 otherwise), for profiling.
    let multiplyAccumulates: Int
    /// Whether the built step has a partition (so it may join a group of independent steps run in parallel).
    var splittable = false
    /// The CONV_2D layers the step runs (for `ModelRunner.compareConvolutionStrategies(runs:)`).
    var convolutions: [Conv2D] = []
    /// Builds the body from the final tensor addresses.
    let build: (_ address: (Int) -> TensorAddress) throws -> CompiledStep
}

/// Consecutive independent steps of a plan, executed as one parallel task (internal).
///
/// With `parts` threads, part p computes, of every member step with at least `parts` units, the p-th of `parts`
/// nearly equal unit ranges, and whole the member steps with fewer units whose index in the group is p modulo
/// `parts`. Members are independent (none reads another's output), so the parts may run at once; each member's
/// units get the same arithmetic as in a whole run of the step.
struct StepGroup {
    /// The steps of the plan in this group.
    let steps: Range<Int>
    /// The members' partitions, in order; empty when the group is a single step (which uses its own partition
    /// or runs whole).
    let members: [StepPartition]

    /// Estimated single-thread cost of all members.
    var estimatedNanoseconds: Double { members.reduce(0) { $0 + $1.estimatedNanoseconds } }
}

/// What each thread of a split run computes, laid out so that the threads share no reference counts (internal).
///
/// Task t ≥ 0 is group t of the plan (a group of one step: that step's partition); task −1 − s is step s alone
/// (profiling). `run(task:part:parts:context:)` computes part `part` of `parts` as `StepGroup` describes.
///
/// Every thread of a split run calls the same step closures at about the same moment. Copying a closure out of
/// an array, as calling `groups[t].members[i].run` does, retains the closure's context: an atomic write to the
/// context's header, which moves that cache line to the writing core and back, for every step, on both threads
/// (on a 2-vCPU server a line takes a few hundred nanoseconds per trip). Here the closures sit in boxes that
/// the table owns, and the threads reach them through unmanaged references in buffers that nobody writes after
/// `init`, so a split step reads only unchanging memory until it reaches the activations. The runner's job
/// captures the table itself, which its calls borrow. Measured in one process, 2 threads, paired blocks of runs
/// (with the caller's side of `WorkerPool.run` borrowing the job the same way), new / old: attention 0.983–0.988,
/// iris 0.989–0.990, mesh 0.99–1.01 (noise).
final class SplitTaskTable {
    /// One step's partition.
    private final class Member {
        let units: Int
        let run: (ExecutionContext, Range<Int>) -> Void

        init(_ partition: StepPartition) {
            units = partition.units
            run = partition.run
        }
    }

    /// Keeps the members alive; `stepMembers` holds unmanaged references to them.
    private let owned: [Member]
    /// Step s's partition (nil for steps without one). A group's members are the partitions of its steps.
    private let stepMembers: UnsafeMutableBufferPointer<Unmanaged<Member>?>
    /// Group g's steps.
    private let groupSteps: UnsafeMutableBufferPointer<Range<Int>>

    /// Lays out `groups` (the groups of a plan, whose members are the partitions of their steps) and the
    /// partitions of the plan's steps (nil for a step without one).
    init(groups: [StepGroup], stepPartitions: [StepPartition?]) {
        let boxes = stepPartitions.map { $0.map(Member.init) }
        owned = boxes.compactMap { $0 }
        stepMembers = .allocate(capacity: boxes.count)
        _ = stepMembers.initialize(from: boxes.map { $0.map { Unmanaged.passUnretained($0) } })
        groupSteps = .allocate(capacity: groups.count)
        _ = groupSteps.initialize(from: groups.map(\.steps))
    }

    deinit {
        stepMembers.deallocate()
        groupSteps.deallocate()
    }

    /// Computes part `part` of `parts` of task `task` with `context`. A group of several steps: of every member
    /// with at least `parts` units, the `part`-th of `parts` nearly equal unit ranges, and whole the members with
    /// fewer units whose index in the group is `part` modulo `parts`. A group of one step, or a step alone: the
    /// `part`-th range of its partition's units (nothing when it has no partition; such steps are never split).
    func run(task: Int, part: Int, parts: Int, context: ExecutionContext) {
        let steps = task < 0 ? (-1 - task)..<(-task) : groupSteps[task]
        if steps.count == 1 {
            stepMembers[steps.lowerBound]?._withUnsafeGuaranteedRef { member in
                member.run(context, ParallelSchedule.units(part: part, of: parts, units: member.units))
            }
            return
        }
        for step in steps {
            stepMembers[step]?._withUnsafeGuaranteedRef { member in
                if member.units >= parts {
                    member.run(context, ParallelSchedule.units(part: part, of: parts, units: member.units))
                } else if (step - steps.lowerBound) % parts == part {
                    member.run(context, 0..<member.units)
                }
            }
        }
    }
}

/// Decides which steps are divided among threads (internal).
///
/// Handing a step to the workers costs about a microsecond on the critical path (the task's cache line reaching
/// each worker, each worker's completion flag coming back, a few hundred nanoseconds each on a multi-core x86
/// server), so only steps estimated above `minimumNanoseconds` are split; the rest run whole on the calling
/// thread.
enum ParallelSchedule {
    /// Steps estimated below this run whole on the calling thread.
    static let minimumNanoseconds: Double = 4000

    /// Parts for a step with `partition` on `threads` threads; 1 means: run it whole on the calling thread.
    static func parts(for partition: StepPartition?, threads: Int) -> Int {
        guard threads > 1, let partition, partition.units >= 2,
              partition.estimatedNanoseconds >= minimumNanoseconds else { return 1 }
        return min(partition.units, threads)
    }

    /// Parts for `group` on `threads` threads (1: run its steps one after the other on the calling thread).
    static func parts(for group: StepGroup, steps: [ExecutionPlan.Step], threads: Int) -> Int {
        if group.members.isEmpty { return parts(for: steps[group.steps.lowerBound].partition, threads: threads) }
        guard threads > 1, group.estimatedNanoseconds >= minimumNanoseconds else { return 1 }
        return min(threads, max(group.members.count, group.members.map(\.units).max() ?? 1))
    }

    /// Units of part `part` of `parts`: the `part`-th of `parts` nearly equal contiguous ranges of 0..<units.
    static func units(part: Int, of parts: Int, units: Int) -> Range<Int> {
        (part * units / parts)..<((part + 1) * units / parts)
    }
}

/// Assigns arena offsets to tensors from their lifetimes so that tensors alive at the same time never overlap and
/// dead tensors' memory is reused. Greedy by decreasing size, first fit: each tensor goes to the lowest offset where it
/// does not collide with an already placed tensor whose lifetime intersects its own.
enum ArenaAllocator {
    /// A buffer request: `size` floats alive from step `first` through step `last` (inclusive).
    struct Request {
        let tensor: Int
        let size: Int
        let first: Int
        let last: Int
    }

    /// Floats between buffer starts: 16 floats = 64 bytes, a cache line and an AVX-512 vector.
    static let alignment = 16

    /// Returns each tensor's offset (in floats) and the total arena size.
    static func assign(_ requests: [Request]) -> (offsets: [Int: Int], size: Int) {
        let order = requests.sorted { ($0.size, $1.tensor) > ($1.size, $0.tensor) }
        var placed: [(offset: Int, end: Int, first: Int, last: Int)] = []
        var offsets: [Int: Int] = [:]
        var total = 0
        for request in order {
            let rounded = (request.size + alignment - 1) / alignment * alignment
            let conflicts = placed
                .filter { $0.first <= request.last && request.first <= $0.last }
                .sorted { $0.offset < $1.offset }
            var candidate = 0
            for block in conflicts {
                if candidate + rounded <= block.offset { break }
                candidate = max(candidate, block.end)
            }
            placed.append((candidate, candidate + rounded, request.first, request.last))
            offsets[request.tensor] = candidate
            total = max(total, candidate + rounded)
        }
        return (offsets, total)
    }
}

/// Owns the constant Float data that generic steps read at run time (MUL's constant operand, standalone PReLU
/// alphas, constant ADD operands). Kernels that pre-pack their weights keep their own copies instead.
final class ConstantPool {
    private var blocks: [UnsafeMutablePointer<Float>] = []
    private var byTensor: [Int: UnsafeMutablePointer<Float>] = [:]

    /// The 64-byte aligned copy of `values` for tensor `index`, made once.
    func pointer(forTensor index: Int, values: () -> [Float]) -> UnsafeMutablePointer<Float> {
        if let existing = byTensor[index] { return existing }
        let data = values()
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1) * 4, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: max(data.count, 1))
        data.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: data.count) }
        }
        blocks.append(pointer)
        byTensor[index] = pointer
        return pointer
    }

    deinit {
        for block in blocks { UnsafeMutableRawPointer(block).deallocate() }
    }
}
