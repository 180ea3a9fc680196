@_exported import ImageBasics
import CImageShims
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
    /// Decodes a complete JPEG stream to RGB as stored, and reads the EXIF orientation of its APP1 marker (nil when
    /// there is none or it is invalid).
    ///
    /// Greyscale JPEGs are replicated into R, G and B; YCbCr (and Adobe RGB-transform) JPEGs are converted with
    /// libjpeg's default accurate integer IDCT, colour conversion and "fancy" chroma upsampling, i.e. the same output
    /// as Pillow and OpenCV give with libjpeg-turbo. CMYK and YCCK JPEGs (libjpeg turns YCCK into CMYK) are converted
    /// with OpenCV's formula for Adobe's inverted samples, R = K - ((255 - C) * K >> 8) (see
    /// Sources/CImageShims/include/CImageShims.h). Warnings after which libjpeg would silently fill the rest of
    /// the image with grey (premature end of file, corrupt entropy-coded data, lost restart markers) are errors.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>,
                       limits: ImageSizeLimits) throws -> (image: RGBImage, orientation: ExifOrientation?) {
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
        case CIS_COLOR_MODEL_GREY, CIS_COLOR_MODEL_RGB, CIS_COLOR_MODEL_YCBCR, CIS_COLOR_MODEL_CMYK,
             CIS_COLOR_MODEL_YCCK:
            break
        default:
            throw ImageCodecError.unsupportedColorModel(
                format: .jpeg, colorModel: "unknown \(header.components)-component")
        }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .jpeg, width: width, height: height, limits: limits)
        }

        // The saved markers are released when the pixels have been read.
        var exif: UnsafePointer<UInt8>?
        let exifCount = cis_jpeg_decoder_exif(decoder, &exif)
        let orientation = exif.flatMap { ExifOrientation.parse(tiff: UnsafeBufferPointer(start: $0, count: exifCount)) }
        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            try ShimResults.checkDecoding(cis_jpeg_decoder_read_rgb(decoder, buffer, count), format: .jpeg) {
                cis_jpeg_decoder_message(decoder)
            }
        }
        return (RGBImage(validatedWidth: width, height: height, pixels: pixels), orientation)
    }
}

/// PNG decoding through libpng: header first, policy checks, then the pixels.
enum PNGDecoding {
    /// Decodes a complete PNG stream to RGB as stored, and reads the EXIF orientation of its eXIf chunk (before or
    /// after the image data; nil when there is none or it is invalid).
    ///
    /// Accepted: 8/16-bit RGB and RGBA, 1/2/4/8/16-bit greyscale (1/2/4 bits scaled to 8: a 1-bit 1 becomes 255, a
    /// 2-bit 1 becomes 85, a 4-bit 1 becomes 17) with or without alpha, and palette images of any bit depth
    /// (expanded). 16-bit samples keep their high byte (v >> 8, as OpenCV's `imread` does; not rounded).
    /// Alpha channels and tRNS transparency are ignored: the stored colour samples are returned unchanged, not
    /// composited over a background (the same as Pillow's `convert("RGB")`). Interlaced images are de-interlaced.
    /// Gamma, colour-profile and background chunks are ignored. The file must be complete up to the IEND chunk.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>,
                       limits: ImageSizeLimits) throws -> (image: RGBImage, orientation: ExifOrientation?) {
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
        guard header.bit_depth <= 8 || header.bit_depth == 16 else {
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
        var exif: UnsafePointer<UInt8>?
        let exifCount = cis_png_decoder_exif(decoder, &exif)
        let orientation = exif.flatMap { ExifOrientation.parse(tiff: UnsafeBufferPointer(start: $0, count: exifCount)) }
        return (RGBImage(validatedWidth: width, height: height, pixels: pixels), orientation)
    }
}

/// WebP decoding through libwebp: header first, policy checks, then the pixels.
enum WebPDecoding {
    /// Decodes a complete still WebP file (lossy VP8 or lossless VP8L, with or without alpha, simple or extended
    /// VP8X container) to RGB.
    ///
    /// Lossy images are converted from YUV 4:2:0 with libwebp's default "fancy" chroma upsampling (as OpenCV's and
    /// Pillow's WebP readers do); alpha is ignored (the stored colour samples are returned, not composited). The
    /// canvas size from the header is checked against `limits` before any pixel memory is allocated. A file shorter
    /// than its RIFF header declares is `truncatedData`; animations throw `animatedImage`. Also returns the EXIF
    /// orientation of an extended file's EXIF chunk (nil when there is none or it is invalid); OpenCV's `imread`
    /// applies it to WebP as well.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>,
                       limits: ImageSizeLimits) throws -> (image: RGBImage, orientation: ExifOrientation?) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { throw ImageCodecError.emptyData }
        var message = [CChar](repeating: 0, count: 256)
        var header = CISImageHeader()
        let headerStatus = cis_webp_read_header(base, bytes.count, &header, &message, message.count)
        try ShimResults.checkDecoding(headerStatus, format: .webp) {
            message.withUnsafeBufferPointer { $0.baseAddress }
        }
        let width = Int(header.width)
        let height = Int(header.height)
        guard width > 0, height > 0 else { throw ImageCodecError.invalidDimensions(width: width, height: height) }
        guard header.animated == 0 else { throw ImageCodecError.animatedImage(format: .webp) }
        guard limits.accepts(width: width, height: height) else {
            throw ImageCodecError.imageTooLarge(format: .webp, width: width, height: height, limits: limits)
        }
        let pixels = try ShimResults.makePixels(width: width, height: height) { buffer, count in
            let status = cis_webp_decode_rgb(base, bytes.count, buffer, count, &message, message.count)
            try ShimResults.checkDecoding(status, format: .webp) { message.withUnsafeBufferPointer { $0.baseAddress } }
        }
        var exif: UnsafePointer<UInt8>?
        let exifCount = cis_webp_exif(base, bytes.count, &exif)
        let orientation = exif.flatMap { ExifOrientation.parse(tiff: UnsafeBufferPointer(start: $0, count: exifCount)) }
        return (RGBImage(validatedWidth: width, height: height, pixels: pixels), orientation)
    }
}
