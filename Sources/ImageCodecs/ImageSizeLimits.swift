/// Upper bounds on the size of a decoded image, checked against the file header before any pixel memory is
/// allocated, so that a small malicious file cannot make the decoder allocate gigabytes.
public struct ImageSizeLimits: Sendable, Equatable {
    /// Largest accepted width and largest accepted height, in pixels.
    public var maximumSide: Int
    /// Largest accepted `width * height`, in pixels.
    public var maximumPixelCount: Int

    /// The default limits: at most 16,384 pixels per side and at most 100,000,000 pixels (300 MB of RGB).
    public static let `default` = ImageSizeLimits(maximumSide: 16_384, maximumPixelCount: 100_000_000)

    /// Creates limits; both values are in pixels.
    public init(maximumSide: Int, maximumPixelCount: Int) {
        self.maximumSide = maximumSide
        self.maximumPixelCount = maximumPixelCount
    }

    /// Whether an image of `width` x `height` pixels (both positive) fits within the limits.
    public func accepts(width: Int, height: Int) -> Bool {
        guard width <= maximumSide, height <= maximumSide else { return false }
        let (pixelCount, overflow) = width.multipliedReportingOverflow(by: height)
        return !overflow && pixelCount <= maximumPixelCount
    }
}
