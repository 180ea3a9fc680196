/// Pointers an executing step needs: the base of the activation arena and the shared scratch workspace.
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
    let build: (_ address: (Int) -> TensorAddress) throws -> StepBody
}
