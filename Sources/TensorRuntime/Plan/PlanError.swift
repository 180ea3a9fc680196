/// Why a model graph could not be turned into an execution plan, or an inference could not run.
public enum PlanError: Error, Equatable, CustomStringConvertible {
    /// The graph uses an operator this runtime does not implement.
    case unsupportedOperator(index: Int, type: String)
    /// An operator has the wrong number of inputs or outputs, or a required input is absent.
    case wrongArity(index: Int, type: String, reason: String)
    /// An operator's attributes are missing or invalid.
    case invalidAttributes(index: Int, type: String, reason: String)
    /// The shapes of an operator's operands do not fit together, or differ from the shapes the file declares.
    case shapeMismatch(index: Int, type: String, reason: String)
    /// An operand that must be a constant (weights, paddings, ...) is computed at run time, or has the wrong type.
    case expectedConstant(index: Int, type: String, operand: String)
    /// An operator reads or writes a tensor of a type the kernels do not compute with (they use float32 only;
    /// int32 appears only in constant operands such as PAD's paddings).
    case wrongDataType(index: Int, type: String, tensor: String)
    /// A tensor is read before any operator or graph input produces it (the graph is not in topological order).
    case notTopological(index: Int, type: String, tensor: String)
    /// The graph has no inputs or no outputs.
    case emptyGraph
    /// The activations and scratch memory the graph declares exceed `ExecutionPlan.maximumMemoryFloats` (a
    /// damaged or hostile file can declare tensors of billions of elements in a few bytes).
    case memoryLimitExceeded(required: Int, limit: Int)
    /// The caller passed the wrong number of inputs or an input of the wrong size.
    case inputMismatch(String)
    /// An input value is NaN or infinite (the check can be turned off in `ModelRunner.Options`).
    case nonFiniteInput(input: Int, element: Int)
    /// No output has the requested name.
    case unknownOutput(String)
    /// `ModelRunner.Options.threads` is not at least 1.
    case invalidThreadCount(Int)
    /// The system refused to start worker thread number `worker` (1-based).
    case threadStartFailed(Int)

    public var description: String {
        switch self {
        case let .unsupportedOperator(index, type): return "operator #\(index): unsupported operator type '\(type)'"
        case let .wrongArity(index, type, reason): return "operator #\(index) (\(type)): \(reason)"
        case let .invalidAttributes(index, type, reason): return "operator #\(index) (\(type)): invalid attributes: \(reason)"
        case let .shapeMismatch(index, type, reason): return "operator #\(index) (\(type)): shape mismatch: \(reason)"
        case let .expectedConstant(index, type, operand):
            return "operator #\(index) (\(type)): operand '\(operand)' must be a constant of the right type"
        case let .wrongDataType(index, type, tensor):
            return "operator #\(index) (\(type)): tensor '\(tensor)' is not float32, the only type the kernels compute with"
        case let .notTopological(index, type, tensor):
            return "operator #\(index) (\(type)) reads tensor '\(tensor)' before it is produced"
        case .emptyGraph: return "the model graph has no inputs or no outputs"
        case let .memoryLimitExceeded(required, limit):
            return "the model needs \(required) floats of activation and scratch memory, more than the limit of \(limit)"
        case let .inputMismatch(reason): return "input mismatch: \(reason)"
        case let .nonFiniteInput(input, element): return "input \(input) has a NaN or infinite value at element \(element)"
        case let .unknownOutput(name): return "the model has no output named '\(name)'"
        case let .invalidThreadCount(count): return "thread count must be at least 1, got \(count)"
        case let .threadStartFailed(worker): return "could not start worker thread \(worker)"
        }
    }
}
