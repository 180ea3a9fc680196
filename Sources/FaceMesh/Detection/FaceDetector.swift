import Foundation

/// One of MediaPipe's BlazeFace face detectors on whole frames (`detect`): letterboxed square input in [-1, 1]
/// (128×128 short range, 192×192 full range), BlazeFace network, anchor decoding with sigmoid scores, weighted
/// non-maximum suppression (IoU > 0.3), projection back to the image. `candidates(in:region:)` runs the same network
/// on one square region of the frame (a crowd tile) and returns the decoded, unsuppressed detections, so that
/// several regions can be merged by one suppression.
///
/// Holds its input buffer and network: not thread-safe, one instance per thread.
public final class FaceDetector {
    /// Which detector runs.
    public let kind: FaceDetectorKind
    /// Detections below this score are dropped before suppression (MediaPipe's `min_detection_confidence`).
    public let minimumScore: Float
    private let network: FaceDetectorNetwork
    private let decoder: FaceDetectionDecoder
    private var tensor: [Float]
    private var letterbox: DetectorInput?

    /// Loads the `kind` detector's weights from `directory`; `minimumScore` defaults to MediaPipe's threshold for
    /// that detector (`FaceDetectorKind.defaultMinimumScore`); `threads` ≥ 1 is the network's thread count.
    public init(weightsDirectory directory: URL, kind: FaceDetectorKind = .shortRange, minimumScore: Float? = nil,
                threads: Int = 1) throws {
        let score = minimumScore ?? kind.defaultMinimumScore
        network = try FaceDetectorNetwork(weightsDirectory: directory, kind: kind, threads: threads)
        decoder = try kind.makeDecoder(minScore: score)
        tensor = [Float](repeating: 0, count: kind.inputSize * kind.inputSize * 3)
        self.kind = kind
        self.minimumScore = score
    }

    /// Faces in `image`, best first, in normalized image coordinates (box and the six keypoints; x/W, y/H).
    public func detect(_ image: RGBImage) throws -> [FaceDetection] {
        let input = try wholeImageInput(image)
        return WeightedNonMaxSuppression.apply(try decode(image, input)).map { input.projectToImage($0) }
    }

    /// The whole-image pass's decoded detections before suppression, projected to normalized image coordinates
    /// (to be merged with other passes by one `WeightedNonMaxSuppression`).
    public func wholeImageCandidates(_ image: RGBImage) throws -> [FaceDetection] {
        let input = try wholeImageInput(image)
        return try decode(image, input).map { input.projectToImage($0) }
    }

    /// The decoded detections before suppression of the square `region` of `image` (pixels, rotation 0; black
    /// outside the image), in normalized image coordinates.
    public func candidates(in image: RGBImage, region: RotatedRect) throws -> [FaceDetection] {
        let input = try DetectorInput(imageWidth: image.width, imageHeight: image.height, region: region,
                                      tensorWidth: kind.inputSize, tensorHeight: kind.inputSize)
        return try decode(image, input).map { input.projectToImage($0) }
    }

    private func wholeImageInput(_ image: RGBImage) throws -> DetectorInput {
        if let letterbox, letterbox.imageWidth == image.width, letterbox.imageHeight == image.height {
            return letterbox
        }
        let input = try DetectorInput(imageWidth: image.width, imageHeight: image.height, tensorWidth: kind.inputSize,
                                      tensorHeight: kind.inputSize)
        letterbox = input
        return input
    }

    /// Runs the network on `input`'s tensor of `image`; detections in normalized tensor coordinates.
    private func decode(_ image: RGBImage, _ input: DetectorInput) throws -> [FaceDetection] {
        let count = tensor.count
        try tensor.withUnsafeMutableBufferPointer { buffer in
            try input.makeTensor(from: image, into: buffer.baseAddress!, destinationCount: count)
        }
        return try tensor.withUnsafeBufferPointer { buffer in
            try network.predict(buffer) { regressors, logits in try decoder.decode(regressors: regressors, logits: logits) }
        }
    }
}

/// MediaPipe's BlazeFace detector networks: a letterboxed square frame in [-1, 1] (128×128 short range, 192×192 full
/// range) → one row of 16 raw box regressions (input-pixel units) per anchor and one score logit per anchor (896 or
/// 2304). Not thread-safe: one instance per thread.
public final class FaceDetectorNetwork {
    /// Side of the short-range network's square input in pixels.
    public static let inputSize = 128
    /// Number of the short-range network's SSD anchors.
    public static let anchorCount = 896
    /// Which detector network this is.
    public let kind: FaceDetectorKind
    let model: ModelFileRunner

    /// Loads `face_detection_short_range.sfmw` or `face_detection_full_range.sfmw` from `directory`; `threads` ≥ 1
    /// is the runner's thread count (`ModelRunner.Options`).
    public init(weightsDirectory directory: URL, kind: FaceDetectorKind = .shortRange, threads: Int = 1) throws {
        model = try ModelFileRunner(kind == .shortRange ? .faceDetector : .faceDetectorFullRange, directory: directory,
                                    threads: threads)
        self.kind = kind
    }

    /// Runs the network and hands the raw outputs (regressors [anchors × 16], logits [anchors]) to `body`, without
    /// copying.
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
