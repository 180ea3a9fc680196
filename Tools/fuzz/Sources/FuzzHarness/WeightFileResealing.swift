import Foundation

/// Repairs the header bookkeeping of a mutated `.sfmw` file (format: docs/weight-format.md) so that the fuzzer's
/// mutations reach the metadata parser and the planner instead of stopping at the integrity checks.
///
/// A random mutation almost never keeps the FNV-1a checksum valid, and any insertion or deletion breaks the file
/// length fields. On inputs of at least 64 bytes this rewrites, in a copy:
/// - the file length (offset 56) to the actual byte count;
/// - the payload length (offset 40) to `count - payload offset` when the payload offset (offset 32) lies inside
///   the file (otherwise the field is left as it is, and the loader rejects the header);
/// - the checksum (offset 48) to the FNV-1a 64 hash of every byte from offset 64 to the end.
/// Everything else (magic, version, byte-order mark, metadata, payload) is left as the mutator made it.
public enum WeightFileResealing {
    static let headerLength = 64

    /// The resealed copy of `bytes`; shorter inputs are returned unchanged.
    public static func resealed(_ bytes: UnsafeBufferPointer<UInt8>) -> Data {
        var data = Data(buffer: bytes)
        guard bytes.count >= headerLength else { return data }
        let count = UInt64(bytes.count)
        store(count, at: 56, in: &data)
        let payloadOffset = load(at: 32, from: bytes)
        if payloadOffset <= count {
            store(count - payloadOffset, at: 40, in: &data)
        }
        store(fnv1a64(UnsafeBufferPointer(rebasing: bytes[headerLength...])), at: 48, in: &data)
        return data
    }

    /// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3), as the format defines the checksum.
    public static func fnv1a64(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func load(at offset: Int, from bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { value, index in value | UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
    }

    private static func store(_ value: UInt64, at offset: Int, in data: inout Data) {
        for index in 0..<8 {
            data[data.startIndex + offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
        }
    }
}
