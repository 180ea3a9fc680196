import Foundation

/// MediaPipe's short-range face detector on whole frames: letterboxed 128×128 input in [-1, 1], BlazeFace
/// network, anchor decoding with sigmoid scores, weighted non-maximum suppression (IoU > 0.3).
///
/// Holds its input buffer and network: not thread-safe, one instance per thread.
public final class FaceDetector {
    /// Detections below this score are dropped before suppression (MediaPipe's `min_detection_confidence`).
    public let minimumScore: Float
    private let network: FaceDetectorNetwork
    private let decoder: FaceDetectionDecoder
    private var tensor = [Float](repeating: 0, count: FaceDetectorNetwork.inputSize * FaceDetectorNetwork.inputSize * 3)
    private var letterbox: DetectorInput?

    /// Loads `face_detection_short_range.sfmw` from `directory`; `threads` ≥ 1 is the network's thread count.
    public init(weightsDirectory directory: URL, minimumScore: Float = 0.5, threads: Int = 1) throws {
        network = try FaceDetectorNetwork(weightsDirectory: directory, threads: threads)
        decoder = try FaceDetectionDecoder.shortRange(minScore: minimumScore)
        self.minimumScore = minimumScore
    }

    /// Faces in `image`, best first, in normalized image coordinates (box and the six keypoints; x/W, y/H).
    public func detect(_ image: RGBImage) throws -> [FaceDetection] {
        if letterbox?.imageWidth != image.width || letterbox?.imageHeight != image.height {
            letterbox = try DetectorInput(imageWidth: image.width, imageHeight: image.height)
        }
        let input = letterbox!
        let count = tensor.count
        try tensor.withUnsafeMutableBufferPointer { buffer in
            try input.makeTensor(from: image, into: buffer.baseAddress!, destinationCount: count)
        }
        let candidates = try tensor.withUnsafeBufferPointer { buffer in
            try network.predict(buffer) { regressors, logits in try decoder.decode(regressors: regressors, logits: logits) }
        }
        return WeightedNonMaxSuppression.apply(candidates).map { input.projectToImage($0) }
    }
}

/// MediaPipe's BlazeFace short-range detector network: a letterboxed 128×128×3 frame in [-1, 1] → 896 raw box
/// regressions (16 values each, 128-px units) and 896 score logits. Not thread-safe: one instance per thread.
public final class FaceDetectorNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 128
    /// Number of SSD anchors.
    public static let anchorCount = 896
    let model: ModelFileRunner

    /// Loads `face_detection_short_range.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        model = try ModelFileRunner(.faceDetector, directory: directory, threads: threads)
    }

    /// Runs the network and hands the raw outputs (regressors [896 × 16], logits [896]) to `body`, without copying.
    public func predict<Result>(_ input: UnsafeBufferPointer<Float>,
                                _ body: (_ regressors: UnsafeBufferPointer<Float>, _ logits: UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        try model.run(input, outputs: 0, 1, body)
    }
}

/// The six keypoints of the BlazeFace detector, in the model's output order. "Right"/"left" are the subject's:
/// the subject's right eye appears on the image's left.
public enum FaceKeypoint: Int, CaseIterable, Sendable {
    /// Subject's right eye (image left).
    case rightEye = 0
    /// Subject's left eye (image right).
    case leftEye
    /// Tip of the nose.
    case noseTip
    /// Centre of the mouth.
    case mouthCenter
    /// Subject's right ear tragion (image left).
    case rightEarTragion
    /// Subject's left ear tragion (image right).
    case leftEarTragion
}

/// One face found by the detector: axis-aligned box, six keypoints (`FaceKeypoint` order) and score.
///
/// Unit: **normalized** coordinates of the frame the detection lives in — the 128×128 detector tensor straight
/// out of `FaceDetectionDecoder`, the whole image (x/W, y/H) after `DetectorInput.projectToImage`. Use
/// `scaledToPixels(imageWidth:imageHeight:)` for image pixels.
public struct FaceDetection: Hashable, Sendable {
    /// Bounding box (minimum corner and size).
    public var box: AxisAlignedBox
    /// The six keypoints as (x, y), in `FaceKeypoint` order.
    public var keypoints: [SIMD2<Float>]
    /// Detector confidence, sigmoid of the clamped logit, in (0, 1).
    public var score: Float

    /// Creates a detection.
    public init(box: AxisAlignedBox, keypoints: [SIMD2<Float>], score: Float) {
        self.box = box
        self.keypoints = keypoints
        self.score = score
    }

    /// The keypoint of the given kind.
    public subscript(keypoint: FaceKeypoint) -> SIMD2<Float> { keypoints[keypoint.rawValue] }

    /// A copy with box and keypoints multiplied by the image size: image pixels for a detection in normalized
    /// image coordinates.
    public func scaledToPixels(imageWidth: Int, imageHeight: Int) -> FaceDetection {
        let w = Float(imageWidth), h = Float(imageHeight)
        let scaledBox = AxisAlignedBox(xMin: box.xMin * w, yMin: box.yMin * h, width: box.width * w,
                                       height: box.height * h)
        return FaceDetection(box: scaledBox, keypoints: keypoints.map { SIMD2($0.x * w, $0.y * h) }, score: score)
    }
}
