/// Errors raised by the smoothing filters.
public enum SmoothingError: Error, Equatable, CustomStringConvertible {
    /// A filter parameter is out of its valid range (the message names it).
    case invalidParameter(String)
    /// A timestamp is not finite or does not fit in 64-bit nanoseconds.
    case invalidTimestamp(Double)
    /// The number of landmarks changed between frames without a reset.
    case landmarkCountChanged(expected: Int, actual: Int)

    /// A readable explanation of the error.
    public var description: String {
        switch self {
        case let .invalidParameter(message): return "smoothing: invalid parameter: \(message)"
        case let .invalidTimestamp(seconds): return "smoothing: invalid timestamp \(seconds) s"
        case let .landmarkCountChanged(expected, actual):
            return "smoothing: \(actual) landmarks given, the filters were set up for \(expected); reset first"
        }
    }
}

/// Timestamp conversion shared by the filters: seconds (the API unit) → integer nanoseconds (the unit MediaPipe's
/// filters compare and difference), rounded to the nearest nanosecond.
enum FilterTimestamp {
    static func nanoseconds(fromSeconds seconds: Double) throws -> Int64 {
        let value = (seconds * 1e9).rounded()
        guard value.isFinite, value >= -9.2e18, value <= 9.2e18 else { throw SmoothingError.invalidTimestamp(seconds) }
        return Int64(value)
    }
}
