import Foundation

/// Builds the pipeline's regions of interest exactly as MediaPipe's graphs do (DetectionsToRects →
/// RectTransformation, in normalized single precision):
/// centre and size from an axis-aligned box; rotation = NormalizeRadians(0 − atan2(−(y₁ − y₀), x₁ − x₀)) from two
/// points in **pixels** (the angle of the start→end vector, positive when it points down-right on screen);
/// `square_long` (side = max(w·W, h·H) pixels); then both sides times a scale. No shift.
///
/// All inputs and outputs are normalized (x/W, y/H); landmarks are MediaPipe normalized landmarks
/// (see `LandmarkCoordinates`).
public enum RegionOfInterestBuilder {
    /// Scale of the face ROI (detection and tracking), face_detection_front_detection_to_roi / landmarks_to_roi.
    public static let faceScale: Float = 1.5
    /// Scale of the iris cascade's eye ROIs.
    public static let eyeScale: Float = 2.3
    /// Mesh indices of the tracking ROI's rotation: outer eye corners, image left → image right.
    public static let trackingRotationIndices = (start: 33, end: 263)
    /// Mesh indices of the iris cascade's image-left eye (rotation start, end).
    public static let imageLeftEyeIndices = (start: 33, end: 133)
    /// Mesh indices of the iris cascade's image-right eye (rotation start, end).
    public static let imageRightEyeIndices = (start: 362, end: 263)

    /// §4: the ROI of a detection in normalized image coordinates: box centre and size, rotation from keypoint 0
    /// (subject's right eye) to keypoint 1 (left eye), square_long, ×1.5.
    public static func faceRegion(from detection: FaceDetection, imageWidth: Int, imageHeight: Int) throws
        -> NormalizedRect
    {
        guard detection.keypoints.count >= 2 else {
            throw FaceMeshError.missingLandmark(index: 1, count: detection.keypoints.count)
        }
        return try region(box: detection.box, rotationFrom: detection.keypoints[0], to: detection.keypoints[1],
                          imageWidth: imageWidth, imageHeight: imageHeight, scale: faceScale)
    }

    /// MediaPipe Tasks' ROI of a detection (`face_detector_graph.cc`, the FaceLandmarker's expanded face rects): box
    /// centre, rotation from keypoint 0 to keypoint 1 as above, each side × 1.5 **without** squaring (the box's own
    /// aspect ratio is kept, so the 256×256 crop is stretched slightly when the box is not square).
    public static func tasksFaceRegion(from detection: FaceDetection, imageWidth: Int, imageHeight: Int) throws
        -> NormalizedRect
    {
        let squared = try faceRegion(from: detection, imageWidth: imageWidth, imageHeight: imageHeight)
        return NormalizedRect(xCenter: squared.xCenter, yCenter: squared.yCenter, width: detection.box.width * faceScale,
                              height: detection.box.height * faceScale, rotation: squared.rotation)
    }

    /// §7: the next frame's ROI from a face's normalized landmarks (468 or 478): bounding box of **all** points,
    /// rotation from landmark 33 to 263, square_long, ×1.5.
    public static func faceRegion(fromLandmarks landmarks: [Landmark], imageWidth: Int, imageHeight: Int) throws
        -> NormalizedRect
    {
        let (start, end) = trackingRotationIndices
        try require(max(start, end), in: landmarks)
        return try region(box: boundingBox(of: landmarks), rotationFrom: point(landmarks[start]),
                          to: point(landmarks[end]), imageWidth: imageWidth, imageHeight: imageHeight,
                          scale: faceScale)
    }

    /// §7 for landmarks in image pixels (converted to normalized coordinates first; z is not used).
    public static func faceRegion(fromPixelLandmarks landmarks: [Landmark], imageWidth: Int, imageHeight: Int) throws
        -> NormalizedRect
    {
        guard imageWidth > 0, imageHeight > 0 else {
            throw FaceMeshError.invalidImageSize(width: imageWidth, height: imageHeight)
        }
        return try faceRegion(fromLandmarks: LandmarkCoordinates.toNormalized(landmarks, imageWidth: imageWidth,
                                                                              imageHeight: imageHeight),
                              imageWidth: imageWidth, imageHeight: imageHeight)
    }

    /// §9: the iris cascade's eye ROIs from the 468 normalized mesh landmarks: image-left eye 33 → 133,
    /// image-right eye 362 → 263; box of the two points, rotation along them, square_long, ×2.3.
    public static func eyeRegions(fromLandmarks landmarks: [Landmark], imageWidth: Int, imageHeight: Int) throws
        -> (imageLeft: NormalizedRect, imageRight: NormalizedRect)
    {
        try require(max(imageLeftEyeIndices.start, imageLeftEyeIndices.end, imageRightEyeIndices.start,
                        imageRightEyeIndices.end), in: landmarks)
        func eye(_ indices: (start: Int, end: Int)) throws -> NormalizedRect {
            let pair = [landmarks[indices.start], landmarks[indices.end]]
            return try region(box: boundingBox(of: pair), rotationFrom: point(pair[0]), to: point(pair[1]),
                              imageWidth: imageWidth, imageHeight: imageHeight, scale: eyeScale)
        }
        return (try eye(imageLeftEyeIndices), try eye(imageRightEyeIndices))
    }

