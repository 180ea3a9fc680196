import Foundation

/// How the crop samplers fill samples that fall outside the image.
public enum BorderMode: Sendable, Hashable {
    /// Repeat the nearest edge pixel (OpenCV `BORDER_REPLICATE`; MediaPipe's landmark crops).
    case replicate
    /// Treat everything outside the image as byte 0 (OpenCV `BORDER_CONSTANT` with 0; MediaPipe's detector input).
    case zero
}

/// Errors raised by the crop samplers.
public enum CropError: Error, Equatable, CustomStringConvertible {
    /// Output width or height is not positive.
    case invalidOutputSize(width: Int, height: Int)
    /// The region has a non-finite field or a side that is not strictly positive.
    case invalidRegion(RotatedRect)
    /// The region's corners do not define an invertible mapping.
    case degenerateRegion(RotatedRect)
    /// The destination buffer is smaller than the crop.
    case destinationTooSmall(required: Int, actual: Int)

    /// A readable explanation of the error.
    public var description: String {
        switch self {
        case let .invalidOutputSize(width, height):
            return "crop: invalid output size \(width)×\(height); both sides must be at least 1"
        case let .invalidRegion(rect):
            return "crop: invalid region \(rect); all fields must be finite and both sides positive"
        case let .degenerateRegion(rect):
            return "crop: region \(rect) does not define an invertible mapping"
        case let .destinationTooSmall(required, actual):
            return "crop: destination holds \(actual) values, \(required) are needed"
        }
    }
}

/// Rotated-ROI → tensor sampler reproducing MediaPipe's CPU `ImageToTensorCalculator`, i.e. OpenCV's
/// `warpPerspective(INTER_LINEAR)` on an 8-bit RGB image.
///
/// The region's corners go to the outer corners of the `W_t × H_t` output: output pixel (u, v) samples the image at
/// `p = C + Rot(r)·((u/W_t − ½)·S_x, (v/H_t − ½)·S_y)` in pixel-index coordinates (**not** half-pixel centred).
/// As in OpenCV, the sample position is quantized to 1/32 pixel (`INTER_TAB_SIZE` 32, round half to even), the
/// bilinear weights are 15-bit fixed-point integers (`INTER_REMAP_COEF_BITS` 15) and the result is rounded to a
/// byte; the float output is then `byte·(max − min)/255 + min`. Samples outside the image follow `BorderMode`.
/// The double-precision transform is built with OpenCV's own construction (`boxPoints`,
/// `getPerspectiveTransform`, `invert`), so results agree with OpenCV 4.x byte for byte.
public enum ImageCropper {
    /// Fixed-point sub-pixel resolution of the sample positions (OpenCV `INTER_TAB_SIZE`).
    static let subpixelSteps = 32
    /// Bits of the fixed-point bilinear weights (OpenCV `INTER_REMAP_COEF_BITS`).
    static let weightBits = 15

    /// Writes the crop of `region` as a Float NHWC tensor `[outputHeight, outputWidth, 3]` (R, G, B) into
    /// `destination`, with values `byte·(range.upperBound − range.lowerBound)/255 + range.lowerBound`.
    /// `destinationCount` is the capacity of `destination` in Floats (checked); only the first
    /// `outputHeight·outputWidth·3` Floats are written. Allocates only the 9-element transform and a small
    /// per-call scratch buffer.
    public static func crop(_ image: ImageFrame, region: RotatedRect, outputWidth: Int, outputHeight: Int,
                            border: BorderMode, valueRange: ClosedRange<Float>,
                            into destination: UnsafeMutablePointer<Float>, destinationCount: Int) throws {
        let inverse = try sourceFromTensorTransform(region: region, outputWidth: outputWidth,
                                                   outputHeight: outputHeight, cornerInset: 0)
        let pixelCount = try checkedPixelCount(outputWidth: outputWidth, outputHeight: outputHeight)
        try checkCapacity(pixelCount * 3, destinationCount)
        let scale = (valueRange.upperBound - valueRange.lowerBound) / 255
        let offset = valueRange.lowerBound - 0 * scale
        let sink = FloatPixelSink(destination: destination, scale: scale, offset: offset)
        BilinearWarpSampler.warp(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight,
                                 border: border, sink: sink)
    }

