/// Decides which steps are divided among threads (internal).
///
/// Handing a step to the workers costs about a microsecond on the critical path (the task's cache line reaching
/// each worker, each worker's completion flag coming back, a few hundred nanoseconds each on a multi-core x86
/// server), so only steps estimated above `minimumNanoseconds` are split; the rest run whole on the calling
/// thread.
enum ParallelSchedule {
    /// Steps estimated below this run whole on the calling thread.
    static let minimumNanoseconds: Double = 4000

    /// Parts for a step with `partition` on `threads` threads; 1 means: run it whole on the calling thread.
    static func parts(for partition: StepPartition?, threads: Int) -> Int {
        guard threads > 1, let partition, partition.units >= 2,
              partition.estimatedNanoseconds >= minimumNanoseconds else { return 1 }
        return min(partition.units, threads)
    }
}
