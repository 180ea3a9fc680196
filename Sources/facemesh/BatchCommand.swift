import ArgumentParser
import FaceMesh
import Foundation
import ImageCodecs

/// `facemesh batch INPUT...`: the faces of many photos on every core, one JSON line per photo, optionally in
/// resumable shards.
///
/// Inputs are listed, sorted and deduplicated (`BatchInputList`), then streamed through `FaceMeshBatchRunner`:
/// `--jobs` threads, each with its own `FaceMeshEngine`, read, decode and analyse the photos; the lines come back in
/// input order and go to standard output or to the shard files of `--output` (`BatchShardDirectory`).
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Find the faces in many photos on every core: one JSON line per photo, optionally in resumable shards.",
        discussion: """
        INPUT: image files, directories (searched recursively for \
        \(BatchInputList.imageExtensions.sorted().map { "." + $0 }.joined(separator: ", ")), any letter case) or - \
        for newline-separated paths on standard input. The list is sorted and deduplicated. Each input gives one \
        line: {"path":P,"width":W,"height":H,"faces":[...]} with the faces exactly as `facemesh image` prints them, \
        or {"path":P,"error":"..."} for a file that cannot be read or decoded (the batch goes on). \
        With --output DIR the lines go to DIR/shard-00000.jsonl, ... (--shard-size inputs each, in input order), \
        each followed by its shard-00000.stats.json once complete (both written atomically); a rerun skips the \
        shards that have statistics, so an interrupted batch resumes with nothing lost or repeated. Without \
        --output the lines go to standard output in input order. \
        --stdin-format base64-jsonl reads {"path":P,"data":"<base64 of the file>"} lines from standard input \
        instead (INPUT must be -), processed in arrival order. \
        A summary line goes to standard error (with a progress line while it is a terminal). Exit status 0 when \
        the batch completed (per-file errors are in the output and the summary), 1 on usage errors or when the \
        output cannot be written.
        """)

    @Argument(help: ArgumentHelp("Image files, directories, or - (paths on standard input).", valueName: "INPUT"))
    var inputs: [String] = []

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var photoOptions: PhotoOptions

    @Option(help: ArgumentHelp("Write shard files to this directory (created if needed) instead of standard output.",
                               valueName: "DIR"))
    var output: String?

    @Option(help: "Worker threads, each with its own engine (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Inputs per shard file with --output.")
    var shardSize: Int = 1000

    @Flag(help: "With --output: delete the shards of an earlier run and start over.")
    var overwrite = false

    @Option(help: ArgumentHelp("What - reads: paths (one per line) or base64-jsonl.", valueName: "FORMAT"))
    var stdinFormat: BatchStdinFormat = .paths

    func run() throws {
        try CommandFailure.run {
            try checkUsage()
            OutputFile.removeTemporaryFilesOnInterrupt()
            let shards = try output.map { try BatchShardDirectory(path: $0, shardSize: shardSize, overwrite: overwrite) }
            let runner = try FaceMeshBatchRunner(options: modelOptions.engineOptions(staticImageMode: true), jobs: jobs)
            let plan = try BatchPlan(arguments: inputs, stdinFormat: stdinFormat, shards: shards)
            var summary = BatchSummary(jobs: jobs)
            var progress = StandardError.isTerminal
                ? ProgressBar(total: plan.pendingCount, unit: "photos", rateUnit: "photos/s") : nil
            try runner.run(
                next: plan.next,
                work: { [photoOptions] engine, input in
                    (input.index, input.path, BatchCommand.analyse(input, photoOptions: photoOptions, engine: engine))
                },
                deliver: { _, result in
                    let (index, path, record) = result
                    if let shards {
                        try shards.append(record, path: path, index: index, closesShard: plan.closesShard(index))
                    } else {
                        try BatchCommand.writeToStandardOutput(record.line + "\n")
                    }
                    summary.count(record)
                    progress?.update(done: summary.processed, detail: "  \(summary.faces) faces  \(summary.errors) errors")
                })
            try shards?.finish()
            progress?.clear()
            summary.skipped = plan.skippedCount
            StandardError.writeLine(summary.line())
        }
    }

    /// Option checks that ArgumentParser cannot express; they fail with status 1 (see `Facemesh.main`).
    private func checkUsage() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1") }
        if stdinFormat == .base64JSONLines && inputs != ["-"] {
            throw ValidationError("--stdin-format base64-jsonl reads standard input only: give - as the only INPUT")
        }
        if overwrite && output == nil { throw ValidationError("--overwrite needs --output") }
        if inputs.isEmpty { throw ValidationError("no INPUT given (use - to read paths from standard input)") }
    }

    /// One input's line: decoding and face finding exactly as `facemesh image` does them; any failure becomes an
    /// error line.
    static func analyse(_ input: BatchInput, photoOptions: PhotoOptions, engine: FaceMeshEngine) -> BatchRecord {
        do {
            let image: RGBImage
            switch input.source {
            case .file: image = try photoOptions.decode(contentsOf: URL(fileURLWithPath: input.path))
            case let .bytes(data): image = try photoOptions.decode(data: data)
            case let .malformed(reason): return errorRecord(path: input.path, message: reason)
            }
            let faces = try engine.process(image)
            let line = FaceJSON.batchLine(path: input.path, width: image.width, height: image.height, faces: faces)
            return BatchRecord(line: line, faces: faces.count, failed: false)
        } catch {
            return errorRecord(path: input.path, message: CommandFailure.message(for: error))
        }
    }

    private static func errorRecord(path: String, message: String) -> BatchRecord {
        BatchRecord(line: FaceJSON.batchError(path: path, message: message), faces: 0, failed: true)
    }

    private static func writeToStandardOutput(_ text: String) throws {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        } catch {
            throw BatchOutputError(path: "standard output", reason: error.localizedDescription)
        }
    }
}

