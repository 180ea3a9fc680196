import Foundation
import XCTest
@testable import FaceMesh

/// `FaceMeshRegion`'s tables against MediaPipe's `face_mesh_connections.py` (mediapipe 0.10.14), as extracted by
/// Tools/generate_face_regions.py into Tests/Fixtures/MediaPipe/face_mesh_connections.json.
final class FaceMeshRegionTests: XCTestCase {
    private struct ConnectionsFixture: Decodable {
        struct Source: Decodable { let file: String; let fileSHA256: String; let wheelSHA256: String }
        let source: Source
        let regions: [String: [[Int]]]
    }

    private func fixture() throws -> ConnectionsFixture {
        let url = TestFiles.fixtures.appendingPathComponent("MediaPipe/face_mesh_connections.json")
        return try JSONDecoder().decode(ConnectionsFixture.self, from: Data(contentsOf: url))
    }

    /// Every MediaPipe list is a region with exactly its edges (as sets, as MediaPipe's frozensets; and in the
    /// file's order, as the tool writes both), and no region is missing or extra.
    func testRegionsMatchMediaPipeExactly() throws {
        let fixture = try fixture()
        XCTAssertEqual(fixture.source.file, "mediapipe/python/solutions/face_mesh_connections.py")
        XCTAssertEqual(Set(fixture.regions.keys), Set(FaceMeshRegion.allRegions.map(\.mediaPipeName)))
        XCTAssertEqual(FaceMeshRegion.allRegions.count, 12)
        for region in FaceMeshRegion.allRegions {
            let expected = try XCTUnwrap(fixture.regions[region.mediaPipeName])
            let edges = expected.map { FaceMeshConnection(start: $0[0], end: $0[1]) }
            XCTAssertEqual(region.connections, edges, region.mediaPipeName)
            XCTAssertEqual(Set(region.connections), Set(edges), region.mediaPipeName)
            XCTAssertEqual(region.landmarkIndices, Array(Set(expected.joined())).sorted(), region.mediaPipeName)
            XCTAssertEqual(FaceMeshRegion.named(region.mediaPipeName), region)
        }
    }

    /// Known sizes of MediaPipe's lists, and its unions: contours = lips ∪ eyes ∪ eyebrows ∪ oval,
    /// irises = both irises.
    func testSizesAndUnions() {
        XCTAssertEqual(FaceMeshRegion.lips.connections.count, 40)
        XCTAssertEqual(FaceMeshRegion.lips.landmarkIndices.count, 40)
        XCTAssertEqual(FaceMeshRegion.faceOval.landmarkIndices.count, 36)
        XCTAssertEqual(FaceMeshRegion.tesselation.landmarkIndices, Array(0..<468))
        XCTAssertEqual(FaceMeshRegion.leftIris.landmarkIndices, [474, 475, 476, 477])
        XCTAssertEqual(FaceMeshRegion.rightIris.landmarkIndices, [469, 470, 471, 472])
        let contourParts: [FaceMeshRegion] = [.lips, .leftEye, .leftEyebrow, .rightEye, .rightEyebrow, .faceOval]
        XCTAssertEqual(Set(FaceMeshRegion.contours.connections), Set(contourParts.flatMap(\.connections)))
        XCTAssertEqual(Set(FaceMeshRegion.irises.connections),
                       Set(FaceMeshRegion.leftIris.connections + FaceMeshRegion.rightIris.connections))
    }

    /// MediaPipe's "left" is the subject's left: the eye `LandmarkIndexSets.imageRightEye` lists (its first 16
    /// entries are the eye contour), and the iris after `imageRightIrisStart`. The lips region is the outer and
    /// inner rings of the Attention Mesh lips head (its first 40 points).
    func testSidesAgreeWithTheModelLayout() {
        XCTAssertEqual(Set(FaceMeshRegion.leftEye.landmarkIndices),
                       Set(LandmarkIndexSets.imageRightEye.prefix(LandmarkIndexSets.eyeContourCount)))
        XCTAssertEqual(Set(FaceMeshRegion.rightEye.landmarkIndices),
                       Set(LandmarkIndexSets.imageLeftEye.prefix(LandmarkIndexSets.eyeContourCount)))
        XCTAssertEqual(FaceMeshRegion.leftIris.landmarkIndices.first, LandmarkIndexSets.imageRightIrisStart + 1)
        XCTAssertEqual(FaceMeshRegion.rightIris.landmarkIndices.first, LandmarkIndexSets.imageLeftIrisStart + 1)
        XCTAssertEqual(Set(FaceMeshRegion.lips.landmarkIndices), Set(LandmarkIndexSets.lips.prefix(40)))
    }

    /// `points(of:)` picks the region's landmarks and refuses a layout without them.
    func testPointsOfLandmarks() throws {
        let mesh = (0..<468).map { Landmark(x: Float($0), y: 0) }
        XCTAssertEqual(try FaceMeshRegion.nose.points(of: mesh).map(\.x), FaceMeshRegion.nose.landmarkIndices.map(Float.init))
        XCTAssertTrue(FaceMeshRegion.lips.fits(landmarkCount: 468))
        XCTAssertFalse(FaceMeshRegion.irises.fits(landmarkCount: 468))
        XCTAssertThrowsError(try FaceMeshRegion.irises.points(of: mesh)) { error in
            XCTAssertEqual(error as? FaceMeshError, .missingLandmark(index: 477, count: 468))
        }
    }
}
