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
