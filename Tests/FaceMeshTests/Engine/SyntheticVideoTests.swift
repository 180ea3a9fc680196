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
            /// 2×3 matrix from source-photo pixel indices to frame pixel indices (OpenCV's convention; moving
            /// landmarks with it: `KnownMotion.move`).
            let affine: [[Double]]
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
    /// Known motion (`KnownMotion`): MediaPipe's static landmarks of the source photo moved by each frame's affine
    /// (index convention; what a network that followed the image exactly would return).
    /// Tracked vs a fresh detection on the same frame, for us and for MediaPipe's tracking alike (our static
    /// results are MediaPipe's to 0.006% IOD): the landmark network is that sensitive to its ROI
    /// (`RegionSensitivityTests`). Measured values are stated beside each bound.
    func testTrackingKeepsTheFaceFollowsMediaPipeAndTheKnownMotion() throws {
        let (frames, truth) = try frames()
        let url = TestFiles.fixtures.appendingPathComponent("Video/synthetic_portrait_mediapipe_mesh.json")
        let mediaPipe = try JSONDecoder().decode(MediaPipeTrack.self, from: Data(contentsOf: url))
        XCTAssertEqual(mediaPipe.frames.count, frames.count)
        let tracker = try FaceMeshEngine(options: FaceMeshOptions(model: .mesh, weightsDirectory: TestFiles.weights))
        let detector = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, model: .mesh,
                                                                   weightsDirectory: TestFiles.weights))
        let source = try KnownMotion.sourceLandmarks()
        /// Mean 2-D distance in % of the inter-ocular distance of `reference`.
        func percent(_ points: [Landmark], _ reference: [Landmark]) -> Float {
            100 * FaceMetrics.meanDistance(points, reference) / FaceMetrics.interOcularDistance(reference)
        }
        var againstMediaPipe: [Float] = [], ours: [Float] = [], theirs: [Float] = [], staticToMotion: [Float] = []
        var againstStatic: [Float] = [], theirsAgainstStatic: [Float] = [], correctedOurs: [Float] = []
        var staticToCorrectedMotion: [Float] = []
        var largestDepth: Float = 0, meanDepth: [Float] = []
        var identifiers = Set<Int>()
        for (index, frame) in frames.enumerated() {
            let tracked = try tracker.process(frame, timestamp: truth.frames[index].timestamp)
            XCTAssertEqual(tracked.count, 1, "frame \(index): face lost")
            guard let face = tracked.first, let reference = mediaPipe.frames[index].faces.first else { continue }
            identifiers.insert(face.trackIdentifier)
            let theirTracking = reference.points
            let motion = KnownMotion.move(source, affine: truth.frames[index].affine)
            againstMediaPipe.append(percent(face.landmarks, theirTracking))
            XCTAssertLessThanOrEqual(againstMediaPipe.last!, Bounds.againstMediaPipeWorst,
                                     "frame \(index): tracked landmarks vs MediaPipe's tracking")
            let depth = FaceMetrics.depthDifferences(face.landmarks, theirTracking)
            largestDepth = max(largestDepth, depth.largest)
            meanDepth.append(depth.mean)
            ours.append(percent(face.landmarks, motion))
            theirs.append(percent(theirTracking, motion))
            correctedOurs.append(percent(face.landmarks, KnownMotion.move(source, affine: truth.frames[index].affine,
                                                                          halfPixelCorrection: true)))
            XCTAssertLessThanOrEqual(ours.last!, Bounds.motionWorst, "frame \(index): tracked landmarks vs the known motion")
            if let fromDetection = try detector.process(frame).first {
                againstStatic.append(percent(face.landmarks, fromDetection.landmarks))
                theirsAgainstStatic.append(percent(theirTracking, fromDetection.landmarks))
                staticToMotion.append(percent(fromDetection.landmarks, motion))
                staticToCorrectedMotion.append(percent(fromDetection.landmarks, KnownMotion.move(
                    source, affine: truth.frames[index].affine, halfPixelCorrection: true)))
            }
        }
        XCTAssertEqual(identifiers.count, 1, "the face must stay one track")
        func mean(_ values: [Float]) -> Float { values.reduce(0, +) / Float(max(values.count, 1)) }
        XCTAssertLessThanOrEqual(mean(ours), mean(theirs) + 0.25, "tracking must be as close to the motion as MediaPipe's")
        XCTAssertLessThanOrEqual(mean(ours), Bounds.motionMean)
        XCTAssertLessThanOrEqual(largestDepth, Bounds.depthWorst, "|Δz| vs MediaPipe's tracking, pixels")
        XCTAssertLessThanOrEqual(mean(meanDepth), Bounds.depthMean, "mean |Δz| vs MediaPipe's tracking, pixels")
        XCTAssertEqual(againstStatic.count, frames.count, "the static detector finds the face on every frame")
        // Tracked vs a fresh detection: a band, not only an upper bound (the README quotes these figures).
        XCTAssertTrue(Bounds.trackedVsFreshMean.contains(mean(againstStatic)), "tracked vs fresh, mean \(mean(againstStatic))")
        XCTAssertLessThanOrEqual(againstStatic.max() ?? .infinity, Bounds.trackedVsFreshWorst)
        XCTAssertTrue(Bounds.trackedVsFreshMean.contains(mean(theirsAgainstStatic)),
                      "MediaPipe's tracked vs fresh, mean \(mean(theirsAgainstStatic))")
        XCTAssertLessThanOrEqual(theirsAgainstStatic.max() ?? .infinity, Bounds.trackedVsFreshWorst)
        // The half-pixel convention (`KnownMotion`): fresh detections fit the index-convention motion better.
        XCTAssertLessThan(mean(staticToMotion), mean(staticToCorrectedMotion), "index vs continuous convention")
        print(String(format: "tracked vs MediaPipe's tracking: worst %.2f%% IOD, |Δz| max %.3f px, mean %.4f px; "
                     + "vs the known motion (mean / worst): ours %.2f / %.2f (with the continuous-coordinate "
                     + "correction %.2f / %.2f), MediaPipe's %.2f / %.2f, static detection %.2f / %.2f (with the "
                     + "correction %.2f / %.2f); tracked vs fresh detection: ours %.2f / %.2f, MediaPipe's %.2f / %.2f",
                     againstMediaPipe.max() ?? 0, largestDepth, mean(meanDepth), mean(ours), ours.max() ?? 0,
                     mean(correctedOurs), correctedOurs.max() ?? 0, mean(theirs), theirs.max() ?? 0,
                     mean(staticToMotion), staticToMotion.max() ?? 0, mean(staticToCorrectedMotion),
                     staticToCorrectedMotion.max() ?? 0, mean(againstStatic), againstStatic.max() ?? 0,
                     mean(theirsAgainstStatic), theirsAgainstStatic.max() ?? 0))
    }

    /// Regression bounds of the tracking test (% IOD unless stated), with the values measured over the 90 frames.
    private enum Bounds {
        /// Ours vs MediaPipe's free-running tracking, worst frame (measured 1.82).
        static let againstMediaPipeWorst: Float = 2.5
        /// Ours vs the known motion, worst frame and mean (measured 3.50 / 1.97).
        static let motionWorst: Float = 4
        static let motionMean: Float = 2.5
        /// |Δz| vs MediaPipe's tracking in pixels, worst point of any frame (measured 3.19) and mean over the frames
        /// of the per-frame mean (measured 0.25): the two free-running trackers drift apart in z as in x/y.
        static let depthWorst: Float = 8
        static let depthMean: Float = 0.6
        /// Tracked vs a fresh detection on the same frame (measured ours 2.48 / 5.07).
        static let trackedVsFreshMean: ClosedRange<Float> = 1.5...3.5
        static let trackedVsFreshWorst: Float = 6.5
    }

    /// One tracking step is MediaPipe's: the ROI built from MediaPipe's landmarks of frame i − 1, cropped and run
    /// through our mesh model, gives MediaPipe's landmarks of frame i on every frame (measured ≤ 0.0034% IOD). So the
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
            XCTAssertLessThanOrEqual(error, 1e-4, "frame \(index): one tracking step vs MediaPipe's")  // measured 3.4e-5
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
            XCTAssertLessThanOrEqual(abs(difference - reference), 1.5, "frame \(index)")  // measured worst 1.12°
        }
        print(String(format: "roll follows the in-plane rotation within %.2f° (photo's own roll %.2f°)", worst, offset ?? 0))
    }
}
