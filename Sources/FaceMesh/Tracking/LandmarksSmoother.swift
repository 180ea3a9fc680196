/// Which temporal filter `LandmarksSmoother` applies.
public enum SmoothingMethod: Hashable, Sendable {
    /// No smoothing: landmarks pass through.
    case none
    /// MediaPipe's One Euro filter per landmark and axis.
    case oneEuro(OneEuroFilter.Parameters)
    /// MediaPipe's relative velocity filter per landmark and axis.
    case relativeVelocity(RelativeVelocityFilter.Parameters)

    /// MediaPipe Tasks FaceLandmarker's smoothing: One Euro, min cutoff 0.05, β 80, derivative cutoff 1, 30 Hz.
    public static let faceLandmarkerDefault = SmoothingMethod.oneEuro(.faceLandmarker)
    /// The legacy face effect graph's smoothing: relative velocity, window 5, velocity scale 20.
    public static let faceEffectDefault = SmoothingMethod.relativeVelocity(.faceEffect)
}

/// A scalar filter that smooths one axis of one landmark over time (`OneEuroFilter`, `RelativeVelocityFilter`).
protocol LandmarkAxisFilter {
    /// Filters `x` observed at `timestampNanoseconds`, with values scaled by `valueScale` for the filter's decisions.
    mutating func apply(_ x: Float, timestampNanoseconds: Int64, valueScale: Float) -> Float
}

extension OneEuroFilter: LandmarkAxisFilter {}
extension RelativeVelocityFilter: LandmarkAxisFilter {}

/// Temporal smoothing of one face's landmarks, as MediaPipe's `LandmarksSmoothingCalculator` does it.
///
/// Landmarks are in **pixels** (x, y, and z in x's pixel scale; see `LandmarkCoordinates`). Each axis of each
/// landmark has its own scalar filter. The filters' value scale is 1/object scale, with object scale =
/// ((max x − min x) + (max y − min y))/2 of this frame's landmarks (the average of the box sides, not the
/// maximum); below 1e-6 the landmarks pass through untouched. A frame without the face (`nil`) resets every
/// filter. A timestamp not after the previous one returns the landmarks unchanged. The landmark count must stay
/// the same between resets.
public struct LandmarksSmoother: Sendable {
    /// Object scales below this disable smoothing for the frame (MediaPipe's `min_allowed_object_scale`).
    public static let minimumObjectScale: Float = 1e-6

    private enum Filters: Sendable {
        case none
        case oneEuro([OneEuroFilter])
        case relativeVelocity([RelativeVelocityFilter])
    }

    /// The configured method.
    public let method: SmoothingMethod
    private var filters: Filters = .none
    private var landmarkCount = 0

    /// A smoother for `method`; throws `FaceMeshError.invalidSmoothingParameter` for invalid filter parameters.
    public init(method: SmoothingMethod) throws {
        self.method = method
        // Validate the parameters now rather than on the first frame.
        switch method {
        case .none: break
        case let .oneEuro(parameters): _ = try OneEuroFilter(parameters: parameters)
        case let .relativeVelocity(parameters): _ = try RelativeVelocityFilter(parameters: parameters)
        }
    }

    /// Forgets all filter state (MediaPipe does this on a frame without landmarks).
    public mutating func reset() {
        filters = .none
        landmarkCount = 0
    }

    /// Smooths one frame. `nil` (face not present) resets the filters and returns nil.
    public mutating func smoothOrReset(_ landmarks: [Landmark]?, timestamp: Double) throws -> [Landmark]? {
        guard let landmarks else {
            reset()
            return nil
        }
        return try smooth(landmarks, timestamp: timestamp)
    }

    /// Smooths one frame of landmarks in pixels observed at `timestamp` seconds.
    public mutating func smooth(_ landmarks: [Landmark], timestamp: Double) throws -> [Landmark] {
        let nanoseconds = try FilterTimestamp.nanoseconds(fromSeconds: timestamp)
        if case .none = method { return landmarks }
        try prepareFilters(count: landmarks.count)
        let scale = LandmarksSmoother.objectScale(of: landmarks)
        guard scale >= LandmarksSmoother.minimumObjectScale else { return landmarks }
        let valueScale = 1 / scale
        var output = landmarks
        switch filters {
        case .none:
            break
        case var .oneEuro(bank):
            filters = .none  // keep `bank` uniquely referenced while mutating it
            Self.apply(&bank, to: landmarks, into: &output, nanoseconds: nanoseconds, valueScale: valueScale)
            filters = .oneEuro(bank)
        case var .relativeVelocity(bank):
            filters = .none
            Self.apply(&bank, to: landmarks, into: &output, nanoseconds: nanoseconds, valueScale: valueScale)
            filters = .relativeVelocity(bank)
        }
        return output
    }

    /// Runs filter `3i + axis` of `bank` on axis x, y, z of landmark i.
    private static func apply<Filter: LandmarkAxisFilter>(_ bank: inout [Filter], to landmarks: [Landmark],
                                                           into output: inout [Landmark], nanoseconds: Int64,
                                                           valueScale: Float) {
        for i in landmarks.indices {
            output[i].x = bank[3 * i].apply(landmarks[i].x, timestampNanoseconds: nanoseconds, valueScale: valueScale)
            output[i].y = bank[3 * i + 1].apply(landmarks[i].y, timestampNanoseconds: nanoseconds, valueScale: valueScale)
            output[i].z = bank[3 * i + 2].apply(landmarks[i].z, timestampNanoseconds: nanoseconds, valueScale: valueScale)
        }
    }

    /// ((max x − min x) + (max y − min y))/2 over the landmarks (pixels); 0 for an empty list.
    public static func objectScale(of landmarks: [Landmark]) -> Float {
        guard let first = landmarks.first else { return 0 }
        var xMin = first.x, xMax = first.x, yMin = first.y, yMax = first.y
        for landmark in landmarks.dropFirst() {
            xMin = min(xMin, landmark.x)
            xMax = max(xMax, landmark.x)
            yMin = min(yMin, landmark.y)
            yMax = max(yMax, landmark.y)
        }
        return ((xMax - xMin) + (yMax - yMin)) / 2
    }

    private mutating func prepareFilters(count: Int) throws {
        if case .none = filters {
            landmarkCount = count
            switch method {
            case .none:
                break
            case let .oneEuro(parameters):
                filters = .oneEuro(try Array(repeating: OneEuroFilter(parameters: parameters), count: 3 * count))
            case let .relativeVelocity(parameters):
                filters = .relativeVelocity(try Array(repeating: RelativeVelocityFilter(parameters: parameters),
                                                      count: 3 * count))
            }
            return
        }
        guard count == landmarkCount else {
            throw FaceMeshError.landmarkCountChanged(expected: landmarkCount, actual: count)
        }
    }
}

/// Timestamp conversion shared by the filters: seconds (the API unit) → integer nanoseconds (the unit MediaPipe's
/// filters compare and difference), rounded to the nearest nanosecond.
enum FilterTimestamp {
    static func nanoseconds(fromSeconds seconds: Double) throws -> Int64 {
        let value = (seconds * 1e9).rounded()
        guard value.isFinite, value >= -9.2e18, value <= 9.2e18 else { throw FaceMeshError.invalidTimestamp(seconds) }
        return Int64(value)
    }
}
