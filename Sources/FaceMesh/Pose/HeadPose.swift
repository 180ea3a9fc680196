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

/// Head orientation as three angles in degrees, about the axes of the camera frame of `PerspectiveCamera`
/// (+x image right, +y image up, +z towards the viewer).
///
/// Convention: the rotation (canonical face model → camera) is
///
///     R = Ry(yaw) · Rx(pitch) · Rz(roll)
///
/// where Rx, Ry, Rz are right-handed (counter-clockwise when looking down the positive axis towards the origin)
/// rotations about the camera's x, y and z axes. Read as intrinsic rotations: yaw about y, then pitch about the
/// once-rotated x, then roll about the twice-rotated z (the face's own front axis); read as extrinsic rotations
/// about the fixed camera axes the order is roll, pitch, yaw. Zero angles mean the face looks straight into the
/// camera, upright.
///
/// Signs (face in front of the camera):
/// - **yaw > 0**: the face turns towards the image right, i.e. towards the person's own left; the nose moves right
///   in the image.
/// - **pitch > 0**: the face tilts down (chin towards the chest); the nose moves down in the image.
/// - **roll > 0**: the head tilts **anticlockwise on screen** (as the image is viewed); the top of the head moves
///   towards the image left. (This is the opposite sign of the ROI rotation in the pipeline, which is positive
///   clockwise on screen.)
///
/// Ranges returned by `init(rotation:)`: yaw and roll in (−180, 180], pitch in [−90, 90]. At pitch ±90° (gimbal
/// lock) yaw and roll are not separable; roll is then reported as 0.
public struct YawPitchRoll: Hashable, Sendable, Codable {
    /// Rotation about the camera's +y axis, degrees.
    public var yaw: Float
    /// Rotation about the (yawed) +x axis, degrees.
    public var pitch: Float
    /// Rotation about the face's own +z axis, degrees.
    public var roll: Float

    /// Creates angles from degrees.
    public init(yaw: Float, pitch: Float, roll: Float) {
        self.yaw = yaw
        self.pitch = pitch
        self.roll = roll
    }

    /// Extracts the angles from a proper rotation matrix (orthogonal, determinant +1) in the convention above.
    public init(rotation r: Matrix3x3) {
        let degrees = 180 / Double.pi
        // With cy = cos yaw etc.: R[1,2] = −sin pitch, R[1,0] = cos pitch · sin roll, R[1,1] = cos pitch · cos roll,
        // R[0,2] = sin yaw · cos pitch, R[2,2] = cos yaw · cos pitch.
        let cosinePitch = (r[1, 0] * r[1, 0] + r[1, 1] * r[1, 1]).squareRoot()
        let pitch = atan2(-r[1, 2], cosinePitch)
        let yaw: Double
        let roll: Double
        if cosinePitch > 1e-9 {
            yaw = atan2(r[0, 2], r[2, 2])
            roll = atan2(r[1, 0], r[1, 1])
        } else {
            // Gimbal lock: only yaw ± roll is defined; report roll = 0, then R[0,0] = cos yaw, R[2,0] = −sin yaw.
            yaw = atan2(-r[2, 0], r[0, 0])
            roll = 0
        }
        self.init(yaw: Float(yaw * degrees), pitch: Float(pitch * degrees), roll: Float(roll * degrees))
    }

    /// The rotation matrix Ry(yaw) · Rx(pitch) · Rz(roll).
    public var rotation: Matrix3x3 {
        let radians = Double.pi / 180
        let (sy, cy) = (sin(Double(yaw) * radians), cos(Double(yaw) * radians))
        let (sp, cp) = (sin(Double(pitch) * radians), cos(Double(pitch) * radians))
        let (sr, cr) = (sin(Double(roll) * radians), cos(Double(roll) * radians))
        let aboutY = Matrix3x3(rows: SIMD3(cy, 0, sy), SIMD3(0, 1, 0), SIMD3(-sy, 0, cy))
        let aboutX = Matrix3x3(rows: SIMD3(1, 0, 0), SIMD3(0, cp, -sp), SIMD3(0, sp, cp))
        let aboutZ = Matrix3x3(rows: SIMD3(cr, -sr, 0), SIMD3(sr, cr, 0), SIMD3(0, 0, 1))
        return aboutY * aboutX * aboutZ
    }
}

