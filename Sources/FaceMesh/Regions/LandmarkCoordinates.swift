/// Conversions between the two landmark units of the pipeline.
///
/// - **normalized**: x/W, y/H and z/W (MediaPipe's `NormalizedLandmark`; z shares x's scale), the unit the
///   pipeline steps exchange;
/// - **pixels**: x, y in image pixels (pixel k centred at k) and z in the same pixel scale as x.
public enum LandmarkCoordinates {
    /// Normalized → pixels: (x·W, y·H, z·W).
    public static func toPixels(_ landmarks: [Landmark], imageWidth: Int, imageHeight: Int) -> [Landmark] {
        let w = Float(imageWidth), h = Float(imageHeight)
        return landmarks.map { Landmark(x: $0.x * w, y: $0.y * h, z: $0.z * w) }
    }

    /// Pixels → normalized: (x/W, y/H, z/W).
    public static func toNormalized(_ landmarks: [Landmark], imageWidth: Int, imageHeight: Int) -> [Landmark] {
        let w = Float(imageWidth), h = Float(imageHeight)
        return landmarks.map { Landmark(x: $0.x / w, y: $0.y / h, z: $0.z / w) }
    }
}
