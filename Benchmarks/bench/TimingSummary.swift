/// Median and 10th/90th percentiles of a set of times (milliseconds), percentiles by linear interpolation
/// between the closest ranks.
struct TimingSummary {
    let medianMilliseconds: Double
    let p10Milliseconds: Double
    let p90Milliseconds: Double
    let count: Int

    /// Summarises `samples` (at least one value).
    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "a timing summary needs at least one sample")
        let sorted = samples.sorted()
        func percentile(_ fraction: Double) -> Double {
            let position = fraction * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
        }
        medianMilliseconds = percentile(0.5)
        p10Milliseconds = percentile(0.1)
        p90Milliseconds = percentile(0.9)
        count = sorted.count
    }
}
