import Foundation
import FaceMeshVideo
import XCTest
@testable import FaceMesh

/// Face identity across frames (`FaceMeshResult.trackIdentifier`), the value semantics of the results (Equatable,
/// Codable) and the async streams over raw frames and video files.
final class FaceIdentityTests: XCTestCase {
    private func portrait() throws -> RGBImage { try TestFiles.frame("Tests/Fixtures/Images/mpl_grace_hopper.jpg") }

    private func videoOptions() -> FaceMeshOptions {
        FaceMeshOptions(staticImageMode: false, model: .mesh, weightsDirectory: TestFiles.weights)
    }

    /// Synthetic frames face ×3, blank ×2, face ×3: the face keeps id 0 while tracked, the blank frames have no
    /// face, and the face found again is a new track with id 1. `reset()` forgets tracks but never reuses an id.
    func testIdentifierIsKeptWhileTrackedAndNewAfterLoss() throws {
        let face = try portrait()
        let blank = try RGBImage(width: face.width, height: face.height, color: RGBColor(red: 128, green: 128, blue: 128))
        let engine = try FaceMeshEngine(options: videoOptions())
        var identifiers: [[Int]] = []
        for image in [face, face, face, blank, blank, face, face, face] {
            identifiers.append(try engine.process(image).map(\.trackIdentifier))
        }
        XCTAssertEqual(identifiers, [[0], [0], [0], [], [], [1], [1], [1]])
        engine.reset()
        XCTAssertEqual(try engine.process(face).map(\.trackIdentifier), [2])
    }

    /// In static-image mode the calls are unrelated photos: each call numbers its faces from 0 in output order
    /// (three on the montage), so a photo gets the same document whatever was processed before it.
    func testStaticImagesNumberTheirFacesFromZero() throws {
        var options = videoOptions()
        options.staticImageMode = true
        options.maxFaces = 4
        let engine = try FaceMeshEngine(options: options)
        let face = try portrait()
        let montage = try TestFiles.frame("Tests/Fixtures/Images/extra/faces_montage3.png")
        XCTAssertEqual(try engine.process(face).map(\.trackIdentifier), [0])
        XCTAssertEqual(try engine.process(montage).map(\.trackIdentifier), [0, 1, 2])
        XCTAssertEqual(try engine.process(face).map(\.trackIdentifier), [0])
    }

    /// A result survives a JSON round trip unchanged (Codable + Equatable).
    func testResultsRoundTripThroughJSON() throws {
        let engine = try FaceMeshEngine(options: FaceMeshOptions(staticImageMode: true, weightsDirectory: TestFiles.weights))
        let faces = try engine.process(try portrait())
        XCTAssertEqual(faces.count, 1)
        XCTAssertNotNil(faces.first?.headPose)
        let decoded = try JSONDecoder().decode([FaceMeshResult].self, from: JSONEncoder().encode(faces))
        XCTAssertEqual(decoded, faces)
    }

    /// The raw-frame stream gives, frame by frame, exactly what one engine gives on the same frames, with
    /// timestamps i / rate and the frame size.
    func testRawFrameStreamMatchesTheEngine() async throws {
        let face = try portrait()
        let blank = try RGBImage(width: face.width, height: face.height, color: .black)
        let frames = [face, face, blank, face]
        let engine = try FaceMeshEngine(options: videoOptions())
        let expected = try frames.map { try engine.process($0) }
        var received: [FaceMeshFrameResult] = []
        for try await frame in FaceMeshStream.results(of: frames, framesPerSecond: 10, options: videoOptions()) {
            received.append(frame)
        }
        XCTAssertEqual(received.map(\.index), [0, 1, 2, 3])
        XCTAssertEqual(received.map(\.timestamp), [0, 0.1, 0.2, 0.3 as Double].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(received.map(\.faces), expected)
        XCTAssertEqual(received.map(\.faces).map { $0.map(\.trackIdentifier) }, [[0], [0], [], [1]])
        XCTAssertTrue(received.allSatisfy { $0.width == face.width && $0.height == face.height })
    }

    /// Errors end the stream: a bad frame rate, and a missing weights directory.
    func testStreamErrors() async throws {
        do {
            for try await _ in FaceMeshStream.results(of: [try portrait()], framesPerSecond: 0, options: videoOptions()) {}
            XCTFail("a zero frame rate must fail")
        } catch let error as FaceMeshError {
            guard case .invalidOption = error else { return XCTFail("unexpected \(error)") }
        }
        var options = videoOptions()
        options.weightsDirectory = URL(fileURLWithPath: "/nonexistent-weights")
        do {
            for try await _ in FaceMeshStream.results(of: [try portrait()], options: options) {}
            XCTFail("missing weights must fail")
        } catch {}
    }

    /// The file stream decodes the synthetic video with ffmpeg: the first frames carry the file's timing and one
    /// tracked face with id 0; leaving the loop early stops the stream.
    func testVideoFileStream() async throws {
        do { _ = try FFmpegTools.locate() } catch {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw error }
            throw XCTSkip("ffmpeg is not installed")
        }
        let url = TestFiles.fixtures.appendingPathComponent("Video/synthetic_portrait.mp4")
        var received: [FaceMeshFrameResult] = []
        for try await frame in FaceMeshVideo.results(contentsOf: url, options: videoOptions()) {
            received.append(frame)
            if received.count == 5 { break }
        }
        XCTAssertEqual(received.map(\.index), [0, 1, 2, 3, 4])
        XCTAssertEqual(received.last?.timestamp ?? 0, 4.0 / 30, accuracy: 1e-9)
        XCTAssertEqual(received.map { $0.faces.map(\.trackIdentifier) }, [[0], [0], [0], [0], [0]])
        XCTAssertEqual(received.first?.width, 400)
        XCTAssertEqual(received.first?.height, 480)
        let missing = FaceMeshVideo.results(contentsOf: url.appendingPathExtension("missing"), options: videoOptions())
        do {
            for try await _ in missing {}
            XCTFail("a missing file must fail")
        } catch {
            XCTAssertTrue(error is ImageCodecError, "\(error)")
        }
    }
}

extension FaceIdentityTests {
    /// Raw RGB24 frames through a pipe: face, blank, face, then half a frame. The whole frames give results (ids 0,
    /// none, 1, timed at 10 fps) before the stream ends with `ImageCodecError.partialFrame`.
    func testRawPipeStream() async throws {
        let face = try portrait()
        let blank = try RGBImage(width: face.width, height: face.height, color: .white)
        let pipe = Pipe()
        var bytes = face.pixels + blank.pixels + face.pixels
        bytes += face.pixels.prefix(face.pixels.count / 2)
        let writer = pipe.fileHandleForWriting
        let data = Data(bytes)
        DispatchQueue.global().async {
            try? writer.write(contentsOf: data)
            try? writer.close()
        }
        var received: [FaceMeshFrameResult] = []
        do {
            let stream = FaceMeshVideo.results(rawRGBFrom: pipe.fileHandleForReading, width: face.width,
                                               height: face.height, frameRate: try FrameRate(numerator: 10),
                                               options: videoOptions())
            for try await frame in stream { received.append(frame) }
            XCTFail("half a frame must end the stream with an error")
        } catch let error as ImageCodecError {
            guard case .partialFrame = error else { return XCTFail("unexpected \(error)") }
        }
        XCTAssertEqual(received.map { $0.faces.map(\.trackIdentifier) }, [[0], [], [1]])
        XCTAssertEqual(received.map(\.timestamp), [0, 0.1, 0.2], accuracy: 1e-12)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
