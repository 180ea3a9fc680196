import Foundation
import XCTest
@testable import TensorRuntime

/// Runners with worker threads compute exactly (bit for bit) what a single-threaded runner computes, and release
/// their threads when they go away.
final class ThreadingTests: XCTestCase {
    /// The face models, each with a real input from the reference fixtures.
    private let models: [(name: String, input: URL)] = [
        ("face_landmark", RepositoryFiles.fixtures.appendingPathComponent("LiteRT/face_landmark/grace_hopper/input.f32")),
        ("iris_landmark", RepositoryFiles.fixtures.appendingPathComponent("LiteRT/iris_landmark/grace_hopper_left_eye/input.f32")),
        ("face_detection_short_range",
         RepositoryFiles.fixtures.appendingPathComponent("LiteRT/face_detection_short_range/grace_hopper/input.f32")),
        ("face_landmark_with_attention",
         RepositoryFiles.fixtures.appendingPathComponent("MediaPipe/attention/grace_hopper/input.f32")),
        ("face_detection_full_range",
         RepositoryFiles.fixtures.appendingPathComponent("LiteRT/face_detection_full_range/grace_hopper/input.f32")),
    ]

    private func floats(_ url: URL) throws -> [Float] {
        try littleEndianFloats(url)
    }

    private func runner(_ model: String, threads: Int) throws -> ModelRunner {
        var options = ModelRunner.Options()
        options.threads = threads
        return try ModelRunner(contentsOf: RepositoryFiles.weights(model), options: options)
    }

    /// Worker threads really compute parts of split runs (not only the calling thread, which takes over a part
    /// whose worker has not started within 30 µs), and the outputs stay bit-identical to one thread.
    func testWorkerThreadsComputePartsOfSplitRuns() throws {
        let model = models[0]
        let input = try floats(model.input)
        let single = try runner(model.name, threads: 1)
        try single.run(input)
        XCTAssertEqual(single.threadStatistics.partsComputedByWorkers, [])
        XCTAssertEqual(single.threadStatistics.serialRuns, 1)
        for threads in [2, 3] {
            let threaded = try runner(model.name, threads: threads)
            for _ in 0..<40 {
                try threaded.run(input)
                XCTAssertEqual(threaded.output(0).map(\.bitPattern), single.output(0).map(\.bitPattern))
            }
            let statistics = threaded.threadStatistics
            XCTAssertEqual(statistics.partsComputedByWorkers.count, threads - 1)
            XCTAssertGreaterThanOrEqual(statistics.splitRuns, 1, "\(statistics)")
            // Every worker computed some part of the split steps (hundreds per split run on an idle machine).
            for (worker, parts) in statistics.partsComputedByWorkers.enumerated() {
                XCTAssertGreaterThan(parts, 0, "\(threads) threads: worker \(worker + 1) computed nothing; \(statistics)")
            }
            // Measured on the shared 2-core machine (40 runs): 2 threads, workers computed 15+ parts; 3 threads, 6+ each.
            print("ThreadingTests: \(threads) threads, 40 runs: \(statistics)")
        }
    }

    /// An input written into the runner's own buffer (`inputBuffer`, then `runOnInputBuffers`) gives the outputs
    /// of `run(input:)` bit for bit, on every model at 1 and 2 threads, run after run (the runner reuses the input's
    /// memory for activations, so each run writes it again).
    func testInputWrittenInPlaceGivesTheSameOutputs() throws {
        for model in models {
            let input = try floats(model.input)
            for threads in [1, 2] {
                let copying = try runner(model.name, threads: threads)
                try copying.run(input)
                let inPlace = try runner(model.name, threads: threads)
                for round in 0..<3 {
                    _ = inPlace.inputBuffer(0).update(fromContentsOf: input)
                    try inPlace.runOnInputBuffers(validating: round == 0)
                    for output in copying.outputs.indices {
                        XCTAssertEqual(inPlace.output(output).map(\.bitPattern), copying.output(output).map(\.bitPattern),
                                       "\(model.name), \(threads) thread(s), round \(round), output \(output)")
                    }
                }
            }
        }
    }

