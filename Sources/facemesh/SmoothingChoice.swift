import ArgumentParser
import FaceMesh

/// The smoothing filters accepted by `video --smoothing`.
enum SmoothingChoice: String, CaseIterable, ExpressibleByArgument {
    case none
    case oneEuro = "one-euro"
    case velocity

    /// none → no filter; one-euro → MediaPipe FaceLandmarker's One Euro filter; velocity → the legacy face
    /// effect graph's relative velocity filter.
    var method: SmoothingMethod {
        switch self {
        case .none: return .none
        case .oneEuro: return .faceLandmarkerDefault
        case .velocity: return .faceEffectDefault
        }
    }
}
