import Foundation

/// Finds faces in a long stream of inputs on several threads, one `FaceMeshEngine` per thread (engines are not
/// thread-safe and share nothing), and hands the results back in input order with a bounded number of inputs in
/// flight, so memory stays flat however long the stream is. `facemesh batch` is built on it.
///
///     let runner = try FaceMeshBatchRunner(options: FaceMeshOptions(staticImageMode: true), jobs: 4)
///     var paths = photoPaths.makeIterator()
///     try runner.run(next: { paths.next() },
///                    work: { engine, path in try? engine.process(decode(path)) },   // decoding in parallel too
///                    deliver: { index, faces in print(index, faces?.count ?? -1) })  // in order: 0, 1, 2, ...
public final class FaceMeshBatchRunner {
    /// One engine per worker thread.
    public let engines: [FaceMeshEngine]
    /// The most inputs in flight (pulled from the stream but not yet delivered).
    public let capacity: Int
    /// Default inputs in flight per worker: enough to keep every worker busy while one slow input holds back
    /// delivery.
    public static let defaultInputsInFlightPerJob = 8

    /// Loads `jobs` engines with `options`.
    /// - Parameter inputsInFlight: the bound on inputs in flight (default `jobs × defaultInputsInFlightPerJob`;
    ///   raised to `jobs` if lower).
    /// - Throws: `FaceMeshError.invalidOption` if `jobs < 1`; every error of `FaceMeshEngine.init(options:)`.
    public init(options: FaceMeshOptions, jobs: Int, inputsInFlight: Int? = nil) throws {
        guard jobs >= 1 else { throw FaceMeshError.invalidOption("jobs must be at least 1, got \(jobs)") }
        engines = try (0..<jobs).map { _ in try FaceMeshEngine(options: options) }
        capacity = max(inputsInFlight ?? jobs * FaceMeshBatchRunner.defaultInputsInFlightPerJob, jobs)
    }

    /// Runs `work` on every input of the stream, each on one of the worker threads with that thread's engine, and
    /// delivers the results in stream order on the calling thread.
    /// - Parameters:
    ///   - next: the next input, or nil at the end; called on a producer thread of its own (it may block, e.g. on
    ///     standard input), never concurrently with itself.
    ///   - work: one input's result; must not throw (per-input failures belong in the result).
    ///   - deliver: `(index in the stream, result)`, for indices 0, 1, 2, ... in order.
    /// - Throws: the first error of `deliver` (the remaining work is abandoned), or else the error of `next` after
    ///   every input pulled before it has been delivered.
    public func run<Input, Result>(next: @escaping () throws -> Input?,
                                   work: @escaping (FaceMeshEngine, Input) -> Result,
                                   deliver: (Int, Result) throws -> Void) throws {
        try OrderedWorkerPool.run(workers: engines, capacity: capacity, next: next, work: work, deliver: deliver)
    }
}

