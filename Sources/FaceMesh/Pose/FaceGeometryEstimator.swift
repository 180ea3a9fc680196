/// Estimates head pose and metric 3-D landmarks from a face's image landmarks, following MediaPipe's face-geometry
/// pipeline (`geometry_pipeline.cc`, documented in docs/pipeline.md §11).
///
/// Input landmarks are the face mesh in MediaPipe's screen convention: x, y in the image (origin top-left, y down)
/// and a relative depth z in the same scale as x (smaller = closer, origin near the head centre). Only the first
/// `model.vertices.count` (468) landmarks are used, so 478-point meshes with irises work unchanged: the iris points
/// are dropped first, as MediaPipe's Tasks graph does (its geometry calculator, in 0.10.14, accepts exactly 468).
///
/// Steps (near plane at distance `n`, near-plane rectangle w × h centred on the axis, normalized landmarks):
/// 1. Place each landmark on the near plane: X = x·w − w/2, Y = (1 − y)·h − h/2, Z = z·w; d = mean Z.
/// 2. s₁ = scale of the weighted Procrustes fit of the canonical model to (X, Y, −Z).
/// 3. Depth D = (Z − d + n) / s₁; points (X·D/n, Y·D/n, −D); s₂ = scale of the fit to those.
/// 4. Depth D = (Z − d + n) / (s₁·s₂); the metric landmarks are (X·D/n, Y·D/n, −D) (cm, camera space).
/// 5. The pose is the Procrustes fit of the canonical model to the metric landmarks.
///
/// What this assumes about z: it treats z as depth relative to the face's mean depth, scaled like x at that mean
/// depth. If a landmark at camera depth Dᵢ has normalized z = (Dᵢ − D̄) · n / (D̄ · w) + c (any constant c, D̄ the
/// mean of Dᵢ), and x, y are its exact perspective projection, the steps above recover the camera-space points
/// exactly (s₁ only needs to be positive; s₁·s₂ then equals n / D̄). In pixels that is
/// z_px = (Dᵢ − D̄) · f / D̄ with the focal length f = `camera.focalLengthInPixels(imageHeight:)`.
///
/// All arithmetic is in `Double`; results are rounded to `Float` at the end.
public struct FaceGeometryEstimator: Sendable {
    /// The virtual camera that defines the metric space (default: MediaPipe's 63°, near 1, far 10,000).
    public let camera: PerspectiveCamera
    /// The canonical face and its weighted Procrustes basis.
    public let model: CanonicalFaceModel

    private let basisIndices: [Int]
    private let basisSources: [SIMD3<Double>]
    private let basisWeights: [Double]

    /// MediaPipe's threshold: a face whose normalized landmarks all lie within this distance of their mean is
    /// rejected.
    public static let compactnessThreshold = 1e-3

    /// Creates an estimator for a camera and a canonical model.
    public init(camera: PerspectiveCamera = .mediaPipeDefault, model: CanonicalFaceModel = .mediaPipe) {
        self.camera = camera
        self.model = model
        basisIndices = model.procrustesBasis.map(\.index)
        basisSources = basisIndices.map { index in
            let vertex = model.vertices[index]
            return SIMD3(Double(vertex.x), Double(vertex.y), Double(vertex.z))
        }
        basisWeights = model.procrustesBasis.map(\.weight)
    }

    /// Estimates the pose from landmarks in **image pixels**: x, y in pixels (origin top-left, y down) and z in
    /// the same pixel scale as x (normalized z × image width), as the face pipeline produces them.
    ///
    /// - Parameters:
    ///   - imageLandmarks: at least 468 landmarks (468 or 478 from the face mesh models); extra ones are ignored.
    ///   - imageWidth: image width in pixels (> 0).
    ///   - imageHeight: image height in pixels (> 0).
    /// - Throws: `FaceMeshError` for a bad image size, too few or non-finite landmarks, a face too compact to
    ///   measure (MediaPipe skips those), or a failed Procrustes fit.
    public func estimate(imageLandmarks: [Landmark], imageWidth: Int, imageHeight: Int) throws -> HeadPose {
        guard imageWidth > 0, imageHeight > 0 else {
            throw FaceMeshError.invalidImageSize(width: imageWidth, height: imageHeight)
        }
        let width = Double(imageWidth), height = Double(imageHeight)
        let normalized = imageLandmarks.map {
            SIMD3(Double($0.x) / width, Double($0.y) / height, Double($0.z) / width)
        }
        return try estimate(normalized: normalized, imageWidth: imageWidth, imageHeight: imageHeight)
    }

