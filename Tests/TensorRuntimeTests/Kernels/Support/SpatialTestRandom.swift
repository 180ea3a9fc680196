import TestSupport

/// Seeded, deterministic random numbers for the spatial-transformer tests (bits from `SplitMix64`), so every run
/// checks the same cases.
struct SpatialTestRandom {
    private var bits: SplitMix64

    init(seed: UInt64) { bits = SplitMix64(seed: seed) }

    mutating func nextBits() -> UInt64 {
        bits.next()
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(nextBits() >> 11) / Double(1 << 53)
    }

    /// Uniform Float in [low, high).
    mutating func uniformFloat(_ low: Float, _ high: Float) -> Float {
        Float(uniform(Double(low), Double(high)))
    }

    /// Uniform integer in `range`.
    mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(nextBits() % UInt64(range.count))
    }

    /// `count` floats uniform in [low, high).
    mutating func floats(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
        (0..<count).map { _ in uniformFloat(low, high) }
    }
}
