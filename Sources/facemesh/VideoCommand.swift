import ArgumentParser
import FaceMesh
import Foundation
import ImageCodecs

/// `facemesh video PATH`: tracks faces through a video (any format ffmpeg reads, or raw RGB24 frames on standard
/// input) and writes one JSON line per frame.
struct VideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video",
        abstract: "Track faces through a video and write one JSON line per frame.",
        discussion: """
        Each line: {"frame":i,"timestamp":t,"width":W,"height":H,"faces":[...]} with the face objects of \
        `facemesh image`. Every frame stored in the file gives one line, in order (nothing dropped or repeated, also \
        at a variable frame rate); t is that frame's own presentation time in seconds, as ffprobe reports it; W and \
        H are the frame's size as processed (after the file's rotation metadata). --fps N resamples a file to N \
        frames per second instead. Files are decoded by an ffmpeg child process (ffmpeg and ffprobe must be on \
        PATH). PATH "-" reads raw RGB24 frames (WIDTHxHEIGHTx3 bytes each) from standard input; give --size, and \
        --fps for their rate (default 30; t = i / rate). Outputs are checked before the first frame, and --out and \
        --overlay-video appear only when the whole run succeeds. A progress bar is shown when standard error is a \
        terminal.
        """)

    @Argument(help: "The video file, or - for raw RGB24 frames on standard input.")
    var path: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Landmark smoothing across frames: none, one-euro (MediaPipe FaceLandmarker's filter) or velocity (relative velocity filter).")
    var smoothing: SmoothingChoice = .none

    @Option(help: ArgumentHelp("Frame size of raw input from standard input.", valueName: "WxH"))
    var size: FrameSize?

    @Option(help: "Files: resample to this constant frame rate (frames are duplicated or dropped). Raw input: its frame rate (default 30).")
    var fps: Double?

    @Option(help: ArgumentHelp("Write the JSON lines to this file instead of standard output.", valueName: "FILE.jsonl"))
    var out: String?

    @Option(help: ArgumentHelp("Also write a video with the mesh, contours, irises and pose axes drawn on each frame "
                               + "(H.264 in .mp4, .m4v, .mov, .mkv or .avi).", valueName: "OUT.mp4"))
    var overlayVideo: String?

    func validate() throws {
        if path == "-" {
            guard size != nil else { throw ValidationError("raw input from standard input needs --size WxH") }
        } else if size != nil {
            throw ValidationError("--size applies only to raw input from standard input (PATH -)")
        }
        if let fps, !(fps.isFinite && fps > 0) { throw ValidationError("--fps must be a positive number") }
        func sameFile(_ first: String, _ second: String) -> Bool {
            URL(fileURLWithPath: first).standardizedFileURL == URL(fileURLWithPath: second).standardizedFileURL
        }
        if let out, out != "-", let overlayVideo, sameFile(out, overlayVideo) {
            throw ValidationError("--out and --overlay-video name the same file")
        }
        for output in [out, overlayVideo].compactMap({ $0 }) where path != "-" && sameFile(output, path) {
            throw ValidationError("an output would replace the input video \(path)")
        }
    }

    func run() throws {
        try CommandFailure.run {
            // Ctrl-C (or a kill) removes the temporary --out and --overlay-video files, like any other failure.
            OutputFile.removeTemporaryFilesOnInterrupt()
            // Every output is checked before anything is decoded, so a bad path fails before the first frame.
            if let out, out != "-" { try OutputFile.check(URL(fileURLWithPath: out)) }
            if let overlayVideo {
                try OutputFile.check(URL(fileURLWithPath: overlayVideo),
                                     acceptedExtensions: VideoFrameWriter.containers.keys.sorted())
            }
            let needsTools = path != "-" || overlayVideo != nil
            let tools = needsTools ? try FFmpegTools.locate() : nil
            let reader = try openReader(tools: tools)
            let engine = try FaceMeshEngine(options: modelOptions.engineOptions(staticImageMode: false,
                                                                                smoothing: smoothing.method))
            let output = try out.flatMap { $0 == "-" ? nil : try LineOutput(creatingFileAt: $0) } ?? LineOutput()
            let overlayWriter: VideoFrameWriter?
            do {
                overlayWriter = try overlayVideo.map {
                    try VideoFrameWriter(url: URL(fileURLWithPath: $0), width: reader.width, height: reader.height,
                                         frameRate: reader.frameRate, tools: tools)
                }
            } catch {
                output.discard()
                throw error
            }
            do {
                try track(reader: reader, engine: engine, output: output, overlayWriter: overlayWriter)
                try overlayWriter?.finish()
                try output.commit()
            } catch {
                // A failed run leaves no file that looks like a result (lines already on standard output stay).
                overlayWriter?.cancel()
                output.discard()
                throw error
            }
            if let earlyEnd = reader.earlyEnd {
                StandardError.writeLine("facemesh: warning: \(path) ended early: \(earlyEnd); "
                                        + "one line was written for each frame read")
            }
        }
    }

    /// Runs every frame through the engine, writing its line and overlay frame.
    private func track(reader: VideoFrameReader, engine: FaceMeshEngine, output: LineOutput,
                       overlayWriter: VideoFrameWriter?) throws {
        let renderer = OverlayRenderer()
        var progress = StandardError.isTerminal ? ProgressBar(total: reader.expectedFrameCount) : nil
        defer { progress?.finish(done: reader.framesRead) }
        while let frame = try reader.nextTimedFrame() {
            let image = frame.image
            let faces = try engine.process(image, timestamp: frame.timestamp)
            try output.write(FaceJSON.frame(index: frame.index, timestamp: frame.timestamp, width: image.width,
                                            height: image.height, faces: faces) + "\n")
            try overlayWriter?.write(renderer.render(faces, on: image))
            progress?.update(done: frame.index + 1)
        }
    }

    private func openReader(tools: FFmpegTools?) throws -> VideoFrameReader {
        let rate = try fps.map { try FrameRate(framesPerSecond: $0) }
        guard path == "-" else {
            return try VideoFrameReader(contentsOf: URL(fileURLWithPath: path), tools: tools, resamplingTo: rate)
        }
        guard let size else { throw ValidationError("raw input from standard input needs --size WxH") }
        return try VideoFrameReader(rawRGBFrom: .standardInput, width: size.width, height: size.height,
                                    frameRate: try rate ?? FrameRate(numerator: 30))
    }
}
