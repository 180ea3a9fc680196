import Foundation
import XCTest
@testable import FaceMesh

/// `FaceGeometryEstimator` against the real MediaPipe 0.10.14 face-geometry calculator on the same landmarks
/// (fixture: Tests/Fixtures/FaceGeometry/mediapipe_face_geometry.json, made by
/// Tools/generate_face_geometry_references.py): real faces from MediaPipe's own landmarks of the test photos,
/// synthetic posed faces, and a face MediaPipe skips as too compact.
final class MediaPipeFaceGeometryReferenceTests: XCTestCase {
    private struct Fixture: Decodable {
        let cases: [Case]
    }

    private struct Case: Decodable {
        let name: String
        let width: Int
        let height: Int
        let landmarks: [[Float]]
        let mediapipe: Output?
    }

    private struct Output: Decodable {
        let poseRowMajor: [Double]
        let mesh: [[Double]]

        enum CodingKeys: String, CodingKey {
            case poseRowMajor = "pose_row_major"
            case mesh
        }
    }

    private func loadFixture() throws -> Fixture {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("Tests/Fixtures/FaceGeometry/mediapipe_face_geometry.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testMatchesMediaPipe() throws {
        let fixture = try loadFixture()
        let estimator = FaceGeometryEstimator()
        var compared = 0
        var worstRotation = 0.0, worstTranslation = 0.0, worstScale = 0.0, worstMesh = 0.0, worstMetric = 0.0
        for testCase in fixture.cases {
            let landmarks = testCase.landmarks.map { Landmark(x: $0[0], y: $0[1], z: $0[2]) }
            guard let expected = testCase.mediapipe else {
                XCTAssertThrowsError(try estimator.estimate(normalizedLandmarks: landmarks, imageWidth: testCase.width,
                                                            imageHeight: testCase.height), testCase.name) {
                    guard case .landmarksTooCompact = $0 as? FaceMeshError else {
                        return XCTFail("\(testCase.name): expected landmarksTooCompact, got \($0)")
                    }
                }
                continue
            }
            let result = try estimator.estimate(normalizedLandmarks: landmarks, imageWidth: testCase.width,
                                                imageHeight: testCase.height)
            let ours = try XCTUnwrap(result.transform, testCase.name)
            let theirs = try XCTUnwrap(HeadPose(matrix: expected.poseRowMajor.map { Float($0) },
                                                yawPitchRoll: YawPitchRoll(yaw: 0, pitch: 0, roll: 0),
                                                translation: .zero, metricLandmarks: []).transform)
            let rotationError = Matrix3x3.rotationAngleDegrees(between: ours.rotation, and: theirs.rotation)
            let translationError = Vector3.length(ours.translation - theirs.translation) / Vector3.length(theirs.translation)
            // Regression bounds about 3× the worst case measured over the 12 faces.
            XCTAssertLessThanOrEqual(rotationError, 5e-4, testCase.name)  // measured 1.57e-4°
            XCTAssertLessThanOrEqual(translationError, 7e-6, testCase.name)  // measured 2.27e-6
            XCTAssertEqual(ours.scale, theirs.scale, accuracy: 2e-6, testCase.name)  // measured 5.94e-7

            // MediaPipe's mesh is the metric face in the canonical frame; pose · mesh is it in camera space.
            XCTAssertEqual(expected.mesh.count, 468)
            for (index, (modelFrame, vertex)) in zip(result.landmarksInModelFrame(), expected.mesh).enumerated() {
                let theirVertex = SIMD3(vertex[0], vertex[1], vertex[2])
                let ourVertex = SIMD3(Double(modelFrame.x), Double(modelFrame.y), Double(modelFrame.z))
                let meshError = Vector3.length(ourVertex - theirVertex)
                let metric = result.metricLandmarks[index]
                let metricError = Vector3.length(SIMD3(Double(metric.x), Double(metric.y), Double(metric.z))
                                         - theirs.apply(to: theirVertex))
                XCTAssertLessThanOrEqual(meshError, 1.5e-4, "\(testCase.name) vertex \(index)")  // measured 5.03e-5 cm
                XCTAssertLessThanOrEqual(metricError, 6e-4, "\(testCase.name) vertex \(index)")  // measured 2.09e-4 cm
                worstMesh = max(worstMesh, meshError)
                worstMetric = max(worstMetric, metricError)
            }
            worstRotation = max(worstRotation, rotationError)
            worstTranslation = max(worstTranslation, translationError)
            worstScale = max(worstScale, abs(ours.scale - theirs.scale))
            compared += 1
        }
        XCTAssertEqual(compared, 12)

        // The roll sign on a real photo: grace_hopper_rolled28 is mpl_grace_hopper turned 28° anticlockwise on
        // screen, so its roll must be about 28° larger (roll > 0 = anticlockwise on screen).
        func roll(_ name: String) throws -> Float {
            let testCase = try XCTUnwrap(fixture.cases.first { $0.name == name })
            let landmarks = testCase.landmarks.map { Landmark(x: $0[0], y: $0[1], z: $0[2]) }
            return try estimator.estimate(normalizedLandmarks: landmarks, imageWidth: testCase.width,
                                          imageHeight: testCase.height).yawPitchRoll.roll
        }
        XCTAssertEqual(try roll("grace_hopper_rolled28_mesh_face0") - roll("mpl_grace_hopper_mesh_face0"), 28,
                       accuracy: 1.5)
        print(String(format: "vs MediaPipe 0.10.14, %d faces: max rotation difference %.2e°, max relative translation "
                     + "difference %.2e, max scale difference %.2e, max mesh difference %.2e cm (model frame), "
                     + "%.2e cm (camera space)", compared, worstRotation, worstTranslation, worstScale, worstMesh,
                     worstMetric))
    }
}
