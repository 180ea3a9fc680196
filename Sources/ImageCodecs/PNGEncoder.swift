import CImageShims
import Foundation

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
