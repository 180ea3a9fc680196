import Foundation

/// MediaPipe's face mesh pipeline on images and video frames: detect → rotated ROI → crop → landmarks →
/// projection, with tracking from the previous frame's landmarks in video mode, optional smoothing, head pose.
///
/// Per frame in video mode (MediaPipe's legacy `face_landmark_front_cpu` graph): the ROIs tracked from the previous
/// frame's raw landmarks are kept; when fewer than `maxFaces` faces are tracked the detector runs and its best
/// `maxFaces` detections become ROIs; detection ROIs that overlap a tracked ROI (IoU > 0.5) are replaced by it;
/// every ROI runs the landmark model; faces whose presence is not above `minTrackingConfidence` are dropped (so the
/// detector runs again next frame); each kept face's raw landmarks give its next ROI.
///
/// With `.faceMeshV2` the frame follows MediaPipe Tasks' FaceLandmarker instead (`face_landmarker_graph.cc`): a
/// detection's ROI keeps the box's aspect ratio (×1.5, not squared), the crop is 256×256, and an overlapping new
/// detection replaces a tracked ROI (IoU > `minTrackingConfidence`), the merged list clipped to `maxFaces`.
/// With `outputBlendshapes`, each face of a 478-point model also gets the blendshape network's 52 scores, computed
/// from the face's output landmarks (smoothed ones when smoothing is on), as Tasks does.
///
/// Concurrency: an engine owns networks and buffers and keeps tracking state, so it is not thread-safe. Use one
/// engine per thread or per video stream; engines share nothing.
public final class FaceMeshEngine {
    /// The settings the engine was created with.
    public let options: FaceMeshOptions
    /// The landmark model in use.
    public let landmarkModel: any FaceLandmarkModel
    private let detector: ConfiguredDetector
    private let poseEstimator: FaceGeometryEstimator?
    private let blendshapeNetwork: BlendshapeNetwork?

    private struct Track {
        let identifier: Int
        var region: NormalizedRect
        let detectionScore: Float
        var smoother: LandmarksSmoother
    }
    /// A region about to run the landmark model: a new detection (no track yet) or a tracked face.
    private struct Candidate {
        let region: NormalizedRect
        let track: Track?
        let detectionScore: Float
    }
    private var tracks: [Track] = []
    private var nextIdentifier = 0
    private var lastTimestamp: Double?

    /// Loads the detector and the landmark model chosen in `options`.
    public init(options: FaceMeshOptions = FaceMeshOptions()) throws {
        guard options.maxFaces >= 1 else { throw FaceMeshError.invalidOption("maxFaces must be at least 1") }
        guard FaceMeshOptions.threadRange.contains(options.threads) else {
            throw FaceMeshError.invalidOption("threads must lie in \(FaceMeshOptions.threadRange), got \(options.threads)")
        }
        for (name, value) in [("minDetectionConfidence", options.minDetectionConfidence),
                              ("minTrackingConfidence", options.minTrackingConfidence)]
        where !(0...1).contains(value) {
            throw FaceMeshError.invalidOption("\(name) must lie in [0, 1], got \(value)")
        }
        _ = try LandmarksSmoother(method: options.smoothing)
        if options.outputBlendshapes && options.model.landmarkCount != LandmarkIndexSets.refinedCount {
            throw FaceMeshError.invalidOption("outputBlendshapes needs a 478-point model (v2, attention or cascade), not \(options.model.rawValue)")
        }
        self.options = options
        let directory = try options.weightsDirectory ?? ModelWeights.defaultDirectory()
        detector = try ConfiguredDetector(options.detector, weightsDirectory: directory,
                                          minimumScore: options.minDetectionConfidence, threads: options.threads)
        landmarkModel = try makeLandmarkModel(options.model, weightsDirectory: directory, threads: options.threads)
        poseEstimator = options.estimatesHeadPose ? FaceGeometryEstimator() : nil
        blendshapeNetwork = options.outputBlendshapes
            ? try BlendshapeNetwork(weightsDirectory: directory, threads: options.threads) : nil
    }

    /// Forgets all tracked faces and filter state (the next frame starts with detection).
    public func reset() {
        tracks = []
        lastTimestamp = nil
    }