    /// A large input (here 110,592 floats) is copied into a threaded runner in bands, one per thread (or by the
    /// caller alone while the workers are parked after an idle runner, here after 5 ms pauses); either way the check
    /// for NaN and infinity reports the first bad element of the whole input, whichever band holds it, and a run
    /// after a rejected input gives the single-threaded outputs bit for bit.
    func testSplitInputCopyReportsTheFirstNonFiniteElement() throws {
        let model = models[0]
        let input = try floats(model.input)
        let single = try runner(model.name, threads: 1)
        try single.run(input)
        for threads in [2, 3] {
            let threaded = try runner(model.name, threads: threads)
            for (bad, expected) in [([input.count - 1], input.count - 1), ([100_000], 100_000), ([5, 100_000], 5),
                                    ([60_000, 100_000], 60_000)] {
                var damaged = input
                for (index, element) in bad.enumerated() { damaged[element] = index == 0 ? .nan : .infinity }
                for pause in [false, true] {
                    if pause { usleep(5_000) }  // the workers park after 1 ms idle
                    XCTAssertThrowsError(try threaded.run(damaged), "\(threads) threads, \(bad), pause \(pause)") {
                        XCTAssertEqual($0 as? PlanError, .nonFiniteInput(input: 0, element: expected))
                    }
                }
            }
            for pause in [false, true, false] {
                if pause { usleep(5_000) }
                try threaded.run(input)
                XCTAssertEqual(threaded.output(0).map(\.bitPattern), single.output(0).map(\.bitPattern),
                               "\(threads) threads, pause \(pause)")
            }
        }
    }

    /// Records which parts `runSplit` computed, and on which threads.
    private final class PartRecorder: SplitWork, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var calls: [(part: Int, parts: Int, thread: pthread_t)] = []

        func run(part: Int, of parts: Int) {
            lock.lock()
            calls.append((part, parts, pthread_self()))
            lock.unlock()
        }