/// Runs a function over a stream of items on several threads and hands the results back in the stream's order,
/// with a bounded number of items in flight — the scheduling core of `FaceMeshBatchRunner`.
///
/// Three kinds of thread take part:
/// - one producer thread pulls items from `next` (which may block, e.g. on standard input) and queues them;
/// - `workers.count` worker threads each own one worker value (a `FaceMeshEngine`, which is not thread-safe, so
///   every thread gets its own) and run `work` on queued items;
/// - the calling thread receives the results through `deliver`, strictly in item order.
///
/// At most `capacity` items are between "pulled from the stream" and "delivered" at any time (queued, being worked
/// on, or finished and waiting for an earlier item), so memory stays flat however long the stream is. A slow item
/// holds back delivery, never correctness: later results wait in order.
enum OrderedWorkerPool {
    /// Processes every item of the stream and delivers each result in order on the calling thread.
    /// - Parameters:
    ///   - workers: one value per worker thread; `work` receives the value of the thread it runs on.
    ///   - capacity: the most items in flight (at least `workers.count`; raised to it if lower).
    ///   - next: the next item, or nil at the end of the stream; called on the producer thread only.
    ///   - work: computes one item's result; must not throw (per-item failures belong in the result).
    ///   - deliver: receives `(sequence number, result)` in sequence order (0, 1, 2, ...).
    /// - Throws: the first error thrown by `deliver` (the remaining work is abandoned), or else the error thrown by
    ///   `next` after every item pulled before it has been delivered.
    static func run<Worker, Item, Result>(workers: [Worker], capacity: Int,
                                          next: @escaping () throws -> Item?,
                                          work: @escaping (Worker, Item) -> Result,
                                          deliver: (Int, Result) throws -> Void) throws {
        precondition(!workers.isEmpty, "a worker pool needs at least one worker")
        let state = PoolState<Item, Result>(capacity: max(capacity, workers.count))
        let workersDone = DispatchGroup()
        startThread(name: "batch-input") { state.produce(next) }
        for (index, worker) in workers.enumerated() {
            workersDone.enter()
            startThread(name: "batch-worker-\(index)") {
                state.consume { work(worker, $0) }
                workersDone.leave()
            }
        }
        do {
            try state.deliverInOrder(deliver)
        } catch {
            state.stop()
            workersDone.wait()
            throw error
        }
        workersDone.wait()
        if let error = state.inputError { throw error }
    }

    /// Stack size of the pool's threads: the usual 8 MiB of a main thread (Foundation's default for secondary threads
    /// can be smaller).
    private static let threadStackBytes = 8 << 20

    private static func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = threadStackBytes
        thread.start()
    }
}

/// The shared state of one `OrderedWorkerPool.run`, guarded by one condition variable.
private final class PoolState<Item, Result>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    /// Pulled items waiting for a worker, oldest first (`queueHead` skips the taken ones).
    private var queue: [(sequence: Int, item: Item)] = []
    private var queueHead = 0
    /// Finished results waiting for an earlier one to be delivered.
    private var finished: [Int: Result] = [:]
    private var pulled = 0
    private var delivered = 0
    private var inputEnded = false
    private var stopped = false
    /// What `next` threw, if it did (the stream counts as ended there).
    private(set) var inputError: Error?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Producer thread: pulls items while fewer than `capacity` are in flight.
    func produce(_ next: () throws -> Item?) {
        while true {
            condition.lock()
            while !stopped && pulled - delivered >= capacity { condition.wait() }
            let stop = stopped
            condition.unlock()
            if stop { return }
            let item: Item?
            var failure: Error?
            do { item = try next() } catch { item = nil; failure = error }
            condition.lock()
            if let item {
                queue.append((pulled, item))
                pulled += 1
            } else {
                inputEnded = true
                inputError = failure
            }
            condition.broadcast()
            condition.unlock()
            if item == nil { return }
        }
    }

    /// Worker thread: takes queued items until the stream has ended and the queue is empty (or the pool stops).
    func consume(_ work: (Item) -> Result) {
        while true {
            condition.lock()
            while !stopped && queueHead == queue.count && !inputEnded { condition.wait() }
            if stopped || queueHead == queue.count {
                condition.unlock()
                return
            }
            let (sequence, item) = queue[queueHead]
            queueHead += 1
            if queueHead > 64 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            condition.unlock()
            let result = work(item)
            condition.lock()
            finished[sequence] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Calling thread: hands over results in sequence order until every pulled item is delivered.
    func deliverInOrder(_ deliver: (Int, Result) throws -> Void) throws {
        while true {
            condition.lock()
            while finished[delivered] == nil && !(inputEnded && delivered == pulled) { condition.wait() }
            guard let result = finished.removeValue(forKey: delivered) else {
                condition.unlock()
                return
            }
            let sequence = delivered
            condition.unlock()
            try deliver(sequence, result)
            condition.lock()
            delivered += 1
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Makes the producer and the workers return as soon as they next look at the state.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
