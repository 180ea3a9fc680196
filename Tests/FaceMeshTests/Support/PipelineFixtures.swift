import Foundation
import XCTest
@testable import FaceMesh

/// Reads Tests/Fixtures/Pipeline (made by Tools/make_pipeline_fixtures.py with the real OpenCV).
enum PipelineFixtures {
    struct ImageInfo: Decodable { let file: String; let width: Int; let height: Int }
    struct CropCase: Decodable {
        let name: String, image: String
        let centerX: Float, centerY: Float, width: Float, height: Float, rotation: Float
        let outputWidth: Int, outputHeight: Int, border: String, expected: String
    }
    struct LetterboxCase: Decodable {
        let image: String, expected: String
        let centerX: Float, centerY: Float, width: Float, height: Float
    }
    struct EyeCase: Decodable {
        let name: String, image: String
        let xCenter: Float, yCenter: Float, width: Float, height: Float, rotation: Float
        let mirrored: Bool, cropWidth: Int, cropHeight: Int, crop: String, expected: String
        let padding: [Float]
    }
    struct Manifest: Decodable {
        let opencv: String
        let images: [String: ImageInfo]
        let crops: [CropCase]
        let letterboxes: [LetterboxCase]
        let eyes: [EyeCase]?
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Pipeline")

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
    }

    static func image(_ name: String, in manifest: Manifest) throws -> RGBImage {
        let info = try XCTUnwrap(manifest.images[name], "image \(name) missing from the manifest")
        return try RGBImage(width: info.width, height: info.height, pixels: bytes(info.file))
    }
}

/// Differences between two byte buffers in uint8 steps.
struct ByteComparison {
    let count: Int
    let exact: Int
    let withinOne: Int
    let maximum: Int

    init(_ actual: [UInt8], _ expected: [UInt8]) {
        precondition(actual.count == expected.count)
        var exact = 0, withinOne = 0, maximum = 0
        for (a, e) in zip(actual, expected) {
            let d = abs(Int(a) - Int(e))
            if d == 0 { exact += 1 }
            if d <= 1 { withinOne += 1 }
            maximum = max(maximum, d)
        }
        self.count = actual.count
        self.exact = exact
        self.withinOne = withinOne
        self.maximum = maximum
    }

    var exactFraction: Double { Double(exact) / Double(count) }
    var withinOneFraction: Double { Double(withinOne) / Double(count) }
}
