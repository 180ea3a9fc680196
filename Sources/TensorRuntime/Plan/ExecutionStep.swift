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
    /// Builds the body from the final tensor addresses.
    let build: (_ address: (Int) -> TensorAddress) throws -> CompiledStep
}
