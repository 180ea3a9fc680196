import Foundation
import ImageCodecs
import XCTest
import TestSupport
@testable import FaceMesh

/// A real portrait moved by known smooth motion (rotation ±30°, scale ±20%, pan, brightness drift, sensor noise;
/// `Tools/make_synthetic_video.py`): the tracker keeps the face on every frame, follows MediaPipe's tracking and the
/// known motion, and the head pose's roll follows the known in-plane rotation.
final class SyntheticVideoTests: XCTestCase {
    struct GroundTruth: Decodable {
        struct Frame: Decodable {
            let index: Int
            let timestamp: Double
            let rotation_degrees: Double
            /// 2×3 matrix from source-photo pixels to frame pixels.
            let affine: [[Double]]

            /// `points` (source-photo pixels) moved into this frame; z is not moved.
            func moved(_ points: [Landmark]) -> [Landmark] {
                let m = affine.map { $0.map(Float.init) }
                return points.map { Landmark(x: m[0][0] * $0.x + m[0][1] * $0.y + m[0][2],
                                             y: m[1][0] * $0.x + m[1][1] * $0.y + m[1][2], z: $0.z) }
            }
        }
        let frame_count: Int
        let frames: [Frame]
    }

    private func frames() throws -> (frames: [RGBImage], truth: GroundTruth) {
        do { _ = try FFmpegTools.locate() } catch {
            // Under CI=true a missing ffmpeg fails the test instead of skipping it.
            if VideoSamples.toolsAreRequired() { throw error }
            throw XCTSkip("ffmpeg is not installed: \(error)")
        }
        let folder = TestFiles.fixtures.appendingPathComponent("Video")
        let truth = try JSONDecoder().decode(GroundTruth.self,
                                             from: Data(contentsOf: folder.appendingPathComponent("synthetic_portrait.json")))
        let reader = try VideoFrameReader(contentsOf: folder.appendingPathComponent("synthetic_portrait.mp4"))
        defer { reader.close() }
        var frames: [RGBImage] = []
        while let image = try reader.nextFrame() {
            frames.append(image)
        }
        XCTAssertEqual(frames.count, truth.frame_count)
        return (frames, truth)
    }

    /// MediaPipe 0.10.14's own tracking over the same decoded frames (legacy FaceMesh, video mode, 468 points).
    struct MediaPipeTrack: Decodable {
        struct Frame: Decodable {
            struct Face: Decodable {
                let landmarks: [[Float]]
                /// The landmarks as `Landmark`s (image pixels, z in the same scale).
                var points: [Landmark] { landmarks.map { Landmark(x: $0[0], y: $0[1], z: $0[2]) } }
            }
            let index: Int
            let faces: [Face]
        }
        let frames: [Frame]
    }

