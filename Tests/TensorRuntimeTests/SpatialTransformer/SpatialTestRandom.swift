/// Seeded, deterministic random numbers for the spatial-transformer tests (SplitMix64), so every run checks the
/// same cases.
struct SpatialTestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
