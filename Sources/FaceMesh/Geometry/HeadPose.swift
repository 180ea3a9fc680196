import Foundation

/// A face's pose and metric 3-D shape, as estimated by `FaceGeometryEstimator` (MediaPipe's "facial
/// transformation matrix" and metric landmarks).
///
/// Frames and units: the canonical frame of `CanonicalFaceModel` (cm, +x the face's left, +y up, +z out of the
/// face) and the camera frame of `PerspectiveCamera` (cm, right-handed, +x image right, +y image up, camera at the
/// origin looking down −z).
public struct HeadPose: Hashable, Sendable, Codable {
    /// The 4×4 transform mapping canonical-model coordinates to camera coordinates, 16 values in **row-major**
    /// order: `[[s·R, t], [0, 0, 0, 1]]` with a uniform scale s (≈ 1 for a face the size of the canonical model),
    /// a rotation R and the translation t in cm. (MediaPipe's Tasks API returns the same matrix column-major.)
    public var matrix: [Float]
    /// The rotation R of `matrix` as yaw, pitch and roll in degrees (convention documented on `YawPitchRoll`).
    public var yawPitchRoll: YawPitchRoll
    /// Where the canonical model's origin lies in camera space, in cm (the last column of `matrix`); its z is
    /// minus the distance along the viewing axis. The origin is inside the head, roughly 4–8 cm behind the face
    /// surface (the nose tip is at z = 7.6 cm in the model).
    public var translation: SIMD3<Float>
    /// The face's landmarks in camera space, in cm (x right, **y up**, z towards the viewer: unlike image
    /// landmarks, y grows upwards and z is negative for points in front of the camera). One per canonical
    /// vertex (468), in landmark order. Project them with `PerspectiveCamera.imagePoint(ofCameraPoint:…)`.
    public var metricLandmarks: [Landmark]

    /// Creates a pose from its parts (no validation; `FaceGeometryEstimator` produces consistent values).
    public init(matrix: [Float], yawPitchRoll: YawPitchRoll, translation: SIMD3<Float>, metricLandmarks: [Landmark]) {
        self.matrix = matrix
        self.yawPitchRoll = yawPitchRoll
        self.translation = translation
        self.metricLandmarks = metricLandmarks
    }

    /// `matrix` as a `SimilarityTransform` (scale, rotation, translation), in `Double`; nil unless `matrix` has
    /// 16 values with a non-degenerate upper-left 3×3 block.
    public var transform: SimilarityTransform? {
        guard matrix.count == 16 else { return nil }
        let linear = Matrix3x3(rows: SIMD3(Double(matrix[0]), Double(matrix[1]), Double(matrix[2])),
                               SIMD3(Double(matrix[4]), Double(matrix[5]), Double(matrix[6])),
                               SIMD3(Double(matrix[8]), Double(matrix[9]), Double(matrix[10])))
        let determinant = linear.determinant
        guard determinant > 0, determinant.isFinite else { return nil }
        let scale = cbrt(determinant)
        return SimilarityTransform(scale: scale, rotation: (1 / scale) * linear,
                                   translation: SIMD3(Double(matrix[3]), Double(matrix[7]), Double(matrix[11])))
    }

    /// The metric landmarks mapped back into the canonical frame by the inverse pose (cm): the runtime face shape
    /// aligned with `CanonicalFaceModel`, which is the mesh MediaPipe's face-geometry output carries. Empty if
    /// `matrix` is not a valid similarity transform.
    public func landmarksInModelFrame() -> [Landmark] {
        guard let inverse = transform?.inverse else { return [] }
        return metricLandmarks.map { landmark in
            let point = inverse.apply(to: SIMD3(Double(landmark.x), Double(landmark.y), Double(landmark.z)))
            return Landmark(x: Float(point.x), y: Float(point.y), z: Float(point.z))
        }
    }
}
