import AllocationCounter
import Foundation
import TensorRuntime
import TestSupport
import XCTest

/// `ModelRunner.run` allocates no heap memory once the runner exists and has run once, on every face model, with
/// one thread and with worker threads (allocations are counted process-wide, so the workers' count too).
final class InferenceAllocationTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped models with a real input each (reference fixtures).
    private let models = ShippedModelInputs.all

    override func setUpWithError() throws {
        guard allocation_counter_is_available() else {
            throw XCTSkip("allocation counting needs glibc and no sanitizer (it replaces malloc in the test executable)")
        }
    }

    private func input(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/\(path)"))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        }
    }

    /// A runner for `model` with `threads` threads.
    private func runner(_ model: String, threads: Int) throws -> ModelRunner {
        var options = ModelRunner.Options()
        options.threads = threads
        return try ModelRunner(contentsOf: Self.root.appendingPathComponent("Weights/\(model).sfmw"), options: options)
    }

    /// Allocations made while `body` runs.
    private func allocations(_ body: () throws -> Void) rethrows -> Int64 {
        allocation_counter_start()
        defer { _ = allocation_counter_stop() }
        try body()
        return allocation_counter_stop()
    }

    /// The counter sees allocations (otherwise the zero counts below would prove nothing).
    func testCounterCountsAllocations() throws {
        var keep: [[Float]] = []
        let count = allocations {
            for size in 1...3 { keep.append([Float](repeating: 1, count: 1000 * size)) }
            let raw = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
            raw.deallocate()
        }
        XCTAssertGreaterThanOrEqual(count, 4)
        XCTAssertEqual(keep.count, 3)
    }

    /// After one warm-up run, each further run of each model allocates nothing, at 1 and 2 threads.
    func testRunAllocatesNothingAfterTheFirst() throws {
        for (model, inputPath) in models {
            let values = try input(inputPath)
            for threads in [1, 2] {
                let runner = try runner(model, threads: threads)
                try values.withUnsafeBufferPointer { buffer in
                    try runner.run(input: buffer)
                    for attempt in 0..<5 {
                        let count = try allocations { try runner.run(input: buffer) }
                        XCTAssertEqual(count, 0, "\(model), \(threads) thread(s), run \(attempt + 2): \(count) allocations")
                    }
                }
            }
        }
    }

    /// Work that writes one value per part (stands in for a crop).
    private final class PartWriter: SplitWork {
        let values = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        init() { values.initialize(repeating: 0) }
        deinit { values.deallocate() }
        func run(part: Int, of parts: Int) { values[part] &+= parts }
    }

    /// `runSplit` allocates nothing, at 1, 2 and 3 threads, between inferences of the runner; nor does a run on
    /// an input written in place (`inputBuffer`, `runOnInputBuffers`), with or without the check.
    func testRunSplitAllocatesNothing() throws {
        let (model, inputPath) = models[0]
        let values = try input(inputPath)
        let work = PartWriter()
        for threads in [1, 2, 3] {
            let runner = try runner(model, threads: threads)
            try values.withUnsafeBufferPointer { buffer in
                try runner.run(input: buffer)
                runner.runSplit(work)
                for attempt in 0..<10 {
                    let count = try allocations {
                        runner.runSplit(work)
                        try runner.run(input: buffer)
                        _ = runner.inputBuffer(0).update(fromContentsOf: buffer)
                        try runner.runOnInputBuffers(validating: attempt.isMultiple(of: 2))
                    }
                    XCTAssertEqual(count, 0, "\(threads) thread(s), attempt \(attempt): \(count) allocations")
                }
            }
        }
    }

    /// With worker threads the runner switches between split and serial runs (`ExecutionModeChooser`: run 8 is the
    /// first serial probe, then every 8th run probes the other mode, or every 64th while split runs are clearly
    /// faster). Every run from the second through the 72nd, of both kinds, allocates nothing, at 2 and 3 threads.
    func testSplitAndSerialRunsAllocateNothing() throws {
        for (model, inputPath) in [models[0], models[3]] {
            let values = try input(inputPath)
            for threads in [2, 3] {
                let runner = try runner(model, threads: threads)
                try values.withUnsafeBufferPointer { buffer in
                    try runner.run(input: buffer)
                    for run in 2...72 {
                        let count = try allocations { try runner.run(input: buffer) }
                        XCTAssertEqual(count, 0, "\(model), \(threads) threads, run \(run): \(count) allocations")
                    }
                }
                let statistics = runner.threadStatistics
                XCTAssertEqual(statistics.splitRuns + statistics.serialRuns, 72, "\(model), \(threads) threads")
                XCTAssertGreaterThanOrEqual(statistics.serialRuns, 2, "\(model), \(threads) threads: \(statistics)")
                XCTAssertGreaterThanOrEqual(statistics.splitRuns, 2, "\(model), \(threads) threads: \(statistics)")
            }
        }
    }
}
