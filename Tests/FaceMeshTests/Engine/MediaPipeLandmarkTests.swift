import Foundation
import XCTest
@testable import FaceMesh

/// The whole pipeline against MediaPipe 0.10.14's legacy FaceMesh (static_image_mode, max_num_faces 5) on real
/// photos: the same faces, and landmarks within 0.5% of the inter-ocular distance on average for every face.
final class MediaPipeLandmarkTests: XCTestCase {
    static let photos = [
        "mpl_grace_hopper", "skimage_astronaut", "skimage_camera", "skimage_chelsea_cat", "skimage_coffee",
        "visp_solvay_1927_1280px", "grace_hopper_rolled28", "faces_montage3",
    ]

    private func check(model: LandmarkModelKind, suffix: String) throws {
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 5, model: model,
                                                                 weightsDirectory: TestFiles.weights))
        for photo in Self.photos {
            let reference = try MediaPipeLandmarkFixture.load("\(photo)_\(suffix)")
            let frame = try TestFiles.frame(reference.image)
            XCTAssertEqual(frame.width, reference.width)
            let faces = try engine.process(frame)
            XCTAssertEqual(faces.count, reference.faces.count, "\(photo) \(model): number of faces")
            guard faces.count == reference.faces.count else { continue }
            for index in reference.faces.indices {
                let expected = reference.landmarks(index)
                // Pair each MediaPipe face with our face nearest to it (both lists are in score order already).
                let ours = faces.min {
                    let a = FaceMetrics.centroid($0.landmarks) - FaceMetrics.centroid(expected)
                    let b = FaceMetrics.centroid($1.landmarks) - FaceMetrics.centroid(expected)
                    return (a * a).sum() < (b * b).sum()
                }!
                XCTAssertEqual(ours.landmarks.count, model.landmarkCount)
                let iod = FaceMetrics.interOcularDistance(expected)
                let error = FaceMetrics.meanDistance(ours.landmarks, expected) / iod
                let depthError = zip(ours.landmarks, expected).map { abs($0.z - $1.z) }.max()! / iod
                print(String(format: "%@ %@ face %d: mean distance %.4f%% IOD (IOD %.1f px), max |Δz| %.3f%% IOD",
                             photo, model.rawValue, index, 100 * error, iod, 100 * depthError))
                XCTAssertLessThanOrEqual(error, 0.005, "\(photo) \(model) face \(index)")
            }
        }
    }

    func testMeshMatchesMediaPipe() throws {
        try check(model: .mesh, suffix: "mesh")
    }

    func testAttentionMatchesMediaPipe() throws {
        try check(model: .attention, suffix: "attention")
    }

    /// Video mode: the second frame of a rolled portrait is tracked from the first frame's landmarks.
    func testTrackedSecondFrameMatchesMediaPipe() throws {
        for (model, suffix) in [(LandmarkModelKind.mesh, "mesh"), (.attention, "attention")] {
            let reference = try MediaPipeLandmarkFixture.load("grace_hopper_rolled28_tracked_\(suffix)")
            let engine = try FaceMeshEngine(options: FaceMeshOptions(maxFaces: 5, model: model,
                                                                     weightsDirectory: TestFiles.weights))
            let frame = try TestFiles.frame(reference.image)
            _ = try engine.process(frame)
            let faces = try engine.process(frame)
            XCTAssertEqual(faces.count, reference.faces.count)
            guard let face = faces.first, !reference.faces.isEmpty else { continue }
            let expected = reference.landmarks(0)
            let error = FaceMetrics.meanDistance(face.landmarks, expected) / FaceMetrics.interOcularDistance(expected)
            print(String(format: "tracked %@: mean distance %.4f%% IOD", suffix, 100 * error))
            XCTAssertLessThanOrEqual(error, 0.005)
        }
    }
}