    /// The same crop as bytes: `[outputHeight, outputWidth, 3]` RGB, exactly what OpenCV's `warpPerspective`
    /// produces before MediaPipe converts it to floats.
    public static func cropBytes(_ image: ImageFrame, region: RotatedRect, outputWidth: Int, outputHeight: Int,
                                 border: BorderMode) throws -> [UInt8] {
        let inverse = try sourceFromTensorTransform(region: region, outputWidth: outputWidth,
                                                   outputHeight: outputHeight, cornerInset: 0)
        let pixelCount = try checkedPixelCount(outputWidth: outputWidth, outputHeight: outputHeight)
        var bytes = [UInt8](repeating: 0, count: pixelCount * 3)
        bytes.withUnsafeMutableBufferPointer { out in
            BilinearWarpSampler.warp(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight,
                                     border: border, sink: BytePixelSink(destination: out.baseAddress!))
        }
        return bytes
    }

    /// `outputWidth·outputHeight`, throwing `invalidOutputSize` when it (times 3 channels) overflows.
    static func checkedPixelCount(outputWidth: Int, outputHeight: Int) throws -> Int {
        let (pixels, overflow) = outputWidth.multipliedReportingOverflow(by: outputHeight)
        guard !overflow, pixels <= Int.max / 3 else {
            throw CropError.invalidOutputSize(width: outputWidth, height: outputHeight)
        }
        return pixels
    }

    static func checkCapacity(_ required: Int, _ actual: Int) throws {
        guard actual >= required else { throw CropError.destinationTooSmall(required: required, actual: actual) }
    }

    /// The transform from output pixel coordinates to source pixel coordinates: the inverse of OpenCV's
    /// `getPerspectiveTransform(boxPoints(region), outputCorners)`. The output corners are (0, H), (0, 0), (W, 0),
    /// (W, H) shrunk by `cornerInset` (0 for the tensor crops, 1 for the pixel-centred nearest-neighbour crop).
    static func sourceFromTensorTransform(region: RotatedRect, outputWidth: Int, outputHeight: Int,
                                          cornerInset: Float) throws -> PerspectiveTransform {
        guard outputWidth > 0, outputHeight > 0 else {
            throw CropError.invalidOutputSize(width: outputWidth, height: outputHeight)
        }
        guard region.isValid else { throw CropError.invalidRegion(region) }
        let w = Float(outputWidth) - cornerInset, h = Float(outputHeight) - cornerInset
        let corners: [SIMD2<Float>] = [SIMD2(0, h), SIMD2(0, 0), SIMD2(w, 0), SIMD2(w, h)]
        guard let forward = PerspectiveTransform(mapping: PerspectiveTransform.cornerPoints(of: region), to: corners),
              let inverse = forward.inverted() else {
            throw CropError.degenerateRegion(region)
        }
        return inverse
    }

    /// Width of the column blocks in which OpenCV evaluates the transform (`BLOCK_SZ` 32 → blocks of up to 1024
    /// pixels, 16 rows high); the block start enters the double-precision sum, so it is reproduced.
    static func blockWidth(outputWidth: Int, outputHeight: Int) -> Int {
        let blockHeight = min(16, outputHeight)
        return min(1024 / blockHeight, outputWidth)
    }

    /// OpenCV's `saturate_cast<int>(double)` after clamping to the Int32 range: round half to even.
    @inline(__always)
    static func roundToInt32(_ value: Double) -> Int32 {
        let clamped = Swift.max(Double(Int32.min), Swift.min(Double(Int32.max), value))
        // Adding 1.5·2^52 leaves the integer nearest to `clamped` (ties to even, the default rounding mode) in the
        // low bits of the sum: exact for |value| < 2^51, branch-free, and the same result as rint/cvRound.
        return Int32(truncatingIfNeeded: (clamped + 6_755_399_441_055_744.0).bitPattern)
    }
}
