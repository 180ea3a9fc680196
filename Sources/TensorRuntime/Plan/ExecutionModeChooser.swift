/// Chooses, run by run, whether a runner with worker threads splits its steps or runs them all on the calling
/// thread, from the measured duration of recent runs of each kind (internal).
///
/// On a machine with a free core the split run is faster and is chosen; when other processes hold the cores,
/// waiting for a descheduled worker makes split runs slower than serial ones, and serial runs are chosen. Every
/// `probeInterval`-th run tries the other mode so that both estimates stay current. Each mode's estimate is the
/// median of its last `window` runs (robust to single runs the OS interrupts). Both modes compute identical
/// results. Nothing is allocated after initialisation.
struct ExecutionModeChooser {
    /// Runs between two runs of the mode not currently preferred.
    static let probeInterval = 8
    /// Recent runs kept per mode.
    static let window = 5

    private var parallelRuns = RecentDurations()
    private var serialRuns = RecentDurations()
    private var runs = 0

    /// Whether the next run should split its steps across threads.
    mutating func nextRunIsParallel() -> Bool {
        runs += 1
        guard let parallel = parallelRuns.median else { return true }
        guard let serial = serialRuns.median else { return runs % Self.probeInterval != 0 }
        let preferParallel = parallel <= serial
        return runs % Self.probeInterval == 0 ? !preferParallel : preferParallel
    }

    /// Records the duration of a run of the given mode, in nanoseconds.
    mutating func record(parallel: Bool, nanoseconds: UInt64) {
        if parallel { parallelRuns.append(nanoseconds) } else { serialRuns.append(nanoseconds) }
    }

    /// The last `window` durations in a fixed ring (no heap storage).
    private struct RecentDurations {
        private var values: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        private var count = 0

        mutating func append(_ value: UInt64) {
            switch count % ExecutionModeChooser.window {
            case 0: values.0 = value
            case 1: values.1 = value
            case 2: values.2 = value
            case 3: values.3 = value
            default: values.4 = value
            }
            count += 1
        }

        /// Median of the stored durations (the lower middle one for an even count); nil when none.
        var median: UInt64? {
            let stored = min(count, ExecutionModeChooser.window)
            guard stored > 0 else { return nil }
            var sorted = (values.0, values.1, values.2, values.3, values.4)
            return withUnsafeMutableBytes(of: &sorted) { raw in
                let buffer = raw.bindMemory(to: UInt64.self)
                var slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<stored])
                slice.sort()
                return slice[(stored - 1) / 2]
            }
        }
    }
}
