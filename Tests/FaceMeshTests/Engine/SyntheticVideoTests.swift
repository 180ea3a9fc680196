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

    func testTrackingKeepsTheFaceAndAgreesWithStaticDetection() throws {
        let (frames, truth) = try frames()
        for model in [LandmarkModelKind.mesh, .attention] {
            let tracker = try FaceMeshEngine(options: FaceMeshOptions(model: model, weightsDirectory: TestFiles.weights))
            let detector = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, model: model,
                                                                       weightsDirectory: TestFiles.weights))
            var worst: Float = 0
            var identifiers = Set<Int>()
            for (index, frame) in frames.enumerated() {
                let tracked = try tracker.process(frame, timestamp: truth.frames[index].timestamp)
                XCTAssertEqual(tracked.count, 1, "\(model) frame \(index): face lost")
                let detected = try detector.process(frame)
                XCTAssertEqual(detected.count, 1, "\(model) frame \(index): static detection")
                guard let face = tracked.first, let reference = detected.first else { continue }
                identifiers.insert(face.trackIdentifier)
                let error = FaceMetrics.meanDistance(face.landmarks, reference.landmarks)
                    / FaceMetrics.interOcularDistance(reference.landmarks)
                worst = max(worst, error)
                XCTAssertLessThanOrEqual(error, 0.01, "\(model) frame \(index)")
            }
            print(String(format: "%@: worst tracked-vs-static mean distance %.3f%% IOD over %d frames", model.rawValue,
                         100 * worst, frames.count))
            XCTAssertEqual(identifiers.count, 1, "\(model): the face must stay one track")
        }
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