    /// Estimates the pose from **normalized** landmarks: x / width, y / height, z / width, as MediaPipe's
    /// `NormalizedLandmark`s. Same requirements and errors as `estimate(imageLandmarks:imageWidth:imageHeight:)`.
    public func estimate(normalizedLandmarks: [Landmark], imageWidth: Int, imageHeight: Int) throws -> HeadPose {
        let normalized = normalizedLandmarks.map { SIMD3(Double($0.x), Double($0.y), Double($0.z)) }
        return try estimate(normalized: normalized, imageWidth: imageWidth, imageHeight: imageHeight)
    }

    private func estimate(normalized: [SIMD3<Double>], imageWidth: Int, imageHeight: Int) throws -> HeadPose {
        let nearPlane = try camera.nearPlaneSize(imageWidth: imageWidth, imageHeight: imageHeight)
        let vertexCount = model.vertices.count
        guard normalized.count >= vertexCount else {
            throw FaceMeshError.tooFewLandmarks(count: normalized.count, required: vertexCount)
        }
        let mesh = normalized.prefix(vertexCount)
        if let bad = mesh.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            throw FaceMeshError.nonFiniteLandmark(index: bad)
        }
        try checkNotTooCompact(mesh)

        // 1. Onto the near plane (y flipped: image y grows downwards, camera y upwards).
        let screen = mesh.map {
            SIMD3(($0.x - 0.5) * nearPlane.x, (0.5 - $0.y) * nearPlane.y, $0.z * nearPlane.x)
        }
        let depthOffset = screen.reduce(0) { $0 + $1.z } / Double(vertexCount)

        // 2. First scale from the flat near-plane points (z flipped into the right-handed frame).
        let firstScale = try fit(basisIndices.map { SIMD3(screen[$0].x, screen[$0].y, -screen[$0].z) }).scale
        // 3. Second scale from the points unprojected with the first.
        let intermediate = basisIndices.map { unproject(screen[$0], depthOffset: depthOffset, scale: firstScale) }
        let secondScale = try fit(intermediate).scale
        // 4. Metric landmarks with the combined scale.
        let totalScale = firstScale * secondScale
        let metric = screen.map { unproject($0, depthOffset: depthOffset, scale: totalScale) }
        // 5. Pose.
        let pose = try fit(basisIndices.map { metric[$0] })

        return HeadPose(
            matrix: pose.matrixRowMajor.map { Float($0) },
            yawPitchRoll: YawPitchRoll(rotation: pose.rotation),
            translation: SIMD3(Float(pose.translation.x), Float(pose.translation.y), Float(pose.translation.z)),
            metricLandmarks: metric.map { Landmark(x: Float($0.x), y: Float($0.y), z: Float($0.z)) })
    }

    /// Near-plane point → camera space: depth (Z − d + near) / scale, x and y scaled by depth / near.
    private func unproject(_ point: SIMD3<Double>, depthOffset: Double, scale: Double) -> SIMD3<Double> {
        let depth = (point.z - depthOffset + camera.near) / scale
        return SIMD3(point.x * depth / camera.near, point.y * depth / camera.near, -depth)
    }

    /// Weighted Procrustes fit of the canonical basis landmarks onto `targets` (one per basis landmark).
    private func fit(_ targets: [SIMD3<Double>]) throws -> SimilarityTransform {
        try WeightedProcrustes.solve(source: basisSources, target: targets, weights: basisWeights)
    }

    /// MediaPipe's guard against tiny faces: the largest distance of a landmark (normalized x, y) from their mean.
    private func checkNotTooCompact(_ normalized: ArraySlice<SIMD3<Double>>) throws {
        var mean = SIMD2<Double>.zero
        for point in normalized { mean += SIMD2(point.x, point.y) }
        mean /= Double(normalized.count)
        var maximumSquaredDistance = 0.0
        for point in normalized {
            let offset = SIMD2(point.x, point.y) - mean
            maximumSquaredDistance = max(maximumSquaredDistance, (offset * offset).sum())
        }
        let distance = maximumSquaredDistance.squareRoot()
        guard distance > Self.compactnessThreshold else {
            throw FaceMeshError.landmarksTooCompact(maximumDistance: distance)
        }
    }
}

