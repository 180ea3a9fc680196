import Foundation
import ImageCodecs

/// One processed input: its output line (without the line break) and what it counts for in the statistics.
struct BatchRecord {
    let line: String
    let faces: Int
    let failed: Bool
}

/// The shard files of `facemesh batch --output DIR`, written so that an interrupted batch resumes with nothing lost
/// and nothing duplicated.
///
/// Input k (0-based, in input order) belongs to shard k / shardSize. Shard n is `DIR/shard-0000n.jsonl` (its lines
/// in input order) plus `DIR/shard-0000n.stats.json`; the lines are first written to a hidden temporary file
/// (`OutputFile`), flushed to disk and renamed into place, then the statistics are written and renamed the same way. A shard is
/// done exactly when its statistics file exists and matches the shard's inputs (count and a checksum of their
/// paths, so a changed input list redoes the shards it moved); a shard without them is redone whole, replacing any
/// line file an interrupted run left behind.
final class BatchShardDirectory {
    let directory: URL
    let shardSize: Int
    private var open: (shard: Int, file: OutputFile, handle: FileHandle, tally: ShardTally)?
    private var lastClose = Date()

    /// What a shard's statistics file holds.
    struct Statistics: Codable, Equatable {
        var shard: Int
        var inputs: Int
        var errors: Int
        var faces: Int
        var seconds: Double
        var firstPath: String
        var lastPath: String
        /// FNV-1a (64-bit, hexadecimal) of the shard's paths, each followed by a line break.
        var pathsChecksum: String
    }

    private struct ShardTally {
        var inputs = 0, errors = 0, faces = 0
        var firstPath = "", lastPath = ""
        var checksum = PathChecksum()
    }

    /// Opens (creating it if needed) the output directory; `overwrite` deletes every shard file of an earlier run.
    /// Temporary shard files a killed run left are always deleted (so two runs must not share a directory).
    /// - Throws: `BatchOutputError` if the directory cannot be created or written.
    init(path: String, shardSize: Int, overwrite: Bool) throws {
        directory = URL(fileURLWithPath: path, isDirectory: true)
        self.shardSize = shardSize
        let files = FileManager.default
        do {
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            // Foundation's message names no cause; mkdir(2) on the last component gives errno's (e.g. "Not a directory").
            let reason = mkdir(path, 0o777) != 0 && errno != EEXIST ? String(cString: strerror(errno))
                : error.localizedDescription
            throw BatchOutputError(path: path, reason: reason)
        }
        do {
            let probe = directory.appendingPathComponent(".facemesh-write-test-\(getpid())")
            try Data().write(to: probe)
            try files.removeItem(at: probe)
            for name in try files.contentsOfDirectory(atPath: directory.path) {
                let isShard = name.hasPrefix("shard-") && (name.hasSuffix(".jsonl") || name.hasSuffix(".stats.json"))
                let isTemporary = name.hasPrefix(".shard-") && name.hasSuffix(".partial")
                if isTemporary || (overwrite && isShard) {
                    try files.removeItem(at: directory.appendingPathComponent(name))
                }
            }
        } catch {
            throw BatchOutputError(path: path, reason: error.localizedDescription)
        }
    }

    /// The shard of input `index`.
    func shard(ofInput index: Int) -> Int { index / shardSize }

    static func name(ofShard shard: Int) -> String { String(format: "shard-%05d", shard) }

    func linesURL(ofShard shard: Int) -> URL {
        directory.appendingPathComponent(Self.name(ofShard: shard) + ".jsonl")
    }

    func statisticsURL(ofShard shard: Int) -> URL {
        directory.appendingPathComponent(Self.name(ofShard: shard) + ".stats.json")
    }

    /// Whether `shard` was completed by an earlier run: its line file and statistics file exist, and when the
    /// shard's `paths` are known they are the ones the statistics recorded.
    func isDone(shard: Int, paths: ArraySlice<String>?) -> Bool {
        guard FileManager.default.fileExists(atPath: linesURL(ofShard: shard).path),
              let data = try? Data(contentsOf: statisticsURL(ofShard: shard)),
              let statistics = try? JSONDecoder().decode(Statistics.self, from: data),
              statistics.shard == shard else { return false }
        guard let paths else { return true }
        var checksum = PathChecksum()
        for path in paths { checksum.add(path) }
        return statistics.inputs == paths.count && statistics.pathsChecksum == checksum.hexadecimal
    }

    /// Appends the record of input `index`, opening its shard first if needed; with `closesShard` (the shard's
    /// last input) the shard is finished: lines and statistics renamed into place.
    /// - Throws: `BatchOutputError` on any write failure.
    func append(_ record: BatchRecord, path: String, index: Int, closesShard: Bool) throws {
        let shard = shard(ofInput: index)
        if let open, open.shard != shard { try finish() }
        if open == nil { try start(shard) }
        guard var current = open else { return }
        do {
            try current.handle.write(contentsOf: Data((record.line + "\n").utf8))
        } catch {
            throw BatchOutputError(path: current.file.temporaryURL.path, reason: error.localizedDescription)
        }
        if current.tally.inputs == 0 { current.tally.firstPath = path }
        current.tally.lastPath = path
        current.tally.inputs += 1
        current.tally.faces += record.faces
        current.tally.errors += record.failed ? 1 : 0
        current.tally.checksum.add(path)
        open = current
        if closesShard { try finish() }
    }

    /// Finishes the open shard, if any (the end of the input can close a shard shorter than `shardSize`).
    func finish() throws {
        guard let current = open else { return }
        open = nil
        let now = Date()
        let tally = current.tally
        let statistics = Statistics(shard: current.shard, inputs: tally.inputs, errors: tally.errors,
                                    faces: tally.faces, seconds: (now.timeIntervalSince(lastClose) * 1000).rounded() / 1000,
                                    firstPath: tally.firstPath, lastPath: tally.lastPath,
                                    pathsChecksum: tally.checksum.hexadecimal)
        lastClose = now
        do {
            try current.handle.synchronize()
            try current.handle.close()
            try current.file.commit()
            synchronizeDirectory()  // the lines are in place on disk before the statistics say so
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let statisticsFile = try OutputFile(destination: statisticsURL(ofShard: current.shard))
            let handle = try FileHandle(forWritingTo: statisticsFile.temporaryURL)
            try handle.write(contentsOf: encoder.encode(statistics) + Data("\n".utf8))
            try handle.synchronize()
            try handle.close()
            try statisticsFile.commit()
            synchronizeDirectory()
        } catch let error as OutputFileError {
            throw error
        } catch {
            throw BatchOutputError(path: directory.path, reason: error.localizedDescription)
        }
    }

    private func start(_ shard: Int) throws {
        let file = try OutputFile(destination: linesURL(ofShard: shard))
        guard let handle = FileHandle(forWritingAtPath: file.temporaryURL.path) else {
            throw BatchOutputError(path: file.temporaryURL.path, reason: "cannot open the file")
        }
        open = (shard, file, handle, ShardTally())
    }

    /// Flushes the directory entries (the renames) to disk, so a finished shard survives a power loss.
    private func synchronizeDirectory() {
        let descriptor = Foundation.open(directory.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

/// FNV-1a, 64-bit, over paths each followed by a line break: a cheap fingerprint of a shard's input list.
struct PathChecksum {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ path: String) {
        for byte in path.utf8 { mix(byte) }
        mix(10)
    }

    private mutating func mix(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    var hexadecimal: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// The output directory (or a shard file in it) could not be created or written.
struct BatchOutputError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot write \(path): \(reason)" }
}
