@_exported import ImageBasics
import CImageShims
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

/// Upper bounds on the size of a decoded image, checked against the file header before any pixel memory is
/// allocated, so that a small malicious file cannot make the decoder allocate gigabytes.
public struct ImageSizeLimits: Sendable, Equatable {
    /// Largest accepted width and largest accepted height, in pixels.
    public var maximumSide: Int
    /// Largest accepted `width * height`, in pixels.
    public var maximumPixelCount: Int

    /// The default limits: at most 16,384 pixels per side and at most 100,000,000 pixels (300 MB of RGB).
    public static let `default` = ImageSizeLimits(maximumSide: 16_384, maximumPixelCount: 100_000_000)

    /// Creates limits; both values are in pixels.
    public init(maximumSide: Int, maximumPixelCount: Int) {
        self.maximumSide = maximumSide
        self.maximumPixelCount = maximumPixelCount
    }

    /// Whether an image of `width` x `height` pixels (both positive) fits within the limits.
    public func accepts(width: Int, height: Int) -> Bool {
        guard width <= maximumSide, height <= maximumSide else { return false }
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        return !overflow && pixelCount <= maximumPixelCount
    }
}

/// JPEG decoding through libjpeg-turbo: header first, policy checks, then the pixels.
enum JPEGDecoding {
    /// Decodes a complete JPEG stream to RGB.
    ///
    /// Greyscale JPEGs are replicated into R, G and B; YCbCr (and Adobe RGB-transform) JPEGs are converted with
    /// libjpeg's default accurate integer IDCT, colour conversion and "fancy" chroma upsampling, i.e. the same output
    /// as Pillow and OpenCV give with libjpeg-turbo. Warnings after which libjpeg would silently fill the rest of
    /// the image with grey (premature end of file, corrupt entropy-coded data, lost restart markers) are errors.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: ImageSizeLimits) throws -> RGBImage {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw ImageCodecError.emptyData }
        guard let decoder = cis_jpeg_decoder_create(base, bytes.count) else {
            throw ImageCodecError.outOfMemory(format: .jpeg)
        }
        defer { cis_jpeg_decoder_destroy(decoder) }

        var header = CISImageHeader()
        let headerStatus = cis_jpeg_decoder_read_header(decoder, &header)
        if headerStatus == CIS_STATUS_UNSUPPORTED_PRECISION {
            throw ImageCodecError.unsupportedBitDepth(format: .jpeg, bitDepth: Int(header.bit_depth))
        }
        try ShimResults.checkDecoding(headerStatus, format: .jpeg) {
            cis_jpeg_decoder_message(decoder)
        }
        let width = Int(header.width)
        let height = Int(header.height)
        guard width > 0, height > 0 else { throw ImageCodecError.invalidDimensions(width: width, height: height) }
        guard header.bit_depth == 8 else {
            throw ImageCodecError.unsupportedBitDepth(format: .jpeg, bitDepth: Int(header.bit_depth))
        }
        switch header.color_model {
        case CIS_COLOR_MODEL_GREY, CIS_COLOR_MODEL_RGB, CIS_COLOR_MODEL_YCBCR:
            break
        case CIS_COLOR_MODEL_CMYK:
            throw ImageCodecError.unsupportedColorModel(format: .jpeg, colorModel: "CMYK")
        case CIS_COLOR_MODEL_YCCK:
            throw ImageCodecError.unsupportedColorModel(format: .jpeg, colorModel: "YCCK")
        default:
            throw ImageCodecError.unsupportedColorModel(
                format: .jpeg, colorModel: "unknown \(header.components)-component")
        }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .jpeg, width: width, height: height, limits: limits)
        }

        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            try ShimResults.checkDecoding(cis_jpeg_decoder_read_rgb(decoder, buffer, count), format: .jpeg) {
                cis_jpeg_decoder_message(decoder)
            }
        }
        return RGBImage(validatedWidth: width, height: height, pixels: pixels)
    }
}

/// PNG decoding through libpng: header first, policy checks, then the pixels.
enum PNGDecoding {
    /// Decodes a complete PNG stream to RGB.
    ///
    /// Accepted: 8-bit RGB and RGBA, 1/2/4/8-bit greyscale (scaled to 8 bits: a 1-bit 1 becomes 255, a 2-bit 1
    /// becomes 85, a 4-bit 1 becomes 17) with or without alpha, and palette images of any bit depth (expanded).
    /// Alpha channels and tRNS transparency are ignored: the stored colour samples are returned unchanged, not
    /// composited over a background (the same as Pillow's `convert("RGB")`). Interlaced images are de-interlaced.
    /// Gamma, colour-profile and background chunks are ignored. The file must be complete up to the IEND chunk.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: ImageSizeLimits) throws -> RGBImage {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw ImageCodecError.emptyData }
        guard let decoder = cis_png_decoder_create(base, bytes.count) else {
            throw ImageCodecError.outOfMemory(format: .png)
        }
        defer { cis_png_decoder_destroy(decoder) }

        var header = CISImageHeader()
        try ShimResults.checkDecoding(cis_png_decoder_read_header(decoder, &header), format: .png) {
            cis_png_decoder_message(decoder)
        }
        let width = Int(header.width)
        let height = Int(header.height)
        guard width > 0, height > 0 else { throw ImageCodecError.invalidDimensions(width: width, height: height) }
        guard header.bit_depth <= 8 else {
            throw ImageCodecError.unsupportedBitDepth(format: .png, bitDepth: Int(header.bit_depth))
        }
        guard header.color_model != CIS_COLOR_MODEL_UNKNOWN else {
            throw ImageCodecError.unsupportedColorModel(format: .png, colorModel: "unknown")
        }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .png, width: width, height: height, limits: limits)
        }

        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            try ShimResults.checkDecoding(cis_png_decoder_read_rgb(decoder, buffer, count), format: .png) {
                cis_png_decoder_message(decoder)
            }
        }
        return RGBImage(validatedWidth: width, height: height, pixels: pixels)
    }
}
