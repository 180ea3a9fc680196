/// A compressed image file format that ImageCodecs reads and writes.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    /// Portable Network Graphics (lossless).
    case png = "PNG"
    /// JPEG / JFIF (lossy).
    case jpeg = "JPEG"

    /// The 8-byte PNG signature: 0x89 'P' 'N' 'G' CR LF 0x1A LF.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// A JPEG stream starts with the SOI marker (FF D8) followed by the first byte of another marker (FF).
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Identifies the format from the leading magic bytes (file names and extensions are ignored), or nil if the
    /// bytes start neither a PNG nor a JPEG.
    public static func sniff<Bytes: Collection>(_ bytes: Bytes) -> ImageFormat? where Bytes.Element == UInt8 {
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.starts(with: jpegSignature) { return .jpeg }
        return nil
    }
}
