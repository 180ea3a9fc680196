/// Every error the FaceMesh library throws itself, grouped by pipeline stage. Errors of the runtime that executes
/// the networks (module TensorRuntime: a bad weight file, an invalid thread count) pass through unchanged, and so do
/// `RGBImageError`s of the image type.
///
/// Each case's `description` is one line that says what was wrong and, where it helps, what was expected.
public enum FaceMeshError: Error, Hashable, Sendable, CustomStringConvertible {
    // MARK: Engine and model files

    /// A `FaceMeshOptions` value is out of range (the message names it).
    case invalidOption(String)
    /// Video timestamps must increase while smoothing is on.
    case nonIncreasingTimestamp(previous: Double, current: Double)
    /// No directory with the weight files was found; `searched` lists the directories tried.
    case weightsNotFound(searched: [String])
    /// A weight file holds a different model than expected (wrong input or output shapes).
    case unexpectedModel(file: String, reason: String)
    /// A network input tensor has the wrong number of values.
    case wrongInputSize(expected: Int, actual: Int)
    /// A raw model output does not hold the expected number of values (`output` names it).
    case wrongOutputSize(output: String, expected: Int, actual: Int)

    // MARK: Detection

    /// The detector's input or tensor size is not positive (the message says which).
    case invalidDetectorInput(String)
    /// A frame does not have the size the detector input was prepared for.
    case detectorImageSizeMismatch(expectedWidth: Int, expectedHeight: Int, actualWidth: Int, actualHeight: Int)
    /// The detection decoder's options are inconsistent (the message says how).
    case invalidDecoderOptions(String)
    /// The SSD anchor options are inconsistent (the message says how).
    case invalidAnchorOptions(String)

    // MARK: Regions, crops and landmarks

    /// An image width or height is not positive.
    case invalidImageSize(width: Int, height: Int)
    /// The landmark list is too short for the indices a region or a merge needs.
    case missingLandmark(index: Int, count: Int)
    /// A crop or resize target width or height is not positive.
    case invalidOutputSize(width: Int, height: Int)
    /// A crop region has a non-finite field or a side that is not strictly positive.
    case invalidRegion(RotatedRect)
    /// A crop region's corners do not define an invertible mapping.
    case degenerateRegion(RotatedRect)
    /// A destination buffer is smaller than the crop.
    case destinationTooSmall(required: Int, actual: Int)
    /// Area resampling only shrinks: the target is larger than the source along an axis.
    case areaResizeCannotEnlarge(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int)
    /// A raw landmark buffer does not hold `landmarkCount × stride` values, or the stride is below 3.
    case invalidRawLayout(valueCount: Int, landmarkCount: Int, stride: Int)
    /// The blendshape network needs a face's 478 landmarks; this many were given.
    case wrongLandmarkCount(expected: Int, actual: Int)
    /// A model input size used for projection is not positive.
    case invalidModelInputSize(Float)
    /// The iris merge's index lists do not match the contours, or an index is outside the mesh.
    case invalidMergeIndices(String)

    // MARK: Tracking and smoothing

    /// A smoothing filter parameter is out of its valid range (the message names it).
    case invalidSmoothingParameter(String)
    /// A timestamp is not finite or does not fit in 64-bit nanoseconds.
    case invalidTimestamp(Double)
    /// The number of landmarks changed between frames without a smoother reset.
    case landmarkCountChanged(expected: Int, actual: Int)

    // MARK: Pose (face geometry and Procrustes)

    /// Camera parameters out of range: the vertical field of view must be in (0, 180) degrees and
    /// 0 < near < far, all finite.
    case invalidCamera(verticalFieldOfViewDegrees: Double, near: Double, far: Double)
    /// Fewer landmarks than the canonical model has vertices.
    case tooFewLandmarks(count: Int, required: Int)
    /// A landmark coordinate is NaN or infinite.
    case nonFiniteLandmark(index: Int)
    /// All landmarks lie within 1e-3 (normalized x, y) of their mean: too small a face for a stable estimate.
    /// MediaPipe skips such faces.
    case landmarksTooCompact(maximumDistance: Double)
    /// A camera-space point is not in front of the camera (its z must be negative), so it has no image point.
    case pointBehindCamera(z: Double)
    /// Procrustes: no points were given.
    case noPoints
    /// Procrustes: the source, target and weight arrays have different lengths.
    case countMismatch(source: Int, target: Int, weights: Int)
    /// Procrustes: a coordinate or weight is NaN or infinite.
    case nonFiniteValue(index: Int)
    /// Procrustes: a weight is negative.
    case negativeWeight(index: Int, weight: Double)
    /// Procrustes: the weights sum to ≤ 1e-9 (MediaPipe's threshold).
    case totalWeightTooSmall(Double)
    /// Procrustes: the weighted cross-covariance `Σ wᵢ bᵢ (aᵢ − ā)ᵀ` has Frobenius norm ≤ 1e-9: the weighted
    /// source or target points (nearly) coincide (MediaPipe's threshold).
    case crossCovarianceTooSmall(norm: Double)
    /// Procrustes: the weighted cross-covariance has rank ≤ 1 (second singular value ≤ 1e-6 × the first): the
    /// points lie on a line, so the rotation about that line is undetermined (a check of ours, not MediaPipe's).
    case pointsNearlyCollinear(singularValueRatio: Double)
    /// Procrustes: the scale denominator `Σ wᵢ ‖aᵢ − ā‖²` is ≤ 1e-9: the weighted source points (nearly) coincide.
    case scaleDenominatorTooSmall(Double)
    /// Procrustes: the optimal scale is ≤ 1e-9: the target is (nearly) a single point relative to the source.
    case scaleTooSmall(Double)

