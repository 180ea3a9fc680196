import Foundation
import TensorRuntime

/// MediaPipe Tasks' Face Mesh V2 network (`face_landmarks_detector.tflite` of `face_landmarker.task`): a 256×256×3
/// NHWC face crop with values in [0, 1] → 478 landmarks (mesh and irises in one output, 256-px input units), the
/// face-flag logit (presence = sigmoid) and a tongue-out score in [0, 1] (the model's own LOGISTIC; MediaPipe's
/// Tasks API drops it). Not thread-safe: one instance per thread.
public final class FaceMeshV2Network: FaceCropNetwork {
    /// Side of the square input in pixels.
    public static let inputSize = 256
    /// `.faceMeshV2`.
    public static let kind = LandmarkModelKind.faceMeshV2
    let model: ModelFileRunner

    /// Loads `face_landmark_v2.sfmw` from `directory`; `threads` ≥ 1 is the runner's thread count.
    public init(weightsDirectory directory: URL, threads: Int = 1) throws {
        model = try ModelFileRunner(.faceLandmarkV2, directory: directory, threads: threads)
    }

    /// The model's runner (input 256×256×3, NHWC).
    public var runner: ModelRunner? { model.runner }

    /// Runs the network on a 256×256×3 crop (NHWC, [0, 1]); landmarks in model-input pixels.
    public func predict(_ input: UnsafeBufferPointer<Float>) throws -> CropLandmarkPrediction {
        try model.run(input)
        return try predictionFromOutputs()
    }

    /// The 478 landmarks (model-input pixels), the face-flag logit and the tongue-out score of the last run.
    public func predictionFromOutputs() throws -> CropLandmarkPrediction {
        CropLandmarkPrediction(landmarks: model.landmarks(output: 0),
                                      presenceLogit: model.runner.withOutput(1) { $0[0] },
                                      tongueOut: model.runner.withOutput(2) { $0[0] })
    }
}

/// Face Mesh V2 (478 points, tongue out) behind `FaceLandmarkModel`.
public typealias FaceMeshV2LandmarkModel = CropLandmarkModel<FaceMeshV2Network>
