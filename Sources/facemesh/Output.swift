import FaceMesh
import Foundation
import ImageCodecs

/// The command's JSON output, written by hand for a compact, stable layout (keys always in the same order, numbers
/// rounded to a fixed number of decimals, no spaces):
///
///     image:  {"width":W,"height":H,"faces":[FACE,...]}
///     video:  {"frame":i,"timestamp":t,"width":W,"height":H,"faces":[FACE,...]}   (one line per frame)
///     batch:  {"path":P,"width":W,"height":H,"faces":[FACE,...]} or {"path":P,"error":"..."}   (one line per photo)
///     FACE:   {"landmarks":[[x,y,z],...],"presence":p,"detectionScore":s,
///              "pose":{"matrix":[16 numbers, row-major],"yawPitchRoll":[yaw,pitch,roll]}
///              [,"tongueOut":t] [,"blendshapes":{"_neutral":s,...,"noseSneerRight":s[,"tongueOut":t]}]}
///
/// `pose` is null when the head pose could not be estimated; a non-finite number is written as null. `tongueOut`
/// (Face Mesh V2 only) and `blendshapes` (with `--blendshapes`: MediaPipe's 52 names in its order) are present only
/// when the model provides them.
enum FaceJSON {
    /// Decimals kept for landmark coordinates (pixels) and angles (degrees).
    static let landmarkDecimals = 3
    /// Decimals kept for presence and detection scores (in [0, 1]).
    static let scoreDecimals = 4
    /// Decimals kept for the pose matrix (rotation·scale entries near ±1, translation in cm).
    static let matrixDecimals = 5
    /// Decimals kept for video timestamps (seconds).
    static let timestampDecimals = 6

    /// The document for one image.
    static func image(width: Int, height: Int, faces: [FaceMeshResult]) -> String {
        "{\"width\":\(width),\"height\":\(height),\"faces\":\(faceList(faces))}"
    }

    /// One line (without the line break) for one video frame of `width × height` pixels (as processed).
    static func frame(index: Int, timestamp: Double, width: Int, height: Int, faces: [FaceMeshResult]) -> String {
        "{\"frame\":\(index),\"timestamp\":\(number(timestamp, decimals: timestampDecimals)),"
            + "\"width\":\(width),\"height\":\(height),\"faces\":\(faceList(faces))}"
    }

    /// One line (without the line break) for one photo of a batch: the image document with its path in front.
    static func batchLine(path: String, width: Int, height: Int, faces: [FaceMeshResult]) -> String {
        "{\"path\":\(string(path)),\"width\":\(width),\"height\":\(height),\"faces\":\(faceList(faces))}"
    }

    /// One line (without the line break) for a batch input that could not be read, decoded or analysed.
    static func batchError(path: String, message: String) -> String {
        "{\"path\":\(string(path)),\"error\":\(string(message))}"
    }

    static func faceList(_ faces: [FaceMeshResult]) -> String {
        "[" + faces.map(face).joined(separator: ",") + "]"
    }

    /// One face object.
    static func face(_ face: FaceMeshResult) -> String {
        var text = "{\"landmarks\":["
        text.reserveCapacity(face.landmarks.count * 28 + 400)
        for (index, landmark) in face.landmarks.enumerated() {
            if index > 0 { text += "," }
            text += "[" + number(landmark.x, decimals: landmarkDecimals) + ","
                + number(landmark.y, decimals: landmarkDecimals) + ","
                + number(landmark.z, decimals: landmarkDecimals) + "]"
        }
        text += "],\"presence\":" + number(face.presence, decimals: scoreDecimals)
        text += ",\"detectionScore\":" + number(face.detectionScore, decimals: scoreDecimals)
        text += ",\"pose\":" + pose(face.headPose)
        if let tongueOut = face.tongueOut { text += ",\"tongueOut\":" + number(tongueOut, decimals: scoreDecimals) }
        if let blendshapes = face.blendshapes {
            text += ",\"blendshapes\":{" + blendshapes.named.map { "\"\($0.name)\":" + number($0.score, decimals: scoreDecimals) }
                .joined(separator: ",") + "}"
        }
        return text + "}"
    }

