import Foundation
import TensorRuntime

/// How the crop samplers fill samples that fall outside the image.
public enum BorderMode: Sendable, Hashable {
    /// Repeat the nearest edge pixel (OpenCV `BORDER_REPLICATE`; MediaPipe's landmark crops).
    case replicate
    /// Treat everything outside the image as byte 0 (OpenCV `BORDER_CONSTANT` with 0; MediaPipe's detector input).
    case zero
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
    public static func crop(_ image: RGBImage, region: RotatedRect, outputWidth: Int, outputHeight: Int,
                            border: BorderMode, valueRange: ClosedRange<Float>,
                            into destination: UnsafeMutablePointer<Float>, destinationCount: Int) throws {
        let (inverse, sink) = try floatCrop(region: region, outputWidth: outputWidth, outputHeight: outputHeight,
                                            valueRange: valueRange, into: destination,
                                            destinationCount: destinationCount)
        BilinearWarpSampler.warp(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight,
                                 border: border, sink: sink)
    }

    /// The checked transform and float sink of `crop(_:region:outputWidth:outputHeight:border:valueRange:into:
    /// destinationCount:)`.
    static func floatCrop(region: RotatedRect, outputWidth: Int, outputHeight: Int, valueRange: ClosedRange<Float>,
                          into destination: UnsafeMutablePointer<Float>, destinationCount: Int) throws
        -> (inverse: PerspectiveTransform, sink: FloatPixelSink)
    {
        let inverse = try sourceFromTensorTransform(region: region, outputWidth: outputWidth,
                                                   outputHeight: outputHeight, cornerInset: 0)
        let pixelCount = try checkedPixelCount(outputWidth: outputWidth, outputHeight: outputHeight)
        try checkCapacity(pixelCount * 3, destinationCount)
        let scale = (valueRange.upperBound - valueRange.lowerBound) / 255
        let offset = valueRange.lowerBound - 0 * scale
        return (inverse, FloatPixelSink(destination: destination, scale: scale, offset: offset))
    }

