import XCTest
@testable import FaceMesh

/// The yaw/pitch/roll convention: the matrix equals Ry·Rx·Rz built from Rodrigues' formula, extraction inverts it,
/// and the documented signs hold in the image seen by the camera.
final class YawPitchRollTests: XCTestCase {
    func testRotationMatchesRodriguesComposition() {
        var generator = SeededGenerator(seed: 31)
        for _ in 0..<200 {
            let (yaw, pitch, roll) = (generator.uniform(-180...180), generator.uniform(-90...90),
                                      generator.uniform(-180...180))
            let angles = YawPitchRoll(yaw: Float(yaw), pitch: Float(pitch), roll: Float(roll))
            let reference = referenceRotation(yaw: Double(angles.yaw), pitch: Double(angles.pitch),
                                              roll: Double(angles.roll))
            XCTAssertLessThan((angles.rotation - reference).frobeniusNorm, 1e-12)
        }
    }

    func testAnglesRoundTrip() {
        var generator = SeededGenerator(seed: 32)
        for _ in 0..<500 {
            let yaw = Float(generator.uniform(-179.9...179.9))
            let pitch = Float(generator.uniform(-89.9...89.9))
            let roll = Float(generator.uniform(-179.9...179.9))
            let extracted = YawPitchRoll(rotation: YawPitchRoll(yaw: yaw, pitch: pitch, roll: roll).rotation)
            XCTAssertEqual(extracted.yaw, yaw, accuracy: 1e-3)
            XCTAssertEqual(extracted.pitch, pitch, accuracy: 1e-3)
            XCTAssertEqual(extracted.roll, roll, accuracy: 1e-3)
        }
    }

    /// Any rotation (uniform on SO(3)) is reproduced by its extracted angles, including gimbal lock.
    func testMatrixRoundTripIncludingGimbalLock() {
        var generator = SeededGenerator(seed: 33)
        var rotations = (0..<500).map { _ in generator.rotation() }
        rotations.append(referenceRotation(yaw: 30, pitch: 90, roll: 20))
        rotations.append(referenceRotation(yaw: -70, pitch: -90, roll: 45))
        for rotation in rotations {
            let angles = YawPitchRoll(rotation: rotation)
            XCTAssertLessThanOrEqual(abs(angles.pitch), 90)
            XCTAssertLessThan(Matrix3x3.rotationAngleDegrees(between: angles.rotation, and: rotation), 1e-3)
        }
        let locked = YawPitchRoll(rotation: referenceRotation(yaw: 30, pitch: 90, roll: 20))
        XCTAssertEqual(locked.pitch, 90, accuracy: 1e-4)
        XCTAssertEqual(locked.roll, 0)
    }

    /// The documented meanings, checked on the canonical face seen through the camera: yaw > 0 moves the nose tip to
    /// the image right, pitch > 0 moves it down, roll > 0 turns the eye line anticlockwise on screen.
    func testSignsInTheImage() throws {
        let camera = PerspectiveCamera.mediaPipeDefault
        let vertices = canonicalVertices()
        func image(_ index: Int, _ angles: YawPitchRoll) throws -> SIMD2<Double> {
            let point = angles.rotation * vertices[index] + SIMD3(0, 0, -50)
            return try camera.imagePoint(ofCameraPoint: point, imageWidth: 640, imageHeight: 480)
        }
        let noseTip = 4, imageLeftEyeOuter = 33, imageRightEyeOuter = 263
        let centre = SIMD2<Double>(320, 240)  // the model origin projects to the image centre
        let frontal = try image(noseTip, YawPitchRoll(yaw: 0, pitch: 0, roll: 0))
        XCTAssertEqual(frontal.x, centre.x, accuracy: 1e-9)

        XCTAssertGreaterThan(try image(noseTip, YawPitchRoll(yaw: 20, pitch: 0, roll: 0)).x, centre.x + 10)
        XCTAssertLessThan(try image(noseTip, YawPitchRoll(yaw: -20, pitch: 0, roll: 0)).x, centre.x - 10)
        XCTAssertGreaterThan(try image(noseTip, YawPitchRoll(yaw: 0, pitch: 20, roll: 0)).y, frontal.y + 10)

        // Eye line angle on screen, measured anticlockwise as seen by the viewer (image y points down).
        func eyeLineAngle(_ angles: YawPitchRoll) throws -> Double {
            let left = try image(imageLeftEyeOuter, angles), right = try image(imageRightEyeOuter, angles)
            XCTAssertLessThan(left.x, right.x)
            return atan2(-(right.y - left.y), right.x - left.x) * 180 / .pi
        }
        XCTAssertEqual(try eyeLineAngle(YawPitchRoll(yaw: 0, pitch: 0, roll: 0)), 0, accuracy: 1e-9)
        XCTAssertEqual(try eyeLineAngle(YawPitchRoll(yaw: 0, pitch: 0, roll: 25)), 25, accuracy: 1e-6)
        XCTAssertEqual(try eyeLineAngle(YawPitchRoll(yaw: 0, pitch: 0, roll: -25)), -25, accuracy: 1e-6)
    }
}