    static func pose(_ pose: HeadPose?) -> String {
        guard let pose else { return "null" }
        let matrix = pose.matrix.map { number($0, decimals: matrixDecimals) }.joined(separator: ",")
        let angles = [pose.yawPitchRoll.yaw, pose.yawPitchRoll.pitch, pose.yawPitchRoll.roll]
            .map { number($0, decimals: landmarkDecimals) }.joined(separator: ",")
        return "{\"matrix\":[\(matrix)],\"yawPitchRoll\":[\(angles)]}"
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func number(_ value: Float, decimals: Int) -> String {
        number(Double(value), decimals: decimals)
    }

    /// `value` rounded to `decimals` places (half away from zero) in the shortest plain decimal form: no exponent,
    /// no trailing zeros, "0" rather than "-0"; "null" for NaN and infinities (JSON has no such numbers).
    static func number(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard abs(scaled) < 9e18 else { return String(value) }
        let magnitude = Int64(abs(scaled))
        guard magnitude != 0 else { return "0" }
        var text = scaled < 0 ? "-" : ""
        text += String(magnitude / scale)
        let fraction = magnitude % scale
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: decimals - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}

/// Where `video` writes its JSON lines: standard output (each line as soon as its frame is done), or a file that
/// appears only when the run succeeds: the lines go to a temporary file beside it (`OutputFile`), renamed into
/// place by `commit()` and removed by `discard()`, so a failed run never leaves a file that looks like a result.
final class LineOutput {
    private let handle: FileHandle
    private let file: OutputFile?

    /// Writes to standard output.
    init() {
        handle = .standardOutput
        file = nil
    }

    /// Creates the temporary file for `path`.
    /// - Throws: `OutputFileError` if the folder is missing or not writable, or `path` is a directory.
    init(creatingFileAt path: String) throws {
        let file = try OutputFile(destination: URL(fileURLWithPath: path))
        guard let handle = FileHandle(forWritingAtPath: file.temporaryURL.path) else {
            throw OutputFileError.notWritable(path: path, reason: "cannot open \(file.temporaryURL.path)")
        }
        self.handle = handle
        self.file = file
    }

    /// Appends `text`.
    /// - Throws: `OutputFileError.notWritable` naming the destination (or "standard output").
    func write(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw OutputFileError.notWritable(path: file?.destination.path ?? "standard output",
                                              reason: error.localizedDescription)
        }
    }

    /// Closes a file and renames it into place (standard output stays open).
    func commit() throws {
        guard let file else { return }
        do {
            try? handle.synchronize()  // fails (EINVAL) on a pipe or terminal written in place; harmless there
            try handle.close()
        } catch {
            file.discard()
            throw OutputFileError.notWritable(path: file.destination.path, reason: error.localizedDescription)
        }
        try file.commit()
    }

    /// Closes and removes a file's temporary copy (lines already on standard output stay there).
    func discard() {
        guard let file else { return }
        try? handle.close()
        file.discard()
    }
}

/// A one-line progress display on standard error, redrawn in place with a carriage return:
/// `[#########.........]  45/90 frames  7.9 fps  ETA 6 s` (without a total: `45 frames  7.9 fps`); `batch` counts
/// photos and adds a detail: `[####......] 450/1000 photos  11.8 photos/s  430 faces  2 errors  ETA 47 s`.
/// Redraws at most about ten times a second.
struct ProgressBar {
    /// Expected number of steps, if known.
    let total: Int?
    /// What a step is ("frames", "photos") and how its rate is written ("fps", "photos/s").
    let unit: String, rateUnit: String
    private let start = Date()
    private var lastDraw: Date?
    private static let barWidth = 30

    init(total: Int?, unit: String = "frames", rateUnit: String = "fps") {
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
        self.unit = unit
        self.rateUnit = rateUnit
    }

    /// Shows that `done` steps are finished; `detail` follows the rate.
    mutating func update(done: Int, detail: String = "") {
        let now = Date()
        if let lastDraw, now.timeIntervalSince(lastDraw) < 0.1, done != total { return }
        lastDraw = now
        StandardError.write("\r" + line(done: done, detail: detail, elapsed: now.timeIntervalSince(start)) + "\u{1B}[K")
    }

    /// Ends the display with a summary line.
    func finish(done: Int) {
        let elapsed = Date().timeIntervalSince(start)
        StandardError.write("\r" + line(done: done, detail: "", elapsed: elapsed) + "\u{1B}[K\n")
    }

    /// Erases the display (for a summary line of the caller's own).
    func clear() {
        StandardError.write("\r\u{1B}[K")
    }

    private func line(done: Int, detail: String, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let speed = String(format: "%.1f ", rate) + rateUnit + detail
        guard let total else { return "\(done) \(unit)  \(speed)" }
        let fraction = min(1, Double(done) / Double(total))
        let filled = Int((fraction * Double(ProgressBar.barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: ProgressBar.barWidth - filled)
        var text = "[\(bar)] \(done)/\(total) \(unit)  \(speed)"
        if rate > 0, done < total {
            text += "  ETA \(Int((Double(total - done) / rate).rounded(.up))) s"
        }
        return text
    }
}
