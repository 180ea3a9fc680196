import Foundation

/// Errors raised when projecting raw model landmarks.
public enum LandmarkProjectionError: Error, Equatable, CustomStringConvertible {
    /// The raw buffer does not hold `count × stride` values, or the stride is below 3.
    case invalidRawLayout(valueCount: Int, landmarkCount: Int, stride: Int)
    /// The model input size is not positive.
    case invalidInputSize(Float)

    /// A readable explanation of the error.
    public var description: String {
        switch self {
        case let .invalidRawLayout(valueCount, landmarkCount, stride):
            return "landmark projection: \(valueCount) raw values cannot hold \(landmarkCount) landmarks of stride "
                + "\(stride) (stride must be ≥ 3)"
        case let .invalidInputSize(size):
            return "landmark projection: model input size \(size) must be positive"
        }
    }
}

/// Maps landmarks between a model's crop and the image, as MediaPipe's `TensorsToLandmarksCalculator` +
/// `LandmarkProjectionCalculator` do (§6).
///
/// Crop unit: model input pixels (x, y, z of a `inputSize × inputSize` crop, e.g. 192 for the face models).
/// Image unit: **normalized** (x/W, y/H, z/W; use `LandmarkCoordinates.toPixels` for pixels, where z becomes
/// z/inputSize · ROI width in pixels). With x′ = x/inputSize − ½, y′ = y/inputSize − ½, r the ROI rotation:
/// x_img = (cos r·x′ − sin r·y′)·w + c_x, y_img = (sin r·x′ + cos r·y′)·h + c_y, z_img = z/inputSize·w.
/// Exact for ROIs that are square in pixels (all ROIs the pipeline builds).
public enum LandmarkProjection {
    /// Crop → normalized image coordinates.
    public static func cropToImage(_ landmarks: [Landmark], inputSize: Float, region: NormalizedRect) -> [Landmark] {
        landmarks.map { project(x: $0.x, y: $0.y, z: $0.z, inputSize: inputSize, region: region) }
    }

    /// Crop → normalized image coordinates, reading `landmarkCount` landmarks of `stride` Floats (x, y, z first)
    /// from a raw model output.
    public static func cropToImage(raw: UnsafeBufferPointer<Float>, landmarkCount: Int, stride: Int = 3,
                                   inputSize: Float, region: NormalizedRect) throws -> [Landmark] {
        guard stride >= 3, landmarkCount >= 0, raw.count >= landmarkCount * stride else {
            throw LandmarkProjectionError.invalidRawLayout(valueCount: raw.count, landmarkCount: landmarkCount,
                                                           stride: stride)
        }
        guard inputSize > 0 else { throw LandmarkProjectionError.invalidInputSize(inputSize) }
        return (0..<landmarkCount).map { i in
            project(x: raw[i * stride], y: raw[i * stride + 1], z: raw[i * stride + 2], inputSize: inputSize,
                    region: region)
        }
    }

    /// Normalized image coordinates → crop (the inverse of `cropToImage` for a region that is square in pixels).
    public static func imageToCrop(_ landmarks: [Landmark], inputSize: Float, region: NormalizedRect,
                                   imageWidth: Int, imageHeight: Int) -> [Landmark] {
        // Undo in pixels, where the rotation is a true rotation.
        let w = Float(imageWidth), h = Float(imageHeight)
        let cosine = cos(region.rotation), sine = sin(region.rotation)
        let sidePixelsX = region.width * w, sidePixelsY = region.height * h
        return landmarks.map { landmark in
            let dx = (landmark.x - region.xCenter) * w, dy = (landmark.y - region.yCenter) * h
            let localX = cosine * dx + sine * dy, localY = -sine * dx + cosine * dy
            return Landmark(x: (localX / sidePixelsX + 0.5) * inputSize, y: (localY / sidePixelsY + 0.5) * inputSize,
                            z: landmark.z / region.width * inputSize)
        }
    }

    @inline(__always)
    static func project(x: Float, y: Float, z: Float, inputSize: Float, region: NormalizedRect) -> Landmark {
        let localX = x / inputSize - 0.5, localY = y / inputSize - 0.5
        let angle = region.rotation
        let rotatedX = cos(angle) * localX - sin(angle) * localY
        let rotatedY = sin(angle) * localX + cos(angle) * localY
        return Landmark(x: rotatedX * region.width + region.xCenter, y: rotatedY * region.height + region.yCenter,
                        z: z / inputSize * region.width)
    }
}
