import Foundation
import ImageCodecs

/// One input of `facemesh batch`: where it stands in the input list and where its bytes come from.
struct BatchInput {
    /// Where the bytes of an input come from.
    enum Source {
        /// Read the file at `path`.
        case file
        /// The file's bytes came with the input (`--stdin-format base64-jsonl`).
        case bytes(Data)
        /// The input record itself was unusable (a malformed base64-jsonl line); the text says why.
        case malformed(String)
    }

    /// Position in the sorted input list (paths) or in the stream (base64-jsonl), from 0; decides the shard.
    let index: Int
    /// The path as listed (printed back in the output line).
    let path: String
    let source: Source
}

/// How `-` on the command line reads standard input.
enum BatchStdinFormat: String, CaseIterable {
    /// Newline-separated paths (files or directories), sorted and deduplicated with the other inputs.
    case paths
    /// One JSON object per line, `{"path":"...","data":"<base64 of the file's bytes>"}`, processed in arrival
    /// order (the form Spark's `binaryFiles` produces for object storage and HDFS).
    case base64JSONLines = "base64-jsonl"
}

/// Builds the sorted, deduplicated input list of a batch from command-line arguments.
enum BatchInputList {
    /// File name extensions scanned in directories (lower case; matched case-insensitively): every format
    /// ImageCodecs decodes, by its name (`png`, and `webp` once ImageCodecs knows WebP) plus `jpg` for JPEG.
    static let imageExtensions: Set<String> = Set(ImageFormat.allCases.flatMap { format -> [String] in
        switch format {
        case .jpeg: return ["jpg", "jpeg"]
        default: return [format.rawValue.lowercased()]
        }
    })

    /// Expands `arguments` into image paths: a directory gives every image file below it (recursively, by
    /// extension), `-` gives the newline-separated paths read by `readStandardInput` (each expanded the same way),
    /// anything else is taken as a file (a missing or unreadable one becomes an error line later). The result is
    /// sorted by Unicode code points and free of repeated paths, so shard boundaries are the same on every run.
    static func collect(arguments: [String], readStandardInput: () throws -> String) throws -> [String] {
        var paths = Set<String>()
        for argument in arguments {
            if argument == "-" {
                for line in try readStandardInput().split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                    let path = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                    if !path.isEmpty { expand(path, into: &paths) }
                }
            } else {
                expand(argument, into: &paths)
            }
        }
        return paths.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    private static func expand(_ path: String, into paths: inout Set<String>) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            paths.insert(path)
            return
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        guard let entries = FileManager.default.enumerator(atPath: path) else { return }
        while let entry = entries.nextObject() as? String {
            let candidate = prefix + entry
            guard imageExtensions.contains((entry as NSString).pathExtension.lowercased()) else { continue }
            var entryIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &entryIsDirectory),
               !entryIsDirectory.boolValue {
                paths.insert(candidate)
            }
        }
    }

    /// All of standard input as text (paths are short: a list of a million paths is about 100 MB).
    static func readAllStandardInput() throws -> String {
        do {
            return String(decoding: try FileHandle.standardInput.readToEnd() ?? Data(), as: UTF8.self)
        } catch {
            throw BatchInputError.unreadableStandardInput(error.localizedDescription)
        }
    }
}

/// Reads `{"path":...,"data":"<base64>"}` lines one at a time (memory: one line).
struct Base64JSONLinesReader {
    private var lines: LineReader
    private var lineNumber = 0
    private var index = 0

    init(fileDescriptor: Int32) {
        lines = LineReader(fileDescriptor: fileDescriptor)
    }

    /// The next input, or nil at the end. Blank lines are skipped; a line that is not such an object becomes a
    /// `.malformed` input named by its path if it has one, else `stdin:LINE`.
    /// - Throws: `BatchInputError.unreadableStandardInput` if reading fails.
    mutating func next() throws -> BatchInput? {
        while let line = try lines.nextLine() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            defer { index += 1 }
            let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any]
            guard let path = object?["path"] as? String else {
                return BatchInput(index: index, path: "stdin:\(lineNumber)", source: .malformed(
                    "line \(lineNumber) of standard input is not a JSON object with a string \"path\""))
            }
            guard let text = object?["data"] as? String,
                  let bytes = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                return BatchInput(index: index, path: path, source: .malformed(
                    "line \(lineNumber) of standard input has no base64 string \"data\""))
            }
            return BatchInput(index: index, path: path, source: .bytes(bytes))
        }
        return nil
    }
}

/// Splits a file descriptor's bytes into lines (without the line break), reading 64 KiB at a time; a last line
/// without a line break is returned too. Memory: the longest line plus one chunk.
struct LineReader {
    private let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    /// Bytes before `head` belong to lines already returned.
    private var head = 0
    /// Bytes from `head` to `scanned` hold no line break.
    private var scanned = 0
    private var ended = false
    private static let chunkBytes = 1 << 16

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// The next line, or nil at the end of the input.
    /// - Throws: `BatchInputError.unreadableStandardInput` if `read` fails.
    mutating func nextLine() throws -> Data? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 10) {
                let line = Data(buffer[head..<newline])
                head = newline + 1
                scanned = head
                return line
            }
            if head > 0 {
                buffer.removeFirst(head)
                head = 0
            }
            scanned = buffer.count
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = []; scanned = 0 }
                return Data(buffer)
            }
            let oldCount = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: LineReader.chunkBytes))
            let count = buffer.withUnsafeMutableBytes {
                read(fileDescriptor, $0.baseAddress! + oldCount, LineReader.chunkBytes)
            }
            buffer.removeLast(LineReader.chunkBytes - max(count, 0))
            if count < 0 {
                if errno == EINTR { continue }
                throw BatchInputError.unreadableStandardInput(String(cString: strerror(errno)))
            }
            if count == 0 { ended = true }
        }
    }
}

/// Standard input could not be read.
enum BatchInputError: Error, CustomStringConvertible {
    case unreadableStandardInput(String)

    var description: String {
        switch self {
        case let .unreadableStandardInput(reason): return "cannot read standard input: \(reason)"
        }
    }
}
