import Foundation

/// MediaPipe's older `ImageCroppingCalculator` (CPU), used by the iris cascade to cut out an eye: a
/// nearest-neighbour, pixel-centre mapped crop of a rotated rectangle.
///
/// From a normalized region the calculator takes an **integer** centre round(x·W), round(y·H) and an integer size
/// round(w·W) × round(h·H) (rounding half away from zero); the rectangle's corners (OpenCV `boxPoints`) go to the
/// centres of the output's corner pixels, (0, h−1), (0, 0), (w−1, 0), (w−1, h−1); OpenCV's
/// `warpPerspective(INTER_NEAREST)` then picks, for each output pixel, the source pixel nearest to its mapped
/// position (round half to even). Samples outside the image follow `BorderMode`.
public enum NearestNeighbourCrop {
    /// The integer pixel rectangle the calculator crops for a normalized region, as a `RotatedRect` whose centre
    /// and size are whole numbers of pixels.
    public static func pixelRegion(for region: NormalizedRect, imageWidth: Int, imageHeight: Int) -> RotatedRect {
        let w = Float(imageWidth), h = Float(imageHeight)
        return RotatedRect(centerX: (region.xCenter * w).rounded(), centerY: (region.yCenter * h).rounded(),
                           width: (region.width * w).rounded(), height: (region.height * h).rounded(),
                           rotation: region.rotation)
    }

    /// Crops `region` (normalized) out of `image`; the result is `round(w·W) × round(h·H)` pixels.
    public static func crop(_ image: ImageFrame, region: NormalizedRect, border: BorderMode = .replicate) throws
        -> ImageFrame
    {
        let rect = pixelRegion(for: region, imageWidth: image.width, imageHeight: image.height)
        guard rect.isValid else { throw CropError.invalidRegion(rect) }
        let outputWidth = Int(rect.width), outputHeight = Int(rect.height)
        guard outputWidth >= 2, outputHeight >= 2 else {
            // The corner mapping (0 … size−1) degenerates for a 1-pixel side.
            throw CropError.degenerateRegion(rect)
        }
        let inverse = try ImageCropper.sourceFromTensorTransform(region: rect, outputWidth: outputWidth,
                                                                 outputHeight: outputHeight, cornerInset: 1)
        let m = inverse.m
        let blockWidth = ImageCropper.blockWidth(outputWidth: outputWidth, outputHeight: outputHeight)
        var bytes = [UInt8](repeating: 0, count: outputWidth * outputHeight * 3)
        let sourceWidth = image.width, sourceHeight = image.height
        image.pixels.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { out in
                for y in 0..<outputHeight {
                    let dy = Double(y)
                    var blockStart = 0
                    while blockStart < outputWidth {
                        let dx = Double(blockStart)
                        let x0 = m[0] * dx + m[1] * dy + m[2]
                        let y0 = m[3] * dx + m[4] * dy + m[5]
                        let w0 = m[6] * dx + m[7] * dy + m[8]
                        for x1 in 0..<min(blockWidth, outputWidth - blockStart) {
                            let d1 = Double(x1)
                            var w = w0 + m[6] * d1
                            w = w != 0 ? 1 / w : 0
                            var sx = Int(clampToInt16(ImageCropper.roundToInt32((x0 + m[0] * d1) * w)))
                            var sy = Int(clampToInt16(ImageCropper.roundToInt32((y0 + m[3] * d1) * w)))
                            let o = (y * outputWidth + blockStart + x1) * 3
                            if sx < 0 || sx >= sourceWidth || sy < 0 || sy >= sourceHeight {
                                if border == .zero { continue }  // already 0
                                sx = min(max(sx, 0), sourceWidth - 1)
                                sy = min(max(sy, 0), sourceHeight - 1)
                            }
                            let s = (sy * sourceWidth + sx) * 3
                            out[o] = source[s]
                            out[o + 1] = source[s + 1]
                            out[o + 2] = source[s + 2]
                        }
                        blockStart += blockWidth
                    }
                }
            }
        }
        return try ImageFrame(width: outputWidth, height: outputHeight, pixels: bytes)
    }

    private static func clampToInt16(_ value: Int32) -> Int32 {
        max(min(value, Int32(Int16.max)), Int32(Int16.min))
    }
}
