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
