import CImageShims
import Foundation

/// Encodes `RGBImage`s as baseline JFIF JPEG files through libjpeg-turbo: YCbCr with 4:2:0 chroma subsampling,
/// libjpeg's standard quantisation tables scaled by `quality`, optimised Huffman tables. Lossy.
public enum JPEGEncoder {
    /// Largest side libjpeg can store (65,500 pixels).
    public static let maximumSide = 65_500
    /// The quality used when none is given: 90 on libjpeg's 1...100 scale.
    public static let defaultQuality = 90

    /// Encodes `image` as a complete JPEG file in memory; `quality` is libjpeg's scale, 1 (worst) ... 100 (best).
    /// - Throws: `ImageCodecError.invalidQuality`, `.imageNotEncodable` for a side above `maximumSide`,
    ///   `.outOfMemory`, `.encodingFailed` if libjpeg reports an error.
    public static func encode(_ image: RGBImage, quality: Int = defaultQuality) throws -> Data {
        guard (1...100).contains(quality) else { throw ImageCodecError.invalidQuality(quality) }
        guard image.width <= maximumSide, image.height <= maximumSide else {
            throw ImageCodecError.imageNotEncodable(
                format: .jpeg, reason: "\(image.width)x\(image.height) exceeds \(maximumSide) pixels per side")
        }
        let result = image.pixels.withUnsafeBufferPointer { samples in
            cis_jpeg_encode_rgb(samples.baseAddress, samples.count, UInt32(image.width), UInt32(image.height),
                                Int32(quality))
        }
        return try ShimResults.takeEncodedBytes(result, format: .jpeg)
    }

    /// Encodes `image` as JPEG and writes it to the file `url` (replacing it atomically if it exists).
    /// - Throws: the errors of `encode(_:quality:)` and `ImageCodecError.unwritableFile`.
    public static func write(_ image: RGBImage, to url: URL, quality: Int = defaultQuality) throws {
        try ImageFileWriter.write(try encode(image, quality: quality), to: url)
    }
}

/// Encodes `RGBImage`s as PNG files through libpng: 8-bit RGB, no alpha, not interlaced, default zlib
/// compression. Lossless: decoding the result gives back exactly the same pixels.
public enum PNGEncoder {
    /// Largest side PNG can store (2^31 - 1 pixels).
    public static let maximumSide = Int(Int32.max)

    /// Encodes `image` as a complete PNG file in memory.
    /// - Throws: `ImageCodecError.imageNotEncodable` for a side above `maximumSide`, `.outOfMemory`,
    ///   `.encodingFailed` if libpng reports an error.
    public static func encode(_ image: RGBImage) throws -> Data {
        guard image.width <= maximumSide, image.height <= maximumSide else {
            throw ImageCodecError.imageNotEncodable(
                format: .png, reason: "\(image.width)x\(image.height) exceeds \(maximumSide) pixels per side")
        }
        let result = image.pixels.withUnsafeBufferPointer { samples in
            cis_png_encode_rgb(samples.baseAddress, samples.count, UInt32(image.width), UInt32(image.height))
        }
        return try ShimResults.takeEncodedBytes(result, format: .png)
    }

    /// Encodes `image` as PNG and writes it to the file `url` (replacing it atomically if it exists).
    /// - Throws: the errors of `encode(_:)` and `ImageCodecError.unwritableFile`.
    public static func write(_ image: RGBImage, to url: URL) throws {
        try ImageFileWriter.write(try encode(image), to: url)
    }
}

/// Writes encoded image bytes to disk, turning Foundation's errors into `ImageCodecError`s that name the path.
enum ImageFileWriter {
    /// Writes `data` to the local file `url` atomically (a temporary file renamed into place).
    static func write(_ data: Data, to url: URL) throws {
        guard url.isFileURL else {
            throw ImageCodecError.unwritableFile(path: url.absoluteString, reason: "not a file URL")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ImageCodecError.unwritableFile(path: url.path, reason: "the path is a directory")
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ImageCodecError.unwritableFile(path: url.path, reason: error.localizedDescription)
        }
    }
}

/// Translation of the C shims' status codes and results into Swift errors and values.
enum ShimResults {
    /// Throws the `ImageCodecError` that corresponds to a failed decoder call; returns for `CIS_STATUS_OK`.
    /// `message` is only evaluated on failure.
    static func checkDecoding(_ status: CISStatus, format: ImageFormat,
                              message: () -> UnsafePointer<CChar>?) throws {
        guard status != CIS_STATUS_OK else { return }
        let detail = message().map { String(cString: $0) } ?? ""
        switch status {
        case CIS_STATUS_TRUNCATED_DATA:
            throw ImageCodecError.truncatedData(format: format, detail: detail)
        case CIS_STATUS_OUT_OF_MEMORY:
            throw ImageCodecError.outOfMemory(format: format)
        default:
            throw ImageCodecError.corruptData(format: format, detail: detail)
        }
    }

    /// Copies the bytes out of an encoder result and releases it, or throws the corresponding error.
    static func takeEncodedBytes(_ result: OpaquePointer?, format: ImageFormat) throws -> Data {
        guard let result else { throw ImageCodecError.outOfMemory(format: format) }
        defer { cis_encoded_image_destroy(result) }
        let status = cis_encoded_image_status(result)
        switch status {
        case CIS_STATUS_OK:
            guard let bytes = cis_encoded_image_bytes(result) else {
                throw ImageCodecError.encodingFailed(format: format, detail: "encoder produced no bytes")
            }
            return Data(bytes: bytes, count: cis_encoded_image_count(result))
        case CIS_STATUS_OUT_OF_MEMORY:
            throw ImageCodecError.outOfMemory(format: format)
        default:
            let detail = String(cString: cis_encoded_image_message(result))
            throw ImageCodecError.encodingFailed(format: format, detail: detail)
        }
    }

    /// Decodes into a fresh `[UInt8]` of `3 * width * height` samples without zero-filling it first: `fill` must
    /// write every sample or throw.
    static func makePixels(width: Int, height: Int,
                           fill: (UnsafeMutablePointer<UInt8>, Int) throws -> Void) throws -> [UInt8] {
        let count = 3 * width * height
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            initializedCount = 0
            guard let base = buffer.baseAddress else {
                throw ImageCodecError.invalidDimensions(width: width, height: height)
            }
            try fill(base, count)
            initializedCount = count
        }
    }
}
