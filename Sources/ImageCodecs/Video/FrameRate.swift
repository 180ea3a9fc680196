/// A video frame rate as the exact fraction `numerator / denominator` frames per second (FFmpeg's rational
/// form, e.g. 30000/1001 for NTSC's 29.97 fps).
public struct FrameRate: Sendable, Hashable, CustomStringConvertible {
    /// Frames per `denominator` seconds (positive).
    public let numerator: Int
    /// Seconds per `numerator` frames (positive).
    public let denominator: Int

    /// Creates the rate `numerator / denominator` frames per second.
    /// - Throws: `VideoError.invalidFrameRate` unless both parts are positive.
    public init(numerator: Int, denominator: Int = 1) throws {
        guard numerator > 0, denominator > 0 else {
            throw VideoError.invalidFrameRate(denominator == 0 ? 0 : Double(numerator) / Double(denominator))
        }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The rate `framesPerSecond` as a fraction: n/1 for a whole number, else rounded to a multiple of 1/1000 fps.
    /// - Throws: `VideoError.invalidFrameRate` unless the value is finite and in [0.001, 1,000,000].
    public init(framesPerSecond: Double) throws {
        guard framesPerSecond.isFinite, framesPerSecond >= 0.001, framesPerSecond <= 1_000_000 else {
            throw VideoError.invalidFrameRate(framesPerSecond)
        }
        if framesPerSecond == framesPerSecond.rounded() {
            try self.init(numerator: Int(framesPerSecond), denominator: 1)
        } else {
            try self.init(numerator: Int((framesPerSecond * 1000).rounded()), denominator: 1000)
        }
    }

    /// Parses FFmpeg's "num/den" or a plain decimal ("25", "29.97"); nil for "0/0", zero, negative or malformed
    /// text.
    public init?(ffmpegText text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let numerator = Int(parts[0]), let denominator = Int(parts[1]),
           let rate = try? FrameRate(numerator: numerator, denominator: denominator) {
            self = rate
        } else if parts.count == 1, let value = Double(text), let rate = try? FrameRate(framesPerSecond: value) {
            self = rate
        } else {
            return nil
        }
    }

    /// Frames per second as a floating-point number.
    public var framesPerSecond: Double { Double(numerator) / Double(denominator) }

    /// The time of frame `index` (0-based) in seconds: index · denominator / numerator.
    public func timestamp(ofFrame index: Int) -> Double {
        Double(index) * Double(denominator) / Double(numerator)
    }

    /// FFmpeg's text form "numerator/denominator", accepted by its `-r` and `-framerate` options.
    public var description: String { "\(numerator)/\(denominator)" }
}
