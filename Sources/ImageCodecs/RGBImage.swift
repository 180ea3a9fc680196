/// An 8-bit RGB image: `height` rows of `width` pixels, stored row-major and interleaved (R, G, B for pixel (0, 0),
/// then pixel (1, 0), ...), exactly `3 * width` bytes per row with no padding. Pixel (x, y) starts at byte
/// `3 * (y * width + x)`; (0, 0) is the top-left corner.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels (at least 1).
    public let width: Int
    /// Height in pixels (at least 1).
    public let height: Int
    /// `3 * width * height` samples in 0...255, interleaved RGB, row-major.
    public internal(set) var pixels: [UInt8]

    /// Wraps existing interleaved RGB samples.
    /// - Throws: `ImageCodecError.invalidDimensions` if `width` or `height` is not positive or `3 * width * height`
    ///   overflows; `ImageCodecError.pixelCountMismatch` if `pixels.count != 3 * width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        let expected = try RGBImage.sampleCount(width: width, height: height)
        guard pixels.count == expected else {
            throw ImageCodecError.pixelCountMismatch(width: width, height: height, expected: expected,
                                                     actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates an image of the given size with every pixel set to `color`.
    /// - Throws: `ImageCodecError.invalidDimensions` if `width` or `height` is not positive or the size overflows.
    public init(width: Int, height: Int, color: RGBColor) throws {
        let count = try RGBImage.sampleCount(width: width, height: height)
        var pixels = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            pixels[index] = color.red
            pixels[index + 1] = color.green
            pixels[index + 2] = color.blue
            index += 3
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Initialiser for decoders, which have already validated the size: no checks.
    init(validatedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The colour of pixel (`x`, `y`), or nil if the position lies outside the image.
    public func pixel(x: Int, y: Int) -> RGBColor? {
        guard x >= 0, x < width, y >= 0, y < height else { return nil }
        let index = 3 * (y * width + x)
        return RGBColor(red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2])
    }

    /// Number of samples (`3 * width * height`) of a valid image of the given size.
    /// - Throws: `ImageCodecError.invalidDimensions` if a side is not positive or the product overflows `Int`.
    static func sampleCount(width: Int, height: Int) throws -> Int {
        guard width > 0, height > 0 else {
            throw ImageCodecError.invalidDimensions(width: width, height: height)
        }
        let (rowSamples, rowOverflow) = width.multipliedReportingOverflow(by: 3)
        let (total, totalOverflow) = rowSamples.multipliedReportingOverflow(by: height)
        guard !rowOverflow, !totalOverflow else {
            throw ImageCodecError.invalidDimensions(width: width, height: height)
        }
        return total
    }
}
