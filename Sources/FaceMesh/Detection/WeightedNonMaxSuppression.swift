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
