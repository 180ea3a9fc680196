import Foundation
import ImageCodecs
@testable import FaceMesh

/// Repository paths for the face tests, found from this file's location.
enum TestFiles {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    static let weights = root.appendingPathComponent("Weights")

    /// Decodes an image of the repository (path relative to the root) into a frame.
    static func frame(_ relativePath: String) throws -> RGBImage {
        let image = try ImageDecoder.decode(contentsOf: root.appendingPathComponent(relativePath))
        return image
    }
}

/// Landmarks MediaPipe 0.10.14 returned for one photo (Tools/generate_mediapipe_references.py).
struct MediaPipeLandmarkFixture: Decodable {
    struct Face: Decodable { let landmarks: [[Float]] }
    let image: String
    let width: Int
    let height: Int
    let faces: [Face]

    static func load(_ name: String) throws -> MediaPipeLandmarkFixture {
        let url = TestFiles.fixtures.appendingPathComponent("MediaPipe/landmarks/\(name).json")
        return try JSONDecoder().decode(MediaPipeLandmarkFixture.self, from: Data(contentsOf: url))
    }

    /// Face `index`'s landmarks in image pixels (z scaled like x).
    func landmarks(_ index: Int) -> [Landmark] {
        faces[index].landmarks.map { Landmark(x: $0[0], y: $0[1], z: $0[2]) }
    }
}

/// Face-size yardsticks of the FaceMesh paper.
enum FaceMetrics {
    /// Inter-ocular distance in pixels: distance between the eye centres, each the midpoint of its two eye corners
    /// (33/133 and 362/263), so it is defined for 468 and 478 points alike.
    static func interOcularDistance(_ points: [Landmark]) -> Float {
        let left = (SIMD2(points[33].x, points[33].y) + SIMD2(points[133].x, points[133].y)) / 2
        let right = (SIMD2(points[362].x, points[362].y) + SIMD2(points[263].x, points[263].y)) / 2
        return ((left - right) * (left - right)).sum().squareRoot()
    }

    /// Mean 2-D distance between corresponding points, in pixels.
    static func meanDistance(_ a: [Landmark], _ b: [Landmark]) -> Float {
        zip(a, b).reduce(0) { sum, pair in
            let dx = pair.0.x - pair.1.x, dy = pair.0.y - pair.1.y
            return sum + (dx * dx + dy * dy).squareRoot()
        } / Float(a.count)
    }

    /// Largest and mean |Δz| between corresponding points, in pixels (z in the same pixel scale as x).
    static func depthDifferences(_ a: [Landmark], _ b: [Landmark]) -> (largest: Float, mean: Float) {
        let differences = zip(a, b).map { abs($0.z - $1.z) }
        return (differences.max() ?? 0, differences.reduce(0, +) / Float(max(differences.count, 1)))
    }

    /// Centroid of the points in x, y.
    static func centroid(_ points: [Landmark]) -> SIMD2<Float> {
        points.reduce(SIMD2<Float>.zero) { $0 + SIMD2($1.x, $1.y) } / Float(points.count)
    }
}
