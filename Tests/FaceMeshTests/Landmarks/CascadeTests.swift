import Foundation
import XCTest
@testable import FaceMesh

/// The Cascade (FaceMesh + Iris on both eyes) and the Attention Mesh agree on real faces.
final class CascadeTests: XCTestCase {
    func testCascadeIrisCentresAgreeWithAttention() throws {
        let attention = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 5, model: .attention,
                                                                    weightsDirectory: TestFiles.weights))
        let cascade = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 5, model: .cascade,
                                                                  weightsDirectory: TestFiles.weights))
        var compared = 0
        for path in ["Tests/Fixtures/Images/mpl_grace_hopper.jpg", "Tests/Fixtures/Images/skimage_astronaut.png",
                     "Tests/Fixtures/Images/extra/grace_hopper_rolled28.png", "Tests/Fixtures/Images/extra/faces_montage3.png"] {
            let frame = try TestFiles.frame(path)
            let fromAttention = try attention.process(frame)
            let fromCascade = try cascade.process(frame)
            XCTAssertEqual(fromAttention.count, fromCascade.count, path)
            for face in fromCascade {
                XCTAssertEqual(face.landmarks.count, 478)
                let partner = fromAttention.min {
                    let a = FaceMetrics.centroid($0.landmarks) - FaceMetrics.centroid(face.landmarks)
                    let b = FaceMetrics.centroid($1.landmarks) - FaceMetrics.centroid(face.landmarks)
                    return (a * a).sum() < (b * b).sum()
                }!
                let iod = FaceMetrics.interOcularDistance(partner.landmarks)
                for centre in [LandmarkIndexSets.imageLeftIrisStart, LandmarkIndexSets.imageRightIrisStart] {
                    let a = face.landmarks[centre], b = partner.landmarks[centre]
                    let distance = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() / iod
                    print(String(format: "%@ iris %d: cascade vs attention %.3f%% IOD", path, centre, 100 * distance))
                    XCTAssertLessThanOrEqual(distance, 0.02, "\(path) iris \(centre)")
                }
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 4)
    }

    /// MediaPipe's exact eye crop (nearest neighbour + area resize) on the same faces: it runs and stays close to
    /// the Attention Mesh, though less closely than the bilinear crop (aliasing on small eyes).
    func testMediaPipeEyeCropStaysCloseToAttention() throws {
        let attention = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 5, model: .attention,
                                                                    weightsDirectory: TestFiles.weights))
        let cascade = try CascadeLandmarkModel(weightsDirectory: TestFiles.weights, eyeCrop: .mediaPipe)
        var worst: Float = 0
        for path in ["Tests/Fixtures/Images/mpl_grace_hopper.jpg", "Tests/Fixtures/Images/skimage_astronaut.png",
                     "Tests/Fixtures/Images/extra/grace_hopper_rolled28.png", "Tests/Fixtures/Images/extra/faces_montage3.png"] {
            let frame = try TestFiles.frame(path)
            for face in try attention.process(frame) {
                let prediction = try XCTUnwrap(try cascade.predict(in: frame, region: face.region, presenceThreshold: 0.5))
                let points = LandmarkCoordinates.toPixels(prediction.landmarks, imageWidth: frame.width, imageHeight: frame.height)
                let iod = FaceMetrics.interOcularDistance(face.landmarks)
                for centre in [LandmarkIndexSets.imageLeftIrisStart, LandmarkIndexSets.imageRightIrisStart] {
                    let a = points[centre], b = face.landmarks[centre]
                    worst = max(worst, ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() / iod)
                }
            }
        }
        print(String(format: "MediaPipe eye crop: iris centres within %.3f%% IOD of the Attention Mesh", 100 * worst))
        XCTAssertLessThanOrEqual(worst, 0.04)
    }
}