    /// Finds the faces of one image or video frame.
    /// - Parameter timestamp: seconds; required to increase in video mode when smoothing is on (defaults to
    ///   frame count / 30 s).
    /// - Returns: faces in MediaPipe's order (detections first, then tracked faces not re-detected).
    public func process(_ frame: RGBImage, timestamp: Double? = nil) throws -> [FaceMeshResult] {
        let time = try nextTimestamp(timestamp)
        let tracked = options.staticImageMode ? [] : tracks
        var detected: [Candidate] = []
        if tracked.count < options.maxFaces {
            let detections = try detector.detect(frame).prefix(options.maxFaces)
            for detection in detections {
                let region = options.model == .faceMeshV2
                    ? try RegionOfInterestBuilder.tasksFaceRegion(from: detection, imageWidth: frame.width,
                                                                  imageHeight: frame.height)
                    : try RegionOfInterestBuilder.faceRegion(from: detection, imageWidth: frame.width,
                                                             imageHeight: frame.height)
                detected.append(Candidate(region: region, track: nil, detectionScore: detection.score))
            }
        }
        let trackedCandidates = tracked.map { Candidate(region: $0.region, track: $0, detectionScore: $0.detectionScore) }
        let merged = options.model == .faceMeshV2
            ? Array(ROIAssociation.mergeTasks(tracked: trackedCandidates, detections: detected,
                                              threshold: options.minTrackingConfidence, region: \.region)
                .prefix(options.maxFaces))
            : ROIAssociation.mergeLegacy(detections: detected, tracked: trackedCandidates, region: \.region)
        var results: [FaceMeshResult] = []
        var survivors: [Track] = []
        for candidate in merged {
            let region = candidate.region
            guard let prediction = try landmarkModel.predict(in: frame, region: region,
                                                              presenceThreshold: options.minTrackingConfidence) else {
                continue
            }
            var track = try candidate.track
                ?? Track(identifier: makeIdentifier(), region: region, detectionScore: candidate.detectionScore,
                         smoother: LandmarksSmoother(method: options.smoothing))
            // The landmark models return normalized landmarks; pixels are derived once for the result (and the
            // smoother, which works in pixels as MediaPipe's does; only smoothed landmarks go back to normalized).
            var pixels = LandmarkCoordinates.toPixels(prediction.landmarks, imageWidth: frame.width,
                                                      imageHeight: frame.height)
            var normalized = prediction.landmarks
            if !options.staticImageMode, options.smoothing != .none {
                pixels = try track.smoother.smooth(pixels, timestamp: time)
                normalized = LandmarkCoordinates.toNormalized(pixels, imageWidth: frame.width, imageHeight: frame.height)
            }
            if !options.staticImageMode {
                track.region = try RegionOfInterestBuilder.faceRegion(fromLandmarks: prediction.landmarks,
                                                                      imageWidth: frame.width, imageHeight: frame.height)
                survivors.append(track)
            }
            let pose = try? poseEstimator?.estimate(normalizedLandmarks: normalized, imageWidth: frame.width,
                                                    imageHeight: frame.height)
            let blendshapes = try blendshapeNetwork.map {
                FaceBlendshapes(scores: try $0.predict(normalizedLandmarks: normalized, imageWidth: frame.width,
                                                       imageHeight: frame.height),
                                tongueOut: prediction.tongueOut)
            }
            results.append(FaceMeshResult(landmarks: pixels, normalizedLandmarks: normalized, presence: prediction.presence,
                                          detectionScore: candidate.detectionScore, region: region,
                                          trackIdentifier: track.identifier, headPose: pose, blendshapes: blendshapes,
                                          tongueOut: prediction.tongueOut))
        }
        tracks = survivors
        return results
    }

    private func makeIdentifier() -> Int {
        defer { nextIdentifier += 1 }
        return nextIdentifier
    }

    private func nextTimestamp(_ timestamp: Double?) throws -> Double {
        let time = timestamp ?? (lastTimestamp.map { $0 + 1.0 / 30 } ?? 0)
        if let last = lastTimestamp, !options.staticImageMode, options.smoothing != .none, time <= last {
            throw FaceMeshError.nonIncreasingTimestamp(previous: last, current: time)
        }
        lastTimestamp = time
        return time
    }
}

/// An engine keeps tracking state and scratch buffers: sharing one between threads is a data race, so the type is
/// explicitly not `Sendable` (the compiler rejects passing it across concurrency domains). Use one engine per thread.
@available(*, unavailable, message: "FaceMeshEngine is not thread-safe; create one engine per thread")
extension FaceMeshEngine: Sendable {}

