import Foundation
import XCTest
@testable import FaceMesh

/// The generated canonical model (from MediaPipe's `.pbtxt`) against an independent encoding of the same model,
/// MediaPipe's `canonical_face_model.obj` (Tools/data/mediapipe/), and against the basis published in
/// docs/pipeline.md §11.
final class CanonicalFaceModelTests: XCTestCase {
    private let model = CanonicalFaceModel.mediaPipe

    private struct ObjFile {
        var positions: [SIMD3<Float>] = []
        var textureCoordinates: [SIMD2<Float>] = []
        /// Per triangle: (vertex, texture coordinate) index pairs, 0-based.
        var faces: [[(vertex: Int, texture: Int)]] = []
    }

    private func loadObj() throws -> ObjFile {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("Tools/data/mediapipe/canonical_face_model.obj")
        var obj = ObjFile()
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ")
            switch fields.first {
            case "v": obj.positions.append(SIMD3(fields[1...3].map { Float(String($0))! }))
            case "vt": obj.textureCoordinates.append(SIMD2(fields[1...2].map { Float(String($0))! }))
            case "f":
                obj.faces.append(fields.dropFirst().map { field in
                    let parts = field.split(separator: "/").map { Int(String($0))! - 1 }
                    return (parts[0], parts[1])
                })
            default: break
            }
        }
        return obj
    }

    func testCountsAndBasisMatchThePublishedDescription() {
        XCTAssertEqual(model.vertices.count, 468)
        XCTAssertEqual(model.textureCoordinates.count, 468)
        XCTAssertEqual(model.triangles.count, 898)
        // docs/pipeline.md §11 (weights rounded to 4 decimals there).
        let published: [(Int, Double)] = [
            (4, 0.0709), (6, 0.0321), (10, 0.0084), (33, 0.0587), (54, 0.0077), (67, 0.0091), (117, 0.0098),
            (119, 0.0146), (121, 0.0186), (127, 0.0052), (129, 0.1206), (132, 0.0056), (133, 0.0533),
            (136, 0.0669), (143, 0.0148), (147, 0.0143), (198, 0.0255), (205, 0.0473), (263, 0.0587),
            (284, 0.0077), (297, 0.0091), (346, 0.0098), (348, 0.0146), (350, 0.0186), (356, 0.0052),
            (358, 0.1206), (361, 0.0056), (362, 0.0533), (365, 0.0669), (372, 0.0148), (376, 0.0143),
            (420, 0.0255), (425, 0.0473),
        ]
        XCTAssertEqual(model.procrustesBasis.map(\.index), published.map(\.0))
        for (landmark, (_, weight)) in zip(model.procrustesBasis, published) {
            XCTAssertEqual(landmark.weight, weight, accuracy: 5e-5)
        }
        XCTAssertEqual(model.procrustesBasis.reduce(0) { $0 + $1.weight }, 1.055, accuracy: 1e-3)
    }

    /// Left/right mirror pairs of the basis (x ↦ −x in the model) carry equal weights.
    func testBasisIsMirrorSymmetric() {
        let basis = model.procrustesBasis
        for landmark in basis {
            let vertex = model.vertices[landmark.index]
            let mirrored = SIMD3(-vertex.x, vertex.y, vertex.z)
            guard let partner = basis.min(by: {
                distance(model.vertices[$0.index], mirrored) < distance(model.vertices[$1.index], mirrored)
            }) else { return XCTFail("empty basis") }
            XCTAssertLessThan(distance(model.vertices[partner.index], mirrored), 1e-4)
            XCTAssertEqual(partner.weight, landmark.weight)
        }
    }

    func testVerticesTrianglesAndTextureCoordinatesMatchTheObjFile() throws {
        let obj = try loadObj()
        XCTAssertEqual(obj.positions, model.vertices)
        // Same triangles with the same winding: compare each as its rotation starting at the smallest index.
        func normalized(_ t: [Int]) -> [Int] {
            let k = t.firstIndex(of: t.min()!)!
            return Array(t[k...] + t[..<k])
        }
        let objTriangles = obj.faces.map { normalized($0.map(\.vertex)) }
        let ourTriangles = model.triangles.map { normalized([Int($0.x), Int($0.y), Int($0.z)]) }
        XCTAssertEqual(objTriangles.sorted { $0.lexicographicallyPrecedes($1) },
                       ourTriangles.sorted { $0.lexicographicallyPrecedes($1) })
        // The metadata stores (u, 1 − v) of the OBJ's texture coordinate paired with each vertex.
        for face in obj.faces {
            for corner in face {
                let uv = obj.textureCoordinates[corner.texture]
                XCTAssertEqual(model.textureCoordinates[corner.vertex].x, uv.x, accuracy: 1e-6)
                XCTAssertEqual(model.textureCoordinates[corner.vertex].y, 1 - uv.y, accuracy: 1e-6)
            }
        }
    }

    /// The mesh is consistently oriented (no directed edge used twice), outward normals point mostly to +z, and
    /// `edges` lists exactly the undirected edges of the triangles.
    func testMeshTopology() {
        var directed = Set<SIMD2<UInt16>>()
        var frontFacing = 0
        for triangle in model.triangles {
            XCTAssertTrue(triangle.x != triangle.y && triangle.y != triangle.z && triangle.x != triangle.z)
            for (a, b) in [(triangle.x, triangle.y), (triangle.y, triangle.z), (triangle.z, triangle.x)] {
                XCTAssertTrue(directed.insert(SIMD2(a, b)).inserted, "edge \(a)→\(b) used twice")
            }
            let (p, q, r) = (model.vertices[Int(triangle.x)], model.vertices[Int(triangle.y)],
                             model.vertices[Int(triangle.z)])
            if (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x) > 0 { frontFacing += 1 }
        }
        XCTAssertGreaterThan(frontFacing, 850)
        let undirected = Set(directed.map { SIMD2(min($0.x, $0.y), max($0.x, $0.y)) })
        XCTAssertEqual(Set(model.edges), undirected)
        XCTAssertEqual(model.edges.count, undirected.count)
        XCTAssertEqual(Set(model.triangles.flatMap { [$0.x, $0.y, $0.z] }).count, 468, "every vertex is used")
    }

    private func distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
        let d = a - b
        return (d * d).sum().squareRoot()
    }
}
