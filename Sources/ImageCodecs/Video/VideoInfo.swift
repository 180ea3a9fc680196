/// What `VideoProbe` learns about a video file's first video stream.
public struct VideoInfo: Sendable, Equatable {
    /// Width in pixels of the frames `ffmpeg` decodes (after applying the stream's rotation metadata).
    public let width: Int
    /// Height in pixels of the decoded frames (after rotation).
    public let height: Int
    /// The rate at which frames are delivered: the stream's average frame rate, or its base rate when the
    /// average is unknown.
    public let frameRate: FrameRate
    /// The number of frames the container declares, or the duration times the frame rate when it declares none;
    /// nil if neither is known. An estimate for progress reports, not a promise.
    public let expectedFrameCount: Int?
    /// The number of frames the container's index declares (MP4/MOV `nb_frames`), nil if it declares none.
    public let declaredFrameCount: Int?
    /// The stream's duration in seconds, if known.
    public let duration: Double?
    /// Clockwise rotation in degrees (0, 90, 180, 270) that the stream's metadata asks players to apply;
    /// `ffmpeg` applies it while decoding, and `width`/`height` are already swapped for 90 and 270.
    public let rotationDegrees: Int

    /// Creates a description from its parts (as `VideoProbe` does).
    public init(width: Int, height: Int, frameRate: FrameRate, expectedFrameCount: Int?, duration: Double?,
                rotationDegrees: Int = 0, declaredFrameCount: Int? = nil) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.expectedFrameCount = expectedFrameCount
        self.declaredFrameCount = declaredFrameCount
        self.duration = duration
        self.rotationDegrees = rotationDegrees
    }
}
