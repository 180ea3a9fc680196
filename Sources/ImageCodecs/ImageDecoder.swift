import Foundation

/// Decodes PNG, JPEG and WebP files to 8-bit RGB (`RGBImage`). The format is recognised from the magic bytes, never
/// from the file name. Every call is independent (no shared state), so decoding may run on several threads at once.
///
/// Limits and policy:
/// - The header's size is checked against `limits` (default: 16,384 pixels per side, 100 megapixels) before any
///   pixel memory is allocated; larger images throw `ImageCodecError.imageTooLarge`.
/// - JPEG: greyscale, YCbCr and RGB are converted to RGB, CMYK and YCCK as OpenCV converts them (Adobe's inverted
///   samples); 12-bit throws `unsupportedBitDepth`.
/// - PNG: every colour type and bit depth; 16-bit samples keep their high byte (as OpenCV); alpha/transparency is
///   dropped (not composited).
/// - WebP: still images, lossy or lossless, alpha dropped; animations throw `animatedImage`.
/// - Truncated or corrupt data always throws (`truncatedData` / `corruptData`), including the cases where libjpeg
///   would only warn and return a partly grey image; a file cut anywhere before its end marker (JPEG EOI, PNG
///   IEND, the end the WebP RIFF header declares) counts as truncated.
/// - EXIF orientation (JPEG APP1, PNG eXIf, WebP EXIF chunk) is applied unless `ignoringOrientation` is true: the
///   returned pixels, width and height are the upright picture, as OpenCV's `imread`, browsers and image viewers
///   show it. ICC profiles and PNG gamma are not applied.
public enum ImageDecoder {
    /// Decodes an in-memory PNG, JPEG or WebP file.
    /// - Parameters:
    ///   - limits: largest accepted size, checked against the header before allocating.
    ///   - ignoringOrientation: when true, return the pixels as stored, ignoring the EXIF orientation (as OpenCV's
    ///     `IMREAD_IGNORE_ORIENTATION` and Pillow's `Image.open(...).convert("RGB")`).
    /// - Throws: `ImageCodecError` (`emptyData`, `unrecognizedFormat`, `imageTooLarge`, `unsupportedBitDepth`,
    ///   `unsupportedColorModel`, `animatedImage`, `truncatedData`, `corruptData`, `outOfMemory`).
    public static func decode(data: Data, limits: ImageSizeLimits = .default,
                              ignoringOrientation: Bool = false) throws -> RGBImage {
        guard !data.isEmpty else { throw ImageCodecError.emptyData }
        guard let format = ImageFormat.sniff(data) else {
            throw ImageCodecError.unrecognizedFormat(leadingBytes: Array(data.prefix(8)))
        }
        let (stored, orientation) = try data.withUnsafeBytes { raw -> (RGBImage, ExifOrientation?) in
            let bytes = raw.bindMemory(to: UInt8.self)
            switch format {
            case .png: return try PNGDecoding.decode(bytes, limits: limits)
            case .jpeg: return try JPEGDecoding.decode(bytes, limits: limits)
            case .webp: return try WebPDecoding.decode(bytes, limits: limits)
            }
        }
        guard !ignoringOrientation, let orientation, orientation != .upright else { return stored }
        let upright = orientation.upright(pixels: stored.pixels, width: stored.width, height: stored.height)
        return RGBImage(validatedWidth: upright.width, height: upright.height, pixels: upright.pixels)
    }

    /// Reads and decodes a PNG, JPEG or WebP file from a `file:` URL.
    /// - Throws: `ImageCodecError.fileNotFound`, `.isDirectory`, `.unreadableFile` (also for non-file URLs), and
    ///   every error of `decode(data:limits:ignoringOrientation:)`.
    public static func decode(contentsOf url: URL, limits: ImageSizeLimits = .default,
                              ignoringOrientation: Bool = false) throws -> RGBImage {
        let data = try readFile(at: url)
        return try decode(data: data, limits: limits, ignoringOrientation: ignoringOrientation)
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
