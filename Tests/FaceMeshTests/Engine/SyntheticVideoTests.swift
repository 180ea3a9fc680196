import Foundation
import ImageCodecs
import XCTest
@testable import FaceMesh

/// A real portrait moved by known smooth motion (rotation ±30°, scale ±20%, pan, brightness drift, sensor noise;
/// `Tools/make_synthetic_video.py`): the tracker keeps the face on every frame, tracked landmarks stay close to
/// per-frame static detection, and the head pose's roll follows the known in-plane rotation.
final class SyntheticVideoTests: XCTestCase {
    struct GroundTruth: Decodable {
        struct Frame: Decodable {
            let index: Int
            let timestamp: Double
            let rotation_degrees: Double
        }
        let frame_count: Int
        let frames: [Frame]
    }

    private func frames() throws -> (frames: [ImageFrame], truth: GroundTruth) {
        do { _ = try FFmpegTools.locate() } catch { throw XCTSkip("ffmpeg is not installed: \(error)") }
        let folder = TestFiles.fixtures.appendingPathComponent("Video")
        let truth = try JSONDecoder().decode(GroundTruth.self,
                                             from: Data(contentsOf: folder.appendingPathComponent("synthetic_portrait.json")))
        let reader = try VideoFrameReader(contentsOf: folder.appendingPathComponent("synthetic_portrait.mp4"))
        defer { reader.close() }
        var frames: [ImageFrame] = []
        while let image = try reader.nextFrame() {
            frames.append(try ImageFrame(width: image.width, height: image.height, pixels: image.pixels))
        }
        XCTAssertEqual(frames.count, truth.frame_count)
        return (frames, truth)
    }

    /// MediaPipe 0.10.14's own tracking over the same decoded frames (legacy FaceMesh, video mode, 468 points).
    struct MediaPipeTrack: Decodable {
        struct Frame: Decodable {
            struct Face: Decodable { let landmarks: [[Float]] }
            let index: Int
            let faces: [Face]
        }
        let frames: [Frame]
    }

    /// Video mode keeps the face on every frame as one track, and follows MediaPipe's own tracking (measured: at most
    /// ~1.8% IOD apart over the 90 frames; static results agree to 0.006%, so the tracking loop amplifies tiny
    /// differences). Also reports how far tracked landmarks are from a static (detector-driven) run on the same
    /// frame: ~2–5% IOD here, as for MediaPipe itself, because the tracked ROI (landmark box, eye corners 33 → 263)
    /// differs from the detection ROI (detector box, eye keypoints).
    func testTrackingKeepsTheFaceAndFollowsMediaPipe() throws {
        let (frames, truth) = try frames()
        let url = TestFiles.fixtures.appendingPathComponent("Video/synthetic_portrait_mediapipe_mesh.json")
        let mediaPipe = try JSONDecoder().decode(MediaPipeTrack.self, from: Data(contentsOf: url))
        XCTAssertEqual(mediaPipe.frames.count, frames.count)
        let tracker = try FaceMeshEngine(options: FaceMeshOptions(model: .mesh, weightsDirectory: TestFiles.weights))
        let detector = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, model: .mesh,
                                                                   weightsDirectory: TestFiles.weights))
        var worstAgainstMediaPipe: Float = 0, worstAgainstStatic: Float = 0
        var identifiers = Set<Int>()
        for (index, frame) in frames.enumerated() {
            let tracked = try tracker.process(frame, timestamp: truth.frames[index].timestamp)
            XCTAssertEqual(tracked.count, 1, "frame \(index): face lost")
            guard let face = tracked.first, let reference = mediaPipe.frames[index].faces.first else { continue }
            identifiers.insert(face.trackIdentifier)
            let expected = reference.landmarks.map { Landmark(x: $0[0], y: $0[1], z: $0[2]) }
            let error = FaceMetrics.meanDistance(face.landmarks, expected) / FaceMetrics.interOcularDistance(expected)
            worstAgainstMediaPipe = max(worstAgainstMediaPipe, error)
            XCTAssertLessThanOrEqual(error, 0.025, "frame \(index): tracked landmarks vs MediaPipe's tracking")
            if let fromDetection = try detector.process(frame).first {
                worstAgainstStatic = max(worstAgainstStatic, FaceMetrics.meanDistance(face.landmarks, fromDetection.landmarks)
                                         / FaceMetrics.interOcularDistance(fromDetection.landmarks))
            }
        }
        XCTAssertEqual(identifiers.count, 1, "the face must stay one track")
        print(String(format: "tracked vs MediaPipe's tracking: worst %.3f%% IOD; tracked vs static detection: worst %.3f%% IOD",
                     100 * worstAgainstMediaPipe, 100 * worstAgainstStatic))
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
