import Foundation

/// Where the `ffmpeg` and `ffprobe` executables are. Video decoding and encoding run them as child processes
/// (Debian's `ffmpeg` package ships both); nothing is linked against the FFmpeg libraries.
public struct FFmpegTools: Sendable, Equatable {
    /// The `ffmpeg` executable (decodes to and encodes from raw RGB24 on a pipe).
    public let ffmpeg: URL
    /// The `ffprobe` executable (reads frame size, frame rate and frame count).
    public let ffprobe: URL

    /// Uses the two executables at the given paths (not checked until they are run).
    public init(ffmpeg: URL, ffprobe: URL) {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
    }

    /// Finds `ffmpeg` and `ffprobe` in the directories of `environment["PATH"]`, in order.
    /// - Throws: `VideoError.ffmpegNotFound` naming the first tool that is not an executable file on the path.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> FFmpegTools {
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        func find(_ name: String) throws -> URL {
            for directory in directories {
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                   !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
            }
            throw VideoError.ffmpegNotFound(tool: name)
        }
        return FFmpegTools(ffmpeg: try find("ffmpeg"), ffprobe: try find("ffprobe"))
    }
}
