import Foundation

/// Finds the small faces of group photos that MediaPipe's whole-frame detector cannot see: the short-range
/// detector on a pyramid of overlapping tiles (`CrowdTiling`), plus both detectors on the whole image, all
/// candidates merged by MediaPipe's weighted non-maximum suppression (IoU > 0.3) across tiles.
///
/// Per image: the short-range and the full-range detector each decode the whole letterboxed frame; every tile of
/// `CrowdTiling.tiles` that is not flat (luma standard deviation below `flatTileDeviation`: no face can be there)
/// runs the short-range detector on its square crop (bilinear, black outside the image, as MediaPipe's letterbox)
/// and keeps the candidates `CrowdTiling.keeps` accepts; one weighted suppression merges everything. Every merged
/// detection then gets a second look (`isConfirmed`): both detectors run on a square centred on it, scaled so the
/// face has the size each detector knows best, and must find it again. Measured on the test photos: the 29 Solvay
/// faces score 0.68–0.92 (short range) and 0.62–0.94 (full range), mean ≥ 0.70; what tiles find in stone walls, a
/// coffee cup or a jacket is not found again by at least one detector, except a 20-px round medal (0.60 and 0.59,
/// mean 0.595), hence the mean threshold 0.65. The output is in normalized image coordinates, best first, like
/// `FaceDetector.detect`.
///
/// Holds two detectors and their buffers: not thread-safe, one instance per thread.
public final class CrowdFaceDetector {
    /// The tile pyramid.
    public let tiling: CrowdTiling
    /// Tiles whose luma standard deviation (0…255 scale) is below this are skipped.
    public var flatTileDeviation: Float = 2
    /// Side of the short-range verification crop around each merged detection, in multiples of its box side (the
    /// full-range crop is twice as large).
    public var verificationScale: Float = 4
    /// The two verification scores must average at least this.
    public var verificationMeanScore: Float = 0.65
    private let shortRange: FaceDetector
    private let fullRange: FaceDetector
    /// What the last `detect` call did: tiles run and skipped, candidates before suppression.
    public private(set) var lastRun = Statistics()

    /// Counts of one `detect` call.
    public struct Statistics: Hashable, Sendable {
        /// Tiles the short-range detector ran on.
        public var tilesRun = 0
        /// Tiles skipped as flat.
        public var tilesSkipped = 0
        /// Candidates from all passes before suppression.
        public var candidates = 0
        /// Merged detections the verification look rejected.
        public var rejected = 0
    }

    /// Loads both detectors from `directory`; `minimumScore` is both detectors' score threshold (MediaPipe face
    /// mesh's `min_detection_confidence`).
    public init(weightsDirectory directory: URL, minimumScore: Float = 0.5, tiling: CrowdTiling = CrowdTiling(),
                threads: Int = 1) throws {
        try tiling.validate()
        self.tiling = tiling
        shortRange = try FaceDetector(weightsDirectory: directory, kind: .shortRange, minimumScore: minimumScore,
                                      threads: threads)
        fullRange = try FaceDetector(weightsDirectory: directory, kind: .fullRange, minimumScore: minimumScore,
                                     threads: threads)
    }

    /// Faces in `image`, best first, in normalized image coordinates (box and six keypoints; x/W, y/H).
    public func detect(_ image: RGBImage) throws -> [FaceDetection] {
        var statistics = Statistics()
        var candidates = try shortRange.wholeImageCandidates(image) + fullRange.wholeImageCandidates(image)
        let width = Float(image.width), height = Float(image.height)
        for tile in try tiling.tiles(imageWidth: image.width, imageHeight: image.height) {
            guard Self.lumaDeviation(of: image, in: tile.region) >= flatTileDeviation else {
                statistics.tilesSkipped += 1
                continue
            }
            statistics.tilesRun += 1
            for detection in try shortRange.candidates(in: image, region: tile.region) {
                let box = detection.box
                let pixels = AxisAlignedBox(xMin: box.xMin * width, yMin: box.yMin * height,
                                            width: box.width * width, height: box.height * height)
                if tiling.keeps(pixels, in: tile) { candidates.append(detection) }
            }
        }
        statistics.candidates = candidates.count
        var verified: [FaceDetection] = []
        for detection in WeightedNonMaxSuppression.apply(candidates) {
            if try isConfirmed(detection, in: image) {
                verified.append(detection)
            } else {
                statistics.rejected += 1
            }
        }
        lastRun = statistics
        return verified
    }

