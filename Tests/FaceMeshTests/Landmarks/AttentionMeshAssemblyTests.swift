import XCTest
@testable import FaceMesh

/// The 478-point assembly follows MediaPipe's refinement order and rules.
final class AttentionMeshAssemblyTests: XCTestCase {
    func testRefinementOverwritesXYKeepsMeshDepthAndAppendsIrises() throws {
        let mesh = (0..<468).flatMap { [Float($0), Float(1000 + $0), Float(-$0)] }
        let lips = (0..<80).flatMap { [Float(5000 + $0), Float(6000 + $0)] }
        let leftEye = (0..<71).flatMap { [Float(7000 + $0), Float(8000 + $0)] }
        let rightEye = (0..<71).flatMap { [Float(9000 + $0), Float(10000 + $0)] }
        let leftIris = (0..<5).flatMap { [Float(11000 + $0), Float(12000 + $0)] }
        let rightIris = (0..<5).flatMap { [Float(13000 + $0), Float(14000 + $0)] }
        let points = try AttentionMeshAssembly.assemble(mesh: mesh, lips: lips, imageLeftEye: leftEye, imageRightEye: rightEye,
                                                        imageLeftIris: leftIris, imageRightIris: rightIris)
        XCTAssertEqual(points.count, 478)
        // Untouched mesh point (1 is the nose tip, in no refined region).
        XCTAssertEqual(points[1], Landmark(x: 1, y: 1001, z: -1))
        // Lips point 7 of the list: x, y from the lips head, z from the mesh.
        let lipIndex = LandmarkIndexSets.lips[7]
        XCTAssertEqual(points[lipIndex], Landmark(x: 5007, y: 6007, z: Float(-lipIndex)))
        // Eyes overwrite after lips; image-right eye point 3.
        let eyeIndex = LandmarkIndexSets.imageRightEye[3]
        XCTAssertEqual(points[eyeIndex], Landmark(x: 9003, y: 10003, z: Float(-eyeIndex)))
        // Irises: x, y from the heads, z = mean mesh z over the first 16 eye-list entries.
        let leftDepth = LandmarkIndexSets.imageLeftEye.prefix(16).reduce(Float(0)) { $0 - Float($1) } / 16
        let rightDepth = LandmarkIndexSets.imageRightEye.prefix(16).reduce(Float(0)) { $0 - Float($1) } / 16
        XCTAssertEqual(points[468], Landmark(x: 11000, y: 12000, z: leftDepth))
        XCTAssertEqual(points[472], Landmark(x: 11004, y: 12004, z: leftDepth))
        XCTAssertEqual(points[473], Landmark(x: 13000, y: 14000, z: rightDepth))
        XCTAssertEqual(points[477].x, 13004)
    }

    func testWrongLengthIsAnError() {
        XCTAssertThrowsError(try AttentionMeshAssembly.assemble(mesh: [], lips: [], imageLeftEye: [], imageRightEye: [],
                                                                imageLeftIris: [], imageRightIris: [])) {
            XCTAssertEqual($0 as? FaceMeshError, .wrongOutputSize(output: "mesh", expected: 1404, actual: 0))
        }
    }
}