/// The virtual pinhole camera through which MediaPipe's face-geometry pipeline interprets image landmarks.
///
/// Camera space is right-handed, in centimetres: +x to the image right, +y to the image top, the camera at the
/// origin looking down −z (points in front of it have z < 0). The image has its origin at the top-left corner,
/// x to the right and y downwards, in pixels. The principal point is the image centre and pixels are square:
/// the near-plane rectangle is `nearPlaneHeight = 2 · near · tan(FOV/2)` high and
/// `nearPlaneHeight · width / height` wide, centred on the axis.
///
/// MediaPipe's default environment (used by its Tasks API and face-effect graphs) is
/// `PerspectiveCamera.mediaPipeDefault`: vertical FOV 63°, near 1 cm, far 10,000 cm, origin top-left.
public struct PerspectiveCamera: Hashable, Sendable {
    /// Vertical field of view in degrees, in (0, 180).
    public let verticalFieldOfViewDegrees: Double
    /// Distance of the near clipping plane in centimetres (> 0); the plane onto which image points are placed.
    public let near: Double
    /// Distance of the far clipping plane in centimetres (> near); only used by `projectionMatrixRowMajor`.
    public let far: Double

    /// MediaPipe's default: vertical FOV 63°, near 1 cm, far 10,000 cm.
    public static let mediaPipeDefault = PerspectiveCamera(checkedFieldOfView: 63, near: 1, far: 10_000)

    /// Creates a camera.
    /// - Throws: `FaceMeshError.invalidCamera` unless 0 < FOV < 180 and 0 < near < far (all finite).
    public init(verticalFieldOfViewDegrees: Double = 63, near: Double = 1, far: Double = 10_000) throws {
        guard verticalFieldOfViewDegrees > 0, verticalFieldOfViewDegrees < 180, near > 0, far > near,
              far.isFinite else {
            throw FaceMeshError.invalidCamera(verticalFieldOfViewDegrees: verticalFieldOfViewDegrees,
                                                  near: near, far: far)
        }
        self.init(checkedFieldOfView: verticalFieldOfViewDegrees, near: near, far: far)
    }

    private init(checkedFieldOfView: Double, near: Double, far: Double) {
        verticalFieldOfViewDegrees = checkedFieldOfView
        self.near = near
        self.far = far
    }

    /// Width and height (centimetres) of the visible rectangle on the near plane for a `width`×`height` image.
    /// - Throws: `FaceMeshError.invalidImageSize` if a dimension is not positive.
    public func nearPlaneSize(imageWidth: Int, imageHeight: Int) throws -> SIMD2<Double> {
        guard imageWidth > 0, imageHeight > 0 else {
            throw FaceMeshError.invalidImageSize(width: imageWidth, height: imageHeight)
        }
        let height = 2 * near * tan(verticalFieldOfViewDegrees * .pi / 360)
        return SIMD2(height * Double(imageWidth) / Double(imageHeight), height)
    }

    /// Focal length in pixels for an image `imageHeight` pixels high: (height / 2) / tan(FOV / 2).
    public func focalLengthInPixels(imageHeight: Int) -> Double {
        Double(imageHeight) / 2 / tan(verticalFieldOfViewDegrees * .pi / 360)
    }

    /// Projects a camera-space point (centimetres) to image pixels (origin top-left, y down).
    /// - Throws: `FaceMeshError.pointBehindCamera` if `point.z >= 0`, `.invalidImageSize` for a bad size.
    public func imagePoint(ofCameraPoint point: SIMD3<Double>, imageWidth: Int, imageHeight: Int) throws -> SIMD2<Double> {
        let size = try nearPlaneSize(imageWidth: imageWidth, imageHeight: imageHeight)
        guard point.z < 0 else { throw FaceMeshError.pointBehindCamera(z: point.z) }
        let depth = -point.z
        let nearX = near * point.x / depth, nearY = near * point.y / depth
        let x = (nearX / size.x + 0.5) * Double(imageWidth)
        let y = (0.5 - nearY / size.y) * Double(imageHeight)
        return SIMD2(x, y)
    }

    /// The OpenGL-style perspective projection matrix (camera space → clip space), 16 values in row-major order.
    ///
    /// Clip coordinates divided by w give normalized device coordinates in [−1, 1] with y up and depth −1 at the
    /// near plane, +1 at the far plane; NDC (x, y) maps to pixels as ((x + 1)/2 · width, (1 − y)/2 · height).
    /// - Throws: `FaceMeshError.invalidImageSize` if a dimension is not positive.
    public func projectionMatrixRowMajor(imageWidth: Int, imageHeight: Int) throws -> [Float] {
        let size = try nearPlaneSize(imageWidth: imageWidth, imageHeight: imageHeight)
        let depthRange = far - near
        let values: [Double] = [
            2 * near / size.x, 0, 0, 0,
            0, 2 * near / size.y, 0, 0,
            0, 0, -(far + near) / depthRange, -2 * far * near / depthRange,
            0, 0, -1, 0,
        ]
        return values.map { Float($0) }
    }
}
