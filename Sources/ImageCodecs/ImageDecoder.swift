import Foundation

/// Decodes PNG and JPEG files to 8-bit RGB (`RGBImage`). The format is recognised from the magic bytes, never from
/// the file name. Every call is independent (no shared state), so decoding may run on several threads at once.
///
/// Limits and policy:
/// - The header's size is checked against `limits` (default: 16,384 pixels per side, 100 megapixels) before any
///   pixel memory is allocated; larger images throw `ImageCodecError.imageTooLarge`.
/// - JPEG: greyscale, YCbCr and RGB are converted to RGB; CMYK/YCCK throw `unsupportedColorModel`; 12-bit throws.
/// - PNG: up to 8 bits per sample, every colour type; alpha/transparency is dropped (not composited); 16-bit throws
///   `unsupportedBitDepth`.
/// - Truncated or corrupt data always throws (`truncatedData` / `corruptData`), including the cases where libjpeg
///   would only warn and return a partly grey image; a file cut anywhere before its end marker (JPEG EOI, PNG
///   IEND) counts as truncated.
/// - Pixels are returned as stored: EXIF orientation, ICC profiles and PNG gamma are not applied (as with Pillow's
///   `Image.open(...).convert("RGB")` and OpenCV's `IMREAD_IGNORE_ORIENTATION`).
public enum ImageDecoder {
    /// Decodes an in-memory PNG or JPEG file.
    /// - Throws: `ImageCodecError` (`emptyData`, `unrecognizedFormat`, `imageTooLarge`, `unsupportedBitDepth`,
    ///   `unsupportedColorModel`, `truncatedData`, `corruptData`, `outOfMemory`).
    public static func decode(data: Data, limits: ImageSizeLimits = .default) throws -> RGBImage {
        guard !data.isEmpty else { throw ImageCodecError.emptyData }
        guard let format = ImageFormat.sniff(data) else {
            throw ImageCodecError.unrecognizedFormat(leadingBytes: Array(data.prefix(8)))
        }
        return try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            switch format {
            case .png: return try PNGDecoding.decode(bytes, limits: limits)
            case .jpeg: return try JPEGDecoding.decode(bytes, limits: limits)
            }
        }
    }

    /// Reads and decodes a PNG or JPEG file from a `file:` URL.
    /// - Throws: `ImageCodecError.fileNotFound`, `.isDirectory`, `.unreadableFile` (also for non-file URLs), and
    ///   every error of `decode(data:limits:)`.
    public static func decode(contentsOf url: URL, limits: ImageSizeLimits = .default) throws -> RGBImage {
        let data = try readFile(at: url)
        return try decode(data: data, limits: limits)
    }

    /// Reads a whole local file, turning Foundation's errors into `ImageCodecError`s that name the path.
    static func readFile(at url: URL) throws -> Data {
        guard url.isFileURL else {
            throw ImageCodecError.unreadableFile(path: url.absoluteString, reason: "not a file URL")
        }
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImageCodecError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw ImageCodecError.isDirectory(path: path) }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ImageCodecError.unreadableFile(path: path, reason: error.localizedDescription)
        }
    }
}
