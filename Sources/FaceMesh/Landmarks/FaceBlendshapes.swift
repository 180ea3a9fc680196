import Foundation
import TensorRuntime

/// Expression coefficients of one face: MediaPipe Tasks' 52 blendshape scores (ARKit-style; `_neutral` first, no
/// `tongueOut`) in MediaPipe's order, plus ARKit's `tongueOut` where the landmark model provides it (Face Mesh V2's
/// tongue output, which MediaPipe's Tasks API drops). Every score is in [0, 1].
public struct FaceBlendshapes: Sendable, Equatable {
    /// MediaPipe's category names, in its output order (`face_blendshapes_graph.cc`, `kBlendshapeNames`).
    public static let names: [String] = [
        "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight", "cheekPuff",
        "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft", "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight",
        "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight",
        "eyeSquintLeft", "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen",
        "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft", "mouthFrownRight",
        "mouthFunnel", "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthPressLeft", "mouthPressRight",
        "mouthPucker", "mouthRight", "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper",
        "mouthSmileLeft", "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft",
        "mouthUpperUpRight", "noseSneerLeft", "noseSneerRight",
    ]
    /// The name of the extra score (ARKit's), after the 52.
    public static let tongueOutName = "tongueOut"

    /// The 52 scores, in the order of `names`.
    public var scores: [Float]
    /// Face Mesh V2's tongue-out score, or nil when the landmark model has no tongue output.
    public var tongueOut: Float?

    /// Scores by name, in MediaPipe's order, with `tongueOut` last when present.
    public var named: [(name: String, score: Float)] {
        var pairs = zip(Self.names, scores).map { (name: $0, score: $1) }
        if let tongueOut { pairs.append((name: Self.tongueOutName, score: tongueOut)) }
        return pairs
    }

    /// The score of category `name` (one of `names` or `tongueOut`), nil for unknown names.
    public subscript(name: String) -> Float? {
        if name == Self.tongueOutName { return tongueOut }
        return Self.names.firstIndex(of: name).map { scores[$0] }
    }
}

/// MediaPipe's blendshape network (`face_blendshapes.tflite`, an MLP-Mixer): 146 of a face's 478 landmarks,
/// x and y in image pixels → 52 scores in [0, 1]. The input is built as MediaPipe's `FaceBlendshapesGraph` does:
/// the subset `landmarkSubset`, each point (x · W, y · H) from normalized coordinates, in Float.
/// Holds its input buffer: not thread-safe, one instance per thread; no allocation per call after the first.
public final class BlendshapeNetwork {
    /// The landmark indices the network reads, in its input order (`face_blendshapes_graph.cc`,
    /// `kLandmarksSubsetIdxs`; includes the ten iris points 468…477).
    public static let landmarkSubset: [Int] = [
        0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78,
        80, 81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136, 144, 145, 146, 148, 149, 150, 152,
        153, 154, 155, 157, 158, 159, 160, 161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246,
        249, 251, 263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312,
        314, 317, 318, 321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380, 381,
        382, 384, 385, 386, 387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454, 466, 468, 469, 470, 471, 472,
        473, 474, 475, 476, 477,
    ]
    let model: ModelFileRunner
    private var input = [Float](repeating: 0, count: 146 * 2)

    /// Loads `face_blendshapes.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count.
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        model = try ModelFileRunner(.faceBlendshapes, directory: directory, threads: threads)
    }

    /// Runs the network on its raw input: 146 × (x, y) in image pixels (`landmarkSubset` order); 52 scores.
    public func predict(input values: UnsafeBufferPointer<Float>) throws -> [Float] {
        try model.run(values)
        return model.runner.withOutput(0) { Array($0) }
    }

    /// The 52 scores of a face from its 478 landmarks in normalized image coordinates (x/W, y/H).
    /// - Throws: `FaceMeshError.wrongLandmarkCount` unless there are 478 landmarks, `FaceMeshError.invalidImageSize`
    ///   for a non-positive image size.
    public func predict(normalizedLandmarks landmarks: [Landmark], imageWidth: Int, imageHeight: Int) throws -> [Float] {
        guard landmarks.count == LandmarkIndexSets.refinedCount else {
            throw FaceMeshError.wrongLandmarkCount(expected: LandmarkIndexSets.refinedCount, actual: landmarks.count)
        }
        guard imageWidth > 0, imageHeight > 0 else {
            throw FaceMeshError.invalidImageSize(width: imageWidth, height: imageHeight)
        }
        let width = Float(imageWidth), height = Float(imageHeight)
        for (position, index) in Self.landmarkSubset.enumerated() {
            input[2 * position] = landmarks[index].x * width
            input[2 * position + 1] = landmarks[index].y * height
        }
        return try input.withUnsafeBufferPointer { try predict(input: $0) }
    }
}
