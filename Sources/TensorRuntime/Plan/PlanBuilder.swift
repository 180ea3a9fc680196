/// Shared state while a `ModelFile` is turned into planned steps: inferred shapes (checked against the shapes the
/// file declares), constant access with type checks, and the operator-consumer relation used by fusion.
final class PlanBuilder {
    let file: ModelFile
    let constants = ConstantPool()
    /// Shapes known so far: constants and graph inputs at the start, then each operator's outputs as it is planned.
    private(set) var shapes: [[Int]?]
    /// For each tensor, the operators that read it.
    let consumers: [[Int]]
    /// Graph output tensors (they must be materialized and stay alive to the end).
    let graphOutputs: Set<Int>
    /// Whole-model reference mode: every step runs its kernel's scalar `reference` (see `ModelRunner.Execution`).
    let reference: Bool

    init(file: ModelFile, reference: Bool = false) {
        self.file = file
        self.reference = reference
        shapes = file.tensors.map { $0.isConstant ? $0.shape : nil }
        for input in file.inputs { shapes[input] = file.tensors[input].shape }
        var consumers = [[Int]](repeating: [], count: file.tensors.count)
        for (index, op) in file.operators.enumerated() {
            for input in op.inputs where input >= 0 { consumers[input].append(index) }
        }
        self.consumers = consumers
        graphOutputs = Set(file.outputs)
    }

    func op(_ index: Int) -> GraphOperator { file.operators[index] }

    /// Whether `tensor` is read by exactly one operator and is not a graph output, so it can live inside a fused step.
    func isPrivate(_ tensor: Int) -> Bool {
        consumers[tensor].count == 1 && !graphOutputs.contains(tensor)
    }

    /// The shape of float32 data operand `tensor` of operator `index`; throws when it has not been produced yet or
    /// is not float32.
    func shape(of tensor: Int, operator index: Int) throws -> [Int] {
        guard let shape = shapes[tensor] else {
            throw PlanError.notTopological(index: index, type: op(index).type.name, tensor: file.tensors[tensor].name)
        }
        guard file.tensors[tensor].dataType == .float32 else {
            throw PlanError.wrongDataType(index: index, type: op(index).type.name, tensor: file.tensors[tensor].name)
        }
        return shape
    }

    /// Records the inferred shape of an operator's output after checking it against the file's declaration.
    func produce(_ tensor: Int, shape: [Int], operator index: Int) throws {
        let declared = file.tensors[tensor].shape
        guard declared == shape else {
            throw PlanError.shapeMismatch(index: index, type: op(index).type.name,
                                          reason: "output '\(file.tensors[tensor].name)' is \(shape), file declares \(declared)")
        }
        guard shapes[tensor] == nil, !file.tensors[tensor].isConstant else {
            throw PlanError.wrongArity(index: index, type: op(index).type.name,
                                       reason: "tensor '\(file.tensors[tensor].name)' is written twice or is a constant")
        }
        guard file.tensors[tensor].dataType == .float32 else {
            throw PlanError.wrongDataType(index: index, type: op(index).type.name, tensor: file.tensors[tensor].name)
        }
        shapes[tensor] = shape
    }

    /// Checks the operand counts of operator `index`: `inputs` allowed input counts, exactly `outputs` outputs, and
    /// no absent operand among the first `required` inputs.
    func requireArity(_ index: Int, inputs: ClosedRange<Int>, outputs: Int = 1, required: Int? = nil) throws {
        let op = op(index)
        guard inputs.contains(op.inputs.count), op.outputs.count == outputs else {
            throw PlanError.wrongArity(index: index, type: op.type.name,
                                       reason: "has \(op.inputs.count) inputs and \(op.outputs.count) outputs, expects \(inputs) and \(outputs)")
        }
        let needed = required ?? inputs.lowerBound
        guard op.inputs.prefix(needed).allSatisfy({ $0 >= 0 }) else {
            throw PlanError.wrongArity(index: index, type: op.type.name, reason: "a required input is absent")
        }
    }

    /// Float constant data of operand `tensor`, or `PlanError.expectedConstant`.
    func floatConstant(_ tensor: Int, operator index: Int, operand: String) throws -> [Float] {
        guard tensor >= 0, file.tensors[tensor].isConstant, file.tensors[tensor].dataType == .float32 else {
            throw PlanError.expectedConstant(index: index, type: op(index).type.name, operand: operand)
        }
        return file.floatData(ofTensor: tensor)
    }

    /// Integer constant data of operand `tensor`, or `PlanError.expectedConstant`.
    func intConstant(_ tensor: Int, operator index: Int, operand: String) throws -> [Int] {
        guard tensor >= 0, file.tensors[tensor].isConstant, file.tensors[tensor].dataType == .int32 else {
            throw PlanError.expectedConstant(index: index, type: op(index).type.name, operand: operand)
        }
        return file.intData(ofTensor: tensor)
    }

    /// Address of `tensor` if it is a float constant (copied once into aligned memory), else `nil`.
    func constantAddress(_ tensor: Int) -> TensorAddress? {
        let description = file.tensors[tensor]
        guard description.isConstant, description.dataType == .float32 else { return nil }
        return TensorAddress(location: .constant(constants.pointer(forTensor: tensor) { file.floatData(ofTensor: tensor) }))
    }

