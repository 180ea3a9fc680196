import Foundation

/// A validated SwiftFaceMesh weight file (`.sfmw`, format in `docs/weight-format.md`): the model graph plus its
/// constant data. Loading checks the header, the checksum, every offset and length, every tensor index and shape
/// before anything is used, and throws `ModelFileError` on the first problem.
public struct ModelFile: Sendable {
    /// The model name stored in the file (e.g. `face_landmark`).
    public let name: String
    /// The description string of the source `.tflite` model.
    public let modelDescription: String
    /// All tensors; operators refer to them by index.
    public let tensors: [TensorDescription]
    /// Indices of the graph inputs.
    public let inputs: [Int]
    /// Indices of the graph outputs, in the model's output order.
    public let outputs: [Int]
    /// Operators in execution (topological) order.
    public let operators: [GraphOperator]
    /// The whole file; constant data is read from it by `dataRange`.
    public let bytes: Data

    static let magic: [UInt8] = Array("SFMW".utf8)
    static let headerLength = 64
    static let maximumRank = 8
    /// Upper bound on the elements of one tensor (2^31): far above any face model, low enough that sizes never overflow.
    static let maximumElementCount = 1 << 31

    /// Reads and validates the file at `url`.
    public init(contentsOf url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelFileError.unreadable(path: url.path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw ModelFileError.unreadable(path: url.path, reason: "is a directory")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ModelFileError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data)
    }

    /// Validates and parses a weight file held in memory.
    public init(data: Data) throws {
        let parsed = try data.withUnsafeBytes { raw in try Self.parse(raw) }
        name = parsed.name
        modelDescription = parsed.description
        tensors = parsed.tensors
        inputs = parsed.inputs
        outputs = parsed.outputs
        operators = parsed.operators
        bytes = data
    }

