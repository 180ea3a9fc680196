/// The timing of one workload at one thread count.
struct Measurement {
    let name: String
    let threads: Int
    let timing: TimingSummary
    let multiplyAccumulates: Int

    /// Convolution throughput at the median time, in GMAC/s.
    var gigaMultiplyAccumulatesPerSecond: Double {
        Double(multiplyAccumulates) / (timing.medianMilliseconds / 1000) / 1e9
    }
}
