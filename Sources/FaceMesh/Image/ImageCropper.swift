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
    /// `destinationCount` is the capacity of `destination` in Floats (checked). No allocation besides the 9-element
    /// transform.
    public static func crop(_ image: ImageFrame, region: RotatedRect, outputWidth: Int, outputHeight: Int,
                            border: BorderMode, valueRange: ClosedRange<Float>,
                            into destination: UnsafeMutablePointer<Float>, destinationCount: Int) throws {
        let inverse = try sourceFromTensorTransform(region: region, outputWidth: outputWidth,
                                                   outputHeight: outputHeight, cornerInset: 0)
        try checkCapacity(outputWidth * outputHeight * 3, destinationCount)
        let scale = (valueRange.upperBound - valueRange.lowerBound) / 255
        let offset = valueRange.lowerBound - 0 * scale
        // byte → value table (the same single-precision expression, evaluated once per byte value).
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { table in
            for byte in 0..<256 { table[byte] = Float(byte) * scale + offset }
            let values = table.baseAddress!
            warpBilinear(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight,
                         border: border) { index, r, g, b in
                destination[index] = values[Int(r)]
                destination[index &+ 1] = values[Int(g)]
                destination[index &+ 2] = values[Int(b)]
            }
        }
    }

    /// The same crop as bytes: `[outputHeight, outputWidth, 3]` RGB, exactly what OpenCV's `warpPerspective`
    /// produces before MediaPipe converts it to floats.
    public static func cropBytes(_ image: ImageFrame, region: RotatedRect, outputWidth: Int, outputHeight: Int,
                                 border: BorderMode) throws -> [UInt8] {
        let inverse = try sourceFromTensorTransform(region: region, outputWidth: outputWidth,
                                                   outputHeight: outputHeight, cornerInset: 0)
        var bytes = [UInt8](repeating: 0, count: outputWidth * outputHeight * 3)
        bytes.withUnsafeMutableBufferPointer { out in
            warpBilinear(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight,
                         border: border) { index, r, g, b in
                out[index] = r
                out[index &+ 1] = g
                out[index &+ 2] = b
            }
        }
        return bytes
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

    /// Core of the bilinear sampler: calls `store(outputIndex, r, g, b)` for every output pixel in row-major order,
    /// `outputIndex` being the offset of the pixel's first channel in an NHWC buffer.
    @inline(__always)
    static func warpBilinear(_ image: ImageFrame, inverse: PerspectiveTransform, outputWidth: Int, outputHeight: Int,
                             border: BorderMode, store: (Int, UInt8, UInt8, UInt8) -> Void) {
        let m = inverse.m
        precondition(m.count == 9)
        let tab = Double(subpixelSteps)
        let mask = Int32(subpixelSteps - 1)
        let blockWidth = blockWidth(outputWidth: outputWidth, outputHeight: outputHeight)
        let sourceWidth = image.width, sourceHeight = image.height
        let rowStride = sourceWidth * 3
        let rounding = Int32(1) << Int32(weightBits - 1)
        image.pixels.withUnsafeBufferPointer { source in
            // Reads channel c of source pixel (x, y) under the border rule.
            @inline(__always) func sample(_ x: Int, _ y: Int) -> (Int32, Int32, Int32) {
                var cx = x, cy = y
                if cx < 0 || cx >= sourceWidth || cy < 0 || cy >= sourceHeight {
                    switch border {
                    case .zero: return (0, 0, 0)
                    case .replicate:
                        cx = Swift.min(Swift.max(cx, 0), sourceWidth - 1)
                        cy = Swift.min(Swift.max(cy, 0), sourceHeight - 1)
                    }
                }
                let o = cy * rowStride + cx * 3
                return (Int32(source[o]), Int32(source[o + 1]), Int32(source[o + 2]))
            }
            let src = source.baseAddress!
            let m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7], m8 = m[8]
            let lastX = sourceWidth - 1, lastY = sourceHeight - 1
            for y in 0..<outputHeight {
                let dy = Double(y)
                var blockStart = 0
                while blockStart < outputWidth {
                    // OpenCV evaluates the row start once per column block and adds m·x1 within the block; the
                    // block start changes the double rounding, so it is reproduced.
                    let dx = Double(blockStart)
                    let x0 = m0 * dx + m1 * dy + m2
                    let y0 = m3 * dx + m4 * dy + m5
                    let w0 = m6 * dx + m7 * dy + m8
                    var index = (y * outputWidth + blockStart) * 3
                    for x1 in 0..<Swift.min(blockWidth, outputWidth - blockStart) {
                        let d1 = Double(x1)
                        var w = w0 + m6 * d1
                        w = w != 0 ? tab / w : 0
                        let fixedX = roundToInt32((x0 + m0 * d1) * w)
                        let fixedY = roundToInt32((y0 + m3 * d1) * w)
                        let sx = Int(Swift.max(Swift.min(fixedX &>> 5, Int32(Int16.max)), Int32(Int16.min)))
                        let sy = Int(Swift.max(Swift.min(fixedY &>> 5, Int32(Int16.max)), Int32(Int16.min)))
                        let fx = fixedX & mask, fy = fixedY & mask
                        // The weights sum to 2^15 and bytes are ≤ 255, so no sum below can overflow, and the
                        // indices are bounded by the image size: wrapping arithmetic (no overflow checks) is exact.
                        let w00 = (32 &- fx) &* (32 &- fy) &* 32, w01 = fx &* (32 &- fy) &* 32
                        let w10 = (32 &- fx) &* fy &* 32, w11 = fx &* fy &* 32
                        if sx >= 0 && sx < lastX && sy >= 0 && sy < lastY {
                            // All four neighbours inside: read them directly (OpenCV's "inlier" path).
                            let p = src + (sy &* rowStride &+ sx &* 3), q = p + rowStride
                            let r = Int32(p[0]) &* w00 &+ Int32(p[3]) &* w01 &+ Int32(q[0]) &* w10 &+ Int32(q[3]) &* w11
                            let g = Int32(p[1]) &* w00 &+ Int32(p[4]) &* w01 &+ Int32(q[1]) &* w10 &+ Int32(q[4]) &* w11
                            let b = Int32(p[2]) &* w00 &+ Int32(p[5]) &* w01 &+ Int32(q[2]) &* w10 &+ Int32(q[5]) &* w11
                            store(index, UInt8(truncatingIfNeeded: (r &+ rounding) &>> 15),
                                  UInt8(truncatingIfNeeded: (g &+ rounding) &>> 15),
                                  UInt8(truncatingIfNeeded: (b &+ rounding) &>> 15))
                        } else {
                            let p00 = sample(sx, sy), p01 = sample(sx + 1, sy)
                            let p10 = sample(sx, sy + 1), p11 = sample(sx + 1, sy + 1)
                            let r = (p00.0 &* w00 &+ p01.0 &* w01 &+ p10.0 &* w10 &+ p11.0 &* w11 &+ rounding) &>> 15
                            let g = (p00.1 &* w00 &+ p01.1 &* w01 &+ p10.1 &* w10 &+ p11.1 &* w11 &+ rounding) &>> 15
                            let b = (p00.2 &* w00 &+ p01.2 &* w01 &+ p10.2 &* w10 &+ p11.2 &* w11 &+ rounding) &>> 15
                            store(index, UInt8(truncatingIfNeeded: r), UInt8(truncatingIfNeeded: g),
                                  UInt8(truncatingIfNeeded: b))
                        }
                        index &+= 3
                    }
                    blockStart += blockWidth
                }
            }
        }
    }
}
