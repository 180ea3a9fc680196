import CPUFeatures
import Foundation

/// Runs one model graph from a weight file on Float32 NHWC buffers (batch 1).
///
/// The execution plan is built once in `init`: shapes are inferred and checked, convolutions absorb their residual
/// ADD and PReLU/ReLU, and every activation gets a place in one arena by lifetime. `run` then allocates nothing.
/// Outputs stay readable until the next `run`.
///
/// Concurrency: a runner holds mutable buffers, so one runner must not run on two threads at once. Create one
/// runner per thread (runners are independent; the plan shares nothing global).
public final class ModelRunner {
    /// Settings for a runner.
    public struct Options: Sendable {
        /// Reject inputs containing NaN or infinity with `PlanError.nonFiniteInput` (one pass over the input).
        public var validatesInputs: Bool = true
        /// Creates the default options.
        public init() {}
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

    // plan, arena and workspace are internal (not private) so ModelRunner+Profiling.swift can time single steps.
    let plan: ExecutionPlan
    private let options: Options
    let arena: UnsafeMutablePointer<Float>
    let workspace: UnsafeMutablePointer<Float>?

    /// Compiles `file` into an execution plan. Throws `PlanError` when the graph uses unsupported operators or its
    /// shapes do not fit together, and `RuntimeEnvironmentError` on a CPU the kernels were not compiled for.
    public init(file: ModelFile, options: Options = Options()) throws {
        try RuntimeEnvironment.checkCPU()
        plan = try ExecutionPlan(file: file)
        self.options = options
        name = file.name
        inputs = file.inputs.map { TensorSignature(name: file.tensors[$0].name, shape: file.tensors[$0].shape) }
        outputs = file.outputs.map { TensorSignature(name: file.tensors[$0].name, shape: file.tensors[$0].shape) }
        multiplyAccumulates = plan.steps.reduce(0) { $0 + $1.multiplyAccumulates }
        arena = Self.allocate(plan.arenaCount)
        workspace = plan.workspaceCount > 0 ? Self.allocate(plan.workspaceCount) : nil
    }

    /// Loads, validates and compiles the weight file at `url`.
    public convenience init(contentsOf url: URL, options: Options = Options()) throws {
        try self.init(file: try ModelFile(contentsOf: url), options: options)
    }

    deinit {
        UnsafeMutableRawPointer(arena).deallocate()
        workspace.map { UnsafeMutableRawPointer($0).deallocate() }
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * 4, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: max(count, 16))
        pointer.initialize(repeating: 0, count: max(count, 16))
        return pointer
    }

    /// Runs the model on its single input (NHWC Float32, exactly `inputs[0].elementCount` values).
    public func run(input: UnsafeBufferPointer<Float>) throws {
        try run(inputs: [input])
    }

    /// Runs the model; `inputs` in graph-input order, each of exactly the input's element count.
    public func run(inputs values: [UnsafeBufferPointer<Float>]) throws {
        guard values.count == inputs.count else {
            throw PlanError.inputMismatch("\(values.count) inputs given, the model has \(inputs.count)")
        }
        for (position, (value, signature)) in zip(values, inputs).enumerated() {
            guard value.count == signature.elementCount, let base = value.baseAddress else {
                throw PlanError.inputMismatch("input \(position) '\(signature.name)' has \(value.count) values, expects \(signature.elementCount) (shape \(signature.shape))")
            }
            if options.validatesInputs, let bad = value.firstIndex(where: { !$0.isFinite }) {
                throw PlanError.nonFiniteInput(input: position, element: bad)
            }
            (arena + plan.inputOffsets[position]).update(from: base, count: value.count)
        }
        let context = ExecutionContext(arena: arena, workspace: workspace)
        for step in plan.steps { try step.body(context) }
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

/// A runner owns its arena and workspace: it must not run on two threads at once, so it is explicitly not
/// `Sendable`. Create one runner per thread.
@available(*, unavailable, message: "ModelRunner is not thread-safe; create one runner per thread")
extension ModelRunner: Sendable {}