    /// The same crop as bytes: `[outputHeight, outputWidth, 3]` RGB, exactly what OpenCV's `warpPerspective`
    /// produces before MediaPipe converts it to floats.
    public static func cropBytes(_ image: RGBImage, region: RotatedRect, outputWidth: Int, outputHeight: Int,
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
            throw FaceMeshError.invalidOutputSize(width: outputWidth, height: outputHeight)
        }
        return pixels
    }

    static func checkCapacity(_ required: Int, _ actual: Int) throws {
        guard actual >= required else { throw FaceMeshError.destinationTooSmall(required: required, actual: actual) }
    }

    /// The transform from output pixel coordinates to source pixel coordinates: the inverse of OpenCV's
    /// `getPerspectiveTransform(boxPoints(region), outputCorners)`. The output corners are (0, H), (0, 0), (W, 0),
    /// (W, H) shrunk by `cornerInset` (0 for the tensor crops, 1 for the pixel-centred nearest-neighbour crop).
    static func sourceFromTensorTransform(region: RotatedRect, outputWidth: Int, outputHeight: Int,
                                          cornerInset: Float) throws -> PerspectiveTransform {
        guard outputWidth > 0, outputHeight > 0 else {
            throw FaceMeshError.invalidOutputSize(width: outputWidth, height: outputHeight)
        }
        guard region.isValid else { throw FaceMeshError.invalidRegion(region) }
        let w = Float(outputWidth) - cornerInset, h = Float(outputHeight) - cornerInset
        let corners: [SIMD2<Float>] = [SIMD2(0, h), SIMD2(0, 0), SIMD2(w, 0), SIMD2(w, h)]
        guard let forward = PerspectiveTransform(mapping: PerspectiveTransform.cornerPoints(of: region), to: corners),
              let inverse = forward.inverted() else {
            throw FaceMeshError.degenerateRegion(region)
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

/// The float crop of `ImageCropper.crop(_:region:outputWidth:outputHeight:border:valueRange:into:destinationCount:)`
/// computed in bands of rows, so that the threads of a `ModelRunner` can share it (`ModelRunner.runSplit(_:)`):
/// part p of n writes rows ⌊p·H/n⌋ ..< ⌊(p+1)·H/n⌋ and nothing else. Every band count gives the same bytes as the
/// whole crop at once.
///
/// Keep one instance (handing it to the runner then allocates nothing), `prepare` it for each crop, run it, and
/// `finish()` it, which lets go of the image. Not thread-safe apart from the parts of one run. Each of the first
/// `scratchParts` parts has its own sampler scratch, kept from crop to crop, so that the parts allocate nothing
/// on any thread.
final class BandedCrop: SplitWork {
    /// Parts with a kept scratch; further parts take a temporary one.
    static let scratchParts = 8
    private var image: RGBImage?
    private var inverse = PerspectiveTransform(coefficients: [1, 0, 0, 0, 1, 0, 0, 0, 1])
    private var sink: FloatPixelSink?
    private var outputWidth = 0, outputHeight = 0
    private var border = BorderMode.replicate
    /// `scratchParts` sampler scratches of `scratchStride` Int32 values each (grown by `prepare`).
    private var scratch = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private var scratchStride = 0

    deinit {
        scratch.deallocate()
    }

    /// Checks the crop and keeps what the parts need; arguments as in `ImageCropper.crop(...into:...)` (same
    /// errors). `destination` must stay valid until the parts have run.
    func prepare(_ image: RGBImage, region: RotatedRect, outputWidth: Int, outputHeight: Int, border: BorderMode,
                 valueRange: ClosedRange<Float>, into destination: UnsafeMutablePointer<Float>,
                 destinationCount: Int) throws {
        (inverse, sink) = try ImageCropper.floatCrop(region: region, outputWidth: outputWidth,
                                                     outputHeight: outputHeight, valueRange: valueRange,
                                                     into: destination, destinationCount: destinationCount)
        let needed = BilinearWarpSampler.scratchCount(outputWidth: outputWidth)
        if needed > scratchStride {
            scratch.deallocate()
            scratch = .allocate(capacity: needed * Self.scratchParts)
            scratchStride = needed
        }
        self.image = image
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        self.border = border
    }

    /// Writes band `part` of `parts` of the prepared crop.
    func run(part: Int, of parts: Int) {
        guard let image, let sink else { preconditionFailure("BandedCrop.run before prepare") }
        let rows = part * outputHeight / parts ..< (part + 1) * outputHeight / parts
        BilinearWarpSampler.warp(image, inverse: inverse, outputWidth: outputWidth, outputHeight: outputHeight,
                                 rows: rows, border: border,
                                 scratch: part < Self.scratchParts ? scratch + part * scratchStride : nil, sink: sink)
    }

    /// Lets go of the image and the destination.
    func finish() {
        image = nil
        sink = nil
    }
}

/// A 3×3 projective transform in double precision, row-major, mapping (x, y, 1) to (X, Y, W) with the point at
/// (X/W, Y/W).
///
/// The construction reproduces the arithmetic OpenCV uses for MediaPipe's crops, so that the sample positions,
/// after quantization to 1/32 pixel, agree with OpenCV even at rounding ties:
/// - `cornerPoints(of:)` is `cv::RotatedRect::points` (single precision, angle converted to degrees and back);
/// - `init(mapping:to:)` is `cv::getPerspectiveTransform`: the 8×8 system with its products formed in single
///   precision, solved by Gaussian elimination with partial pivoting in double precision;
/// - `inverted()` is `cv::invert` for a 3×3 matrix (cofactors over the determinant).
struct PerspectiveTransform {
    /// Row-major coefficients m[0...8].
    var m: [Double]

    init(coefficients: [Double]) {
        precondition(coefficients.count == 9)
        m = coefficients
    }

    /// The four corners of a rotated rectangle in OpenCV's `boxPoints` order: bottom-left, top-left, top-right,
    /// bottom-right of the unrotated rectangle (y down), each rotated about the centre. Single precision.
    static func cornerPoints(of rect: RotatedRect) -> [SIMD2<Float>] {
        // MediaPipe passes the angle in degrees as `rotation * 180.f / M_PI` (float times float, divided in double,
        // stored as float); OpenCV converts it back to radians in double.
        let degrees = Float(Double(rect.rotation * 180) / Double.pi)
        let radians = Double(degrees) * Double.pi / 180
        let b = Float(Foundation.cos(radians)) * 0.5
        let a = Float(Foundation.sin(radians)) * 0.5
        let cx = rect.centerX, cy = rect.centerY, w = rect.width, h = rect.height
        let p0 = SIMD2<Float>(cx - a * h - b * w, cy + b * h - a * w)
        let p1 = SIMD2<Float>(cx + a * h - b * w, cy - b * h - a * w)
        let p2 = SIMD2<Float>(2 * cx - p0.x, 2 * cy - p0.y)
        let p3 = SIMD2<Float>(2 * cx - p1.x, 2 * cy - p1.y)
        return [p0, p1, p2, p3]
    }

    /// The projective transform taking `source[i]` to `destination[i]` for the four point pairs, or nil when the
    /// points are degenerate (the elimination meets a pivot below 100·ε, as OpenCV's LU does).
    init?(mapping source: [SIMD2<Float>], to destination: [SIMD2<Float>]) {
        precondition(source.count == 4 && destination.count == 4)
        var a = [Double](repeating: 0, count: 64)
        var b = [Double](repeating: 0, count: 8)
        for i in 0..<4 {
            let s = source[i], d = destination[i]
            a[i * 8 + 0] = Double(s.x); a[i * 8 + 1] = Double(s.y); a[i * 8 + 2] = 1
            a[(i + 4) * 8 + 3] = Double(s.x); a[(i + 4) * 8 + 4] = Double(s.y); a[(i + 4) * 8 + 5] = 1
            a[i * 8 + 6] = Double(-s.x * d.x)
            a[i * 8 + 7] = Double(-s.y * d.x)
            a[(i + 4) * 8 + 6] = Double(-s.x * d.y)
            a[(i + 4) * 8 + 7] = Double(-s.y * d.y)
            b[i] = Double(d.x)
            b[i + 4] = Double(d.y)
        }
        guard PerspectiveTransform.solveInPlace(&a, &b, size: 8) else { return nil }
        m = b + [1]
    }

    /// Gaussian elimination with partial pivoting and back substitution (the order of operations of OpenCV's
    /// small-matrix LU). Returns false for a (nearly) singular system.
    private static func solveInPlace(_ a: inout [Double], _ b: inout [Double], size n: Int) -> Bool {
        let epsilon = Double.ulpOfOne * 100
        for i in 0..<n {
            var pivot = i
            for j in (i + 1)..<n where abs(a[j * n + i]) > abs(a[pivot * n + i]) { pivot = j }
            if abs(a[pivot * n + i]) < epsilon { return false }
            if pivot != i {
                for j in i..<n { a.swapAt(i * n + j, pivot * n + j) }
                b.swapAt(i, pivot)
            }
            let d = -1 / a[i * n + i]
            for j in (i + 1)..<n {
                let alpha = a[j * n + i] * d
                for k in (i + 1)..<n { a[j * n + k] += alpha * a[i * n + k] }
                b[j] += alpha * b[i]
            }
            a[i * n + i] = -d
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<n { s -= a[i * n + k] * b[k] }
            b[i] = s * a[i * n + i]
        }
        return true
    }

    /// The inverse transform (3×3 cofactors times 1/determinant), or nil when the determinant is zero.
    func inverted() -> PerspectiveTransform? {
        let s = m
        let determinant = s[0] * (s[4] * s[8] - s[5] * s[7]) - s[1] * (s[3] * s[8] - s[5] * s[6])
            + s[2] * (s[3] * s[7] - s[4] * s[6])
        guard determinant != 0, determinant.isFinite else { return nil }
        let d = 1 / determinant
        return PerspectiveTransform(coefficients: [
            (s[4] * s[8] - s[5] * s[7]) * d, (s[2] * s[7] - s[1] * s[8]) * d, (s[1] * s[5] - s[2] * s[4]) * d,
            (s[5] * s[6] - s[3] * s[8]) * d, (s[0] * s[8] - s[2] * s[6]) * d, (s[2] * s[3] - s[0] * s[5]) * d,
            (s[3] * s[7] - s[4] * s[6]) * d, (s[1] * s[6] - s[0] * s[7]) * d, (s[0] * s[4] - s[1] * s[3]) * d,
        ])
    }

    /// Applies the transform to a point (double precision).
    func apply(x: Double, y: Double) -> (x: Double, y: Double) {
        let w = m[6] * x + m[7] * y + m[8]
        return ((m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w)
    }
}
