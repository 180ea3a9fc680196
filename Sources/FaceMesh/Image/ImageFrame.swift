/// Errors raised when an image buffer does not describe a valid frame.
public enum ImageFrameError: Error, Equatable, CustomStringConvertible {
    /// Width or height is zero or negative.
    case invalidSize(width: Int, height: Int)
    /// The pixel array does not hold exactly `width × height × 3` bytes.
    case pixelCountMismatch(expected: Int, actual: Int)

    /// A readable explanation of the error.
    public var description: String {
        switch self {
        case let .invalidSize(width, height):
            return "ImageFrame: invalid size \(width)×\(height); both sides must be at least 1 pixel"
        case let .pixelCountMismatch(expected, actual):
            return "ImageFrame: expected \(expected) bytes (width × height × 3, RGB), got \(actual)"
        }
    }
}

/// An 8-bit RGB image: `pixels` holds `height` rows of `width` pixels, each pixel three bytes R, G, B
/// (interleaved, row-major, no row padding). Pixel (x, y) starts at byte `(y·width + x)·3`; pixel index k has its
/// centre at coordinate k (OpenCV's convention, which the crop sampler follows).
public struct ImageFrame: Sendable, Equatable {
    /// Number of pixels per row.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// RGB bytes, `width × height × 3` of them.
    public let pixels: [UInt8]

    /// Number of interleaved channels (always 3: R, G, B).
    public static let channelCount = 3

    /// Wraps an RGB byte array; throws `ImageFrameError` if the sizes do not match.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else { throw ImageFrameError.invalidSize(width: width, height: height) }
        let (product, overflow) = width.multipliedReportingOverflow(by: height * ImageFrame.channelCount)
        guard !overflow, product == pixels.count else {
            throw ImageFrameError.pixelCountMismatch(expected: overflow ? Int.max : product, actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The three bytes of pixel (x, y); `x` in [0, width), `y` in [0, height).
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let offset = (y * width + x) * ImageFrame.channelCount
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }
}
