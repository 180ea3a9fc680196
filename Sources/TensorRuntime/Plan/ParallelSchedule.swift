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

    /// Parts for `group` on `threads` threads (1: run its steps one after the other on the calling thread).
    static func parts(for group: StepGroup, steps: [ExecutionPlan.Step], threads: Int) -> Int {
        if group.members.isEmpty { return parts(for: steps[group.steps.lowerBound].partition, threads: threads) }
        guard threads > 1, group.estimatedNanoseconds >= minimumNanoseconds else { return 1 }
        return min(threads, max(group.members.count, group.members.map(\.units).max() ?? 1))
    }

    /// Units of part `part` of `parts`: the `part`-th of `parts` nearly equal contiguous ranges of 0..<units.
    static func units(part: Int, of parts: Int, units: Int) -> Range<Int> {
        (part * units / parts)..<((part + 1) * units / parts)
    }
}
