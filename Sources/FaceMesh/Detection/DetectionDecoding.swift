import Foundation

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
            throw FaceMeshError.invalidDecoderOptions(
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
            throw FaceMeshError.wrongOutputSize(output: "regressors", expected: n * stride,
                                                                actual: regressors.count)
        }
        guard logits.count == n else {
            throw FaceMeshError.wrongOutputSize(output: "logits", expected: n, actual: logits.count)
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

/// MediaPipe's weighted non-maximum suppression (`NonMaxSuppressionCalculator`, algorithm WEIGHTED, overlap
/// INTERSECTION_OVER_UNION, no count limit), used on the face detector's decoded boxes.
///
/// Detections are sorted by score, descending (ties keep input order). While any remain: the top one t forms a
/// cluster with every remaining detection d (t included) whose axis-aligned IoU with t is **strictly greater** than
/// `threshold`; the output detection has the score-weighted means Σsᵢvᵢ/Σsᵢ of the cluster's box corners (xMin, yMin,
/// xMax, yMax) and keypoints, and t's score; the cluster is removed. If t does not overlap itself (an empty box), it
/// is output unchanged and processing stops, as in MediaPipe. Output order: descending score.
public enum WeightedNonMaxSuppression {
    /// MediaPipe face detection's `min_suppression_threshold`.
    public static let faceDetectionThreshold: Float = 0.3

    /// Merges overlapping detections; see the type's documentation.
    public static func apply(_ detections: [FaceDetection], threshold: Float = faceDetectionThreshold)
        -> [FaceDetection]
    {
        var remaining = detections.indices.sorted { a, b in
            detections[a].score != detections[b].score ? detections[a].score > detections[b].score : a < b
        }
        var output: [FaceDetection] = []
        while let top = remaining.first {
            let topDetection = detections[top]
            var cluster: [Int] = []
            var rest: [Int] = []
            for index in remaining {
                if detections[index].box.intersectionOverUnion(with: topDetection.box) > threshold {
                    cluster.append(index)
                } else {
                    rest.append(index)
                }
            }
            output.append(cluster.isEmpty ? topDetection : weightedMean(of: cluster.map { detections[$0] },
                                                                        score: topDetection.score))
            if rest.count == remaining.count { break }
            remaining = rest
        }
        return output
    }

    /// Score-weighted mean of the cluster's corners and keypoints (single precision, MediaPipe's accumulation order).
    static func weightedMean(of cluster: [FaceDetection], score: Float) -> FaceDetection {
        let keypointCount = cluster[0].keypoints.count
        var xMin: Float = 0, yMin: Float = 0, xMax: Float = 0, yMax: Float = 0, total: Float = 0
        var keypoints = [SIMD2<Float>](repeating: .zero, count: keypointCount)
        for detection in cluster {
            let s = detection.score
            total += s
            xMin += detection.box.xMin * s
            yMin += detection.box.yMin * s
            xMax += detection.box.xMax * s
            yMax += detection.box.yMax * s
            for k in 0..<Swift.min(keypointCount, detection.keypoints.count) {
                keypoints[k].x += detection.keypoints[k].x * s
                keypoints[k].y += detection.keypoints[k].y * s
            }
        }
        let meanXMin = xMin / total, meanYMin = yMin / total
        let box = AxisAlignedBox(xMin: meanXMin, yMin: meanYMin, width: xMax / total - meanXMin,
                                 height: yMax / total - meanYMin)
        return FaceDetection(box: box, keypoints: keypoints.map { SIMD2($0.x / total, $0.y / total) }, score: score)
    }
}
