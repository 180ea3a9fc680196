/// Builds the pieces of EXIF-oriented test files byte by byte: the EXIF block that holds an orientation, and a PNG
/// with an extra chunk (such as eXIf) inserted.
public enum ExifTestFiles {
    /// A minimal EXIF TIFF structure: byte order ("II" little-endian or "MM" big-endian), the magic 42, IFD0 at
    /// offset 8 with the single entry Orientation (tag 0x0112, SHORT, count 1) = `value`, and no next IFD.
    public static func orientationBlock(_ value: Int, bigEndian: Bool = false) -> [UInt8] {
        func u16(_ number: Int) -> [UInt8] {
            let bytes = [UInt8(number & 0xFF), UInt8(number >> 8 & 0xFF)]
            return bigEndian ? bytes.reversed() : bytes
        }
        func u32(_ number: Int) -> [UInt8] {
            let bytes = (0..<4).map { UInt8(number >> (8 * $0) & 0xFF) }
            return bigEndian ? bytes.reversed() : bytes
        }
        return (bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]) + u16(42) + u32(8) + u16(1)
            + u16(0x0112) + u16(3) + u32(1) + u16(value) + [0, 0] + u32(0)
    }

    /// The EXIF orientation whose transform undoes that of `value` (1...8): a picture stored with it and tagged
    /// `value` shows upright. Rotations by 90 degrees (6 and 8) undo each other; the other transforms undo themselves.
    public static func inverseOrientation(_ value: Int) -> Int {
        switch value {
        case 6: return 8
        case 8: return 6
        default: return value
        }
    }

    /// `png` (a complete PNG file) with a chunk of type `type` (4 ASCII letters) holding `payload` inserted right
    /// before its first IDAT chunk, with its CRC.
    public static func insertingChunk(_ type: String, payload: [UInt8], into png: [UInt8]) -> [UInt8] {
        let idatType = Array("IDAT".utf8)
        guard let idat = (8..<png.count - 3).first(where: { Array(png[$0..<$0 + 4]) == idatType }) else {
            preconditionFailure("not a PNG with an IDAT chunk")
        }
        let typeAndData = Array(type.utf8) + payload
        let length = UInt32(payload.count), crc = pngChunkCRC(typeAndData)
        let chunk = (0..<4).map { UInt8(length >> (24 - 8 * $0) & 0xFF) } + typeAndData
            + (0..<4).map { UInt8(crc >> (24 - 8 * $0) & 0xFF) }
        let chunkStart = idat - 4  // the IDAT chunk starts with its 4-byte length
        return Array(png[..<chunkStart]) + chunk + Array(png[chunkStart...])
    }
}
