/// The plain scalar form of the crop sampler: OpenCV's `warpPerspective(INTER_LINEAR)` on 8-bit RGB written one
/// output pixel at a time, exactly as OpenCV's `WarpPerspectiveInvoker` and `remapBilinear` compute it.
///
/// Kept beside the fast sampler (`BilinearWarpSampler`) as its specification: the tests require both to produce
/// the same bytes for every region. Per output pixel (x, y), with x = blockStart + x1:
/// - X0 = m0·blockStart + m1·y + m2, Y0 = m3·blockStart + m4·y + m5, W0 = m6·blockStart + m7·y + m8 (double, once
///   per row and column block);
/// - W = W0 + m6·x1, W = (W ≠ 0 ? 32/W : 0); X = round((X0 + m0·x1)·W), Y = round((Y0 + m3·x1)·W), rounded half
///   to even after clamping to the Int32 range (positions in 1/32 pixel);
/// - integer position (X >> 5, Y >> 5) clamped to the Int16 range, fraction (fx, fy) = (X & 31, Y & 31);
/// - weights (32−fx)(32−fy)·32, fx(32−fy)·32, (32−fx)fy·32, fx·fy·32 (15-bit fixed point, sum 2^15);
/// - byte = (Σ weight·neighbour + 2^14) >> 15 per channel, neighbours outside the image per `BorderMode`.
enum ReferenceBilinearWarp {
    /// Calls `store(outputIndex, r, g, b)` for every output pixel in row-major order, `outputIndex` being the
    /// offset of the pixel's first channel in an NHWC buffer.
    static func warp(_ image: ImageFrame, inverse: PerspectiveTransform, outputWidth: Int, outputHeight: Int,
                     border: BorderMode, store: (Int, UInt8, UInt8, UInt8) -> Void) {
        let m = inverse.m
        precondition(m.count == 9)
        let tab = Double(ImageCropper.subpixelSteps)
        let mask = Int32(ImageCropper.subpixelSteps - 1)
        let blockWidth = ImageCropper.blockWidth(outputWidth: outputWidth, outputHeight: outputHeight)
        let sourceWidth = image.width, sourceHeight = image.height
        let rounding = Int32(1) << Int32(ImageCropper.weightBits - 1)
        // Channel values of source pixel (x, y) under the border rule.
        func sample(_ x: Int, _ y: Int) -> (Int32, Int32, Int32) {
            var cx = x, cy = y
            if cx < 0 || cx >= sourceWidth || cy < 0 || cy >= sourceHeight {
                switch border {
                case .zero: return (0, 0, 0)
                case .replicate:
                    cx = min(max(cx, 0), sourceWidth - 1)
                    cy = min(max(cy, 0), sourceHeight - 1)
                }
            }
            let o = (cy * sourceWidth + cx) * 3
            return (Int32(image.pixels[o]), Int32(image.pixels[o + 1]), Int32(image.pixels[o + 2]))
        }
        for y in 0..<outputHeight {
            var blockStart = 0
            while blockStart < outputWidth {
                let dx = Double(blockStart), dy = Double(y)
                let x0 = m[0] * dx + m[1] * dy + m[2]
                let y0 = m[3] * dx + m[4] * dy + m[5]
                let w0 = m[6] * dx + m[7] * dy + m[8]
                for x1 in 0..<min(blockWidth, outputWidth - blockStart) {
                    let d1 = Double(x1)
                    var w = w0 + m[6] * d1
                    w = w != 0 ? tab / w : 0
                    let fixedX = ImageCropper.roundToInt32((x0 + m[0] * d1) * w)
                    let fixedY = ImageCropper.roundToInt32((y0 + m[3] * d1) * w)
                    let sx = Int(max(min(fixedX >> 5, Int32(Int16.max)), Int32(Int16.min)))
                    let sy = Int(max(min(fixedY >> 5, Int32(Int16.max)), Int32(Int16.min)))
                    let fx = fixedX & mask, fy = fixedY & mask
                    let w00 = (32 - fx) * (32 - fy) * 32, w01 = fx * (32 - fy) * 32
                    let w10 = (32 - fx) * fy * 32, w11 = fx * fy * 32
                    let p00 = sample(sx, sy), p01 = sample(sx + 1, sy)
                    let p10 = sample(sx, sy + 1), p11 = sample(sx + 1, sy + 1)
                    let r = (p00.0 * w00 + p01.0 * w01 + p10.0 * w10 + p11.0 * w11 + rounding) >> 15
                    let g = (p00.1 * w00 + p01.1 * w01 + p10.1 * w10 + p11.1 * w11 + rounding) >> 15
                    let b = (p00.2 * w00 + p01.2 * w01 + p10.2 * w10 + p11.2 * w11 + rounding) >> 15
                    store((y * outputWidth + blockStart + x1) * 3, UInt8(r), UInt8(g), UInt8(b))
                }
                blockStart += blockWidth
            }
        }
    }

    /// The crop of `region` as bytes `[outputHeight, outputWidth, 3]` RGB, computed by `warp`.
    static func cropBytes(_ image: ImageFrame, region: RotatedRect, outputWidth: Int, outputHeight: Int,
                          border: BorderMode) throws -> [UInt8] {
        let inverse = try ImageCropper.sourceFromTensorTransform(region: region, outputWidth: outputWidth,
                                                                 outputHeight: outputHeight, cornerInset: 0)
        var bytes = [UInt8](repeating: 0, count: outputWidth * outputHeight * 3)
        warp(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight, border: border) {
            index, r, g, b in
            bytes[index] = r
            bytes[index + 1] = g
            bytes[index + 2] = b
        }
        return bytes
    }
}
