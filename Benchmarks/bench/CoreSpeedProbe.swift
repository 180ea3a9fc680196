import Foundation

/// A fixed chain of dependent 64-bit xor-shift-multiply steps (which, unlike a plain multiply-add, the compiler
/// cannot fold into fewer steps), timed on the calling thread before every timing round. Its rate
/// does not depend on caches, memory or the models, only on how much of a core the process is getting: on a shared
/// virtual machine it drops when the host's clock falls or another guest runs on the same physical core's second
/// hardware thread. A wide spread over one bench run says the medians moved with the host, not with the code
/// (the alternating rounds still keep side-by-side ratios fair).
struct CoreSpeedProbe {
    /// Steps per sample (about 1 ms on a 3 GHz core: shift, xor and a 3-cycle multiply in a row, 5 cycles a step).
    static let steps = 600_000
    /// Million steps per second, one value per sample.
    private(set) var rates: [Double] = []

    /// Times one chain and records its rate.
    mutating func sample() {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = Self.chain(seed: UInt64(truncatingIfNeeded: start), steps: Self.steps)
        let elapsed = max(DispatchTime.now().uptimeNanoseconds - start, 1)
        // Both steps are bijections that map only 0 to 0 and the chain starts odd, so this always holds; reading the
        // result keeps the compiler from dropping the chain.
        precondition(value != 0, "the probe chain reached 0")
        rates.append(Double(Self.steps) * 1e3 / Double(elapsed))
    }

    @inline(never)
    private static func chain(seed: UInt64, steps: Int) -> UInt64 {
        var value = seed | 1
        for _ in 0..<steps {
            value ^= value >> 29
            value = value &* 0xBF58_476D_1CE4_E5B9
        }
        return value
    }

    /// One line for the notes: min / median / max rate and the spread, with what a wide spread means; nil before
    /// the first sample.
    var summary: String? {
        guard !rates.isEmpty else { return nil }
        let sorted = rates.sorted()
        let low = sorted[0], high = sorted[sorted.count - 1], median = sorted[(sorted.count - 1) / 2]
        let spread = 100 * (high - low) / high
        let verdict = spread > 15
            ? "the host gave this process a varying share of a core during the run, so medians above carry that variation"
            : "the core's speed was steady during the run"
        return String(format: "core speed probe (dependent xor-shift-multiply chain before each of %d timing rounds): min %.0f, median %.0f, max %.0f million steps/s, spread %.0f%%: %@",
                      rates.count, low, median, high, spread, verdict)
    }
}
