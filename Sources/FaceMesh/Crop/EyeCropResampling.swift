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
    public static func crop(_ image: RGBImage, region: NormalizedRect, border: BorderMode = .replicate) throws
        -> RGBImage
    {
        let rect = pixelRegion(for: region, imageWidth: image.width, imageHeight: image.height)
        guard rect.isValid else { throw FaceMeshError.invalidRegion(rect) }
        let outputWidth = Int(rect.width), outputHeight = Int(rect.height)
        guard outputWidth >= 2, outputHeight >= 2 else {
            // The corner mapping (0 … size−1) degenerates for a 1-pixel side.
            throw FaceMeshError.degenerateRegion(rect)
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
        return try RGBImage(width: outputWidth, height: outputHeight, pixels: bytes)
    }

    private static func clampToInt16(_ value: Int32) -> Int32 {
        max(min(value, Int32(Int16.max)), Int32(Int16.min))
    }
}

/// OpenCV's `resize` on 8-bit RGB images for the two modes MediaPipe's `ImageTransformationCalculator` uses.
public enum ImageResizer {
    /// OpenCV `INTER_AREA` when shrinking: each output pixel is the area-weighted mean of the source pixels its
    /// footprint covers (single-precision weights and sums, rounded half to even). Integer ratios use OpenCV's fast
    /// path: a plain block mean, rounded half up for 2×2 blocks and half to even otherwise.
    public static func resizeArea(_ image: RGBImage, width: Int, height: Int) throws -> RGBImage {
        guard width > 0, height > 0 else { throw FaceMeshError.invalidOutputSize(width: width, height: height) }
        guard width <= image.width, height <= image.height else {
            throw FaceMeshError.areaResizeCannotEnlarge(sourceWidth: image.width, sourceHeight: image.height,
                                                      width: width, height: height)
        }
        if width == image.width && height == image.height { return image }
        let scaleX = 1 / (Double(width) / Double(image.width))
        let scaleY = 1 / (Double(height) / Double(image.height))
        let integerX = Int(scaleX.rounded()), integerY = Int(scaleY.rounded())
        if abs(scaleX - Double(integerX)) < Double.ulpOfOne && abs(scaleY - Double(integerY)) < Double.ulpOfOne {
            return try blockMean(image, width: width, height: height, blockWidth: integerX, blockHeight: integerY)
        }
        let xTable = areaTable(sourceSize: image.width, destinationSize: width, scale: scaleX, channels: 3)
        let yTable = areaTable(sourceSize: image.height, destinationSize: height, scale: scaleY, channels: 1)
        let rowLength = width * 3
        var output = [UInt8](repeating: 0, count: rowLength * height)
        var rowSum = [Float](repeating: 0, count: rowLength)
        var sum = [Float](repeating: 0, count: rowLength)
        var previousRow = yTable[0].destination
        let source = image.pixels
        for entry in yTable {
            let beta = entry.weight
            for i in 0..<rowLength { rowSum[i] = 0 }
            let rowStart = entry.source * image.width * 3
            for x in xTable {
                for c in 0..<3 {
                    rowSum[x.destination + c] = rowSum[x.destination + c]
                        + Float(source[rowStart + x.source + c]) * x.weight
                }
            }
            if entry.destination != previousRow {
                let outStart = previousRow * rowLength
                for i in 0..<rowLength {
                    output[outStart + i] = roundToByte(sum[i])
                    sum[i] = beta * rowSum[i]
                }
                previousRow = entry.destination
            } else {
                for i in 0..<rowLength { sum[i] = sum[i] + beta * rowSum[i] }
            }
        }
        let outStart = previousRow * rowLength
        for i in 0..<rowLength { output[outStart + i] = roundToByte(sum[i]) }
        return try RGBImage(width: width, height: height, pixels: output)
    }

    /// OpenCV `INTER_LINEAR` on 8-bit images: half-pixel centred sample positions
    /// (x_s = (x + ½)·scale − ½; see `linearTaps` for the edges), 11-bit fixed-point weights, horizontal pass exact in
    /// integers, vertical pass as OpenCV's SIMD kernel computes it (values pre-shifted by 4 bits, 16-bit high
    /// products, final rounding shift by 2).
    public static func resizeBilinear(_ image: RGBImage, width: Int, height: Int) throws -> RGBImage {
        guard width > 0, height > 0 else { throw FaceMeshError.invalidOutputSize(width: width, height: height) }
        if width == image.width && height == image.height { return image }
        let xTaps = linearTaps(sourceSize: image.width, destinationSize: width, clampPosition: true)
        let yTaps = linearTaps(sourceSize: image.height, destinationSize: height, clampPosition: false)
        let rowLength = width * 3
        var output = [UInt8](repeating: 0, count: rowLength * height)
        var upper = [Int32](repeating: 0, count: rowLength)
        var lower = [Int32](repeating: 0, count: rowLength)
        let source = image.pixels
        let sourceWidth = image.width
        func horizontal(row: Int, into buffer: inout [Int32]) {
            let rowStart = row * sourceWidth * 3
            for (x, tap) in xTaps.enumerated() {
                let next = min(tap.index + 1, sourceWidth - 1)
                for c in 0..<3 {
                    buffer[x * 3 + c] = Int32(source[rowStart + tap.index * 3 + c]) * tap.weight0
                        + Int32(source[rowStart + next * 3 + c]) * tap.weight1
                }
            }
        }
        let vectorized = rowLength - rowLength % 8
        for (y, tap) in yTaps.enumerated() {
            // Rows are clamped when fetched; the weights are not (OpenCV keeps fy for rows above/below the image).
            horizontal(row: min(max(tap.index, 0), image.height - 1), into: &upper)
            horizontal(row: min(max(tap.index + 1, 0), image.height - 1), into: &lower)
            let outStart = y * rowLength
            for i in 0..<rowLength {
                let value: Int32
                if i < vectorized {
                    let a = ((upper[i] >> 4) * tap.weight0) >> 16
                    let b = ((lower[i] >> 4) * tap.weight1) >> 16
                    value = (a + b + 2) >> 2
                } else {
                    value = (upper[i] * tap.weight0 + lower[i] * tap.weight1 + (1 << 21)) >> 22
                }
                output[outStart + i] = UInt8(max(0, min(255, value)))
            }
        }
        return try RGBImage(width: width, height: height, pixels: output)
    }

