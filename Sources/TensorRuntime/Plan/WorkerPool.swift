#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A fixed set of worker threads that, together with the calling thread, computes the chunks of one task at a
/// time (internal; owned by one `ModelRunner`, no global state).
///
/// `run(task:units:chunks:)` divides units 0..<units into `chunks` contiguous ranges; every participating thread
/// (the caller is thread 0, workers 1...) claims chunks one by one until none is left, so a thread that the OS
/// pauses does not hold the others up, and the call returns when every chunk is done. Which thread computes which
/// chunk varies from run to run; the job must therefore give each unit the same result on any thread.
///
/// Hand-off: a task is published by bumping a generation counter. Idle workers spin on it for a short while
/// (about `spinIterations` loads, tens of microseconds, covering the gap between the steps of one inference),
/// then park on a condition variable; the caller wakes parked workers only when some are parked. Nothing is
/// allocated per task. `deinit` stops and joins the workers.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
final class WorkerPool {
    /// Computes `units` of task `task` on thread `thread` (0 = the caller, 1... = workers).
    typealias Job = (_ task: Int, _ units: Range<Int>, _ thread: Int) -> Void

    /// Threads that compute a task: the workers plus the calling thread.
    let threadCount: Int
    private let state: WorkerPoolState
    private var threads: [WorkerThreadHandle] = []
    /// Generation of the last published task (only the calling thread writes it).
    private var generation: UInt64 = 0

    /// Starts `workerCount` (≥ 1) worker threads that run `job`.
    /// - Throws: `PlanError.threadStartFailed` when the system refuses to create a thread (the threads already
    ///   started are stopped again).
    init(workerCount: Int, job: @escaping Job) throws {
        precondition(workerCount >= 1, "a worker pool needs at least one worker")
        threadCount = workerCount + 1
        state = WorkerPoolState(job: job)
        for index in 1...workerCount {
            let start = Unmanaged.passRetained(WorkerStart(state: state, thread: index))
            guard let handle = WorkerThreadHandle.start(start.toOpaque()) else {
                start.release()
                stop()
                throw PlanError.threadStartFailed(index)
            }
            threads.append(handle)
        }
    }

    deinit {
        stop()
    }

    /// Computes task `task` over units 0..<`units` in `chunks` (1...65535, at most `units`) contiguous ranges,
    /// using the workers and the calling thread; returns when all chunks are done. Must be called from one
    /// thread at a time (the runner's caller).
    func run(task: Int, units: Int, chunks: Int) {
        let chunks = max(1, min(chunks, units, 0xFFFF))
        state.task.store(task, ordering: .relaxed)
        state.units.store(units, ordering: .relaxed)
        state.completed.store(0, ordering: .relaxed)
        generation = (generation + 1) & 0xFFFF_FFFF
        if generation == 0 { generation = 1 }
        // The sequentially consistent store and load pair with the parking worker's (see `park`): either this
        // thread sees the worker as a sleeper, or the worker sees the new generation before it waits.
        state.ticket.store(generation << 32 | UInt64(chunks) << 16, ordering: .sequentiallyConsistent)
        if state.sleepers.load(ordering: .sequentiallyConsistent) > 0 { state.wakeAll() }
        state.work(thread: 0, generation: generation)
        var spins = 0
        while state.completed.load(ordering: .acquiring) < chunks {
            spins += 1
            if spins > 4096 { sched_yield() }  // a worker was descheduled mid-chunk: let it run
        }
    }

    /// Asks every worker to exit and joins them.
    private func stop() {
        state.stopping.store(true, ordering: .sequentiallyConsistent)
        generation = (generation + 1) & 0xFFFF_FFFF
        state.ticket.store(generation << 32, ordering: .sequentiallyConsistent)
        state.wakeAll()
        for thread in threads { thread.join() }
        threads.removeAll()
    }
}

/// What a worker thread receives at start.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
private final class WorkerStart {
    let state: WorkerPoolState
    let thread: Int