    /// The constant data of tensor `index` as Float32 values (empty for activations or int32 tensors).
    public func floatData(ofTensor index: Int) -> [Float] {
        let tensor = tensors[index]
        guard let range = tensor.dataRange, tensor.dataType == .float32 else { return [] }
        return bytes.withUnsafeBytes { raw in
            (0..<tensor.elementCount).map { element in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(
                    fromByteOffset: range.lowerBound + 4 * element, as: UInt32.self)))
            }
        }
    }

    /// The constant data of tensor `index` as integers (empty for activations or float tensors).
    public func intData(ofTensor index: Int) -> [Int] {
        let tensor = tensors[index]
        guard let range = tensor.dataRange, tensor.dataType == .int32 else { return [] }
        return bytes.withUnsafeBytes { raw in
            (0..<tensor.elementCount).map { element in
                Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: range.lowerBound + 4 * element,
                                                          as: Int32.self)))
            }
        }
    }

    private struct Parsed {
        var name = "", description = ""
        var tensors: [TensorDescription] = []
        var inputs: [Int] = [], outputs: [Int] = []
        var operators: [GraphOperator] = []
    }

    private static func parse(_ raw: UnsafeRawBufferPointer) throws -> Parsed {
        let header = try Header(raw)
        let checksum = FNV1a64.hash(UnsafeRawBufferPointer(rebasing: raw[headerLength..<raw.count]))
        guard checksum == header.checksum else {
            throw ModelFileError.checksumMismatch(expected: header.checksum, actual: checksum)
        }
        var reader = LittleEndianReader(bytes: raw, start: header.metadataOffset,
                                        end: header.metadataOffset + header.metadataLength)
        var parsed = Parsed()
        parsed.name = try reader.string("model name")
        parsed.description = try reader.string("model description")
        let tensorCount = try reader.count("tensor count", elementSize: 7)
        for index in 0..<tensorCount {
            parsed.tensors.append(try readTensor(&reader, index: index, header: header))
        }
        parsed.inputs = try readIndexList(&reader, "input", tensorCount: tensorCount)
        parsed.outputs = try readIndexList(&reader, "output", tensorCount: tensorCount)
        let operatorCount = try reader.count("operator count", elementSize: 16)
        for index in 0..<operatorCount {
            parsed.operators.append(try readOperator(&reader, index: index, tensorCount: tensorCount))
        }
        guard reader.isAtEnd else {
            throw ModelFileError.malformedMetadata(what: "unexpected bytes after the operator list",
                                                   offset: reader.offset)
        }
        try checkFinite(parsed.tensors, raw)
        return parsed
    }

    /// Rejects float constants holding NaN or infinity (exponent bits all ones).
    private static func checkFinite(_ tensors: [TensorDescription], _ raw: UnsafeRawBufferPointer) throws {
        for (index, tensor) in tensors.enumerated() where tensor.dataType == .float32 {
            guard let range = tensor.dataRange else { continue }
            for element in 0..<tensor.elementCount {
                let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: range.lowerBound + 4 * element,
                                                                  as: UInt32.self))
                if bits & 0x7F80_0000 == 0x7F80_0000 {
                    throw ModelFileError.nonFiniteConstant(index: index, name: tensor.name, element: element)
                }
            }
        }
    }

    private static func readTensor(_ reader: inout LittleEndianReader, index: Int,
                                   header: Header) throws -> TensorDescription {
        let name = try reader.string("tensor #\(index) name")
        let typeCode = try reader.u8("tensor #\(index) data type")
        guard let dataType = TensorDataType(rawValue: typeCode) else {
            throw ModelFileError.invalidTensor(index: index, name: name, reason: "unknown data type \(typeCode)")
        }
        let rank = Int(try reader.u8("tensor #\(index) rank"))
        guard rank <= maximumRank else {
            throw ModelFileError.invalidTensor(index: index, name: name, reason: "rank \(rank) exceeds \(maximumRank)")
        }
        var shape: [Int] = []
        var elementCount = 1
        for _ in 0..<rank {
            let dimension = Int(try reader.i32("tensor #\(index) dimension"))
            guard dimension >= 1 else {
                throw ModelFileError.invalidTensor(index: index, name: name, reason: "dimension \(dimension) < 1")
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumElementCount else {
                throw ModelFileError.invalidTensor(index: index, name: name, reason: "element count overflows")
            }
            elementCount = product
            shape.append(dimension)
        }
        let hasData = try reader.u8("tensor #\(index) data flag")
        guard hasData <= 1 else {
            throw ModelFileError.invalidTensor(index: index, name: name, reason: "data flag \(hasData) is not 0 or 1")
        }
        var dataRange: Range<Int>? = nil
        if hasData == 1 {
            let offset = try reader.u64("tensor #\(index) data offset")
            let length = try reader.u64("tensor #\(index) data length")
            guard length == UInt64(elementCount * 4) else {
                throw ModelFileError.invalidTensor(index: index, name: name,
                                                   reason: "data length \(length) != \(elementCount) × 4 bytes")
            }
            guard offset % 64 == 0 else {
                throw ModelFileError.invalidTensor(index: index, name: name, reason: "data offset \(offset) not 64-byte aligned")
            }
            guard offset <= UInt64(header.payloadLength), length <= UInt64(header.payloadLength) - offset else {
                throw ModelFileError.invalidTensor(index: index, name: name, reason: "data lies outside the payload")
            }
            let start = header.payloadOffset + Int(offset)
            dataRange = start..<(start + Int(length))
        }
        return TensorDescription(name: name, dataType: dataType, shape: shape, dataRange: dataRange)
    }

    private static func readIndexList(_ reader: inout LittleEndianReader, _ what: String,
                                      tensorCount: Int) throws -> [Int] {
        let count = try reader.count("\(what) count", elementSize: 4)
        return try (0..<count).map { _ in
            let at = reader.offset
            let index = Int(try reader.u32("\(what) tensor index"))
            guard index < tensorCount else {
                throw ModelFileError.malformedMetadata(what: "\(what) tensor index \(index) out of range", offset: at)
            }
            return index
        }
    }

    private static func readOperator(_ reader: inout LittleEndianReader, index: Int,
                                     tensorCount: Int) throws -> GraphOperator {
        let type = try reader.string("operator #\(index) type")
        func operands(_ what: String, allowAbsent: Bool) throws -> [Int] {
            let count = try reader.count("operator #\(index) \(what) count", elementSize: 4)
            return try (0..<count).map { _ in
                let tensor = Int(try reader.i32("operator #\(index) \(what)"))
                guard (tensor >= 0 && tensor < tensorCount) || (allowAbsent && tensor == -1) else {
                    throw ModelFileError.invalidOperator(index: index, type: type,
                                                         reason: "\(what) tensor \(tensor) out of range")
                }
                return tensor
            }
        }
        let inputs = try operands("input", allowAbsent: true)
        let outputs = try operands("output", allowAbsent: false)
        let attributeCount = try reader.count("operator #\(index) attribute count", elementSize: 6)
        var attributes: [String: AttributeValue] = [:]
        for _ in 0..<attributeCount {
            let key = try reader.string("operator #\(index) attribute key")
            let kindOffset = reader.offset
            let value: AttributeValue
            switch try reader.u8("attribute '\(key)' kind") {
            case 1: value = .int(Int(try reader.i64("attribute '\(key)'")))
            case 2: value = .float(try reader.f64("attribute '\(key)'"))
            case 3: value = .string(try reader.string("attribute '\(key)'"))
            case 4:
                let count = try reader.count("attribute '\(key)' count", elementSize: 8)
                value = .intList(try (0..<count).map { _ in Int(try reader.i64("attribute '\(key)'")) })
            case 5:
                let count = try reader.count("attribute '\(key)' count", elementSize: 8)
                value = .floatList(try (0..<count).map { _ in try reader.f64("attribute '\(key)'") })
            case let kind:
                throw ModelFileError.malformedMetadata(what: "attribute '\(key)' has unknown kind \(kind)",
                                                       offset: kindOffset)
            }
            attributes[key] = value
        }
        return GraphOperator(type: OperatorType(name: type), inputs: inputs, outputs: outputs, attributes: attributes)
    }
}

