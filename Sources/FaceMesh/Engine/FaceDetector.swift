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
    public func detect(_ image: ImageFrame) throws -> [FaceDetection] {
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
