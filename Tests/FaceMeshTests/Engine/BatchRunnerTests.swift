import Foundation
import XCTest
@testable import FaceMesh

/// `FaceMeshBatchRunner` and its `OrderedWorkerPool`: results in stream order whatever finishes first, a bounded
/// number of items in flight, one worker value per thread, errors of `deliver` and `next`, and real engines giving
/// the results of one engine.
final class BatchRunnerTests: XCTestCase {
    /// A worker value that notices being used on two threads or twice at once.
    private final class Worker: @unchecked Sendable {
        let identifier: Int
        private let lock = NSLock()
        private var busy = false
        private var thread: ObjectIdentifier?
        private(set) var misuse: [String] = []
        private(set) var used = 0

        init(identifier: Int) { self.identifier = identifier }

        func enter() {
            lock.withLock {
                if busy { misuse.append("worker \(identifier) used twice at once") }
                let current = ObjectIdentifier(Thread.current)
                if let thread, thread != current { misuse.append("worker \(identifier) moved to another thread") }
                thread = current
                busy = true
                used += 1
            }
        }

        func leave() { lock.withLock { busy = false } }
    }

    /// A deterministic pseudo-random delay in microseconds for item `value` (so late items often finish first).
    private func delay(for value: Int) -> UInt32 { UInt32((value &* 2_654_435_761) % 400) }

    func testResultsComeInStreamOrderWithBoundedItemsInFlight() throws {
        for (workerCount, capacity, itemCount) in [(1, 1, 20), (3, 3, 200), (4, 16, 500), (2, 100, 7)] {
            let workers = (0..<workerCount).map { Worker(identifier: $0) }
            let lock = NSLock()
            var pulled = 0, delivered = 0, mostInFlight = 0
            var values = (0..<itemCount).makeIterator()
            var order: [Int] = []
            try OrderedWorkerPool.run(
                workers: workers, capacity: capacity,
                next: { () -> Int? in
                    guard let value = values.next() else { return nil }
                    lock.withLock {
                        pulled += 1
                        mostInFlight = max(mostInFlight, pulled - delivered)
                    }
                    return value
                },
                work: { (worker: Worker, value: Int) -> Int in
                    worker.enter()
                    defer { worker.leave() }
                    usleep(self.delay(for: value))
                    return value * 3
                },
                deliver: { (index: Int, result: Int) in
                    order.append(index)
                    XCTAssertEqual(result, index * 3)
                    lock.withLock { delivered += 1 }
                })
            XCTAssertEqual(order, Array(0..<itemCount), "\(workerCount) workers, capacity \(capacity)")
            XCTAssertLessThanOrEqual(mostInFlight, capacity, "\(workerCount) workers")
            XCTAssertEqual(workers.flatMap(\.misuse), [])
            XCTAssertEqual(workers.map(\.used).reduce(0, +), itemCount)
            if itemCount >= 200 {
                XCTAssertTrue(workers.allSatisfy { $0.used > 0 }, "every worker took part: \(workers.map(\.used))")
            }
        }
    }

    func testAnEmptyStreamDeliversNothing() throws {
        var deliveries = 0
        try OrderedWorkerPool.run(workers: [Worker(identifier: 0), Worker(identifier: 1)], capacity: 4,
                                  next: { nil as Int? }, work: { _, value in value }, deliver: { _, _ in deliveries += 1 })
        XCTAssertEqual(deliveries, 0)
    }

    private struct Stop: Error, Equatable { let at: Int }

    /// A failing `deliver` ends the run with its error (no hang, even with the producer waiting for room).
    func testDeliverErrorStopsTheRun() {
        var values = (0..<10_000).makeIterator()
        var deliveries = 0
        XCTAssertThrowsError(try OrderedWorkerPool.run(
            workers: [Worker(identifier: 0), Worker(identifier: 1)], capacity: 4,
            next: { values.next() }, work: { _, value in value },
            deliver: { index, _ in
                deliveries += 1
                if index == 5 { throw Stop(at: index) }
            })) { error in XCTAssertEqual(error as? Stop, Stop(at: 5)) }
        XCTAssertEqual(deliveries, 6)
    }

    /// A failing `next` ends the stream: every item pulled before it is delivered, then its error is thrown.
    func testNextErrorComesAfterTheEarlierItems() {
        var count = 0
        var delivered: [Int] = []
        XCTAssertThrowsError(try OrderedWorkerPool.run(
            workers: [Worker(identifier: 0), Worker(identifier: 1), Worker(identifier: 2)], capacity: 5,
            next: { () throws -> Int? in
                count += 1
                if count > 12 { throw Stop(at: count) }
                return count
            },
            work: { _, value in value },
            deliver: { _, value in delivered.append(value) })) { error in XCTAssertEqual(error as? Stop, Stop(at: 13)) }
        XCTAssertEqual(delivered, Array(1...12))
    }

    /// Two engines on two threads give, photo by photo, exactly what one engine gives.
    func testRunnerMatchesASingleEngine() throws {
        let paths = ["Tests/Fixtures/Images/mpl_grace_hopper.jpg", "Tests/Fixtures/Images/extra/faces_montage3.png",
                     "Tests/Fixtures/Images/skimage_coffee.png", "Tests/Fixtures/Images/skimage_astronaut.png",
                     "Tests/Fixtures/Images/extra/grace_hopper_rolled28.png"]
        let frames = try paths.map { try TestFiles.frame($0) }
        let options = FaceMeshOptions(staticImageMode: true, maxFaces: 3, weightsDirectory: TestFiles.weights)
        let single = try FaceMeshEngine(options: options)
        let expected = try (frames + frames).map { try single.process($0).map(\.landmarks) }

        let runner = try FaceMeshBatchRunner(options: options, jobs: 2, inputsInFlight: 3)
        XCTAssertEqual(runner.engines.count, 2)
        XCTAssertEqual(runner.capacity, 3)
        var inputs = (frames + frames).makeIterator()
        var results: [[[Landmark]]] = []
        try runner.run(next: { inputs.next() },
                       work: { engine, frame in (try? engine.process(frame).map(\.landmarks)) ?? [] },
                       deliver: { _, landmarks in results.append(landmarks) })
        XCTAssertEqual(results, expected)
        XCTAssertEqual(results.map(\.count), [1, 3, 0, 1, 1, 1, 3, 0, 1, 1])
    }

    func testRunnerNeedsAJob() {
        XCTAssertThrowsError(try FaceMeshBatchRunner(options: FaceMeshOptions(weightsDirectory: TestFiles.weights),
                                                     jobs: 0)) { error in
            guard case FaceMeshError.invalidOption = error else { return XCTFail("\(error)") }
        }
    }
}
