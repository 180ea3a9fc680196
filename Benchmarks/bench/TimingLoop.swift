import Dispatch

/// Times a closure with the monotonic clock: untimed warm-up runs, then one sample per timed run.
enum TimingLoop {
    /// Nanoseconds of the monotonic clock (unaffected by wall-clock changes).
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Runs `body` `warmup` times untimed, then `runs` times timed; returns the per-run times in milliseconds.
    static func measure(warmup: Int, runs: Int, _ body: () throws -> Void) throws -> [Double] {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        for _ in 0..<runs {
            let start = now()
            try body()
            samples.append(Double(now() - start) / 1e6)
        }
        return samples
    }
}
