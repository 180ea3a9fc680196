/// An axis-aligned box stored as MediaPipe stores relative bounding boxes: minimum corner and size.
///
/// The unit is whatever the owner says (normalized [0, 1] coordinates for detections, pixels elsewhere); the
/// maximum corner is `min + size` computed in single precision, exactly as MediaPipe's `Rectangle_f` does.
public struct AxisAlignedBox: Hashable, Sendable {
    /// Left edge.
    public var xMin: Float
    /// Top edge.
    public var yMin: Float
    /// Extent to the right of `xMin`.
    public var width: Float
    /// Extent below `yMin`.
    public var height: Float

    /// Creates a box from its minimum corner and size.
    public init(xMin: Float, yMin: Float, width: Float, height: Float) {
        self.xMin = xMin
        self.yMin = yMin
        self.width = width
        self.height = height
    }

    /// Creates a box from its two corners (`xMax ≥ xMin`, `yMax ≥ yMin` for a non-empty box).
    public init(xMin: Float, yMin: Float, xMax: Float, yMax: Float) {
        self.init(xMin: xMin, yMin: yMin, width: xMax - xMin, height: yMax - yMin)
    }

    /// Right edge, `xMin + width`.
    public var xMax: Float { xMin + width }
    /// Bottom edge, `yMin + height`.
    public var yMax: Float { yMin + height }
    /// Centre x, `xMin + width/2`.
    public var xCenter: Float { xMin + width / 2 }
    /// Centre y, `yMin + height/2`.
    public var yCenter: Float { yMin + height / 2 }
    /// `width × height`.
    public var area: Float { width * height }

    /// Intersection over union (MediaPipe's `OverlapSimilarity`/`CalculateIou`): 0 when the boxes do not touch
    /// (a shared edge counts as touching with zero area) or when the union is not positive.
    public func intersectionOverUnion(with other: AxisAlignedBox) -> Float {
        let left = max(xMin, other.xMin), right = min(xMax, other.xMax)
        let top = max(yMin, other.yMin), bottom = min(yMax, other.yMax)
        guard left <= right, top <= bottom else { return 0 }
        let intersection = (right - left) * (bottom - top)
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }
}