    /// Video mode keeps the face on every frame as one track, follows MediaPipe's own tracking, and is as close to
    /// the known motion as MediaPipe's tracking is.
    ///
    /// Known motion: the static landmarks of the source photo moved by each frame's affine (what a network that
    /// followed the image exactly would return). Measured over the 90 frames (mean / worst, % IOD): ours tracked
    /// 1.97 / 3.50, MediaPipe's tracked 1.89 / 2.69, static detection per frame 1.51 / 2.17. Ours vs MediaPipe's
    /// tracking: worst ~1.9% (static results agree to 0.006%, the tracking loop carries small differences along).
    /// Tracked vs static detection on the same frame: 2.5 / 5.1 — the landmark network is that sensitive to its ROI:
    /// MediaPipe's tracking ROI built from the static landmarks of the same frame (no lag) already gives 2.35 / 4.0,
    /// and turning the detection ROI by 2° or scaling it by 3% moves the static landmarks by 1.0 / 1.8.
    func testTrackingKeepsTheFaceFollowsMediaPipeAndTheKnownMotion() throws {
        let (frames, truth) = try frames()
        let url = TestFiles.fixtures.appendingPathComponent("Video/synthetic_portrait_mediapipe_mesh.json")
        let mediaPipe = try JSONDecoder().decode(MediaPipeTrack.self, from: Data(contentsOf: url))
        XCTAssertEqual(mediaPipe.frames.count, frames.count)
        let tracker = try FaceMeshEngine(options: FaceMeshOptions(model: .mesh, weightsDirectory: TestFiles.weights))
        let detector = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, model: .mesh,
                                                                   weightsDirectory: TestFiles.weights))
        let source = try XCTUnwrap(detector.process(TestFiles.frame("Tests/Fixtures/Images/mpl_grace_hopper.jpg")).first)
        /// Mean 2-D distance in % of the inter-ocular distance of `reference`.
        func percent(_ points: [Landmark], _ reference: [Landmark]) -> Float {
            100 * FaceMetrics.meanDistance(points, reference) / FaceMetrics.interOcularDistance(reference)
        }
        var againstMediaPipe: [Float] = [], ours: [Float] = [], theirs: [Float] = [], staticToMotion: [Float] = []
        var againstStatic: [Float] = []
        var identifiers = Set<Int>()
        for (index, frame) in frames.enumerated() {
            let tracked = try tracker.process(frame, timestamp: truth.frames[index].timestamp)
            XCTAssertEqual(tracked.count, 1, "frame \(index): face lost")
            guard let face = tracked.first, let reference = mediaPipe.frames[index].faces.first else { continue }
            identifiers.insert(face.trackIdentifier)
            let theirTracking = reference.points
            let motion = truth.frames[index].moved(source.landmarks)
            againstMediaPipe.append(percent(face.landmarks, theirTracking))
            XCTAssertLessThanOrEqual(againstMediaPipe.last!, 2.5, "frame \(index): tracked landmarks vs MediaPipe's tracking")
            ours.append(percent(face.landmarks, motion))
            theirs.append(percent(theirTracking, motion))
            XCTAssertLessThanOrEqual(ours.last!, 4, "frame \(index): tracked landmarks vs the known motion")
            if let fromDetection = try detector.process(frame).first {
                againstStatic.append(percent(face.landmarks, fromDetection.landmarks))
                staticToMotion.append(percent(fromDetection.landmarks, motion))
            }
        }
        XCTAssertEqual(identifiers.count, 1, "the face must stay one track")
        func mean(_ values: [Float]) -> Float { values.reduce(0, +) / Float(max(values.count, 1)) }
        XCTAssertLessThanOrEqual(mean(ours), mean(theirs) + 0.25, "tracking must be as close to the motion as MediaPipe's")
        print(String(format: "tracked vs MediaPipe's tracking: worst %.2f%% IOD; vs the known motion (mean / worst): "
                     + "ours %.2f / %.2f, MediaPipe's %.2f / %.2f, static detection %.2f / %.2f; "
                     + "tracked vs static detection %.2f / %.2f",
                     againstMediaPipe.max() ?? 0, mean(ours), ours.max() ?? 0, mean(theirs), theirs.max() ?? 0,
                     mean(staticToMotion), staticToMotion.max() ?? 0, mean(againstStatic), againstStatic.max() ?? 0))
    }

    /// One tracking step is MediaPipe's: the ROI built from MediaPipe's landmarks of frame i − 1, cropped and run
    /// through our mesh model, gives MediaPipe's landmarks of frame i on every frame (measured ≤ 0.003% IOD). So the
    /// up to ~1.9% between the two free-running trackers is the loop carrying 0.001% differences along, not a
    /// difference in the tracking rule.
    func testOneTrackingStepReproducesMediaPipe() throws {
        let (frames, _) = try frames()
        let url = TestFiles.fixtures.appendingPathComponent("Video/synthetic_portrait_mediapipe_mesh.json")
        let mediaPipe = try JSONDecoder().decode(MediaPipeTrack.self, from: Data(contentsOf: url))
        let model = try MeshLandmarkModel(weightsDirectory: TestFiles.weights)
        var worst: Float = 0
        for index in 1..<frames.count {
            let frame = frames[index]
            guard let previous = mediaPipe.frames[index - 1].faces.first, let next = mediaPipe.frames[index].faces.first else {
                return XCTFail("frame \(index): MediaPipe's track has no face")
            }
            let region = try RegionOfInterestBuilder.faceRegion(
                fromPixelLandmarks: previous.points,
                imageWidth: frame.width, imageHeight: frame.height)
            let prediction = try XCTUnwrap(model.predict(in: frame, region: region, presenceThreshold: 0.5),
                                           "frame \(index): face flag below 0.5")
            let ours = LandmarkCoordinates.toPixels(prediction.landmarks, imageWidth: frame.width, imageHeight: frame.height)
            let expected = next.points
            let error = FaceMetrics.meanDistance(ours, expected) / FaceMetrics.interOcularDistance(expected)
            worst = max(worst, error)
            XCTAssertLessThanOrEqual(error, 0.0005, "frame \(index): one tracking step vs MediaPipe's")
        }
        print(String(format: "one tracking step vs MediaPipe's: worst %.4f%% IOD", 100 * worst))
    }

    /// The Attention Mesh also keeps the face as one track on every frame.
    func testAttentionTrackingKeepsTheFace() throws {
        let (frames, truth) = try frames()
        let tracker = try FaceMeshEngine(options: FaceMeshOptions(model: .attention, smoothing: .faceLandmarkerDefault,
                                                                  weightsDirectory: TestFiles.weights))
        var identifiers = Set<Int>()
        for (index, frame) in frames.enumerated() {
            let faces = try tracker.process(frame, timestamp: truth.frames[index].timestamp)
            XCTAssertEqual(faces.count, 1, "frame \(index)")
            XCTAssertEqual(faces.first?.landmarks.count, 478)
            faces.forEach { identifiers.insert($0.trackIdentifier) }
        }
        XCTAssertEqual(identifiers.count, 1)
    }

    func testHeadPoseRollFollowsTheInPlaneRotation() throws {
        let (frames, truth) = try frames()
        let engine = try FaceMeshEngine(options: FaceMeshOptions(model: .attention, weightsDirectory: TestFiles.weights))
        var offset: Double?
        var worst = 0.0
        for (index, frame) in frames.enumerated() {
            let faces = try engine.process(frame, timestamp: truth.frames[index].timestamp)
            guard let pose = faces.first?.headPose else { return XCTFail("frame \(index): no pose") }
            // Roll > 0 is anticlockwise on screen, as is the video's rotation; the photo's own roll is the offset.
            let difference = Double(pose.yawPitchRoll.roll) - truth.frames[index].rotation_degrees
            let reference = offset ?? difference
            offset = reference
            worst = max(worst, abs(difference - reference))
            XCTAssertLessThanOrEqual(abs(difference - reference), 2, "frame \(index)")
        }
        print(String(format: "roll follows the in-plane rotation within %.2f° (photo's own roll %.2f°)", worst, offset ?? 0))
    }
}