        func reset() { calls.removeAll() }
    }

    /// `runSplit` computes each part exactly once: with one thread the single part 0 of 1, with worker threads
    /// parts 0..<threads, part 0 on the calling thread; before and after inferences of the runner.
    func testRunSplitComputesEveryPartOnce() throws {
        let model = models[0]
        let input = try floats(model.input)
        let recorder = PartRecorder()
        for threads in [1, 2, 3] {
            let runner = try runner(model.name, threads: threads)
            for round in 0..<20 {
                if round > 0 { try runner.run(input) }
                recorder.reset()
                runner.runSplit(recorder)
                let calls = recorder.calls
                // A busy machine can make the runner prefer serial runs; then the work is one part, too.
                let parts = calls.first?.parts ?? 0
                XCTAssertTrue(parts == 1 || parts == threads, "\(threads) threads: \(parts) parts")
                XCTAssertEqual(calls.map(\.part).sorted(), Array(0..<parts), "\(threads) threads, round \(round)")
                XCTAssertTrue(calls.allSatisfy { $0.parts == parts })
                let callerPart = calls.first { $0.part == 0 }
                XCTAssertNotNil(callerPart)
                if let callerPart { XCTAssertTrue(pthread_equal(callerPart.thread, pthread_self()) != 0) }
                if threads == 1 { XCTAssertEqual(parts, 1) }
            }
        }
    }

    /// After an idle spell the workers park; `runSplit` then computes the work as part 0 of 1 on the calling thread
    /// (instead of waiting for a wake-up) and wakes them, so that the next calls are split again.
    func testRunSplitDoesNotWaitForParkedWorkers() throws {
        let model = models[0]
        let input = try floats(model.input)
        let recorder = PartRecorder()
        let runner = try runner(model.name, threads: 2)
        try runner.run(input)
        let deadline = Date().addingTimeInterval(5)
        while !runner.hasParkedWorkers && Date() < deadline { usleep(1_000) }
        XCTAssertTrue(runner.hasParkedWorkers, "the worker parks after 1 ms idle")
        recorder.reset()
        runner.runSplit(recorder)
        XCTAssertEqual(recorder.calls.map(\.part), [0])
        XCTAssertEqual(recorder.calls.first?.parts, 1)
        // Woken for what follows: within a few milliseconds (the OS decides when), calls are split again.
        var split = false
        let wakeDeadline = Date().addingTimeInterval(5)
        while !split && Date() < wakeDeadline {
            usleep(100)
            recorder.reset()
            runner.runSplit(recorder)
            split = recorder.calls.count == 2
        }
        XCTAssertTrue(split, "calls are split again once the worker is awake")
    }

    /// Every output of every model, bit patterns compared, for 2 and 3 threads against 1 thread; several runs in a
    /// row, since which thread computes which chunk changes from run to run.
    func testThreadedOutputsAreBitIdenticalToSingleThread() throws {
        for model in models {
            let input = try floats(model.input)
            let single = try runner(model.name, threads: 1)
            try single.run(input)
            let expected = (0..<single.outputs.count).map { single.output($0).map(\.bitPattern) }
            for threads in [2, 3] {
                let threaded = try runner(model.name, threads: threads)
                XCTAssertEqual(threaded.threadCount, threads)
                XCTAssertTrue(threaded.stepParts.contains { $0 > 1 }, "\(model.name): no step is split")
                if model.name == "face_landmark_with_attention" {
                    // The three crop branches run side by side: groups of several independent steps are split.
                    let splitGroups = zip(threaded.plan.groups, threaded.groupParts).filter { $0.steps.count > 1 && $1 > 1 }
                    XCTAssertGreaterThan(splitGroups.count, 10)
                }
                for _ in 0..<3 {
                    try threaded.run(input)
                    for index in expected.indices {
                        XCTAssertEqual(threaded.output(index).map(\.bitPattern), expected[index],
                                       "\(model.name), \(threads) threads, output \(index)")
                    }
                }
            }
        }
    }

    /// The split steps themselves: replaying each model step by step, every partitioned step computed in uneven
    /// pieces (in reverse order) leaves the arena bit for bit as one whole run of the step does.
    func testSplittingAStepInAnyPiecesDoesNotChangeItsOutput() throws {
        for model in models {
            let runner = try runner(model.name, threads: 1)
            let input = try floats(model.input)
            try runner.run(input)
            let count = runner.plan.arenaCount
            let arena = runner.arena, context = runner.contexts[0]
            (arena + runner.plan.inputOffsets[0]).update(from: input, count: input.count)
            var before = [Float](repeating: 0, count: count), whole = before
            var split = 0
            for step in runner.plan.steps {
                guard let partition = step.partition, partition.units >= 2 else {
                    try step.body(context)
                    continue
                }
                before.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: arena, count: count) }
                try step.body(context)
                whole.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: arena, count: count) }
                arena.update(from: before, count: count)
                // Pieces of 1, 2, 3, ... units, computed last piece first.
                var pieces: [Range<Int>] = []
                var start = 0, length = 1
                while start < partition.units {
                    pieces.append(start..<min(partition.units, start + length))
                    start += length
                    length += 1
                }
                for piece in pieces.reversed() { partition.run(context, piece) }
                let identical = (0..<count).allSatisfy { arena[$0].bitPattern == whole[$0].bitPattern }
                XCTAssertTrue(identical, "\(model.name) \(step.label): split run differs from the whole run")
                split += 1
            }
            XCTAssertGreaterThan(split, 10, model.name)
        }
    }

    /// `SplitTaskTable` gives every unit of every member of a task to exactly one part: a member with at least
    /// `parts` units in `parts` contiguous near-equal ranges, a member with fewer whole to part (index mod parts);
    /// single-step groups and profiling tasks (−1 − step) split their step's partition; steps without a partition
    /// are never computed by it.
    func testSplitTaskTableGivesEveryUnitToExactlyOnePart() {
        final class Log { var calls: [(member: Int, part: Int, units: Range<Int>)] = [] }
        let log = Log()
        var currentPart = -1
        let unitCounts = [7, 1, 3, 2, 12, 5, 9]
        let partitions: [StepPartition?] = unitCounts.enumerated().map { member, units in
            StepPartition(units: units, estimatedNanoseconds: 10_000) { _, range in
                log.calls.append((member, currentPart, range))
            }
        } + [nil]
        // Steps 0...3 form one group; 4, 5 and 6 are groups of one step, and so is 7, which has no partition.
        let groups = [StepGroup(steps: 0..<4, members: (0..<4).map { partitions[$0]! }),
                      StepGroup(steps: 4..<5, members: []), StepGroup(steps: 5..<6, members: []),
                      StepGroup(steps: 6..<7, members: []), StepGroup(steps: 7..<8, members: [])]
        let table = SplitTaskTable(groups: groups, stepPartitions: partitions)
        let context = ExecutionContext(arena: UnsafeMutablePointer(bitPattern: 64)!, workspace: nil)
        for parts in 1...4 {
            let tasks = Array(0..<groups.count) + (0..<partitions.count).map { -1 - $0 }
            for task in tasks {
                log.calls.removeAll()
                for part in (0..<parts).reversed() {
                    currentPart = part
                    table.run(task: task, part: part, parts: parts, context: context)
                }
                let steps = task >= 0 ? Array(groups[task].steps) : [-1 - task]
                let wholeSteps = task >= 0 && !groups[task].members.isEmpty
                var expected: [(Int, Int, Range<Int>)] = []
                for (position, step) in steps.enumerated() {
                    guard let units = partitions[step]?.units else { continue }
                    if wholeSteps && units < parts {
                        expected.append((step, position % parts, 0..<units))
                    } else {
                        for part in 0..<parts {
                            expected.append((step, part, ParallelSchedule.units(part: part, of: parts, units: units)))
                        }
                    }
                }
                let sortKey = { (call: (Int, Int, Range<Int>)) in [call.0, call.1, call.2.lowerBound, call.2.upperBound] }
                let actual = log.calls.map { ($0.member, $0.part, $0.units) }
                XCTAssertEqual(actual.map(sortKey).sorted { $0.lexicographicallyPrecedes($1) },
                               expected.map(sortKey).sorted { $0.lexicographicallyPrecedes($1) },
                               "task \(task), \(parts) parts")
                // Every unit of every step with a partition exactly once.
                for step in steps {
                    let covered = log.calls.filter { $0.member == step }.flatMap { Array($0.units) }.sorted()
                    XCTAssertEqual(covered, Array(0..<(partitions[step]?.units ?? 0)), "task \(task), step \(step)")
                }
            }
        }
    }

    func testThreadCountBelowOneIsRejected() throws {
        XCTAssertThrowsError(try runner("iris_landmark", threads: 0)) { error in
            XCTAssertEqual(error as? PlanError, .invalidThreadCount(0))
        }
    }

    #if os(Linux)
    /// Worker threads of this process (named "tensor-worker"), from /proc/self/task/*/comm; other threads (the
    /// test runner's, Dispatch's) come and go on their own and are not counted.
    private func processThreadCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
            let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return name?.trimmingCharacters(in: .whitespacesAndNewlines) == "tensor-worker"
        }.count
    }

    /// A 3-thread runner starts two workers; releasing it stops and joins them.
    func testReleasingTheRunnerStopsItsWorkers() throws {
        let before = try processThreadCount()
        var runner: ModelRunner? = try self.runner("iris_landmark", threads: 3)
        XCTAssertEqual(try processThreadCount(), before + 2)
        try runner?.run(try floats(models[1].input))
        runner = nil
        // deinit joins the workers, so they are gone when it returns.
        XCTAssertEqual(try processThreadCount(), before)
    }
    #endif
}