/// The fixed 64-byte header, validated against the actual file length.
private struct Header {
    let metadataOffset: Int
    let metadataLength: Int
    let payloadOffset: Int
    let payloadLength: Int
    let checksum: UInt64

    init(_ raw: UnsafeRawBufferPointer) throws {
        let length = ModelFile.headerLength
        guard raw.count >= length else {
            if raw.count >= 4, !zip(raw.prefix(4), ModelFile.magic).allSatisfy({ $0 == $1 }) {
                throw ModelFileError.badMagic
            }
            throw ModelFileError.truncated(expected: length, actual: raw.count)
        }
        guard Array(raw.prefix(4)) == ModelFile.magic else { throw ModelFileError.badMagic }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        guard u32(8) == 0x0A0B_0C0D else { throw ModelFileError.wrongByteOrder }
        guard u32(4) == 1 else { throw ModelFileError.unsupportedVersion(u32(4)) }
        guard u32(12) == UInt32(length) else { throw ModelFileError.invalidHeader("header length \(u32(12)) != 64") }
        let fileLength = u64(56)
        guard fileLength <= UInt64(Int.max / 2) else { throw ModelFileError.invalidHeader("file length too large") }
        guard UInt64(raw.count) >= fileLength else {
            throw ModelFileError.truncated(expected: Int(fileLength), actual: raw.count)
        }
        guard UInt64(raw.count) == fileLength else {
            throw ModelFileError.invalidHeader("file has \(raw.count) bytes, header says \(fileLength)")
        }
        let values = [u64(16), u64(24), u64(32), u64(40)]
        guard values.allSatisfy({ $0 <= fileLength }) else {
            throw ModelFileError.invalidHeader("section offsets or lengths exceed the file length")
        }
        metadataOffset = Int(values[0])
        metadataLength = Int(values[1])
        payloadOffset = Int(values[2])
        payloadLength = Int(values[3])
        checksum = u64(48)
        guard metadataOffset == length else {
            throw ModelFileError.invalidHeader("metadata offset \(metadataOffset) != 64")
        }
        guard payloadOffset % 64 == 0, payloadOffset >= metadataOffset + metadataLength else {
            throw ModelFileError.invalidHeader("payload offset \(payloadOffset) misaligned or overlapping the metadata")
        }
        guard payloadOffset + payloadLength == raw.count else {
            throw ModelFileError.invalidHeader("payload does not end at the end of the file")
        }
    }
}

/// Why a weight file (`.sfmw`, see `docs/weight-format.md`) was rejected. Every check happens before any of the
/// file's data is used, so a damaged file never traps and never runs.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read at all (missing, a directory, no permission).
    case unreadable(path: String, reason: String)
    /// The file is shorter than its header or than the lengths the header announces.
    case truncated(expected: Int, actual: Int)
    /// The first four bytes are not `SFMW`.
    case badMagic
    /// The format version is not one this reader understands.
    case unsupportedVersion(UInt32)
    /// The byte-order mark does not read as little-endian.
    case wrongByteOrder
    /// A header field is inconsistent (offsets, lengths, alignment).
    case invalidHeader(String)
    /// The FNV-1a checksum over the metadata and payload does not match the header.
    case checksumMismatch(expected: UInt64, actual: UInt64)
    /// The metadata section could not be parsed: `what` names the field, `offset` the byte position.
    case malformedMetadata(what: String, offset: Int)
    /// A tensor description is invalid (rank, dimensions, element count overflow, data range).
    case invalidTensor(index: Int, name: String, reason: String)
    /// An operator refers to a tensor index that does not exist, or is otherwise malformed.
    case invalidOperator(index: Int, type: String, reason: String)
    /// A constant tensor holds NaN or infinity, so the model could not produce finite outputs.
    case nonFiniteConstant(index: Int, name: String, element: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read weight file '\(path)': \(reason)"
        case let .truncated(expected, actual):
            return "weight file is truncated: needs \(expected) bytes, has \(actual)"
        case .badMagic: return "not a SwiftFaceMesh weight file (magic is not 'SFMW')"
        case let .unsupportedVersion(version): return "unsupported weight file version \(version) (this reader reads 1)"
        case .wrongByteOrder: return "weight file byte-order mark is wrong (not a little-endian SFMW file)"
        case let .invalidHeader(reason): return "invalid weight file header: \(reason)"
        case let .checksumMismatch(expected, actual):
            return "weight file is corrupt: checksum 0x\(String(actual, radix: 16)) does not match 0x\(String(expected, radix: 16))"
        case let .malformedMetadata(what, offset): return "malformed weight file metadata: \(what) at byte \(offset)"
        case let .invalidTensor(index, name, reason): return "invalid tensor #\(index) '\(name)': \(reason)"
        case let .invalidOperator(index, type, reason): return "invalid operator #\(index) (\(type)): \(reason)"
        case let .nonFiniteConstant(index, name, element):
            return "constant tensor #\(index) '\(name)' holds NaN or infinity at element \(element)"
        }
    }
}