    /// The general rule: centre/size of `box`, rotation along `start → end` (normalized points, compared in
    /// pixels), square_long, both sides × `scale`.
    public static func region(box: AxisAlignedBox, rotationFrom start: SIMD2<Float>, to end: SIMD2<Float>,
                              imageWidth: Int, imageHeight: Int, scale: Float) throws -> NormalizedRect {
        guard imageWidth > 0, imageHeight > 0 else {
            throw FaceMeshError.invalidImageSize(width: imageWidth, height: imageHeight)
        }
        let w = Float(imageWidth), h = Float(imageHeight)
        let rotation = rotationAngle(from: SIMD2(start.x * w, start.y * h), to: SIMD2(end.x * w, end.y * h))
        let longSide = max(box.width * w, box.height * h)
        return NormalizedRect(xCenter: box.xMin + box.width / 2, yCenter: box.yMin + box.height / 2,
                              width: longSide / w * scale, height: longSide / h * scale, rotation: rotation)
    }

    /// NormalizeRadians(0 − atan2(−(y₁ − y₀), x₁ − x₀)) for two points in pixels (y down).
    public static func rotationAngle(from start: SIMD2<Float>, to end: SIMD2<Float>) -> Float {
        normalizeRadians(0 - atan2(-(end.y - start.y), end.x - start.x))
    }

    /// MediaPipe's `LandmarksToDetectionCalculator` box: min/max over the points, the running maxima starting at
    /// the smallest positive normal Float (a quirk kept for fidelity; it only matters if all points are negative).
    public static func boundingBox(of landmarks: [Landmark]) -> AxisAlignedBox {
        var xMin = Float.greatestFiniteMagnitude, yMin = Float.greatestFiniteMagnitude
        var xMax = Float.leastNormalMagnitude, yMax = Float.leastNormalMagnitude
        for landmark in landmarks {
            xMin = min(xMin, landmark.x)
            xMax = max(xMax, landmark.x)
            yMin = min(yMin, landmark.y)
            yMax = max(yMax, landmark.y)
        }
        return AxisAlignedBox(xMin: xMin, yMin: yMin, width: xMax - xMin, height: yMax - yMin)
    }

    private static func point(_ landmark: Landmark) -> SIMD2<Float> { SIMD2(landmark.x, landmark.y) }

    private static func require(_ index: Int, in landmarks: [Landmark]) throws {
        guard index < landmarks.count else {
            throw FaceMeshError.missingLandmark(index: index, count: landmarks.count)
        }
    }
}

/// Merges the regions of interest of the detector and of the tracker, as MediaPipe's
/// `AssociationNormRectCalculator` does (§8).
///
/// The inputs are taken in priority order, lowest first. The list starts from the first non-empty input's first
/// element; every element added after it — the rest of that input, then each later input in turn — first removes
/// every list element whose axis-aligned IoU with it (rotation ignored) is **strictly greater** than the threshold,
/// then is appended. So later inputs win over overlapping earlier ones, and overlapping elements of one input are
/// deduplicated (the later one stays). Output order = list order.
///
/// The merge works on any items that have a region (`region` reads it) and returns the surviving items themselves,
/// so a caller's tracks keep their identity and detection score without searching for their rectangles afterwards.
public enum ROIAssociation {
    /// The legacy face mesh graph's `min_similarity_threshold`.
    public static let legacyThreshold: Float = 0.5

    /// Legacy Face Mesh order: detection items first, tracked (previous-frame) items second, so an overlapping
    /// tracked item replaces a new detection. Not clipped to the face count.
    public static func mergeLegacy<Item>(detections: [Item], tracked: [Item], threshold: Float = legacyThreshold,
                                         region: (Item) -> NormalizedRect) -> [Item] {
        merge([detections, tracked], threshold: threshold, region: region)
    }

    /// MediaPipe Tasks' FaceLandmarker order (`face_landmarker_graph.cc`): tracked items first, detection items
    /// second, so an overlapping new detection replaces a tracked item; the threshold is the Tasks option
    /// `min_tracking_confidence`. Not clipped to the face count.
    public static func mergeTasks<Item>(tracked: [Item], detections: [Item], threshold: Float,
                                        region: (Item) -> NormalizedRect) -> [Item] {
        merge([tracked, detections], threshold: threshold, region: region)
    }

    /// `mergeLegacy` on bare regions.
    public static func mergeLegacy(detectionRegions: [NormalizedRect], trackedRegions: [NormalizedRect],
                                   threshold: Float = legacyThreshold) -> [NormalizedRect] {
        mergeLegacy(detections: detectionRegions, tracked: trackedRegions, threshold: threshold) { $0 }
    }

    /// The general rule over any number of inputs in increasing priority.
    public static func merge<Item>(_ inputs: [[Item]], threshold: Float, region: (Item) -> NormalizedRect) -> [Item] {
        var result: [Item] = []
        var started = false
        for input in inputs where !input.isEmpty {
            for (position, element) in input.enumerated() {
                if !started && position == 0 {
                    result.append(element)
                    started = true
                    continue
                }
                let elementRegion = region(element)
                result.removeAll { region($0).intersectionOverUnion(with: elementRegion) > threshold }
                result.append(element)
            }
        }
        return result
    }

    /// `merge` on bare regions.
    public static func merge(_ inputs: [[NormalizedRect]], threshold: Float) -> [NormalizedRect] {
        merge(inputs, threshold: threshold) { $0 }
    }
}
