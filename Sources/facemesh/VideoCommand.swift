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
        Each line: {"frame":i,"timestamp":t,"faces":[...]} with the face objects of `facemesh image`; t = i / frame \
        rate in seconds. Files are decoded by an ffmpeg child process (ffmpeg and ffprobe must be on PATH). \
        PATH "-" reads raw RGB24 frames (WIDTHxHEIGHTx3 bytes each) from standard input; give --size. A progress \
        bar is shown when standard error is a terminal.
        """)

    @Argument(help: "The video file, or - for raw RGB24 frames on standard input.")
    var path: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Landmark smoothing across frames: none, one-euro (MediaPipe FaceLandmarker's filter) or velocity (relative velocity filter).")
    var smoothing: SmoothingChoice = .none

    @Option(help: ArgumentHelp("Frame size of raw input from standard input.", valueName: "WxH"))
    var size: FrameSize?

    @Option(help: "Frame rate of raw input from standard input (default 30).")
    var fps: Double?

    @Option(help: ArgumentHelp("Write the JSON lines to this file instead of standard output.", valueName: "FILE.jsonl"))
    var out: String?

    @Option(help: ArgumentHelp("Also write a video with the mesh, contours, irises and pose axes drawn on each frame (H.264).",
                               valueName: "OUT.mp4"))
    var overlayVideo: String?

    func validate() throws {
        if path == "-" {
            guard size != nil else { throw ValidationError("raw input from standard input needs --size WxH") }
            if let fps, !(fps.isFinite && fps > 0) { throw ValidationError("--fps must be a positive number") }
        } else if size != nil || fps != nil {
            throw ValidationError("--size and --fps apply only to raw input from standard input (PATH -)")
        }
    }

    func run() throws {
        try CommandFailure.run {
            let needsTools = path != "-" || overlayVideo != nil
            let tools = needsTools ? try FFmpegTools.locate() : nil
            let reader = try openReader(tools: tools)
            let engine = try FaceMeshEngine(options: modelOptions.engineOptions(staticImageMode: false,
                                                                                smoothing: smoothing.method))
            let output = try openOutput()
            let overlayWriter = try overlayVideo.map {
                try VideoFrameWriter(url: URL(fileURLWithPath: $0), width: reader.width, height: reader.height,
                                     frameRate: reader.frameRate, tools: tools)
            }
            let renderer = OverlayRenderer()
            var progress = StandardError.isTerminal ? ProgressBar(total: reader.expectedFrameCount) : nil

            var index = 0
            var readError: Error?
            while true {
                let image: RGBImage
                do {
                    guard let next = try reader.nextFrame() else { break }
                    image = next
                } catch {
                    readError = error  // report after the complete frames are written and the overlay is closed
                    break
                }
                let timestamp = reader.frameRate.timestamp(ofFrame: index)
                let faces = try engine.process(image, timestamp: timestamp)
                try output.write(FaceJSON.frame(index: index, timestamp: timestamp, faces: faces) + "\n")
                try overlayWriter?.write(renderer.render(faces, on: image))
                index += 1
                progress?.update(done: index)
            }
            progress?.finish(done: index)
            try overlayWriter?.finish()
            try output.close()
            if let readError { throw readError }
            if let expected = reader.expectedFrameCount, index < expected * 9 / 10 {
                StandardError.writeLine("facemesh: warning: decoded \(index) frames, the file declares \(expected)")
            }
        }
    }

    private func openReader(tools: FFmpegTools?) throws -> VideoFrameReader {
        guard path == "-" else { return try VideoFrameReader(contentsOf: URL(fileURLWithPath: path), tools: tools) }
        guard let size else { throw ValidationError("raw input from standard input needs --size WxH") }
        return try VideoFrameReader(rawRGBFrom: .standardInput, width: size.width, height: size.height,
                                    frameRate: try FrameRate(framesPerSecond: fps ?? 30))
    }

    private func openOutput() throws -> LineOutput {
        guard let out, out != "-" else { return LineOutput(handle: .standardOutput, path: nil) }
        return try LineOutput(creatingFileAt: out)
    }
}
