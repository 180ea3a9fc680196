import Foundation
import XCTest
@testable import ImageCodecs
import TestSupport

/// `facemesh image`: the JSON contract, MediaPipe agreement, errors and the overlay.
final class ImageCommandTests: XCTestCase {
    private let photo = "Tests/Fixtures/Images/mpl_grace_hopper.jpg"

    private func runImage(_ arguments: [String]) throws -> (CommandRunner.Result, ImageDocument) {
        let result = try CommandRunner.run(["image"] + arguments)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.outputText.filter { $0 == "\n" }.count, 1, "one JSON document on one line")
        try FaceObjectChecks.assertKeys(result.standardOutput)
        return (result, try JSONDecoder().decode(ImageDocument.self, from: result.standardOutput))
    }

    /// Default model (attention): 478 points matching MediaPipe's legacy FaceMesh with refine_landmarks=True.
    func testPortraitWithTheAttentionModel() throws {
        let (result, document) = try runImage([photo])
        XCTAssertTrue(result.outputText.hasPrefix("{\"width\":512,\"height\":600,\"faces\":[{\"landmarks\":[["))
        XCTAssertEqual(document.width, 512)
        XCTAssertEqual(document.height, 600)
        XCTAssertEqual(document.faces.count, 1)
        let face = try XCTUnwrap(document.faces.first)
        try FaceObjectChecks.assertPlausible(face, width: 512, height: 600, count: 478)
        let reference = try MediaPipeLandmarks.load("mpl_grace_hopper_attention")
        // Measured (the printed numbers carry the JSON's rounding): mean distance 1.38e-5 of the eye span (33–263),
        // |Δz| max 0.0017 px, mean 0.00055 px; bounds about 3× those.
        FaceObjectChecks.assertMatches(face.landmarks, mediaPipe: reference.faces[0].landmarks, what: "attention",
                                       distanceBound: 4e-5, largestDepthBound: 0.005, meanDepthBound: 0.0015)
        // A frontal portrait: small angles.
        for angle in try XCTUnwrap(face.pose).yawPitchRoll { XCTAssertLessThan(abs(angle), 20) }
    }

    func testPortraitWithTheMeshModel() throws {
        let (_, document) = try runImage([photo, "--model", "mesh"])
        XCTAssertEqual(document.faces.count, 1)
        let face = try XCTUnwrap(document.faces.first)
        try FaceObjectChecks.assertPlausible(face, width: 512, height: 600, count: 468)
        let reference = try MediaPipeLandmarks.load("mpl_grace_hopper_mesh")
        // Measured: 7.4e-6 of the eye span, |Δz| max 0.0014 px, mean 0.00037 px (bounds as for the attention model).
        FaceObjectChecks.assertMatches(face.landmarks, mediaPipe: reference.faces[0].landmarks, what: "mesh",
                                       distanceBound: 4e-5, largestDepthBound: 0.005, meanDepthBound: 0.0015)
    }

    /// `--model v2 --blendshapes`: MediaPipe Tasks' FaceLandmarker output (Tests/Fixtures/MediaPipe/tasks/): 478 points,
    /// the 52 scores by MediaPipe's names in its order, then tongueOut.
    func testPortraitWithFaceMeshV2AndBlendshapes() throws {
        let (result, document) = try runImage([photo, "--model", "v2", "--blendshapes"])
        let face = try XCTUnwrap(document.faces.first)
        try FaceObjectChecks.assertPlausible(face, width: 512, height: 600, count: 478)
        XCTAssertTrue(result.outputText.contains(",\"tongueOut\":"))
        XCTAssertTrue(result.outputText.contains(",\"blendshapes\":{\"_neutral\":"))
        XCTAssertTrue(result.outputText.range(of: #""noseSneerRight":[0-9.e-]+,"tongueOut":[0-9.e-]+\}\}\]\}"#,
                                              options: .regularExpression) != nil)
        let scores = try XCTUnwrap(face.blendshapes)
        XCTAssertEqual(scores.count, 53)
        struct TasksFace: Decodable { let landmarks: [[Double]]; let blendshapes: [String: Double] }
        struct TasksDocument: Decodable { let faces: [TasksFace] }
        let url = CommandRunner.repositoryRoot.appendingPathComponent("Tests/Fixtures/MediaPipe/tasks/mpl_grace_hopper.json")
        let tasks = try JSONDecoder().decode(TasksDocument.self, from: Data(contentsOf: url))
        for (name, expected) in tasks.faces[0].blendshapes {
            // JSON keeps 4 decimals; the pipeline is within 4.7e-4 of Tasks (TasksFaceLandmarkerTests).
            XCTAssertEqual(try XCTUnwrap(scores[name], name), expected, accuracy: 2e-3, name)
        }
        XCTAssertLessThanOrEqual(FaceObjectChecks.meanDistanceOverEyeSpan(face.landmarks, tasks.faces[0].landmarks), 1e-4)
    }

    /// `--threads 2` splits each inference over two threads and prints exactly the same document.
    func testThreadsDoNotChangeTheOutput() throws {
        let (single, _) = try runImage([photo, "--max-faces", "2"])
        let (split, _) = try runImage([photo, "--max-faces", "2", "--threads", "2"])
        XCTAssertEqual(split.outputText, single.outputText)
    }

    /// `--detector crowd --max-faces 64` finds the 29 faces of the Solvay photo; the default finds none (as
    /// MediaPipe); `--detector full-range` runs too.
    func testDetectorChoices() throws {
        let solvay = "Tests/Fixtures/Images/visp_solvay_1927_1280px.png"
        let (_, crowd) = try runImage([solvay, "--detector", "crowd", "--max-faces", "64", "--model", "mesh"])
        XCTAssertEqual(crowd.faces.count, 29)
        let (_, shortRange) = try runImage([solvay, "--detector", "short-range", "--max-faces", "64", "--model", "mesh"])
        XCTAssertEqual(shortRange.faces.count, 0)
        let (_, fullRange) = try runImage([photo, "--detector", "full-range", "--model", "mesh"])
        XCTAssertEqual(fullRange.faces.count, 1)
    }

    /// MediaPipe finds no face in skimage's coffee cup photo.
    func testNoFaceGivesAnEmptyList() throws {
        XCTAssertEqual(try MediaPipeLandmarks.load("skimage_coffee_attention").faces.count, 0)
        let (result, document) = try runImage(["Tests/Fixtures/Images/skimage_coffee.png"])
        XCTAssertEqual(result.outputText, "{\"width\":600,\"height\":400,\"faces\":[]}\n")
        XCTAssertEqual(document.faces.count, 0)
        XCTAssertEqual(result.standardError, "")
    }

    /// A sideways PNG tagged with EXIF orientation 6 (rotate 90 degrees clockwise to view), as phones store
    /// portraits: the command reports the upright size and the upright photo's landmarks (measured: identical), and
    /// `--ignore-orientation` keeps the stored 600 x 512 pixels.
    func testExifOrientationIsAppliedUnlessIgnored() throws {
        let upright = try ImageDecoder.decode(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent(photo))
        let sideways = ExifOrientation.rotate90CounterClockwise.referenceUpright(
            pixels: upright.pixels, width: upright.width, height: upright.height)
        let encoded = try PNGEncoder.encode(RGBImage(width: sideways.width, height: sideways.height,
                                                     pixels: sideways.pixels))
        let file = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("sideways.png")
        try Data(ExifTestFiles.insertingChunk("eXIf", payload: ExifTestFiles.orientationBlock(6),
                                              into: [UInt8](encoded))).write(to: file)

        let (_, reference) = try runImage([photo])
        let (_, oriented) = try runImage([file.path])
        XCTAssertEqual([oriented.width, oriented.height], [512, 600])
        let referenceFace = try XCTUnwrap(reference.faces.first), orientedFace = try XCTUnwrap(oriented.faces.first)
        XCTAssertEqual(orientedFace.landmarks.count, referenceFace.landmarks.count)
        for (point, expected) in zip(orientedFace.landmarks, referenceFace.landmarks) {
            XCTAssertEqual(point[0], expected[0], accuracy: 0.01)
            XCTAssertEqual(point[1], expected[1], accuracy: 0.01)
        }
        let (_, stored) = try runImage([file.path, "--ignore-orientation"])
        XCTAssertEqual([stored.width, stored.height], [600, 512])
    }

    private func assertFailsWithOneLine(_ arguments: [String], mentioning word: String,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CommandRunner.run(arguments)
        XCTAssertTrue(result.exited, "ended by a signal", file: file, line: line)
        XCTAssertEqual(result.status, 1, file: file, line: line)
        XCTAssertEqual(result.standardOutput.count, 0, "nothing on standard output", file: file, line: line)
        XCTAssertEqual(result.errorLines.count, 1, result.standardError, file: file, line: line)
        XCTAssertTrue(result.standardError.lowercased().contains(word.lowercased()),
                      "'\(result.standardError)' should mention \(word)", file: file, line: line)
    }

    func testMissingFileFails() throws {
        try assertFailsWithOneLine(["image", "Tests/Fixtures/Images/no_such_photo.jpg"], mentioning: "no_such_photo.jpg")
    }

    func testTextFileFails() throws {
        try assertFailsWithOneLine(["image", "Tests/Fixtures/Images/PROVENANCE.md"],
                                   mentioning: "not a PNG, JPEG or WebP")
    }

    func testTruncatedJPEGFails() throws {
        let data = try Data(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent(photo))
        let cut = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("cut.jpg")
        try data.prefix(data.count / 3).write(to: cut)
        try assertFailsWithOneLine(["image", cut.path], mentioning: "truncated")
    }

    /// A valid PNG (correct CRCs, an empty zlib stream as data) declaring 100,000 × 100,000 pixels is refused before any pixel memory is
    /// allocated.
    func testHugeImageFails() throws {
        var ihdr: [UInt8] = Array("IHDR".utf8)
        for value in [UInt32(100_000), UInt32(100_000)] { ihdr += withUnsafeBytes(of: value.bigEndian, Array.init) }
        ihdr += [8, 2, 0, 0, 0]  // 8-bit RGB, deflate, no filter variant, not interlaced
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + ihdr
        png += withUnsafeBytes(of: pngChunkCRC(ihdr).bigEndian, Array.init)
        // libpng reads the header chunks up to the first IDAT before the size is known to the decoder.
        let idat: [UInt8] = Array("IDAT".utf8) + [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        png += [0, 0, 0, 8] + idat + withUnsafeBytes(of: pngChunkCRC(idat).bigEndian, Array.init)
        let iend: [UInt8] = Array("IEND".utf8)
        png += [0, 0, 0, 0] + iend + withUnsafeBytes(of: pngChunkCRC(iend).bigEndian, Array.init)
        let url = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("huge.png")
        try Data(png).write(to: url)
        try assertFailsWithOneLine(["image", url.path], mentioning: "100000x100000")
    }

    func testInvalidArgumentsAreUsageErrors() throws {
        for arguments in [["image", photo, "--model", "tiny"], ["image", photo, "--max-faces", "0"], ["image"],
                          ["image", photo, "--threads", "0"], ["image", photo, "--threads", "65"],
                          ["image", photo, "--detector", "far"], ["image", photo, "--max-faces", "1025"],
                          ["image", photo, "--model", "mesh", "--blendshapes"]] {
            let result = try CommandRunner.run(arguments)
            XCTAssertTrue(result.exited)
            XCTAssertEqual(result.status, 64, "ArgumentParser's usage error status for \(arguments)")
            XCTAssertEqual(result.standardOutput.count, 0)
        }
    }

    /// The overlay has the photo's size, keeps pixels far from the face and changes pixels on it.
    /// With --blendshapes the overlay adds the chart near the face: a darkened panel (at scale 2 for this 190-px
    /// face: 8 rows, 264 × 120 pixels, below the face for want of room beside it) with yellow bars, outside the
    /// face's box, where the overlay without blendshapes leaves the photo as it is.
    func testOverlayShowsTheBlendshapeChart() throws {
        let directory = try CommandRunner.temporaryDirectory(for: self)
        let plain = directory.appendingPathComponent("plain.png"), chart = directory.appendingPathComponent("chart.png")
        let (_, document) = try runImage([photo, "--model", "v2", "--overlay", plain.path])
        _ = try runImage([photo, "--model", "v2", "--blendshapes", "--overlay", chart.path])
        let without = try ImageDecoder.decode(contentsOf: plain), with = try ImageDecoder.decode(contentsOf: chart)
        let face = try XCTUnwrap(document.faces.first)
        let xs = face.landmarks.map { $0[0] }, ys = face.landmarks.map { $0[1] }
        var changed = 0, yellow = 0
        for y in 0..<600 {
            for x in 0..<512 where !(xs.min()!...xs.max()!).contains(Double(x)) || !(ys.min()!...ys.max()!).contains(Double(y)) {
                let pixel = try XCTUnwrap(with.pixel(x: x, y: y))
                if pixel != without.pixel(x: x, y: y) { changed += 1 }
                if pixel.red > 240 && pixel.green > 180 && pixel.blue < 80 && pixel != without.pixel(x: x, y: y) { yellow += 1 }
            }
        }
        XCTAssertGreaterThan(changed, 264 * 120 / 2)   // the darkened panel
        XCTAssertGreaterThan(yellow, 10 * 10)          // bars
    }

    func testOverlayIsWrittenAtTheImageSize() throws {
        let overlay = try CommandRunner.temporaryDirectory(for: self).appendingPathComponent("overlay.png")
        let (_, document) = try runImage([photo, "--overlay", overlay.path])
        let drawn = try ImageDecoder.decode(contentsOf: overlay)
        let original = try ImageDecoder.decode(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent(photo))
        XCTAssertEqual(drawn.width, 512)
        XCTAssertEqual(drawn.height, 600)
        // Far from the face (bottom corners) nothing is drawn.
        for (x, y) in [(5, 590), (505, 590)] { XCTAssertEqual(drawn.pixel(x: x, y: y), original.pixel(x: x, y: y)) }
        // Around the face, many pixels change: count them in the face's bounding box.
        let face = try XCTUnwrap(document.faces.first)
        let xs = face.landmarks.map { Int($0[0]) }, ys = face.landmarks.map { Int($0[1]) }
        var changed = 0, total = 0
        for y in ys.min()!...ys.max()! {
            for x in xs.min()!...xs.max()! {
                total += 1
                if drawn.pixel(x: x, y: y) != original.pixel(x: x, y: y) { changed += 1 }
            }
        }
        XCTAssertGreaterThan(Double(changed) / Double(total), 0.1)
        // The iris outline is yellow: some pixel near the image-left iris centre's ring is strongly yellow.
        let iris = face.landmarks[468], boundary = face.landmarks[469]
        let radius = hypot(boundary[0] - iris[0], boundary[1] - iris[1])
        let ring = (0..<36).compactMap { step -> RGBColor? in
            let angle = Double(step) * .pi / 18
            return drawn.pixel(x: Int(iris[0] + 0.5 + radius * cos(angle)), y: Int(iris[1] + 0.5 + radius * sin(angle)))
        }
        XCTAssertTrue(ring.contains { $0.red > 200 && $0.green > 170 && $0.blue < 80 }, "yellow iris ring")
    }
}
