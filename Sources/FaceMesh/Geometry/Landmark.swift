/// A 3-D landmark point.
///
/// The unit depends on where the landmark comes from and is stated by every API that returns one: model outputs are
/// in crop pixels (192-px units for the face models, 64-px for the iris model), pipeline results are in image pixels
/// with `z` in the same pixel scale as `x` (MediaPipe's convention: origin near the head centre, smaller values are
/// closer to the camera), normalized landmarks divide by the image width and height.
public struct Landmark: Hashable, Sendable, Codable {
    /// Horizontal coordinate, growing to the right.
    public var x: Float
    /// Vertical coordinate, growing downwards.
    public var y: Float
    /// Depth, in the same scale as `x`; smaller is closer to the camera.
    public var z: Float

    /// Creates a landmark from its three coordinates.
    public init(x: Float, y: Float, z: Float = 0) {
        self.x = x
        self.y = y
        self.z = z
    }
}
