import Foundation
import XCTest
@testable import FaceMesh

/// The full-range detector against MediaPipe 0.10.14's Face Detection (`model_selection=1`) on the test photos, and
/// the crowd strategy on the Solvay group photo and on photos without people.
final class FullRangeAndCrowdTests: XCTestCase {
    /// Detections MediaPipe Face Detection returned for one photo (Tools/generate_face_detection_references.py).
    private struct DetectionFixture: Decodable {
        struct Detection: Decodable {
            let score: Float
            /// xmin, ymin, width, height (normalized).
            let box: [Float]
            let keypoints: [[Float]]
        }
        let image: String
        let width: Int
        let height: Int
        let detections: [Detection]
    }

    static let photos = [
        "mpl_grace_hopper", "skimage_astronaut", "skimage_camera", "skimage_chelsea_cat", "skimage_coffee",
        "visp_solvay_1927_1280px", "grace_hopper_rolled28", "faces_montage3",
    ]

    func testFullRangeDetectionsEqualMediaPipeFaceDetection() throws {
        let detector = try FaceDetector(weightsDirectory: TestFiles.weights, kind: .fullRange)
        XCTAssertEqual(detector.minimumScore, 0.6)   // face_detection_full_range.pbtxt
        var worstBox: Float = 0, worstKeypoint: Float = 0, worstScore: Float = 0, compared = 0
        for photo in Self.photos {
            let url = TestFiles.fixtures.appendingPathComponent("MediaPipe/face_detection/\(photo)_full_range.json")
            let reference = try JSONDecoder().decode(DetectionFixture.self, from: Data(contentsOf: url))
            let frame = try TestFiles.frame(reference.image)
            let (width, height) = (Float(frame.width), Float(frame.height))
            let ours = try detector.detect(frame)
            XCTAssertEqual(ours.count, reference.detections.count, "\(photo): number of detections")
            guard ours.count == reference.detections.count else { continue }
            for (mine, theirs) in zip(ours, reference.detections) {
                let box = mine.box
                let boxError = zip([box.xMin * width, box.yMin * height, box.width * width, box.height * height],
                                   [theirs.box[0] * width, theirs.box[1] * height, theirs.box[2] * width,
                                    theirs.box[3] * height]).map { abs($0 - $1) }.max()!
                let keypointError = zip(mine.keypoints, theirs.keypoints).map {
                    Swift.max(abs($0.x - $1[0]) * width, abs($0.y - $1[1]) * height)
                }.max()!
                worstBox = Swift.max(worstBox, boxError)
                worstKeypoint = Swift.max(worstKeypoint, keypointError)
                worstScore = Swift.max(worstScore, abs(mine.score - theirs.score))
                compared += 1
            }
        }
        print("full range vs MediaPipe Face Detection: \(compared) detections, box \(worstBox) px, keypoints "
              + "\(worstKeypoint) px, score \(worstScore)")
        XCTAssertEqual(compared, 7)                      // 1 + 1 + 1 + 1 (rolled) + 3 (montage); none elsewhere
        // Issue #14's bars are 0.5 px and 1e-3; measured 1.1e-4 px, 8.7e-5 px and 1.2e-7.
        XCTAssertLessThanOrEqual(worstBox, 2.5e-4)
        XCTAssertLessThanOrEqual(worstKeypoint, 4e-4)
        XCTAssertLessThanOrEqual(worstScore, 5e-7)
    }

    func testCrowdFindsTheSolvayFacesAndNothingWithoutPeople() throws {
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 64, model: .attention,
                                                                 weightsDirectory: TestFiles.weights, detector: .crowd))
        let solvay = try engine.process(try TestFiles.frame("Tests/Fixtures/Images/visp_solvay_1927_1280px.png"))
        var bySize: [String: [Float]] = [:]
        for face in solvay {
            let xs = face.landmarks.map(\.x)
            let width = xs.max()! - xs.min()!
            let bucket = width < 40 ? "20-40 px" : width < 60 ? "40-60 px" : "60+ px"
            bySize[bucket, default: []].append(face.presence)
        }
        for (bucket, presences) in bySize.sorted(by: { $0.key < $1.key }) {
            print("Solvay crowd, faces \(bucket) wide (mesh box): \(presences.count), presence min "
                  + "\(presences.min()!) mean \(presences.reduce(0, +) / Float(presences.count))")
        }
        print("Solvay crowd: \(solvay.count) faces")
        XCTAssertGreaterThanOrEqual(solvay.count, 27)     // 29 people; measured 29
        XCTAssertLessThanOrEqual(solvay.count, 29)
        XCTAssertGreaterThan(solvay.map(\.presence).min() ?? 0, 0.99)   // measured min 0.9999999
        // Every face is a distinct person: no two mesh centres closer than 20 px (faces are 30-60 px apart).
        let centres = solvay.map { FaceMetrics.centroid($0.landmarks) }
        for i in centres.indices {
            for j in centres.indices where j > i {
                let d = centres[i] - centres[j]
                XCTAssertGreaterThan((d * d).sum().squareRoot(), 20)
            }
        }
        for photo in ["skimage_chelsea_cat.png", "skimage_coffee.png"] {
            XCTAssertEqual(try engine.process(try TestFiles.frame("Tests/Fixtures/Images/\(photo)")).count, 0, photo)
        }
    }

    /// Single-face photos: the crowd strategy finds the same one face as MediaPipe's face mesh (nothing extra).
    func testCrowdAddsNothingToPortraits() throws {
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, maxFaces: 64, model: .mesh,
                                                                 weightsDirectory: TestFiles.weights, detector: .crowd))
        for photo in ["mpl_grace_hopper", "skimage_astronaut", "skimage_camera", "grace_hopper_rolled28", "faces_montage3"] {
            let reference = try MediaPipeLandmarkFixture.load("\(photo)_mesh")
            let faces = try engine.process(try TestFiles.frame(reference.image))
            XCTAssertEqual(faces.count, reference.faces.count, photo)
        }
    }

    /// Video mode with every detector: the first frame detects, the next frames track (the detector runs again only
    /// while fewer than maxFaces faces are tracked), and the result stays on the face.
    func testVideoModeWithEveryDetector() throws {
        let frame = try TestFiles.frame("Tests/Fixtures/Images/mpl_grace_hopper.jpg")
        for strategy in FaceDetectionStrategy.allCases {
            let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: false, maxFaces: 1, model: .mesh,
                                                                     weightsDirectory: TestFiles.weights,
                                                                     detector: strategy))
            let first = try engine.process(frame)
            XCTAssertEqual(first.count, 1, "\(strategy)")
            let second = try engine.process(frame)
            XCTAssertEqual(second.count, 1, "\(strategy)")
            XCTAssertEqual(second.first?.trackIdentifier, first.first?.trackIdentifier, "\(strategy): tracked")
        }
    }
}
