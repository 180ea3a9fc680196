/// CRC-32 as PNG chunks use it (ISO 3309, reflected polynomial 0xEDB88320), computed bit by bit over a chunk's type
/// and data; for tests that build or repair PNG files byte by byte.
public func pngChunkCRC(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
