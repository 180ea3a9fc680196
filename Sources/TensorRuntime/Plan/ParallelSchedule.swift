/// Decides how a step is divided among threads (internal).
///
/// Handing a step to the workers costs on the order of a microsecond (publishing it, the workers noticing,
/// claiming chunks, waiting for the last one), so only steps estimated above `minimumNanoseconds` are split.
/// Large steps get several chunks per thread, so a thread the OS pauses delays the step by one small chunk only.
enum ParallelSchedule {
    /// Steps estimated below this run whole on the calling thread.
    static let minimumNanoseconds: Double = 2500
    /// Steps estimated above this get `chunksPerThreadLarge` chunks per thread.
    static let largeNanoseconds: Double = 20000
    static let chunksPerThreadLarge = 4

    /// Chunks for a step with `partition` on `threads` threads; 1 means: run it whole on the calling thread.
    static func chunks(for partition: StepPartition?, threads: Int) -> Int {
        guard threads > 1, let partition, partition.units >= 2,
              partition.estimatedNanoseconds >= minimumNanoseconds else { return 1 }
        let perThread = partition.estimatedNanoseconds >= largeNanoseconds ? chunksPerThreadLarge : 1
        return min(partition.units, threads * perThread)
    }
}
