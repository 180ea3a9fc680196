import Foundation

/// Errors raised when decoding the detector's raw outputs.
public enum FaceDetectionDecodingError: Error, Equatable, CustomStringConvertible {
    /// A raw output tensor does not have the size the anchors and options imply.
    case tensorSizeMismatch(tensor: String, expected: Int, actual: Int)
    /// The options are inconsistent (the message says how).
    case invalidOptions(String)

    /// A readable explanation of the error.
    public var description: String {
        switch self {
        case let .tensorSizeMismatch(tensor, expected, actual):
            return "face detection decoding: \(tensor) has \(actual) values, expected \(expected)"
        case let .invalidOptions(message):
            return "face detection decoding: \(message)"
        }
    }
}

/// Decodes BlazeFace's raw outputs into detections, as MediaPipe's `TensorsToDetectionsCalculator` does for the
/// short-range face detector (`reverse_output_order`: x before y; sizes scaled linearly, no exponential).
///
/// Per anchor a with raw values r[0..<16] and logit l:
/// centre = (r0/128·a.w + a.x, r1/128·a.h + a.y), size = (r2/128·a.w, r3/128·a.h), keypoint k =
/// (r[4+2k]/128·a.w + a.x, r[5+2k]/128·a.h + a.y); score = sigmoid(clamp(l, −100, 100)). Detections with
/// score < `minScore` or with a negative or NaN width/height are dropped. Output in anchor order, in normalized
/// coordinates of the detector tensor.
public struct FaceDetectionDecoder: Sendable {
    /// Decoding parameters.
    public struct Options: Hashable, Sendable {
        /// Values per anchor in the regressor tensor (16: box 4 + 6 keypoints × 2).
        public var coordinatesPerAnchor: Int = 16
        /// Index of the first keypoint value within an anchor's values.
        public var keypointOffset: Int = 4
        /// Number of keypoints per detection.
        public var keypointCount: Int = 6
        /// Divisors of the raw x, y, width and height values (the input size, 128).
        public var xScale: Float = 128
        /// See `xScale`.
        public var yScale: Float = 128
        /// See `xScale`.
        public var widthScale: Float = 128
        /// See `xScale`.
        public var heightScale: Float = 128
        /// Logits are clamped to ±this before the sigmoid.
        public var scoreClippingThreshold: Float = 100
        /// Detections with a lower score are dropped (MediaPipe's `min_detection_confidence`, default 0.5).
        public var minScore: Float = 0.5

        /// The short-range face detector's options with the given minimum score.
        public init(minScore: Float = 0.5) {
            self.minScore = minScore
        }
    }

    /// The anchors, one per detector output row.
    public let anchors: [SSDAnchor]
    /// Decoding parameters.
    public let options: Options

    /// A decoder for the given anchors (by default the 896 of the short-range face detector).
    public init(anchors: [SSDAnchor], options: Options = Options()) throws {
        guard options.keypointOffset + 2 * options.keypointCount <= options.coordinatesPerAnchor,
              options.coordinatesPerAnchor >= 4, options.keypointOffset >= 4 else {
            throw FaceDetectionDecodingError.invalidOptions(
                "keypoints (offset \(options.keypointOffset), count \(options.keypointCount)) do not fit in "
                    + "\(options.coordinatesPerAnchor) values per anchor after the 4 box values")
        }
        self.anchors = anchors
        self.options = options
    }

    /// A decoder for the short-range face detector: the 896 anchors of `SSDAnchorOptions.faceDetectionShortRange`.
    public static func shortRange(minScore: Float = 0.5) throws -> FaceDetectionDecoder {
        try FaceDetectionDecoder(anchors: SSDAnchors.generate(.faceDetectionShortRange),
                                 options: Options(minScore: minScore))
    }

    /// Decodes `regressors` (`[anchors × coordinatesPerAnchor]`, row-major) and `logits` (`[anchors]`) into the
    /// detections that pass the score threshold, in anchor order, in normalized tensor coordinates.
    public func decode(regressors: UnsafeBufferPointer<Float>, logits: UnsafeBufferPointer<Float>) throws
        -> [FaceDetection]
    {
        let n = anchors.count, stride = options.coordinatesPerAnchor
        guard regressors.count == n * stride else {
            throw FaceDetectionDecodingError.tensorSizeMismatch(tensor: "regressors", expected: n * stride,
                                                                actual: regressors.count)
        }
        guard logits.count == n else {
            throw FaceDetectionDecodingError.tensorSizeMismatch(tensor: "logits", expected: n, actual: logits.count)
        }
        var detections: [FaceDetection] = []
        let clip = options.scoreClippingThreshold
        for i in 0..<n {
            let logit = Swift.max(-clip, Swift.min(clip, logits[i]))
            let score = 1 / (1 + Foundation.exp(-logit))
            guard score >= options.minScore else { continue }
            let anchor = anchors[i]
            let r = regressors.baseAddress! + i * stride
            let xCenter = r[0] / options.xScale * anchor.width + anchor.xCenter
            let yCenter = r[1] / options.yScale * anchor.height + anchor.yCenter
            let width = r[2] / options.widthScale * anchor.width
            let height = r[3] / options.heightScale * anchor.height
            let box = AxisAlignedBox(xMin: xCenter - width / 2, yMin: yCenter - height / 2,
                                     xMax: xCenter + width / 2, yMax: yCenter + height / 2)
            guard box.width >= 0, box.height >= 0 else { continue }  // also drops NaN
            var keypoints: [SIMD2<Float>] = []
            keypoints.reserveCapacity(options.keypointCount)
            for k in 0..<options.keypointCount {
                let o = options.keypointOffset + 2 * k
                keypoints.append(SIMD2(r[o] / options.xScale * anchor.width + anchor.xCenter,
                                       r[o + 1] / options.yScale * anchor.height + anchor.yCenter))
            }
            detections.append(FaceDetection(box: box, keypoints: keypoints, score: score))
        }
        return detections
    }

    /// Convenience overload taking arrays.
    public func decode(regressors: [Float], logits: [Float]) throws -> [FaceDetection] {
        try regressors.withUnsafeBufferPointer { r in
            try logits.withUnsafeBufferPointer { l in try decode(regressors: r, logits: l) }
        }
    }
}