    /// Whether both detectors find `detection` again when it is centred at the size each knows best: the
    /// short-range detector on a square of `verificationScale` × the box side, the full-range detector on one twice
    /// that side (the face is then about 1/8 of either input). Each must report a candidate overlapping the box
    /// (IoU > 0.3, score ≥ its threshold), and the two best scores must average at least
    /// `verificationMeanScore`.
    private func isConfirmed(_ detection: FaceDetection, in image: RGBImage) throws -> Bool {
        let width = Float(image.width), height = Float(image.height)
        let box = detection.box
        let side = verificationScale * Swift.max(box.width * width, box.height * height)
        guard side.isFinite, side > 0 else { return false }
        let centerX = (box.xMin + box.width / 2) * width, centerY = (box.yMin + box.height / 2) * height
        func bestScore(_ detector: FaceDetector, side: Float) throws -> Float? {
            let region = RotatedRect(centerX: centerX, centerY: centerY, width: side, height: side)
            return try detector.candidates(in: image, region: region)
                .filter { $0.box.intersectionOverUnion(with: box) > WeightedNonMaxSuppression.faceDetectionThreshold }
                .map(\.score).max()
        }
        guard let shortScore = try bestScore(shortRange, side: side),
              let fullScore = try bestScore(fullRange, side: 2 * side) else { return false }
        return (shortScore + fullScore) / 2 >= verificationMeanScore
    }

    /// Standard deviation of the luma (0…255) of the part of `region` inside the image, sampled on a grid of at
    /// most 32 × 32 points; 0 when the region misses the image.
    static func lumaDeviation(of image: RGBImage, in region: RotatedRect) -> Float {
        let x0 = Swift.max(0, Int((region.centerX - region.width / 2).rounded(.down)))
        let y0 = Swift.max(0, Int((region.centerY - region.height / 2).rounded(.down)))
        let x1 = Swift.min(image.width, Int((region.centerX + region.width / 2).rounded(.up)))
        let y1 = Swift.min(image.height, Int((region.centerY + region.height / 2).rounded(.up)))
        guard x1 > x0, y1 > y0 else { return 0 }
        let stepX = Swift.max(1, (x1 - x0) / 32), stepY = Swift.max(1, (y1 - y0) / 32)
        var sum: Double = 0, sumOfSquares: Double = 0, count: Double = 0
        image.pixels.withUnsafeBufferPointer { pixels in
            var y = y0
            while y < y1 {
                var x = x0
                while x < x1 {
                    let offset = (y * image.width + x) * 3
                    let luma = 0.299 * Double(pixels[offset]) + 0.587 * Double(pixels[offset + 1])
                        + 0.114 * Double(pixels[offset + 2])
                    sum += luma
                    sumOfSquares += luma * luma
                    count += 1
                    x += stepX
                }
                y += stepY
            }
        }
        let mean = sum / count
        return Float(Swift.max(0, sumOfSquares / count - mean * mean).squareRoot())
    }
}

/// How a `FaceMeshEngine` finds faces (`FaceMeshOptions.detector`).
public enum FaceDetectionStrategy: String, CaseIterable, Hashable, Sendable {
    /// MediaPipe's face mesh exactly: the short-range detector on the whole letterboxed frame (faces of at least
    /// about 1/6 of the frame's long side, selfie distance).
    case shortRange
    /// The full-range detector (MediaPipe Face Detection `model_selection=1`) on the whole letterboxed frame:
    /// faces down to about 1/11 of the long side, farther from the camera.
    case fullRange
    /// `CrowdFaceDetector`: both detectors on the whole frame plus the short-range detector on a pyramid of tiles;
    /// faces down to about 20 px in group photos, at a cost proportional to the image area.
    case crowd
}

/// The detector an engine runs for its `FaceDetectionStrategy` (internal).
enum ConfiguredDetector {
    case single(FaceDetector)
    case crowd(CrowdFaceDetector)

    init(_ strategy: FaceDetectionStrategy, weightsDirectory directory: URL, minimumScore: Float, threads: Int) throws {
        switch strategy {
        case .shortRange:
            self = .single(try FaceDetector(weightsDirectory: directory, kind: .shortRange, minimumScore: minimumScore,
                                            threads: threads))
        case .fullRange:
            self = .single(try FaceDetector(weightsDirectory: directory, kind: .fullRange, minimumScore: minimumScore,
                                            threads: threads))
        case .crowd:
            self = .crowd(try CrowdFaceDetector(weightsDirectory: directory, minimumScore: minimumScore, threads: threads))
        }
    }

    /// Faces in `image`, best first, in normalized image coordinates.
    func detect(_ image: RGBImage) throws -> [FaceDetection] {
        switch self {
        case .single(let detector): return try detector.detect(image)
        case .crowd(let detector): return try detector.detect(image)
        }
    }
}