    /// The activation tensors among `tensors` (constants and absent operands removed).
    func activations(_ tensors: [Int]) -> [Int] {
        tensors.filter { $0 >= 0 && !file.tensors[$0].isConstant }
    }

    /// The activation named by a `fused_activation` attribute; only NONE and RELU occur in TFLite files we read.
    func fusedActivation(_ index: Int) throws -> Activation {
        switch op(index).string("fused_activation") ?? "NONE" {
        case "NONE": return .none
        case "RELU": return .relu
        case let other:
            throw PlanError.invalidAttributes(index: index, type: op(index).type.name, reason: "fused activation \(other) not supported")
        }
    }

    /// Converts a kernel's validation error into a plan error for operator `index`.
    func wrap<T>(_ index: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PlanError where !error.isKernelArgumentError {
            throw error
        } catch {
            throw PlanError.shapeMismatch(index: index, type: op(index).type.name, reason: "\(error)")
        }
    }
}

/// Why a model graph could not be turned into an execution plan, or an inference could not run.
/// Every error of the runtime except a damaged weight file (`ModelFileError`): a graph the planner cannot
/// compile, a kernel called with invalid sizes or parameters, bad inputs or options at run time, and a CPU the
/// kernels were not compiled for. `description` is one line naming the operator, argument or value at fault.
public enum PlanError: Error, Equatable, CustomStringConvertible {
    // Graph (raised by `ModelRunner(file:)` while compiling the plan).

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
    /// `ModelRunner.profile` was asked for fewer than 1 run.
    case invalidRunCount(Int)
    /// The running CPU lacks an instruction set the kernels were compiled for (`required`: e.g. "AVX2 and FMA").
    case unsupportedCPU(required: String)

    // Kernels called directly (the planner reports these for operator n as `shapeMismatch`).

    /// Spatial sizes, kernel sizes, strides or paddings that do not describe a valid window geometry.
    case invalidGeometry(String)
    /// Tensor shapes, or parameter arrays (filters, biases, alphas), whose sizes do not agree.
    case sizeMismatch(String)
    /// A parameter value outside its allowed range (e.g. a zero stride or an out-of-range axis).
    case invalidArgument(String)
    /// A well-formed request the kernels deliberately do not implement (e.g. strided-slice ellipsis masks).
    case unsupported(String)

    // Spatial transformer custom ops (TransformTensorBilinear, Landmarks2TransformMatrix, TransformLandmarks).

    /// A size (`name`: height, width, channels, count, outputWidth, ...) is zero or negative.
    case nonPositiveSize(name: String, value: Int)
    /// The element count of a tensor (`name`) does not fit in `Int`.
    case sizeOverflow(name: String)
    /// The number of components per point is not one the kernel supports (`supported` describes which are).
    case unsupportedDimensions(Int, supported: String)
    /// An index (`name`: leftRotationIndex, rightRotationIndex, subsetIndices[k]) is outside `0..<count`.
    case indexOutOfRange(name: String, index: Int, count: Int)
    /// `subsetIndices` is empty, so no bounding box can be measured.
    case emptySubset
    /// A scale option (`name`: scaleX or scaleY) is zero, negative, infinite or NaN.
    case invalidScale(name: String, value: Float)
    /// A value that must be finite (`name`: a matrix entry, an option, a landmark coordinate) is infinite or NaN.
    case nonFinite(name: String)

    /// Whether the error comes from a kernel's argument checks (geometry, sizes, parameters, spatial transformer)
    /// rather than from the graph, the inputs or the environment.
    public var isKernelArgumentError: Bool {
        switch self {
        case .invalidGeometry, .sizeMismatch, .invalidArgument, .unsupported, .nonPositiveSize, .sizeOverflow,
             .unsupportedDimensions, .indexOutOfRange, .emptySubset, .invalidScale, .nonFinite:
            return true
        default:
            return false
        }
    }

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
        case let .invalidRunCount(runs): return "profiling needs at least 1 run, got \(runs)"
        case let .unsupportedCPU(required):
            return "this CPU lacks \(required), which SwiftFaceMesh was compiled for; rebuild with FACEMESH_TARGET_CPU=generic (see README)"
        case .invalidGeometry(let message): return "invalid geometry: \(message)"
        case .sizeMismatch(let message): return "shape mismatch: \(message)"
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .unsupported(let message): return "unsupported: \(message)"
        case let .nonPositiveSize(name, value): return "spatial transformer: \(name) must be positive, got \(value)"
        case let .sizeOverflow(name): return "spatial transformer: the element count of \(name) overflows Int"
        case let .unsupportedDimensions(value, supported):
            return "spatial transformer: \(value) components per point is not supported (\(supported))"
        case let .indexOutOfRange(name, index, count):
            return "spatial transformer: \(name) = \(index) is outside 0..<\(count)"
        case .emptySubset: return "spatial transformer: subsetIndices is empty"
        case let .invalidScale(name, value):
            return "spatial transformer: \(name) must be positive and finite, got \(value)"
        case let .nonFinite(name): return "spatial transformer: \(name) is not finite"
        }
    }
}
