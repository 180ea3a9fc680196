import Dispatch

/// The measured cost of one fused step of an execution plan.
public struct StepProfile: Sendable, Equatable {
    /// The step's label: the fused operator types and the index of the first operator (as in `stepLabels`).
    public let label: String
    /// Multiply-accumulates of the step per run (convolutions only; 0 for other steps).
    public let multiplyAccumulates: Int
    /// Median wall-clock time of the step over the profiled runs, in seconds (monotonic clock).
    public let medianSeconds: Double
}

/// Why a profile could not be taken.
public enum ProfilingError: Error, Equatable, CustomStringConvertible {
    /// The number of runs is not at least 1.
    case invalidRunCount(Int)

    public var description: String {
        switch self {
        case let .invalidRunCount(runs): return "profiling needs at least 1 run, got \(runs)"
        }
    }
}

extension ModelRunner {
    /// Times every step of the plan separately on a model with one input (NHWC Float32, exactly
    /// `inputs[0].elementCount` values): one untimed run first (it validates the input and warms the caches), then
    /// `runs` timed runs. Returns one entry per step, in execution order, with the median time over the runs.
    ///
    /// Reading the clock between steps adds a few tens of nanoseconds per step, so the sum of the medians is
    /// slightly above the time of `run`. Outputs are those of the last run afterwards.
    public func profile(input: UnsafeBufferPointer<Float>, runs: Int) throws -> [StepProfile] {
        try profile(inputs: [input], runs: runs)
    }

    /// Like `profile(input:runs:)` for a model with several inputs, given in graph-input order.
    public func profile(inputs values: [UnsafeBufferPointer<Float>], runs: Int) throws -> [StepProfile] {
        guard runs >= 1 else { throw ProfilingError.invalidRunCount(runs) }
        try run(inputs: values)  // validates counts and values; later runs only copy
        let steps = plan.steps
        var samples = [[UInt64]](repeating: [], count: steps.count)
        for index in samples.indices { samples[index].reserveCapacity(runs) }
        for _ in 0..<runs {
            // Later steps may reuse the input's arena memory, so every run copies the input again.
            for (value, offset) in zip(values, plan.inputOffsets) {
                (arena + offset).update(from: value.baseAddress!, count: value.count)
            }
            for index in steps.indices {
                let start = DispatchTime.now().uptimeNanoseconds
                try execute(step: index)
                samples[index].append(DispatchTime.now().uptimeNanoseconds - start)
            }
        }
        return zip(steps, samples).map { step, times in
            StepProfile(label: step.label, multiplyAccumulates: step.multiplyAccumulates,
                        medianSeconds: Self.median(times) / 1e9)
        }
    }

    /// Median of nanosecond samples (mean of the two middle values for an even count).
    private static func median(_ values: [UInt64]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[middle]) }
        return (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }
}
