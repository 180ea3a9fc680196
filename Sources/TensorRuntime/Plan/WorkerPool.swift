#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CThreadName
import Synchronization

/// A fixed set of worker threads that, together with the calling thread, computes the parts of one task at a
/// time (internal; owned by one `ModelRunner`, no global state).
///
/// `run(task:parts:)` has the job compute parts 0..<parts of a task; part p belongs to thread p (the caller is
/// thread 0, workers 1...). Fixed ownership keeps every thread on the same slice of the
/// activations from step to step (the data it reads is mostly data it wrote, still in its own cache), and costs
/// one cache-line hand-off per worker instead of a contended claim per chunk — on this class of machine a line
/// moves between cores in about 250 ns. A worker that has not started its part when the caller has finished its
/// own and waited `stealAfterNanoseconds` (the OS paused it) has the part taken over by the caller; a per-part claim
/// decides who computes it, so each part is computed exactly once. The job must give every unit the same result
/// on any thread.
///
/// Hand-off: a task is published by bumping a generation counter. Idle workers spin on it for a while
/// (`WorkerPoolState.spinNanoseconds`, 1 ms: longer than any gap between the split steps of one inference; past
/// `WorkerPoolState.idleYieldAfterNanoseconds` they yield their core between polls), then park on a condition
/// variable; the caller wakes parked workers only when some are parked. Nothing is allocated per task. `deinit`
/// stops and joins the workers.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
final class WorkerPool {
    /// Computes part `part` of `parts` of task `task` on thread `thread` (0 = the caller, 1... = workers).
    typealias Job = (_ task: Int, _ part: Int, _ parts: Int, _ thread: Int) -> Void

    /// How long the caller waits, after finishing its own part, before it takes over a part the worker has not
    /// started (the OS paused the worker); far above the normal start latency of about a microsecond.
    static let stealAfterNanoseconds: UInt64 = 30_000
    /// How long the caller polls before it starts yielding its core while it waits for a worker.
    static let yieldAfterNanoseconds: UInt64 = 5_000

    /// Threads that compute a task: the workers plus the calling thread.
    let threadCount: Int
    private let state: WorkerPoolState
    private var threads: [WorkerThreadHandle] = []
    /// Generation of the last published task (only the calling thread writes it).
    private var generation: UInt64 = 0
    /// Parts the caller computed in a worker's place because the worker had not started (only the caller writes it).
    private(set) var partsTakenOver = 0

    /// Parts each worker has computed so far (index 0: worker 1); read while no task runs.
    var partsComputedByWorkers: [Int] {
        state.slots.map { $0.computed.load(ordering: .relaxed) }
    }

