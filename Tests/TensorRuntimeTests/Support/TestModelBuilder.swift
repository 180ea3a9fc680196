import Foundation
@testable import TensorRuntime

/// Writes small `.sfmw` files for tests, following `docs/weight-format.md` independently of the Python converter:
/// a graph is described tensor by tensor and operator by operator, then serialised with header and checksum.
struct TestModelBuilder {
    struct Tensor {
        var name: String
        var dataType: UInt8 = 1
        var shape: [Int]
        var floats: [Float]? = nil
        var ints: [Int32]? = nil
    }
    enum Attribute {
        case int(Int), float(Double), string(String), ints([Int]), floats([Double])
    }
    struct Operator {
        var type: String
        var inputs: [Int]
        var outputs: [Int]
        var attributes: [String: Attribute] = [:]
    }

    var name = "test_model"
    var tensors: [Tensor] = []
    var inputs: [Int] = []
    var outputs: [Int] = []
    var operators: [Operator] = []

    /// Adds an activation tensor and returns its index.
    mutating func activation(_ name: String, _ shape: [Int]) -> Int {
        tensors.append(Tensor(name: name, shape: shape))
        return tensors.count - 1
    }

    /// Adds a float constant and returns its index.
    mutating func constant(_ name: String, _ shape: [Int], _ values: [Float]) -> Int {
        tensors.append(Tensor(name: name, shape: shape, floats: values))
        return tensors.count - 1
    }

    /// Adds an int32 constant and returns its index.
    mutating func intConstant(_ name: String, _ shape: [Int], _ values: [Int32]) -> Int {
        tensors.append(Tensor(name: name, dataType: 2, shape: shape, ints: values))
        return tensors.count - 1
    }

    mutating func add(_ type: String, _ inputs: [Int], _ outputs: [Int], _ attributes: [String: Attribute] = [:]) {
        operators.append(Operator(type: type, inputs: inputs, outputs: outputs, attributes: attributes))
    }

    /// Serialises the graph: header, metadata, 64-byte aligned payload, FNV-1a checksum.
    func serialized() -> Data {
        var payload = Data()
        var metadata = Data()
        metadata.appendString(name)
        metadata.appendString("written by TestModelBuilder")
        metadata.appendU32(tensors.count)
        for tensor in tensors {
            metadata.appendString(tensor.name)
            metadata.append(tensor.dataType)
            metadata.append(UInt8(tensor.shape.count))
            for dimension in tensor.shape { metadata.appendI32(dimension) }
            var bytes = Data()
            if let floats = tensor.floats { for value in floats { bytes.appendU32(Int(value.bitPattern)) } }
            if let ints = tensor.ints { for value in ints { bytes.appendI32(Int(value)) } }
            if tensor.floats == nil && tensor.ints == nil {
                metadata.append(0)
            } else {
                metadata.append(1)
                while payload.count % 64 != 0 { payload.append(0) }
                metadata.appendU64(payload.count)
                metadata.appendU64(bytes.count)
                payload.append(bytes)
            }
        }
        metadata.appendU32(inputs.count); inputs.forEach { metadata.appendU32($0) }
        metadata.appendU32(outputs.count); outputs.forEach { metadata.appendU32($0) }
        metadata.appendU32(operators.count)
        for op in operators {
            metadata.appendString(op.type)
            metadata.appendU32(op.inputs.count); op.inputs.forEach { metadata.appendI32($0) }
            metadata.appendU32(op.outputs.count); op.outputs.forEach { metadata.appendI32($0) }
            metadata.appendU32(op.attributes.count)
            for key in op.attributes.keys.sorted() {
                metadata.appendString(key)
                switch op.attributes[key]! {
                case let .int(value): metadata.append(1); metadata.appendU64(Int(bitPattern: UInt(bitPattern: value)))
                case let .float(value): metadata.append(2); metadata.appendU64(Int(bitPattern: UInt(value.bitPattern)))
                case let .string(value): metadata.append(3); metadata.appendString(value)
                case let .ints(values):
                    metadata.append(4); metadata.appendU32(values.count)
                    values.forEach { metadata.appendU64(Int(bitPattern: UInt(bitPattern: $0))) }
                case let .floats(values):
                    metadata.append(5); metadata.appendU32(values.count)
                    values.forEach { metadata.appendU64(Int(bitPattern: UInt($0.bitPattern))) }
                }
            }
        }
        let payloadOffset = (64 + metadata.count + 63) / 64 * 64
        var body = metadata
        body.append(Data(count: payloadOffset - 64 - metadata.count))
        body.append(payload)
        return Self.header(metadataLength: metadata.count, payloadOffset: payloadOffset,
                           payloadLength: payload.count, body: body)
    }

    /// The 64-byte header for `body` (everything after the header), with the checksum over `body`.
    static func header(metadataLength: Int, payloadOffset: Int, payloadLength: Int, body: Data) -> Data {
        var file = Data("SFMW".utf8)
        file.appendU32(1)
        file.appendU32(0x0A0B_0C0D)
        file.appendU32(64)
        file.appendU64(64)
        file.appendU64(metadataLength)
        file.appendU64(payloadOffset)
        file.appendU64(payloadLength)
        let checksum = body.withUnsafeBytes { FNV1a64.hash($0) }
        file.appendU64(Int(bitPattern: UInt(checksum)))
        file.appendU64(64 + body.count)
        file.append(body)
        return file
    }

    /// Recomputes the checksum of a (possibly edited) file so a test reaches the checks behind it.
    static func resealed(_ file: Data) -> Data {
        var copy = file
        let checksum = copy[64...].withUnsafeBytes { FNV1a64.hash($0) }
        copy.replaceSubrange(48..<56, with: withUnsafeBytes(of: checksum.littleEndian) { Data($0) })
        return copy
    }
}

extension Data {
    mutating func appendU32(_ value: Int) { Swift.withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { append(contentsOf: $0) } }
    mutating func appendI32(_ value: Int) { Swift.withUnsafeBytes(of: Int32(truncatingIfNeeded: value).littleEndian) { append(contentsOf: $0) } }
    mutating func appendU64(_ value: Int) { Swift.withUnsafeBytes(of: UInt64(UInt(bitPattern: value)).littleEndian) { append(contentsOf: $0) } }
    mutating func appendString(_ value: String) {
        let bytes = Array(value.utf8)
        appendU32(bytes.count)
        append(contentsOf: bytes)
    }
}

/// Locations of the repository's committed files, found from this source file's path.
enum RepositoryFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func weights(_ name: String) -> URL { root.appendingPathComponent("Weights/\(name).sfmw") }
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
}
