import XCTest

/// The largest elementwise difference between two Float arrays and where it occurs.
public struct ArrayDifference: Sendable, Equatable {
    /// Index of the largest |actual − expected| (−1 for empty arrays).
    public let index: Int
    /// The largest |actual − expected| (infinity when the counts differ or a difference is NaN: a NaN on either
    /// side, or equal infinities, never pass as close).
    public let maximum: Float

    /// Compares `actual` with `expected` elementwise.
    public init(_ actual: [Float], _ expected: [Float]) {
        guard actual.count == expected.count else {
            index = -1
            maximum = .infinity
            return
        }
        var worst: (index: Int, difference: Float) = (-1, 0)
        for position in actual.indices {
            var difference = abs(actual[position] - expected[position])
            if difference.isNaN { difference = .infinity }
            if worst.index < 0 || difference > worst.difference { worst = (position, difference) }
        }
        index = worst.index
        maximum = worst.difference
    }
}

/// Asserts that `actual` matches `expected` elementwise: |actual[i] − expected[i]| ≤ absoluteTolerance +
/// relativeTolerance · max(1, max |expected|) (a NaN anywhere fails). On failure the
/// message gives the largest error, its index, both values and the tolerance. Returns the largest difference (for
/// tests that state the measured value beside their bound).
@discardableResult
public func assertClose(_ actual: [Float], _ expected: [Float], absoluteTolerance: Float = 0,
                        relativeTolerance: Float = 1e-5, _ message: @autoclosure () -> String = "",
                        file: StaticString = #filePath, line: UInt = #line) -> ArrayDifference {
    let difference = ArrayDifference(actual, expected)
    guard actual.count == expected.count else {
        XCTFail("\(message()): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return difference
    }
    let scale = max(1, expected.lazy.map { $0.isFinite ? abs($0) : 0 }.max() ?? 0)
    let tolerance = absoluteTolerance + relativeTolerance * scale
    if !(difference.maximum <= tolerance) {
        let index = difference.index
        XCTFail("\(message()): largest error \(difference.maximum) at element \(index) (\(actual[index]), expected "
                    + "\(expected[index])), tolerance \(tolerance)", file: file, line: line)
    }
    return difference
}