    /// A one-line explanation of the error.
    public var description: String {
        switch self {
        case let .invalidOption(reason): return "invalid face mesh option: \(reason)"
        case let .nonIncreasingTimestamp(previous, current):
            return "video timestamps must increase: \(current) s after \(previous) s"
        case let .weightsNotFound(searched):
            return "weight files not found; searched: \(searched.joined(separator: ", ")); set FACEMESH_WEIGHTS_DIR"
        case let .unexpectedModel(file, reason): return "weight file \(file) is not the expected model: \(reason)"
        case let .wrongInputSize(expected, actual): return "model input has \(actual) values, expects \(expected)"
        case let .wrongOutputSize(output, expected, actual):
            return "model output '\(output)' has \(actual) values, expected \(expected)"
        case let .invalidDetectorInput(message): return "detector input: \(message)"
        case let .detectorImageSizeMismatch(expectedWidth, expectedHeight, actualWidth, actualHeight):
            return "detector input: prepared for a \(expectedWidth)×\(expectedHeight) image, got "
                + "\(actualWidth)×\(actualHeight)"
        case let .invalidDecoderOptions(message): return "face detection decoding: \(message)"
        case let .invalidAnchorOptions(message): return "SSD anchors: \(message)"
        case let .invalidImageSize(width, height):
            return "invalid image size \(width)×\(height); both sides must be at least 1 pixel"
        case let .missingLandmark(index, count): return "landmark \(index) needed, only \(count) given"
        case let .invalidOutputSize(width, height):
            return "invalid crop or resize size \(width)×\(height); both sides must be at least 1"
        case let .invalidRegion(rect):
            return "crop: invalid region \(rect); all fields must be finite and both sides positive"
        case let .degenerateRegion(rect): return "crop: region \(rect) does not define an invertible mapping"
        case let .destinationTooSmall(required, actual):
            return "crop: destination holds \(actual) values, \(required) are needed"
        case let .areaResizeCannotEnlarge(sourceWidth, sourceHeight, width, height):
            return "resize: area resampling shrinks only; \(sourceWidth)×\(sourceHeight) → \(width)×\(height)"
        case let .wrongLandmarkCount(expected, actual): return "expected \(expected) landmarks, got \(actual)"
        case let .invalidRawLayout(valueCount, landmarkCount, stride):
            return "landmark projection: \(valueCount) raw values cannot hold \(landmarkCount) landmarks of stride "
                + "\(stride) (stride must be ≥ 3)"
        case let .invalidModelInputSize(size): return "landmark projection: model input size \(size) must be positive"
        case let .invalidMergeIndices(message): return "iris cascade merge: \(message)"
        case let .invalidSmoothingParameter(message): return "smoothing: invalid parameter: \(message)"
        case let .invalidTimestamp(seconds): return "smoothing: invalid timestamp \(seconds) s"
        case let .landmarkCountChanged(expected, actual):
            return "smoothing: \(actual) landmarks given, the filters were set up for \(expected); reset first"
        case let .invalidCamera(fieldOfView, near, far):
            return "invalid perspective camera: vertical FOV \(fieldOfView)° (needs 0 < FOV < 180), "
                + "near \(near), far \(far) (needs 0 < near < far)"
        case let .tooFewLandmarks(count, required): return "face geometry needs at least \(required) landmarks, got \(count)"
        case let .nonFiniteLandmark(index): return "landmark \(index) has a non-finite coordinate"
        case let .landmarksTooCompact(distance):
            return "landmarks too compact for face geometry (max distance to mean \(distance) ≤ 1e-3 normalized)"
        case let .pointBehindCamera(z): return "camera-space point with z = \(z) is not in front of the camera"
        case .noPoints: return "Procrustes: no points"
        case let .countMismatch(source, target, weights):
            return "Procrustes: \(source) source points, \(target) target points and \(weights) weights differ"
        case let .nonFiniteValue(index): return "Procrustes: point or weight \(index) is not finite"
        case let .negativeWeight(index, weight): return "Procrustes: weight \(index) is negative (\(weight))"
        case let .totalWeightTooSmall(total): return "Procrustes: total weight \(total) is ≤ 1e-9"
        case let .crossCovarianceTooSmall(norm):
            return "Procrustes: cross-covariance norm \(norm) is ≤ 1e-9 (points coincide)"
        case let .pointsNearlyCollinear(ratio):
            return "Procrustes: points are collinear (singular value ratio \(ratio)); rotation undetermined"
        case let .scaleDenominatorTooSmall(denominator):
            return "Procrustes: source spread \(denominator) is ≤ 1e-9 (source points coincide)"
        case let .scaleTooSmall(scale): return "Procrustes: scale \(scale) is ≤ 1e-9"
        }
    }
}