/// Which inputs a run processes, in order: all of them, minus the shards an earlier run completed.
final class BatchPlan: @unchecked Sendable {
    private let shards: BatchShardDirectory?
    /// The sorted input list (path mode); nil when streaming base64-jsonl.
    private let paths: [String]?
    private var pendingIndices: [Int] = []
    private var nextPending = 0
    private var stream: Base64JSONLinesReader?
    private var doneShards: [Int: Bool] = [:]
    /// Inputs skipped because their shard was done (read after the pool has finished with `next`).
    private(set) var skippedCount = 0

    /// Lists the inputs (path mode reads all of them, including standard input, now).
    init(arguments: [String], stdinFormat: BatchStdinFormat, shards: BatchShardDirectory?) throws {
        self.shards = shards
        switch stdinFormat {
        case .base64JSONLines:
            paths = nil
            stream = Base64JSONLinesReader(fileDescriptor: STDIN_FILENO)
        case .paths:
            let paths = try BatchInputList.collect(arguments: arguments,
                                                   readStandardInput: BatchInputList.readAllStandardInput)
            self.paths = paths
            guard let shards else {
                pendingIndices = Array(paths.indices)
                return
            }
            for start in stride(from: 0, to: paths.count, by: shards.shardSize) {
                let range = start..<min(start + shards.shardSize, paths.count)
                if shards.isDone(shard: shards.shard(ofInput: start), paths: paths[range]) {
                    skippedCount += range.count
                } else {
                    pendingIndices += range
                }
            }
        }
    }

    /// Inputs this run will process (nil when streaming: not known in advance).
    var pendingCount: Int? { paths == nil ? nil : pendingIndices.count }

    /// The next input to process, or nil at the end (called on the pool's producer thread).
    func next() throws -> BatchInput? {
        if let paths {
            guard nextPending < pendingIndices.count else { return nil }
            let index = pendingIndices[nextPending]
            nextPending += 1
            return BatchInput(index: index, path: paths[index], source: .file)
        }
        while let input = try stream?.next() {
            guard let shards else { return input }
            let shard = shards.shard(ofInput: input.index)
            if doneShards[shard] == nil { doneShards[shard] = shards.isDone(shard: shard, paths: nil) }
            if doneShards[shard] == true {
                skippedCount += 1
                continue
            }
            return input
        }
        return nil
    }

    /// Whether input `index` is the last of its shard (a streamed list's last shard is closed at the end instead).
    func closesShard(_ index: Int) -> Bool {
        guard let shards else { return false }
        return (index + 1) % shards.shardSize == 0 || index + 1 == paths?.count
    }
}

/// Counts of a batch run, and the one-line summary printed at the end.
struct BatchSummary {
    let jobs: Int
    let start = Date()
    var processed = 0, errors = 0, faces = 0, skipped = 0

    mutating func count(_ record: BatchRecord) {
        processed += 1
        faces += record.faces
        errors += record.failed ? 1 : 0
    }

    var seconds: Double { Date().timeIntervalSince(start) }
    var photosPerSecond: Double { seconds > 0 ? Double(processed) / seconds : 0 }

    /// E.g. `facemesh batch: 300 photos processed (0 skipped: shards done earlier), 2 errors, 251 faces, 25.1 s,
    /// 11.9 photos/s with --jobs 2`.
    func line() -> String {
        String(format: "facemesh batch: %d photos processed (%d skipped: shards done earlier), %d errors, %d faces, "
               + "%.1f s, %.1f photos/s with --jobs %d", processed, skipped, errors, faces, seconds, photosPerSecond,
               jobs)
    }
}

extension BatchStdinFormat: ExpressibleByArgument {}
