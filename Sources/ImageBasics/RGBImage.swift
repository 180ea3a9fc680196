// The 8-bit RGB image shared by FaceMesh (its input) and ImageCodecs (decoders, encoders, drawing), with its colour
// and its error. Both libraries re-export this module, so `import FaceMesh` or `import ImageCodecs` is enough.
//
// # Pixel coordinates
// One convention for the whole package: pixel (x, y) is the unit square centred on the point (x, y), i.e. it covers
// [x − ½, x + ½] × [y − ½, y + ½]; (0, 0) is the centre of the top-left pixel, x grows to the right, y downwards.
// This is OpenCV's convention, which MediaPipe's crops follow: landmarks, detections and regions in pixels
// (`FaceMeshResult.landmarks`, `RotatedRect`) and the crop samplers use it. Normalized coordinates (x/W, y/H) are
// the pixel coordinates divided by the image size. ImageCodecs' `ImageCanvas` draws in the same coordinates.

/// Why an `RGBImage` could not be made.
public enum RGBImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The width or height is not positive, or `3 * width * height` overflows `Int`.
    case invalidDimensions(width: Int, height: Int)
    /// The pixel array does not hold exactly `3 * width * height` bytes.
    case pixelCountMismatch(width: Int, height: Int, expected: Int, actual: Int)

    /// A one-line explanation of the error.
    public var description: String {
        switch self {
        case .invalidDimensions(let width, let height):
            return "invalid image size \(width)x\(height): both sides must be positive"
        case .pixelCountMismatch(let width, let height, let expected, let actual):
            return "an RGB image of \(width)x\(height) needs \(expected) samples (3 per pixel), got \(actual)"
        }
    }
}

/// An 8-bit RGB image: `height` rows of `width` pixels, stored row-major and interleaved (R, G, B for pixel (0, 0),
/// then pixel (1, 0), ...), exactly `3 * width` bytes per row with no padding. Pixel (x, y) starts at byte
/// `3 * (y * width + x)`; (0, 0) is the top-left pixel, whose centre is the point (0, 0) (see the module
/// documentation at the top of this file for the coordinate convention).
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels (at least 1).
    public let width: Int
    /// Height in pixels (at least 1).
    public let height: Int
    /// `3 * width * height` samples in 0...255, interleaved RGB, row-major.
    public package(set) var pixels: [UInt8]

    /// Number of interleaved channels (always 3: R, G, B).
    public static let channelCount = 3

    /// Wraps existing interleaved RGB samples.
    /// - Throws: `RGBImageError.invalidDimensions` if `width` or `height` is not positive or `3 * width * height`
    ///   overflows; `RGBImageError.pixelCountMismatch` if `pixels.count != 3 * width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        let expected = try RGBImage.sampleCount(width: width, height: height)
        guard pixels.count == expected else {
            throw RGBImageError.pixelCountMismatch(width: width, height: height, expected: expected,
                                                    actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Creates an image of the given size with every pixel set to `color`.
    /// - Throws: `RGBImageError.invalidDimensions` if `width` or `height` is not positive or the size overflows.
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
    package init(validatedWidth width: Int, height: Int, pixels: [UInt8]) {
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
    /// - Throws: `RGBImageError.invalidDimensions` if a side is not positive or the product overflows `Int`.
    package static func sampleCount(width: Int, height: Int) throws -> Int {
        guard width > 0, height > 0 else {
            throw RGBImageError.invalidDimensions(width: width, height: height)
        }
        let (rowSamples, rowOverflow) = width.multipliedReportingOverflow(by: 3)
        let (total, totalOverflow) = rowSamples.multipliedReportingOverflow(by: height)
        guard !rowOverflow, !totalOverflow else {
            throw RGBImageError.invalidDimensions(width: width, height: height)
        }
        return total
    }
}

/// An opaque 8-bit RGB colour (sRGB-encoded values, 0...255 per channel).
public struct RGBColor: Sendable, Hashable {
    /// Red intensity, 0...255.
    public var red: UInt8
    /// Green intensity, 0...255.
    public var green: UInt8
    /// Blue intensity, 0...255.
    public var blue: UInt8

    /// Creates a colour from its three 8-bit channels.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// (0, 0, 0).
    public static let black = RGBColor(red: 0, green: 0, blue: 0)
    /// (255, 255, 255).
    public static let white = RGBColor(red: 255, green: 255, blue: 255)
    /// (255, 0, 0).
    public static let red = RGBColor(red: 255, green: 0, blue: 0)
    /// (0, 255, 0).
    public static let green = RGBColor(red: 0, green: 255, blue: 0)
    /// (0, 0, 255).
    public static let blue = RGBColor(red: 0, green: 0, blue: 255)
    /// (255, 255, 0).
    public static let yellow = RGBColor(red: 255, green: 255, blue: 0)
    /// (0, 255, 255).
    public static let cyan = RGBColor(red: 0, green: 255, blue: 255)
    /// (255, 0, 255).
    public static let magenta = RGBColor(red: 255, green: 0, blue: 255)
}
