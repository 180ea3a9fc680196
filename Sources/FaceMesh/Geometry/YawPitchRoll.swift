import Foundation

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
