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

/// The operators this runtime executes: the TFLite builtins of the shipped models and MediaPipe's three custom
/// ops, named as in the `.tflite` file (`name`). A name with no kernel here is kept as `.unsupported(name)`, and
/// `ModelRunner(file:)` rejects it with `PlanError.unsupportedOperator` when it compiles the plan (names are
/// case-sensitive). `Sources/TensorRuntime/Kernels/README.md` maps each case to its plan step, kernel and test.
public enum OperatorType: Sendable, Hashable {
    /// TFLite CONV_2D (`Conv2D`).
    case conv2D
    /// TFLite DEPTHWISE_CONV_2D (`DepthwiseConv2D`).
    case depthwiseConv2D
    /// TFLite ADD (`Add`).
    case add
    /// TFLite MUL (`Mul`).
    case mul
    /// TFLite RELU (`ReLU`).
    case relu
    /// TFLite PRELU (`PReLU`).
    case prelu
    /// TFLite MAX_POOL_2D (`MaxPool2D`).
    case maxPool2D
    /// TFLite PAD (`Pad`).
    case pad
    /// TFLite RESHAPE (a copy step).
    case reshape
    /// TFLite CONCATENATION (`Concatenation`).
    case concatenation
    /// TFLite STRIDED_SLICE (`StridedSlice`).
    case stridedSlice
    /// TFLite LOGISTIC (`Logistic`; Face Mesh V2's tongue score, the blendshape scores).
    case logistic
    /// TFLite SQRT (`Sqrt`).
    case sqrt
    /// TFLite RSQRT (`Rsqrt`).
    case rsqrt
    /// TFLite NEG (`Neg`).
    case neg
    /// TFLite SUB with broadcasting (`Sub`).
    case sub
    /// TFLite DIV with broadcasting (`Div`).
    case div
    /// TFLite SQUARED_DIFFERENCE with broadcasting (`SquaredDifference`).
    case squaredDifference
    /// TFLite MEAN over constant axes (`Mean`).
    case mean
    /// TFLite SUM over constant axes (`Sum`).
    case sum
    /// TFLite TRANSPOSE by a constant permutation (`Transpose`).
    case transpose
    /// TFLite RESIZE_BILINEAR (`ResizeBilinear`).
    case resizeBilinear
    /// TFLite DEPTH_TO_SPACE (`DepthToSpace`).
    case depthToSpace
    /// MediaPipe custom op (attention mesh): affine matrix from landmark pairs.
    case landmarks2TransformMatrix
    /// MediaPipe custom op (attention mesh): bilinear spatial transformer.
    case transformTensorBilinear
    /// MediaPipe custom op (attention mesh): applies an affine matrix to landmarks.
    case transformLandmarks
    /// An operator name this runtime has no kernel for.
    case unsupported(String)

    /// Every supported operator, in the order of the kernel table.
    public static let supported: [OperatorType] = [
        .conv2D, .depthwiseConv2D, .add, .mul, .relu, .prelu, .maxPool2D, .pad, .reshape, .concatenation,
        .stridedSlice, .logistic, .sqrt, .rsqrt, .neg, .sub, .div, .squaredDifference, .mean, .sum, .transpose,
        .resizeBilinear, .depthToSpace, .landmarks2TransformMatrix, .transformTensorBilinear, .transformLandmarks,
    ]

    /// The operator for a `.tflite` operator name (TFLite builtin name, or the custom op's name).
    public init(name: String) {
        self = OperatorType.supported.first { $0.name == name } ?? .unsupported(name)
    }

    /// The name as written in the `.tflite` file.
    public var name: String {
        switch self {
        case .conv2D: return "CONV_2D"
        case .depthwiseConv2D: return "DEPTHWISE_CONV_2D"
        case .add: return "ADD"
        case .mul: return "MUL"
        case .relu: return "RELU"
        case .prelu: return "PRELU"
        case .maxPool2D: return "MAX_POOL_2D"
        case .pad: return "PAD"
        case .reshape: return "RESHAPE"
        case .concatenation: return "CONCATENATION"
        case .stridedSlice: return "STRIDED_SLICE"
        case .logistic: return "LOGISTIC"
        case .sqrt: return "SQRT"
        case .rsqrt: return "RSQRT"
        case .neg: return "NEG"
        case .sub: return "SUB"
        case .div: return "DIV"
        case .squaredDifference: return "SQUARED_DIFFERENCE"
        case .mean: return "MEAN"
        case .sum: return "SUM"
        case .transpose: return "TRANSPOSE"
        case .resizeBilinear: return "RESIZE_BILINEAR"
        case .depthToSpace: return "DEPTH_TO_SPACE"
        case .landmarks2TransformMatrix: return "Landmarks2TransformMatrix"
        case .transformTensorBilinear: return "TransformTensorBilinear"
        case .transformLandmarks: return "TransformLandmarks"
        case .unsupported(let name): return name
        }
    }
}

/// One operator of a model graph: its type, operand tensor indices and attributes. `-1` in `inputs` marks an
/// absent optional input.
public struct GraphOperator: Sendable, Equatable {
    /// The operator (TFLite builtin or MediaPipe custom op).
    public let type: OperatorType
    /// Input tensor indices (`-1`: absent optional input).
    public let inputs: [Int]
    /// Output tensor indices.
    public let outputs: [Int]
    /// Attributes by their `.tflite` option name (e.g. `stride_w`, `fused_activation_function`).
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

/// A bounds-checked cursor over little-endian bytes. Every read checks the remaining length first and throws
/// `ModelFileError.malformedMetadata` instead of reading past the end.
struct LittleEndianReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private let end: Int
    /// Added to `offset` in error messages so they give absolute file positions.
    private let baseOffset: Int

    init(bytes: UnsafeRawBufferPointer, start: Int, end: Int) {
        self.bytes = bytes
        self.offset = start
        self.end = end
        self.baseOffset = 0
    }

    var isAtEnd: Bool { offset == end }

    private mutating func take(_ count: Int, _ what: String) throws -> Int {
        guard count >= 0, end - offset >= count else {
            throw ModelFileError.malformedMetadata(what: "\(what) runs past the end of the metadata", offset: offset)
        }
        let start = offset
        offset += count
        return start
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        bytes[try take(1, what)]
    }

    mutating func u32(_ what: String) throws -> UInt32 {
        let start = try take(4, what)
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt32.self))
    }

    mutating func i32(_ what: String) throws -> Int32 {
        Int32(bitPattern: try u32(what))
    }

    mutating func u64(_ what: String) throws -> UInt64 {
        let start = try take(8, what)
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self))
    }

    mutating func i64(_ what: String) throws -> Int64 {
        Int64(bitPattern: try u64(what))
    }

    mutating func f64(_ what: String) throws -> Double {
        Double(bitPattern: try u64(what))
    }

    /// A count that announces `elementSize`-byte elements: refused when the rest of the metadata cannot hold them,
    /// so a corrupt count never triggers a huge allocation.
    mutating func count(_ what: String, elementSize: Int) throws -> Int {
        let at = offset
        let value = Int(try u32(what))
        guard value <= (end - offset) / max(elementSize, 1) else {
            throw ModelFileError.malformedMetadata(what: "\(what) \(value) exceeds the metadata size", offset: at)
        }
        return value
    }

    mutating func string(_ what: String) throws -> String {
        let length = try count("\(what) length", elementSize: 1)
        let start = try take(length, what)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw ModelFileError.malformedMetadata(what: "\(what) is not valid UTF-8", offset: start)
        }
        return text
    }
}

/// FNV-1a, 64 bits: the checksum of the weight file format.
enum FNV1a64 {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
