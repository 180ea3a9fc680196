/// Everything that can go wrong while probing, decoding or encoding a video through the `ffmpeg` and `ffprobe`
/// command-line tools.
public enum VideoError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The named tool (`ffmpeg` or `ffprobe`) is not an executable file in any directory of `PATH` (nor at the
    /// explicit path given).
    case ffmpegNotFound(tool: String)
    /// The tool was found but could not be started; `reason` is the system's description.
    case launchFailed(tool: String, reason: String)
    /// No file exists at the path.
    case fileNotFound(path: String)
    /// The file holds no bytes at all.
    case emptyFile(path: String)
    /// The file is not a video container ffmpeg recognises (a text file, an image, random bytes, ...); `cause` is
    /// ffmpeg's own short reason, without its context prefix.
    case notAVideo(path: String, cause: String)
    /// The file starts like a video container but its end is missing, so the index that locates the frames was
    /// never reached (an MP4/MOV whose `moov` box is missing, as when a recording was not finished).
    case truncatedFile(path: String, cause: String)
    /// The container holds no video stream (audio only, subtitles only, ...).
    case noVideoStream(path: String)
    /// The video stream's codec is one this ffmpeg cannot decode; `codec` is its name or its tag in the container.
    case unsupportedCodec(path: String, codec: String)
    /// The file cannot be read as a video for a reason the other cases do not name (a directory, no permission,
    /// no usable frame size or rate, ffmpeg failing before the first frame); the text is "PATH: reason", with the
    /// tool's own short message where it gave one.
    case unreadableVideo(String)
    /// The video decoded without error but held no frame at all.
    case noFrames
    /// The stream ended in the middle of a frame: only `actual` of the `expected` bytes of the last frame arrived.
    case partialFrame(expected: Int, actual: Int)
    /// A frame size that is not positive, or so large that one frame's bytes overflow.
    case invalidFrameSize(width: Int, height: Int)
    /// A frame rate that is not a positive finite number of frames per second.
    case invalidFrameRate(Double)
    /// An image handed to `VideoFrameWriter` does not have the writer's frame size.
    case frameSizeMismatch(expectedWidth: Int, expectedHeight: Int, actualWidth: Int, actualHeight: Int)
    /// `ffmpeg` stopped with an error while decoding, after some frames had been delivered.
    case decodingFailed(String)
    /// `ffmpeg` failed to encode or write the output video.
    case encodingFailed(String)
    /// This ffmpeg has no H.264 encoder (`libx264`), so no overlay video can be written.
    case encoderUnavailable(String)
    /// Reading from or writing to a pipe or file failed; `reason` is the system's description.
    case inputOutput(String)

    /// A one-line description naming the problem and the values involved.
    public var description: String {
        switch self {
        case .ffmpegNotFound(let tool):
            return "\(tool) not found on PATH (install ffmpeg, e.g. `apt-get install ffmpeg`)"
        case .launchFailed(let tool, let reason):
            return "cannot start \(tool): \(reason)"
        case .fileNotFound(let path):
            return "no such video file: \(path)"
        case .emptyFile(let path):
            return "cannot read video \(path): the file is empty (0 bytes)"
        case .notAVideo(let path, let cause):
            return "cannot read video \(path): not a video file (ffmpeg: \(cause))"
        case .truncatedFile(let path, let cause):
            return "cannot read video \(path): the file is truncated, its index is missing (ffmpeg: \(cause))"
        case .noVideoStream(let path):
            return "cannot read video \(path): the file has no video stream"
        case .unsupportedCodec(let path, let codec):
            return "cannot read video \(path): its codec (\(codec)) is not one this ffmpeg can decode"
        case .unreadableVideo(let reason):
            return "cannot read video \(reason)"
        case .noFrames:
            return "the video contains no frames"
        case .partialFrame(let expected, let actual):
            return "input ends with a partial frame: \(actual) of \(expected) bytes (width × height × 3, RGB24)"
        case .invalidFrameSize(let width, let height):
            return "invalid frame size \(width)x\(height): both sides must be positive"
        case .invalidFrameRate(let rate):
            return "invalid frame rate \(rate): must be a positive number of frames per second"
        case .frameSizeMismatch(let expectedWidth, let expectedHeight, let actualWidth, let actualHeight):
            return "frame of \(actualWidth)x\(actualHeight) does not match the video size "
                + "\(expectedWidth)x\(expectedHeight)"
        case .decodingFailed(let reason):
            return "video decoding failed: \(reason)"
        case .encodingFailed(let reason):
            return "ffmpeg failed while encoding: \(reason)"
        case .encoderUnavailable(let reason):
            return "cannot write video: this ffmpeg has no H.264 encoder (libx264): \(reason)"
        case .inputOutput(let reason):
            return "video input/output error: \(reason)"
        }
    }
}