/// MediaPipe's canonical 3-D face: the metric reference shape for head pose, and the mesh topology for drawing.
///
/// Vertex `i` corresponds to face mesh landmark `i` (468 vertices). Coordinates are centimetres in the model's
/// right-handed frame: +x towards the face's own left (image right for a face looking at the camera), +y up,
/// +z out of the face (towards a camera it looks at). Data: MediaPipe's
/// `geometry_pipeline_metadata_landmarks.pbtxt` (Apache-2.0), see `CanonicalFaceModelData.swift`.
public struct CanonicalFaceModel: Sendable {
    /// One landmark of the weighted Procrustes basis used to fit the model to observed landmarks.
    public struct BasisLandmark: Hashable, Sendable, Codable {
        /// Index of the landmark / vertex (0..<468).
        public var index: Int
        /// Its weight in the Procrustes fit (> 0).
        public var weight: Double
    }

    /// The 468 vertex positions in centimetres (x, y, z in the model frame described above).
    public let vertices: [SIMD3<Float>]

    /// Texture coordinates (u, v) in [0, 1] per vertex, u growing to the right and v downwards (as in MediaPipe's
    /// face-geometry mesh; the `.obj` file of the same model stores 1 − v).
    public let textureCoordinates: [SIMD2<Float>]

    /// The 898 triangles of the mesh, three 0-based vertex indices each, wound consistently: counter-clockwise when
    /// seen from outside the face (right-hand normals point outwards). Seen from the front (+z) all but ten
    /// downward-facing lip and nostril triangles appear counter-clockwise.
    public let triangles: [SIMD3<UInt16>]

    /// The 33 weighted landmarks of MediaPipe's Procrustes basis (weights sum to about 1.055); all other
    /// landmarks have weight 0 in the fit. Sorted by index; left/right mirror pairs have equal weights.
    public let procrustesBasis: [BasisLandmark]

    /// The unique edges of `triangles` as (smaller index, larger index) pairs, sorted; handy for wireframe drawing.
    public var edges: [SIMD2<UInt16>] {
        var unique = Set<SIMD2<UInt16>>()
        for triangle in triangles {
            for (a, b) in [(triangle.x, triangle.y), (triangle.y, triangle.z), (triangle.z, triangle.x)] {
                unique.insert(SIMD2(min(a, b), max(a, b)))
            }
        }
        return unique.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
    }

    /// The model used by MediaPipe's face-geometry pipeline for the 468-landmark mesh.
    public static let mediaPipe = CanonicalFaceModel()

    private init() {
        let positions = CanonicalFaceModelData.positions
        let uv = CanonicalFaceModelData.textureCoordinates
        let indices = CanonicalFaceModelData.triangleIndices
        vertices = (0..<CanonicalFaceModelData.vertexCount).map {
            SIMD3(positions[3 * $0], positions[3 * $0 + 1], positions[3 * $0 + 2])
        }
        textureCoordinates = (0..<CanonicalFaceModelData.vertexCount).map { SIMD2(uv[2 * $0], uv[2 * $0 + 1]) }
        triangles = stride(from: 0, to: indices.count, by: 3).map {
            SIMD3(indices[$0], indices[$0 + 1], indices[$0 + 2])
        }
        procrustesBasis = zip(CanonicalFaceModelData.procrustesLandmarkIDs, CanonicalFaceModelData.procrustesWeights)
            .map { BasisLandmark(index: $0, weight: $1) }
    }
}
