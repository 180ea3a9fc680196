import Foundation
import XCTest
import TestSupport
@testable import FaceMesh
@testable import facemesh

/// The JSON Schemas of docs/schema/ and the validator the command tests check every output with
/// (`OutputSchemas.assertValid`, called by `CommandRunner.run`).
final class OutputSchemaTests: XCTestCase {
    private func validator() throws -> JSONSchemaValidator { try OutputSchemas.validator.get() }

    /// A face as the engine returns it: 478 landmarks inside a 100×80 image, a pose.
    private func sampleFace(identifier: Int = 3, pose: Bool = true) -> FaceMeshResult {
        let landmarks = (0..<478).map { Landmark(x: Float($0 % 100), y: Float($0 % 80), z: -Float($0) / 100) }
        let headPose = pose ? HeadPose(matrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, -50, 0, 0, 0, 1],
                                       yawPitchRoll: YawPitchRoll(yaw: 1, pitch: 2, roll: 3),
                                       translation: SIMD3(0, 0, -50), metricLandmarks: []) : nil
        return FaceMeshResult(landmarks: landmarks, normalizedLandmarks: landmarks, presence: 0.99, detectionScore: 0.9,
                              region: NormalizedRect(xCenter: 0.5, yCenter: 0.5, width: 0.5, height: 0.5),
                              trackIdentifier: identifier, headPose: headPose)
    }

    private func errors(_ json: String, _ schema: String) throws -> [String] {
        try validator().errors(in: Data(json.utf8), against: schema)
    }

    /// The four schema files load and use only keywords the validator implements.
    func testSchemaFilesLoad() throws {
        XCTAssertEqual(try validator().schemaNames,
                       ["batch-line.schema.json", "face.schema.json", "image.schema.json", "video-line.schema.json"])
    }

    /// The writer's documents, with and without faces and pose, are valid; the face carries its track id.
    func testWriterDocumentsAreValid() throws {
        let faces = [sampleFace(), sampleFace(identifier: 4, pose: false)]
        let image = FaceJSON.image(width: 100, height: 80, faces: faces)
        XCTAssertEqual(try errors(image, "image.schema.json"), [])
        XCTAssertTrue(image.contains(#""faces":[{"id":3,"landmarks":[[0,0,0],"#), image.prefix(120).description)
        XCTAssertEqual(try errors(FaceJSON.image(width: 1, height: 1, faces: []), "image.schema.json"), [])
        XCTAssertEqual(try errors(FaceJSON.frame(index: 7, timestamp: 0.25, width: 100, height: 80, faces: faces),
                              "video-line.schema.json"), [])
        // A V2 face with its tongue score and the 52 blendshapes (+ tongueOut) is valid.
        var face = sampleFace()
        face.tongueOut = 0.02
        face.blendshapes = FaceBlendshapes(scores: (0..<52).map { Float($0) / 52 }, tongueOut: 0.02)
        let line = FaceJSON.frame(index: 0, timestamp: 0, width: 100, height: 80, faces: [face])
        XCTAssertTrue(line.contains(#""blendshapes":{"_neutral":0,"#), line.suffix(200).description)
        XCTAssertEqual(try errors(line, "video-line.schema.json"), [])
    }

    /// Batch lines: a result line (the image document's fields plus the path) or an error line, nothing between.
    func testBatchLines() throws {
        let face = FaceJSON.face(sampleFace())
        let result = #"{"schema":"facemesh.batch-line.v1","path":"a.jpg","width":100,"height":80,"faces":["# + face + "]}"
        XCTAssertEqual(try errors(result, "batch-line.schema.json"), [])
        let failure = #"{"schema":"facemesh.batch-line.v1","path":"b.png","error":"not a PNG or JPEG file"}"#
        XCTAssertEqual(try errors(failure, "batch-line.schema.json"), [])
        let both = #"{"schema":"facemesh.batch-line.v1","path":"b.png","error":"x","width":1,"height":1,"faces":[]}"#
        XCTAssertFalse(try errors(both, "batch-line.schema.json").isEmpty)
    }

    /// Each broken variant of a valid document is rejected, naming what is wrong.
    func testBrokenDocumentsAreRejected() throws {
        let valid = FaceJSON.image(width: 100, height: 80, faces: [sampleFace()])
        let cases: [(String, String)] = [
            (valid.replacingOccurrences(of: #""schema":"facemesh.image.v1","#, with: ""), "missing required schema"),
            (valid.replacingOccurrences(of: "facemesh.image.v1", with: "facemesh.image.v0"), "constant"),
            (valid.replacingOccurrences(of: #""width":100"#, with: #""width":100.5"#), "expected integer"),
            (valid.replacingOccurrences(of: #""width":100"#, with: #""width":0"#), "0.0 < 1.0"),
            (valid.replacingOccurrences(of: #""presence":0.99"#, with: #""presence":1.5"#), "1.5 > 1.0"),
            (valid.replacingOccurrences(of: #""id":3"#, with: #""id":"3""#), "expected integer"),
            (valid.replacingOccurrences(of: #""id":3,"#, with: #""id":3,"extra":1,"#), "unexpected property extra"),
            (valid.replacingOccurrences(of: "[[0,0,0],", with: "[[0,0],"), "2 items, at least 3"),
            (valid.replacingOccurrences(of: #""yawPitchRoll":[1,2,3]"#, with: #""yawPitchRoll":[1,2]"#), "2 items"),
        ]
        for (document, expected) in cases {
            XCTAssertNotEqual(document, valid, expected)
            let found = try errors(document, "image.schema.json")
            XCTAssertTrue(found.contains { $0.contains(expected) }, "expected '\(expected)', got \(found)")
        }
        XCTAssertEqual(try errors("{", "image.schema.json").count, 1)
        var short = sampleFace()
        short.landmarks = Array(short.landmarks.prefix(10))
        let shortDocument = FaceJSON.image(width: 100, height: 80, faces: [short])
        XCTAssertTrue(try errors(shortDocument, "image.schema.json").contains { $0.contains("10 items, at least 468") })
    }
}