    init(state: WorkerPoolState, thread: Int) {
        self.state = state
        self.thread = thread
    }
}

/// The state the calling thread and the workers share.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
private final class WorkerPoolState: @unchecked Sendable {
    /// Loads of the generation counter an idle worker makes before it parks.
    static let spinIterations = 1 << 16

    /// generation (bits 32...63) | chunk count (16...31) | next unclaimed chunk (0...15).
    let ticket = Atomic<UInt64>(0)
    /// Chunks of the current task finished.
    let completed = Atomic<Int>(0)
    /// Workers parked (or about to park) on the condition variable.
    let sleepers = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    /// The current task and its unit count (written before the ticket is published, read after a claim).
    let task = Atomic<Int>(0)
    let units = Atomic<Int>(0)
    let job: WorkerPool.Job
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init(job: @escaping WorkerPool.Job) {
        self.job = job
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Claims and computes chunks of task `generation` until none is left (or a newer task was published).
    func work(thread: Int, generation: UInt64) {
        var ticket = self.ticket.load(ordering: .acquiring)
        while ticket >> 32 == generation {
            let next = Int(ticket & 0xFFFF), chunks = Int((ticket >> 16) & 0xFFFF)
            if next >= chunks { return }
            let (exchanged, original) = self.ticket.compareExchange(expected: ticket, desired: ticket + 1,
                                                                   ordering: .acquiringAndReleasing)
            guard exchanged else {
                ticket = original
                continue
            }
            // The claimed chunk keeps the task alive: the caller cannot publish the next one before it is done.
            let units = self.units.load(ordering: .relaxed)
            job(task.load(ordering: .relaxed), (next * units / chunks)..<((next + 1) * units / chunks), thread)
            completed.add(1, ordering: .releasing)
            ticket = self.ticket.load(ordering: .acquiring)
        }
    }

    /// A worker's life: wait for a new generation (spinning, then parked), help with its chunks, repeat.
    func workerLoop(thread: Int) {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var generation = ticket.load(ordering: .acquiring) >> 32
            while generation == seen {
                spins += 1
                if spins >= Self.spinIterations {
                    park(seen: seen)
                    spins = 0
                }
                generation = ticket.load(ordering: .acquiring) >> 32
            }
            if stopping.load(ordering: .acquiring) { return }
            seen = generation
            work(thread: thread, generation: generation)
        }
    }

    /// Sleeps until the generation differs from `seen` (or a spurious wake-up; the caller re-checks).
    private func park(seen: UInt64) {
        pthread_mutex_lock(mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        if ticket.load(ordering: .sequentiallyConsistent) >> 32 == seen {
            pthread_cond_wait(condition, mutex)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
    }

    /// Wakes every parked worker.
    func wakeAll() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}

/// A started POSIX thread running `WorkerPoolState.workerLoop`.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
private struct WorkerThreadHandle {
    let thread: pthread_t

    /// Starts a thread for the retained `WorkerStart` at `start`; nil when the system refuses.
    static func start(_ start: UnsafeMutableRawPointer) -> WorkerThreadHandle? {
        #if canImport(Darwin)
        var thread: pthread_t?
        let result = pthread_create(&thread, nil, { argument in
            WorkerThreadHandle.main(argument)
            return nil
        }, start)
        guard result == 0, let thread else { return nil }
        return WorkerThreadHandle(thread: thread)
        #else
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            WorkerThreadHandle.main(argument!)
            return nil
        }, start)
        guard result == 0 else { return nil }
        return WorkerThreadHandle(thread: thread)
        #endif
    }

    private static func main(_ argument: UnsafeMutableRawPointer) {
        let start = Unmanaged<WorkerStart>.fromOpaque(argument).takeRetainedValue()
        start.state.workerLoop(thread: start.thread)
    }

    func join() {
        pthread_join(thread, nil)
    }
}
