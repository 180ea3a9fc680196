/// Everything that can go wrong while reading, decoding, encoding or writing an image.
public enum ImageCodecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The data to decode is empty (zero bytes).
    case emptyData
    /// The data starts with none of the PNG signature, a JPEG SOI marker and a RIFF/WEBP header; carries up to 8
    /// leading bytes.
    case unrecognizedFormat(leadingBytes: [UInt8])
    /// No file or directory exists at the path.
    case fileNotFound(path: String)
    /// The path names a directory, not a file.
    case isDirectory(path: String)
    /// The file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file could not be written.
    case unwritableFile(path: String, reason: String)
    /// A width or height is zero or negative, or the image size overflows.
    case invalidDimensions(width: Int, height: Int)
    /// The header declares an image larger than the decoding limits (checked before allocating pixel memory).
    case imageTooLarge(format: ImageFormat, width: Int, height: Int, limits: ImageSizeLimits)
    /// The file stores samples with a bit depth this module does not decode (12-bit JPEG).
    case unsupportedBitDepth(format: ImageFormat, bitDepth: Int)
    /// The file uses a colour model this module does not convert to RGB (a JPEG with 2 components, ...).
    case unsupportedColorModel(format: ImageFormat, colorModel: String)
    /// The file holds an animation (several frames), which is not decoded (WebP).
    case animatedImage(format: ImageFormat)
    /// The data ends before the image is complete.
    case truncatedData(format: ImageFormat, detail: String)
    /// The data is not a valid image of its format; `detail` is the library's description.
    case corruptData(format: ImageFormat, detail: String)
    /// Memory for decoding or encoding could not be allocated.
    case outOfMemory(format: ImageFormat)
    /// The JPEG quality is outside 1...100.
    case invalidQuality(Int)
    /// The image cannot be stored in the format (e.g. a side above JPEG's 65,500-pixel limit).
    case imageNotEncodable(format: ImageFormat, reason: String)
    /// The encoder failed; `detail` is the library's description.
    case encodingFailed(format: ImageFormat, detail: String)

    /// A one-sentence description naming the problem and the values involved.
    public var description: String {
        switch self {
        case .emptyData:
            return "cannot decode an image from empty data (0 bytes)"
        case .unrecognizedFormat(let leadingBytes):
            let hex = leadingBytes.map { byte in
                let digits = String(byte, radix: 16, uppercase: true)
                return digits.count == 1 ? "0" + digits : digits
            }.joined(separator: " ")
            return "data is not a PNG, JPEG or WebP image (leading bytes: \(hex))"
        case .fileNotFound(let path):
            return "no such image file: \(path)"
        case .isDirectory(let path):
            return "expected an image file but found a directory: \(path)"
        case .unreadableFile(let path, let reason):
            return "cannot read image file \(path): \(reason)"
        case .unwritableFile(let path, let reason):
            return "cannot write image file \(path): \(reason)"
        case .invalidDimensions(let width, let height):
            return "invalid image size \(width)x\(height): both sides must be positive"
        case .imageTooLarge(let format, let width, let height, let limits):
            return "\(format.rawValue) image of \(width)x\(height) exceeds the limits of \(limits.maximumSide) "
                + "pixels per side and \(limits.maximumPixelCount) pixels in total"
        case .unsupportedBitDepth(let format, let bitDepth):
            return "\(format.rawValue) images with \(bitDepth) bits per sample are not supported "
                + "(only 1 to 8, and 16 for PNG)"
        case .unsupportedColorModel(let format, let colorModel):
            return "\(format.rawValue) images in the \(colorModel) colour model are not supported "
                + "(only greyscale, RGB/YCbCr and CMYK/YCCK)"
        case .animatedImage(let format):
            return "\(format.rawValue) animations are not supported (only still images)"
        case .truncatedData(let format, let detail):
            return "\(format.rawValue) data is truncated: \(detail)"
        case .corruptData(let format, let detail):
            return "\(format.rawValue) data is corrupt: \(detail)"
        case .outOfMemory(let format):
            return "out of memory while processing a \(format.rawValue) image"
        case .invalidQuality(let quality):
            return "JPEG quality \(quality) is outside 1...100"
        case .imageNotEncodable(let format, let reason):
            return "image cannot be encoded as \(format.rawValue): \(reason)"
        case .encodingFailed(let format, let detail):
            return "\(format.rawValue) encoding failed: \(detail)"
        }
    }
}
