import TestSupport

/// Seeded random test inputs for the kernel tests (bits from `SplitMix64`), so they are deterministic.
struct TestRandom: RandomNumberGenerator {
    private var bits: SplitMix64

    init(seed: UInt64) {
        bits = SplitMix64(seed: seed)
    }

    mutating func next() -> UInt64 {
        bits.next()
    }

    /// `count` floats uniformly distributed in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }

    /// A uniformly chosen element of `values`.
    mutating func pick<T>(_ values: [T]) -> T {
        values[Int.random(in: 0..<values.count, using: &self)]
    }

    /// An integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// true with probability 1/2.
    mutating func bool() -> Bool {
        Bool.random(using: &self)
    }
}
