import Foundation

// MediaPipe's full-range face detector (Face Detection `model_selection=1`): the numbers of
// mediapipe/modules/face_detection/face_detection_full_range.pbtxt (tensor size, anchor layers, box count, scales,
// score threshold) and face_detection.pbtxt (anchor scales and offsets, decoding, suppression), which the full-range
// graph shares with the short-range one.

extension SSDAnchorOptions {
    /// The options of MediaPipe's full-range face detection graph: 192×192 input, one layer of stride 4 (a 48×48
    /// grid), scales 0.1484375…0.75 (one layer: their mean, unused with fixed anchor size), offset 0.5, aspect ratio
    /// 1 and no interpolated anchor (`interpolated_scale_aspect_ratio: 0.0`), fixed anchor size → 2304 anchors.
    public static let faceDetectionFullRange = SSDAnchorOptions(
        inputWidth: 192, inputHeight: 192, minScale: 0.1484375, maxScale: 0.75, anchorOffsetX: 0.5,
        anchorOffsetY: 0.5, numLayers: 1, strides: [4], aspectRatios: [1.0], interpolatedScaleAspectRatio: 0.0,
        reduceBoxesInLowestLayer: false, fixedAnchorSize: true)
}

extension FaceDetectionDecoder.Options {
    /// The full-range graph's decoding: 16 values per anchor (box, then 6 keypoints), x/y/w/h divided by 192,
    /// logits clipped to ±100, score threshold `minScore` (the graph's `min_score_thresh` is 0.6).
    public static func fullRange(minScore: Float = FaceDetectorKind.fullRange.defaultMinimumScore) -> Self {
        var options = Self(minScore: minScore)
        options.xScale = 192
        options.yScale = 192
        options.widthScale = 192
        options.heightScale = 192
        return options
    }
}

extension FaceDetectionDecoder {
    /// A decoder for the full-range face detector: the 2304 anchors of `SSDAnchorOptions.faceDetectionFullRange`.
    public static func fullRange(minScore: Float = FaceDetectorKind.fullRange.defaultMinimumScore) throws
        -> FaceDetectionDecoder
    {
        try FaceDetectionDecoder(anchors: SSDAnchors.generate(.faceDetectionFullRange),
                                 options: .fullRange(minScore: minScore))
    }
}

/// Which of MediaPipe's two BlazeFace detectors a `FaceDetector` runs.
public enum FaceDetectorKind: String, CaseIterable, Hashable, Sendable {
    /// Short range (selfie distance): 128×128 input, 896 anchors; the detector of MediaPipe's face mesh.
    case shortRange
    /// Full range (faces up to ~5 m): 192×192 input, 2304 anchors on a 48×48 grid; MediaPipe Face Detection's
    /// `model_selection=1`.
    case fullRange

    /// Side of the square detector input in pixels (128 or 192).
    public var inputSize: Int {
        switch self {
        case .shortRange: return 128
        case .fullRange: return 192
        }
    }

    /// Number of anchors = rows of the network's outputs (896 or 2304).
    public var anchorCount: Int {
        switch self {
        case .shortRange: return 896
        case .fullRange: return 2304
        }
    }

    /// The anchor options of MediaPipe's graph for this detector.
    public var anchorOptions: SSDAnchorOptions {
        switch self {
        case .shortRange: return .faceDetectionShortRange
        case .fullRange: return .faceDetectionFullRange
        }
    }

    /// MediaPipe's score threshold for this detector: 0.5 (face mesh's `min_detection_confidence`) for short
    /// range, 0.6 for full range (`min_score_thresh` of face_detection_full_range.pbtxt; MediaPipe 0.10.14's Python
    /// `FaceDetection` does not pass its `min_detection_confidence` on to it, measured).
    public var defaultMinimumScore: Float {
        switch self {
        case .shortRange: return 0.5
        case .fullRange: return 0.6
        }
    }

    /// The decoder for this detector's raw outputs with the given score threshold.
    public func makeDecoder(minScore: Float) throws -> FaceDetectionDecoder {
        var options = self == .fullRange ? FaceDetectionDecoder.Options.fullRange(minScore: minScore)
            : FaceDetectionDecoder.Options(minScore: minScore)
        options.minScore = minScore
        return try FaceDetectionDecoder(anchors: SSDAnchors.generate(anchorOptions), options: options)
    }
}