    /// Starts `workerCount` (≥ 1) worker threads that run `job`.
    /// - Throws: `PlanError.threadStartFailed` when the system refuses to create a thread (the threads already
    ///   started are stopped again).
    init(workerCount: Int, job: @escaping Job) throws {
        precondition(workerCount >= 1, "a worker pool needs at least one worker")
        threadCount = workerCount + 1
        state = WorkerPoolState(workerCount: workerCount, job: job)
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

    /// Computes parts 0..<`parts` (2...threadCount) of task `task`, part p on thread p; returns when all parts are
    /// done. Must be called from one thread at a time (the runner's caller).
    /// Returns how long the caller waited for the workers after finishing its own part, in nanoseconds (a worker
    /// that has not started after `stealAfterNanoseconds` has its part computed by the caller instead). Long waits
    /// mean the machine has no core free for the workers right now.
    @discardableResult
    func run(task: Int, parts: Int) -> UInt64 {
        let parts = max(1, min(parts, threadCount))
        generation = (generation + 1) & 0xFFFF_FFFF
        if generation == 0 { generation = 1 }
        let generation = self.generation
        state.publish(task: task, parts: parts, generation: generation)
        state.runJob(task: task, part: 0, parts: parts, thread: 0)
        var waited: UInt64 = 0
        for part in 1..<parts {
            let slot = state.slots[part - 1]
            var spins = 0, waitStart: UInt64 = 0
            while slot.done.load(ordering: .acquiring) != generation {
                spins += 1
                if spins & 63 != 0 { continue }
                let now = monotonicNanoseconds()
                if waitStart == 0 { waitStart = now }
                let waiting = now - waitStart
                if waiting >= Self.stealAfterNanoseconds, slot.claim(generation) {
                    // The worker has not started: compute its part here (it will skip it).
                    waited += waiting
                    waitStart = 0
                    partsTakenOver += 1
                    state.runJob(task: task, part: part, parts: parts, thread: 0)
                    break
                }
                // A worker that is late may be queued on this very core (woken up here) or paused: let it run.
                if waiting >= Self.yieldAfterNanoseconds { sched_yield() }
            }
            if waitStart != 0 { waited += monotonicNanoseconds() - waitStart }
        }
        return waited
    }

    /// Whether some worker is parked (idle for over `WorkerPoolState.spinNanoseconds`), so that a task published
    /// now would wait for its wake-up.
    var hasParkedWorkers: Bool {
        state.hasSleepers
    }

    /// Wakes parked workers now, so that they are spinning by the time the first part arrives.
    func wakeIfParked() {
        if hasParkedWorkers { state.wakeAll() }
    }

    /// Asks every worker to exit and joins them.
    private func stop() {
        generation = (generation + 1) & 0xFFFF_FFFF
        state.stop(generation: generation)
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

/// One worker's flags, alone on their cache lines (padding before and after) so that polling them does not
/// disturb the other threads' data.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
private final class WorkerSlot: @unchecked Sendable {
    private let paddingBefore: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// The last generation whose part this worker's slot was claimed for (by the worker or by the caller).
    let claimed = Atomic<UInt64>(0)
    /// The last generation whose part is finished.
    let done = Atomic<UInt64>(0)
    /// Parts this worker computed itself (statistics; written by the worker only).
    let computed = Atomic<Int>(0)
    private let paddingAfter: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// Claims the part of `generation`; false when someone already did.
    func claim(_ generation: UInt64) -> Bool {
        let current = claimed.load(ordering: .relaxed)
        guard current != generation else { return false }
        return claimed.compareExchange(expected: current, desired: generation, ordering: .acquiringAndReleasing).exchanged
    }
}

/// The state the calling thread and the workers share.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, *)
private final class WorkerPoolState: @unchecked Sendable {
    /// How long an idle worker spins before it parks, in nanoseconds: longer than any gap between the split
    /// steps of one inference (so a running inference never waits for a wake-up), short enough not to burn a
    /// core between inferences.
    static let spinNanoseconds: UInt64 = 1_000_000
    /// How long an idle worker spins before it also yields its core (`sched_yield`) at every reading of the clock,
    /// until it parks. The gaps between the split steps of one inference are mostly shorter, so the hand-off
    /// latency inside an inference stays that of pure spinning; after its runner's inference, the worker lets
    /// other threads that want its core run, such as another runner's workers (a cascade runs a mesh runner and
    /// an iris runner one after the other: at 2 threads it took 1.62–1.70 ms with pure spinning and 1.18–1.31 ms
    /// with this, in alternating runs on a 2-vCPU host). A yield with nothing else to run returns at once.
    static let idleYieldAfterNanoseconds: UInt64 = 20_000
    /// Loads of the generation counter between two readings of the clock while spinning.
    static let spinsPerClockReading = 1024

    /// generation (bits 32...63) | part count (0...31); the task sits beside it, on the same cache line.
    let ticket = Atomic<UInt64>(0)
    let task = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    /// Workers parked (or about to park) on the condition variable.
    let sleepers = Atomic<Int>(0)
    /// Worker w's flags at index w − 1.
    let slots: [WorkerSlot]
    let job: WorkerPool.Job
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init(workerCount: Int, job: @escaping WorkerPool.Job) {
        self.job = job
        slots = (0..<workerCount).map { _ in WorkerSlot() }
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

    /// Publishes a task (caller thread only).
    func publish(task: Int, parts: Int, generation: UInt64) {
        self.task.store(task, ordering: .relaxed)
        // The sequentially consistent store and load pair with the parking worker's (see `park`): either the
        // caller sees the worker as a sleeper, or the worker sees the new generation before it waits.
        ticket.store(generation << 32 | UInt64(parts), ordering: .sequentiallyConsistent)
        if hasSleepers { wakeAll() }
    }

    /// Whether some worker is parked or about to park (sequentially consistent, see `publish`).
    var hasSleepers: Bool {
        sleepers.load(ordering: .sequentiallyConsistent) > 0
    }

    /// Computes part `part` of `parts` of task `task` on thread `thread` (the caller's calls). Called as
    /// `state.job(…)` from the pool, the compiled code retained and released the job's closure context around
    /// every call: atomic writes to the cache line from which the worker reads what the job captured, so the line
    /// travelled between the cores on every task. Called from here, the context is borrowed.
    func runJob(task: Int, part: Int, parts: Int, thread: Int) {
        job(task, part, parts, thread)
    }

    /// Makes the workers exit (caller thread only).
    func stop(generation: UInt64) {
        stopping.store(true, ordering: .sequentiallyConsistent)
        ticket.store(generation << 32, ordering: .sequentiallyConsistent)
        wakeAll()
    }

    /// A worker's life: wait for a new generation (spinning, then parked), compute its part if it has one and
    /// the caller has not taken it over, repeat.
    func workerLoop(thread: Int) {
        let slot = slots[thread - 1]
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var idleSince = monotonicNanoseconds()
            var ticket = self.ticket.load(ordering: .acquiring)
            while ticket >> 32 == seen {
                spins += 1
                if spins == Self.spinsPerClockReading {
                    spins = 0
                    let idle = monotonicNanoseconds() - idleSince
                    if idle >= Self.spinNanoseconds {
                        park(seen: seen)
                        idleSince = monotonicNanoseconds()
                    } else if idle >= Self.idleYieldAfterNanoseconds {
                        sched_yield()
                    }
                }
                ticket = self.ticket.load(ordering: .acquiring)
            }
            if stopping.load(ordering: .acquiring) { return }
            let generation = ticket >> 32
            seen = generation
            let parts = Int(ticket & 0xFFFF_FFFF)
            // The caller waits for this part (done) before it publishes again, so the task is current.
            guard thread < parts, slot.claim(generation) else { continue }
            job(task.load(ordering: .relaxed), thread, parts, thread)
            slot.computed.wrappingAdd(1, ordering: .relaxed)
            slot.done.store(generation, ordering: .releasing)
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

/// The monotonic clock in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
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
        _ = facemesh_name_thread(thread, name)  // named before `init` returns, so observers of the pool see the name
        return WorkerThreadHandle(thread: thread)
        #endif
    }

    /// The name worker threads carry (shown by `top -H`, `perf`, debuggers; at most 15 bytes on Linux).
    static let name = "tensor-worker"

    private static func main(_ argument: UnsafeMutableRawPointer) {
        #if canImport(Darwin)
        _ = facemesh_name_current_thread(name)
        #endif
        let start = Unmanaged<WorkerStart>.fromOpaque(argument).takeRetainedValue()
        start.state.workerLoop(thread: start.thread)
    }

    func join() {
        pthread_join(thread, nil)
    }
}

