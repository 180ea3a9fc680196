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