    // MARK: - Helpers

    /// OpenCV `saturate_cast<uchar>(float)`: round half to even, clamp to [0, 255].
    @inline(__always)
    static func roundToByte(_ value: Float) -> UInt8 {
        UInt8(max(0, min(255, value.rounded(.toNearestOrEven))))
    }

    /// One source contribution of the area resize: destination and source offsets (in values) and weight.
    struct AreaTap {
        var destination: Int
        var source: Int
        var weight: Float
    }

    /// OpenCV's `computeResizeAreaTab`: per destination cell, the partially covered first source pixel, the fully
    /// covered ones, and the partially covered last one, each weighted by its covered fraction of the cell.
    static func areaTable(sourceSize: Int, destinationSize: Int, scale: Double, channels: Int) -> [AreaTap] {
        var table: [AreaTap] = []
        for d in 0..<destinationSize {
            let start = Double(d) * scale, end = start + scale
            let cellWidth = min(scale, Double(sourceSize) - start)
            var first = Int(start.rounded(.up)), last = Int(end.rounded(.down))
            last = min(last, sourceSize - 1)
            first = min(first, last)
            if Double(first) - start > 1e-3 {
                table.append(AreaTap(destination: d * channels, source: (first - 1) * channels,
                                     weight: Float((Double(first) - start) / cellWidth)))
            }
            for s in first..<max(first, last) {
                table.append(AreaTap(destination: d * channels, source: s * channels, weight: Float(1.0 / cellWidth)))
            }
            if end - Double(last) > 1e-3 {
                table.append(AreaTap(destination: d * channels, source: last * channels,
                                     weight: Float(min(min(end - Double(last), 1), cellWidth) / cellWidth)))
            }
        }
        return table
    }

    /// OpenCV's fast area path for integer ratios.
    static func blockMean(_ image: RGBImage, width: Int, height: Int, blockWidth: Int, blockHeight: Int) throws
        -> RGBImage
    {
        var output = [UInt8](repeating: 0, count: width * height * 3)
        let area = blockWidth * blockHeight
        let inverseArea = 1 / Float(area)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    var sum = 0
                    for by in 0..<blockHeight {
                        for bx in 0..<blockWidth {
                            sum += Int(image.pixels[((y * blockHeight + by) * image.width + x * blockWidth + bx) * 3 + c])
                        }
                    }
                    output[(y * width + x) * 3 + c] = area == 4 && blockWidth == 2
                        ? UInt8((sum + 2) >> 2) : roundToByte(Float(sum) * inverseArea)
                }
            }
        }
        return try RGBImage(width: width, height: height, pixels: output)
    }

    /// One output coordinate of the bilinear resize: first source index and the two 11-bit weights.
    struct LinearTap {
        var index: Int
        var weight0: Int32
        var weight1: Int32
    }

    /// OpenCV's `resizeGeneric_` coordinate table for `INTER_LINEAR` (ksize 2). Horizontally the position is
    /// clamped to the image (index 0 or size−1 with weight 0 on the neighbour); vertically it is not: the index may
    /// be −1 or size−1 with a fractional weight, and the rows are clamped when read.
    static func linearTaps(sourceSize: Int, destinationSize: Int, clampPosition: Bool) -> [LinearTap] {
        let scale = 1 / (Double(destinationSize) / Double(sourceSize))
        return (0..<destinationSize).map { d in
            var position = Float((Double(d) + 0.5) * scale - 0.5)
            var index = Int(position.rounded(.down))
            position -= Float(index)
            if clampPosition && index < 0 { position = 0; index = 0 }
            if clampPosition && index >= sourceSize - 1 { position = 0; index = sourceSize - 1 }
            return LinearTap(index: index, weight0: Int32(((1 - position) * 2048).rounded(.toNearestOrEven)),
                             weight1: Int32((position * 2048).rounded(.toNearestOrEven)))
        }
    }
}
