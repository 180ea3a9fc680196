/// Everything that can go wrong in this module: reading, decoding, encoding or writing an image; probing,
/// decoding or encoding a video through the `ffmpeg` and `ffprobe` command-line tools; and checking or committing
/// an output file (`OutputFile`). The cases come in three groups (image files, video, output paths); each has a
/// one-line `description` naming the problem and the values involved.
public enum ImageCodecError: Error, CustomStringConvertible, Equatable, Sendable {
    // MARK: Image files

    /// The data to decode is empty (zero bytes).
    case emptyData
    /// The data starts with none of the PNG signature, a JPEG SOI marker and a RIFF/WEBP header; carries up to 8
    /// leading bytes.
    case unrecognizedFormat(leadingBytes: [UInt8])
    /// No file or directory exists at the path.
    case fileNotFound(path: String)
    /// The path names a directory, not a file.
    case isDirectory(path: String)
    /// The file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file could not be written.
    case unwritableFile(path: String, reason: String)
    /// A width or height is zero or negative, or the image size overflows.
    case invalidDimensions(width: Int, height: Int)
    /// The header declares an image larger than the decoding limits (checked before allocating pixel memory).
    case imageTooLarge(format: ImageFormat, width: Int, height: Int, limits: ImageSizeLimits)
    /// The file stores samples with a bit depth this module does not decode (12-bit JPEG).
    case unsupportedBitDepth(format: ImageFormat, bitDepth: Int)
    /// The file uses a colour model this module does not convert to RGB (a JPEG with 2 components, ...).
    case unsupportedColorModel(format: ImageFormat, colorModel: String)
    /// The file holds an animation (several frames), which is not decoded (WebP).
    case animatedImage(format: ImageFormat)
    /// The data ends before the image is complete.
    case truncatedData(format: ImageFormat, detail: String)
    /// The data is not a valid image of its format; `detail` is the library's description.
    case corruptData(format: ImageFormat, detail: String)
    /// Memory for decoding or encoding could not be allocated.
    case outOfMemory(format: ImageFormat)
    /// The JPEG quality is outside 1...100.
    case invalidQuality(Int)
    /// The image cannot be stored in the format (e.g. a side above JPEG's 65,500-pixel limit).
    case imageNotEncodable(format: ImageFormat, reason: String)
    /// The encoder failed; `detail` is the library's description.
    case encodingFailed(format: ImageFormat, detail: String)

    // MARK: Video (ffmpeg and ffprobe)

    /// The named tool (`ffmpeg` or `ffprobe`) is not an executable file in any directory of `PATH` (nor at the
    /// explicit path given).
    case ffmpegNotFound(tool: String)
    /// The tool was found but could not be started; `reason` is the system's description.
    case launchFailed(tool: String, reason: String)
    /// No video file exists at the path.
    case videoFileNotFound(path: String)
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
    case videoDecodingFailed(String)
    /// `ffmpeg` failed to encode or write the output video.
    case videoEncodingFailed(String)
    /// This ffmpeg has no H.264 encoder (`libx264`), so no overlay video can be written.
    case encoderUnavailable(String)
    /// Reading from or writing to a pipe or file failed; `reason` is the system's description.
    case inputOutput(String)

    // MARK: Output paths (OutputFile)

    /// The folder that should hold the file does not exist (or is not a folder).
    case folderMissing(path: String)
    /// The output path names an existing directory.
    case outputIsDirectory(path: String)
    /// The file's name does not end in one of the extensions its writer accepts (listed without dots).
    case unsupportedExtension(path: String, accepted: [String])
    /// The file (or its temporary sibling) cannot be created, written or renamed; `reason` is the system's text.
    case notWritable(path: String, reason: String)

    /// A one-line description naming the problem and the values involved.
    public var description: String {
        switch self {
        // MARK: Image files
        case .emptyData:
            return "cannot decode an image from empty data (0 bytes)"
        case .unrecognizedFormat(let leadingBytes):
            let hex = leadingBytes.map { byte in
                let digits = String(byte, radix: 16, uppercase: true)
                return digits.count == 1 ? "0" + digits : digits
            }.joined(separator: " ")
            return "data is not a PNG, JPEG or WebP image (leading bytes: \(hex))"
        case .fileNotFound(let path):
            return "no such image file: \(path)"
        case .isDirectory(let path):
            return "expected an image file but found a directory: \(path)"
        case .unreadableFile(let path, let reason):
            return "cannot read image file \(path): \(reason)"
        case .unwritableFile(let path, let reason):
            return "cannot write image file \(path): \(reason)"
        case .invalidDimensions(let width, let height):
            return "invalid image size \(width)x\(height): both sides must be positive"
        case .imageTooLarge(let format, let width, let height, let limits):
            return "\(format.rawValue) image of \(width)x\(height) exceeds the limits of \(limits.maximumSide) "
                + "pixels per side and \(limits.maximumPixelCount) pixels in total"
        case .unsupportedBitDepth(let format, let bitDepth):
            return "\(format.rawValue) images with \(bitDepth) bits per sample are not supported "
                + "(only 1 to 8, and 16 for PNG)"
        case .unsupportedColorModel(let format, let colorModel):
            return "\(format.rawValue) images in the \(colorModel) colour model are not supported "
                + "(only greyscale, RGB/YCbCr and CMYK/YCCK)"
        case .animatedImage(let format):
            return "\(format.rawValue) animations are not supported (only still images)"
        case .truncatedData(let format, let detail):
            return "\(format.rawValue) data is truncated: \(detail)"
        case .corruptData(let format, let detail):
            return "\(format.rawValue) data is corrupt: \(detail)"
        case .outOfMemory(let format):
            return "out of memory while processing a \(format.rawValue) image"
        case .invalidQuality(let quality):
            return "JPEG quality \(quality) is outside 1...100"
        case .imageNotEncodable(let format, let reason):
            return "image cannot be encoded as \(format.rawValue): \(reason)"
        case .encodingFailed(let format, let detail):
            return "\(format.rawValue) encoding failed: \(detail)"
        // MARK: Video
        case .ffmpegNotFound(let tool):
            return "\(tool) not found on PATH (install ffmpeg, e.g. `apt-get install ffmpeg`)"
        case .launchFailed(let tool, let reason):
            return "cannot start \(tool): \(reason)"
        case .videoFileNotFound(let path):
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
        case .videoDecodingFailed(let reason):
            return "video decoding failed: \(reason)"
        case .videoEncodingFailed(let reason):
            return "ffmpeg failed while encoding: \(reason)"
        case .encoderUnavailable(let reason):
            return "cannot write video: this ffmpeg has no H.264 encoder (libx264): \(reason)"
        case .inputOutput(let reason):
            return "video input/output error: \(reason)"
        // MARK: Output paths
        case .folderMissing(let path):
            return "cannot write \(path): the folder \(OutputFile.folder(of: path)) does not exist"
        case .outputIsDirectory(let path):
            return "cannot write \(path): it is a directory"
        case .unsupportedExtension(let path, let accepted):
            return "cannot write \(path): the name must end in " + accepted.map { "." + $0 }.joined(separator: ", ")
        case .notWritable(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
