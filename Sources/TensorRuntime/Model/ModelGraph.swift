/// Element type of a tensor in a weight file.
public enum TensorDataType: UInt8, Sendable, Equatable {
    /// IEEE 754 single precision; all activations and weights.
    case float32 = 1
    /// Signed 32-bit integers; operands such as PAD's paddings or RESHAPE's shape.
    case int32 = 2
}

/// One tensor of a model graph, as described by the weight file.
public struct TensorDescription: Sendable, Equatable {
    /// The tensor's name in the source `.tflite` file (outputs are looked up by it).
    public let name: String
    /// Element type.
    public let dataType: TensorDataType
    /// Dimensions, outermost first (NHWC for 4-D activations).
    public let shape: [Int]
    /// Byte range of the constant data inside the file, or `nil` for activations and graph inputs.
    public let dataRange: Range<Int>?

    /// Number of elements (product of the dimensions; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
    /// Whether the tensor holds constant data from the file.
    public var isConstant: Bool { dataRange != nil }
}

/// The value of an operator attribute.
public enum AttributeValue: Sendable, Equatable {
    case int(Int)
    case float(Double)
    case string(String)
    case intList([Int])
    case floatList([Double])
}

/// One operator of a model graph: its type (TFLite builtin name or custom op name), operand tensor indices and
/// attributes. `-1` in `inputs` marks an absent optional input.
public struct GraphOperator: Sendable, Equatable {
    public let type: String
    public let inputs: [Int]
    public let outputs: [Int]
    public let attributes: [String: AttributeValue]

    /// The integer attribute `key`, or `nil` when absent or not an integer.
    public func int(_ key: String) -> Int? {
        if case let .int(value)? = attributes[key] { return value }
        return nil
    }

    /// The numeric attribute `key` as a Float (integers are converted), or `nil`.
    public func float(_ key: String) -> Float? {
        switch attributes[key] {
        case let .float(value)?: return Float(value)
        case let .int(value)?: return Float(value)
        default: return nil
        }
    }

    /// The string attribute `key`, or `nil`.
    public func string(_ key: String) -> String? {
        if case let .string(value)? = attributes[key] { return value }
        return nil
    }

    /// The integer-list attribute `key`, or `nil`.
    public func intList(_ key: String) -> [Int]? {
        if case let .intList(value)? = attributes[key] { return value }
        return nil
    }
}