/// One face found in one image or video frame.
public struct FaceMeshResult: Sendable {
    /// Landmarks in image pixels: x right, y down, z in the same pixel scale as x (MediaPipe's normalized z × image
    /// width; origin near the head centre, smaller is closer to the camera). 468 or 478 points; smoothed in video
    /// mode when smoothing is on.
    public var landmarks: [Landmark]
    /// The same landmarks normalized as MediaPipe returns them: x/W, y/H, z/W.
    public var normalizedLandmarks: [Landmark]
    /// Face presence (sigmoid of the face flag) of this frame's landmark run, in [0, 1].
    public var presence: Float
    /// Score of the detection this face was found by (in video mode: the detection that started its track).
    public var detectionScore: Float
    /// The region of interest the landmarks were predicted in (normalized image coordinates).
    public var region: NormalizedRect
    /// Identifies the face across video frames while it stays tracked (new identifiers for new detections).
    public var trackIdentifier: Int
    /// Head pose from the landmarks, when `FaceMeshOptions.estimatesHeadPose` is on and the estimate succeeded.
    /// For 478 points the first 468 are fitted (as MediaPipe Tasks does); `headPose.matrix` is then Tasks' facial
    /// transformation matrix (row-major).
    public var headPose: HeadPose?
    /// The 52 blendshape scores (plus `tongueOut` with Face Mesh V2), when `FaceMeshOptions.outputBlendshapes` is on.
    public var blendshapes: FaceBlendshapes? = nil
    /// Face Mesh V2's tongue-out score in [0, 1] (nil for the other models), also without `outputBlendshapes`.
    public var tongueOut: Float? = nil
}

/// Settings of a `FaceMeshEngine`, with MediaPipe's names and defaults (legacy `FaceMesh` solution).
public struct FaceMeshOptions: Sendable {
    /// `true`: every call is an unrelated photo (detector on every call, no tracking, no smoothing).
    /// `false` (video): faces are tracked from the previous frame's landmarks and the detector runs only when fewer
    /// than `maxFaces` faces are tracked.
    public var staticImageMode: Bool = false
    /// The most faces to detect (MediaPipe `max_num_faces`).
    public var maxFaces: Int = 1
    /// Which landmark model runs on each face.
    public var model: LandmarkModelKind = .attention
    /// How faces are found: `.shortRange` (MediaPipe's face mesh, exactly), `.fullRange` or `.crowd` (small faces
    /// of group photos; see `FaceDetectionStrategy`).
    public var detector: FaceDetectionStrategy = .shortRange
    /// Detector score threshold (score ≥ it is kept), before non-maximum suppression.
    public var minDetectionConfidence: Float = 0.5
    /// Face-presence threshold: a face is kept when sigmoid(face flag) > it; otherwise it is dropped and, in video
    /// mode, the detector runs again on the next frame.
    public var minTrackingConfidence: Float = 0.5
    /// Temporal smoothing of the output landmarks in video mode (never fed back into tracking).
    public var smoothing: SmoothingMethod = .none
    /// Estimate each face's head pose (`HeadPose`).
    public var estimatesHeadPose: Bool = true
    /// Compute each face's 52 blendshape scores with MediaPipe's blendshape network (`FaceMeshResult.blendshapes`);
    /// needs a 478-point model (`.faceMeshV2`, `.attention`, `.cascade`).
    public var outputBlendshapes: Bool = false
    /// Directory with the weight files; `nil` searches with `ModelWeights.defaultDirectory()`.
    public var weightsDirectory: URL? = nil
    /// Threads per inference (`threadRange`, 1...64): the calling thread plus `threads - 1` worker threads owned by the engine's
    /// networks. Results are bit-identical for every count; on a busy machine a run falls back to the calling thread.
    public var threads: Int = 1
    /// The thread counts `threads` accepts.
    public static let threadRange = 1...64

    /// Creates options with MediaPipe's defaults (video mode, one face, attention model, thresholds 0.5).
    public init(staticImageMode: Bool = false, maxFaces: Int = 1, model: LandmarkModelKind = .attention,
                minDetectionConfidence: Float = 0.5, minTrackingConfidence: Float = 0.5,
                smoothing: SmoothingMethod = .none, outputBlendshapes: Bool = false, weightsDirectory: URL? = nil,
                threads: Int = 1, detector: FaceDetectionStrategy = .shortRange) {
        self.outputBlendshapes = outputBlendshapes
        self.staticImageMode = staticImageMode
        self.maxFaces = maxFaces
        self.model = model
        self.minDetectionConfidence = minDetectionConfidence
        self.minTrackingConfidence = minTrackingConfidence
        self.smoothing = smoothing
        self.weightsDirectory = weightsDirectory
        self.threads = threads
        self.detector = detector
    }
}

