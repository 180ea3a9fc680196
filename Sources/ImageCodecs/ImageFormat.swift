/// A compressed image file format that ImageCodecs reads (all three) or writes (PNG and JPEG).
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    /// Portable Network Graphics (lossless).
    case png = "PNG"
    /// JPEG / JFIF (lossy).
    case jpeg = "JPEG"
    /// WebP, lossy (VP8) or lossless (VP8L), still images only (read only).
    case webp = "WebP"

    /// The 8-byte PNG signature: 0x89 'P' 'N' 'G' CR LF 0x1A LF.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// A JPEG stream starts with the SOI marker (FF D8) followed by the first byte of another marker (FF).
    static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]
    /// A WebP file is a RIFF container: "RIFF", a 4-byte little-endian size, then the form type "WEBP".
    static let riffSignature: [UInt8] = Array("RIFF".utf8)
    static let webpFormType: [UInt8] = Array("WEBP".utf8)

    /// Identifies the format from the leading magic bytes (file names and extensions are ignored), or nil if the
    /// bytes start none of PNG, JPEG and WebP (a WebP needs its first 12 bytes: "RIFF", size, "WEBP").
    public static func sniff<Bytes: Collection>(_ bytes: Bytes) -> ImageFormat? where Bytes.Element == UInt8 {
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.starts(with: jpegSignature) { return .jpeg }
        if bytes.starts(with: riffSignature), bytes.dropFirst(8).starts(with: webpFormType) { return .webp }
        return nil
    }

    /// The file name extensions (lower case, without the dot) under which files of this format are usually saved.
    public var fileExtensions: [String] {
        switch self {
        case .png: return ["png"]
        case .jpeg: return ["jpg", "jpeg", "jpe", "jfif"]
        case .webp: return ["webp"]
        }
    }

    /// The format usually saved under a file name extension (with or without the leading dot, any case), or nil for
    /// an extension no supported format uses. Directory scans use this to pick image files; decoding itself always
    /// goes by the magic bytes (`sniff`).
    public init?(fileExtension: String) {
        var name = fileExtension.lowercased()
        if name.hasPrefix(".") { name.removeFirst() }
        guard let format = ImageFormat.allCases.first(where: { $0.fileExtensions.contains(name) }) else { return nil }
        self = format
    }
}
