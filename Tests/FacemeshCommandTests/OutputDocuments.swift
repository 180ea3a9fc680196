import Foundation
import XCTest

/// The command's JSON output, decoded with the key names of its documented contract.
struct FaceObject: Decodable {
    struct Pose: Decodable {
        let matrix: [Double]
        let yawPitchRoll: [Double]
    }
    let landmarks: [[Double]]
    let presence: Double
    let detectionScore: Double
    let pose: Pose?
    /// Face Mesh V2's tongue-out score (`--model v2`).
    let tongueOut: Double?
    /// The blendshape scores by name (`--blendshapes`).
    let blendshapes: [String: Double]?

    static let keys: Set<String> = ["landmarks", "presence", "detectionScore", "pose"]
    /// Keys present only with some models or options.
    static let optionalKeys: Set<String> = ["tongueOut", "blendshapes"]
}

/// `facemesh image` output.
struct ImageDocument: Decodable {
    let width: Int
    let height: Int
    let faces: [FaceObject]
}

/// One line of `facemesh video` output.
struct FrameLine: Decodable {
    let frame: Int
    let timestamp: Double
    let width: Int
    let height: Int
    let faces: [FaceObject]
}

/// Checks of the face objects that do not depend on the picture.
enum FaceObjectChecks {
    /// Exactly the documented keys in every face object of a parsed document (no extra, none missing).
    static func assertKeys(_ json: Data, faceListKey: String = "faces", file: StaticString = #filePath, line: UInt = #line) throws {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any], file: file, line: line)
        let faces = try XCTUnwrap(object[faceListKey] as? [[String: Any]], file: file, line: line)
        for face in faces {
            XCTAssertTrue(Set(face.keys).isSuperset(of: FaceObject.keys), "\(face.keys)", file: file, line: line)
            XCTAssertTrue(Set(face.keys).subtracting(FaceObject.keys).isSubset(of: FaceObject.optionalKeys),
                          "\(face.keys)", file: file, line: line)
            if let pose = face["pose"] as? [String: Any] {
                XCTAssertEqual(Set(pose.keys), ["matrix", "yawPitchRoll"], file: file, line: line)
            }
        }
    }

    /// Landmarks are [x, y, z] triples with x, y inside the image; the pose matrix is a similarity transform
    /// (rows [sR | t], last row 0 0 0 1, RᵀR = I) placing the face in front of the camera.
    static func assertPlausible(_ face: FaceObject, width: Int, height: Int, count: Int,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(face.landmarks.count, count, file: file, line: line)
        for point in face.landmarks {
            XCTAssertEqual(point.count, 3, file: file, line: line)
            XCTAssertTrue((0...Double(width)).contains(point[0]) && (0...Double(height)).contains(point[1]),
                          "landmark \(point) outside the \(width)x\(height) image", file: file, line: line)
        }
        XCTAssertTrue((0...1).contains(face.presence), file: file, line: line)
        XCTAssertTrue((0...1).contains(face.detectionScore), file: file, line: line)
        let pose = try XCTUnwrap(face.pose, "pose missing", file: file, line: line)
        XCTAssertEqual(pose.matrix.count, 16, file: file, line: line)
        XCTAssertEqual(pose.yawPitchRoll.count, 3, file: file, line: line)
        guard pose.matrix.count == 16 else { return }
        XCTAssertEqual(Array(pose.matrix[12..<16]), [0, 0, 0, 1], file: file, line: line)
        let columns = (0..<3).map { column in (0..<3).map { pose.matrix[4 * $0 + column] } }
        let scale = sqrt(columns[0].map { $0 * $0 }.reduce(0, +))
        for i in 0..<3 {
            for j in 0..<3 {
                let dot = zip(columns[i], columns[j]).map(*).reduce(0, +) / (scale * scale)
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 2e-3, "RᵀR[\(i)][\(j)]", file: file, line: line)
            }
        }
        XCTAssertLessThan(pose.matrix[11], 0, "the face lies in front of the camera (z < 0)", file: file, line: line)
    }

    /// Mean 2-D distance between two landmark lists, over the outer-eye-corner distance (33–263) of `reference`.
    static func meanDistanceOverEyeSpan(_ landmarks: [[Double]], _ reference: [[Double]]) -> Double {
        let eyeSpan = hypot(reference[33][0] - reference[263][0], reference[33][1] - reference[263][1])
        let total = zip(landmarks, reference).map { hypot($0[0] - $1[0], $0[1] - $1[1]) }.reduce(0, +)
        return total / Double(reference.count) / eyeSpan
    }

    /// Largest and mean |Δz| between two landmark lists, in pixels (z is printed in the same pixel scale as x).
    static func depthDifferences(_ landmarks: [[Double]], _ reference: [[Double]]) -> (largest: Double, mean: Double) {
        let differences = zip(landmarks, reference).map { abs($0[2] - $1[2]) }
        return (differences.max() ?? .infinity, differences.reduce(0, +) / Double(max(differences.count, 1)))
    }

    /// Checks the printed landmarks against MediaPipe's: mean 2-D distance over the eye span, and z in pixels,
    /// each with its own bound; prints the measured values.
    static func assertMatches(_ landmarks: [[Double]], mediaPipe reference: [[Double]], what: String,
                              distanceBound: Double, largestDepthBound: Double, meanDepthBound: Double,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(landmarks.count, reference.count, what, file: file, line: line)
        let distance = meanDistanceOverEyeSpan(landmarks, reference)
        let depth = depthDifferences(landmarks, reference)
        print(String(format: "%@: mean distance %.2e of the eye span; |Δz| max %.4f px, mean %.5f px", what,
                     distance, depth.largest, depth.mean))
        XCTAssertLessThanOrEqual(distance, distanceBound, "\(what): x/y", file: file, line: line)
        XCTAssertLessThanOrEqual(depth.largest, largestDepthBound, "\(what): largest |Δz|", file: file, line: line)
        XCTAssertLessThanOrEqual(depth.mean, meanDepthBound, "\(what): mean |Δz|", file: file, line: line)
    }
}

/// MediaPipe 0.10.14's landmarks (Tests/Fixtures/MediaPipe/landmarks, Tests/Fixtures/Video), in image pixels.
struct MediaPipeLandmarks: Decodable {
    struct Face: Decodable {
        let landmarks: [[Double]]
    }
    let width: Int
    let height: Int
    let faces: [Face]

    static func load(_ name: String) throws -> MediaPipeLandmarks {
        let url = CommandRunner.fixtures.appendingPathComponent("MediaPipe/landmarks/\(name).json")
        return try JSONDecoder().decode(MediaPipeLandmarks.self, from: Data(contentsOf: url))
    }
}
