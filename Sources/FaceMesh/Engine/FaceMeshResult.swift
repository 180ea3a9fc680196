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
    public var headPose: HeadPose?
}
