import Foundation
import XCTest
@testable import FaceMesh

/// The whole pipeline against MediaPipe 0.10.14's legacy FaceMesh (static_image_mode, max_num_faces 5) on real
/// photos: the same faces, x/y within a mean distance of 0.015% of the inter-ocular distance (IOD) for every face,
/// and z (pixel units, MediaPipe's normalized z × image width) within its own bound.
final class MediaPipeLandmarkTests: XCTestCase {
    static let photos = [
        "mpl_grace_hopper", "skimage_astronaut", "skimage_camera", "skimage_chelsea_cat", "skimage_coffee",
        "visp_solvay_1927_1280px", "grace_hopper_rolled28", "faces_montage3",
    ]

    /// Regression bounds, about 2.5× the worst face measured over the 8 photos (both models):
    /// mean x/y distance 0.0059% IOD (faces_montage3 attention face 0; mesh: 0.0057% on skimage_camera).
    static let meanDistanceBound: Float = 1.5e-4
    /// Largest |Δz| over all points of a face, pixels (measured 0.0126 px static, faces_montage3 attention face 0;
    /// 0.0176 px on the tracked second frame, mesh).
    static let largestDepthDifferenceBound: Float = 0.04
    /// Mean |Δz| over the points of a face, pixels (measured 0.0043 px static, 0.0036 px tracked).
    static let meanDepthDifferenceBound: Float = 0.01

    /// The folder holds exactly the 8 photos × 2 models and the 2 tracked cases the tests and the README name.
    func testEveryReferenceCaseIsPresent() throws {
        let folder = TestFiles.fixtures.appendingPathComponent("MediaPipe/landmarks")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") })
        var expected = Set(Self.photos.flatMap { ["\($0)_mesh.json", "\($0)_attention.json"] })
        expected.formUnion(["grace_hopper_rolled28_tracked_mesh.json", "grace_hopper_rolled28_tracked_attention.json"])
        XCTAssertEqual(names, expected)
        XCTAssertEqual(names.count, 18)
    }

    /// Returns the number of faces compared.
    @discardableResult
    private func check(model: LandmarkModelKind, suffix: String) throws -> Int {
        var compared = 0
        var worst = (distance: Float(0), largestDepth: Float(0), meanDepth: Float(0))
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
                let depth = FaceMetrics.depthDifferences(ours.landmarks, expected)
                print(String(format: "%@ %@ face %d: mean distance %.4f%% IOD (IOD %.1f px); |Δz| max %.4f px, "
                             + "mean %.5f px", photo, model.rawValue, index, 100 * error, iod, depth.largest, depth.mean))
                XCTAssertLessThanOrEqual(error, Self.meanDistanceBound, "\(photo) \(model) face \(index)")
                XCTAssertLessThanOrEqual(depth.largest, Self.largestDepthDifferenceBound, "\(photo) \(model) face \(index) z")
                XCTAssertLessThanOrEqual(depth.mean, Self.meanDepthDifferenceBound, "\(photo) \(model) face \(index) z")
                worst = (max(worst.distance, error), max(worst.largestDepth, depth.largest), max(worst.meanDepth, depth.mean))
                compared += 1
            }
        }
        print(String(format: "%@, %d faces: worst mean distance %.4f%% IOD, worst |Δz| max %.4f px, mean %.5f px",
                     model.rawValue, compared, 100 * worst.distance, worst.largestDepth, worst.meanDepth))
        return compared
    }

    func testMeshMatchesMediaPipe() throws {
        // grace_hopper, astronaut, camera, rolled28 and the montage's three faces.
        XCTAssertEqual(try check(model: .mesh, suffix: "mesh"), 7)
    }

    func testAttentionMatchesMediaPipe() throws {
        // As for the mesh but without skimage_camera, where MediaPipe's refine graph finds no face either.
        XCTAssertEqual(try check(model: .attention, suffix: "attention"), 6)
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
            let depth = FaceMetrics.depthDifferences(face.landmarks, expected)
            print(String(format: "tracked %@: mean distance %.4f%% IOD; |Δz| max %.4f px, mean %.5f px", suffix,
                         100 * error, depth.largest, depth.mean))
            XCTAssertLessThanOrEqual(error, 2e-4)  // measured 0.0082% (mesh), 0.0057% (attention)
            XCTAssertLessThanOrEqual(depth.largest, Self.largestDepthDifferenceBound)
            XCTAssertLessThanOrEqual(depth.mean, Self.meanDepthDifferenceBound)
        }
    }
}
