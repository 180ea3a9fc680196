/// Why a camera could not be built or a face's geometry (head pose, metric landmarks) could not be estimated.
public enum FaceGeometryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Camera parameters out of range: the vertical field of view must be in (0, 180) degrees and
    /// 0 < near < far, all finite.
    case invalidCamera(verticalFieldOfViewDegrees: Double, near: Double, far: Double)
    /// The image width or height is not positive.
    case invalidImageSize(width: Int, height: Int)
    /// Fewer landmarks than the canonical model has vertices.
    case tooFewLandmarks(count: Int, required: Int)
    /// A landmark coordinate is NaN or infinite.
    case nonFiniteLandmark(index: Int)
    /// All landmarks lie within 1e-3 (normalized x, y) of their mean: too small a face for a stable estimate.
    /// MediaPipe skips such faces.
    case landmarksTooCompact(maximumDistance: Double)
    /// A camera-space point is not in front of the camera (its z must be negative), so it has no image point.
    case pointBehindCamera(z: Double)
    /// A Procrustes fit inside the estimation failed.
    case procrustesFailed(ProcrustesError)

    /// A one-line explanation of the failure.
    public var description: String {
        switch self {
        case let .invalidCamera(fieldOfView, near, far):
            return "invalid perspective camera: vertical FOV \(fieldOfView)° (needs 0 < FOV < 180), "
                + "near \(near), far \(far) (needs 0 < near < far)"
        case let .invalidImageSize(width, height):
            return "invalid image size \(width)×\(height)"
        case let .tooFewLandmarks(count, required):
            return "face geometry needs at least \(required) landmarks, got \(count)"
        case let .nonFiniteLandmark(index):
            return "landmark \(index) has a non-finite coordinate"
        case let .landmarksTooCompact(distance):
            return "landmarks too compact for face geometry (max distance to mean \(distance) ≤ 1e-3 normalized)"
        case let .pointBehindCamera(z):
            return "camera-space point with z = \(z) is not in front of the camera"
        case let .procrustesFailed(error):
            return "face geometry: \(error)"
        }
    }
}
