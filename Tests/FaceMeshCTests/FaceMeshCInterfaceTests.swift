import CFaceMeshInterface
import FaceMesh
import FaceMeshC
import Foundation
import ImageCodecs
import XCTest

/// The C interface (Sources/FaceMeshC) called as a C caller would: it hands over exactly what `FaceMeshEngine`
/// computes (bit for bit, through caller-owned buffers and a padded row stride), and reports every bad argument as a
/// status and a message instead of trapping. The Python package's tests (Python/tests) check the same interface
/// from ctypes, and against MediaPipe.
final class FaceMeshCInterfaceTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let weights = root.appendingPathComponent("Weights").path

    private func makeEngine(model: facemesh_model = FACEMESH_MODEL_ATTENTION) throws -> OpaquePointer {
        var options = facemesh_options()
        XCTAssertEqual(facemesh_options_init(&options), FACEMESH_OK)
        options.static_image_mode = 1
        options.max_faces = 2
        options.model = Int32(model.rawValue)
        var engine: OpaquePointer?
        let status = Self.weights.withCString { directory -> facemesh_status in
            options.weights_directory = directory
            return facemesh_engine_create(&options, &engine)
        }
        XCTAssertEqual(status, FACEMESH_OK, String(cString: facemesh_last_error()))
        return try XCTUnwrap(engine)
    }

    private var lastError: String { String(cString: facemesh_last_error()) }

    func testResultsAreTheEnginesBitForBitThroughAPaddedStride() throws {
        let image = try ImageDecoder.decode(contentsOf: Self.root.appendingPathComponent(
            "Tests/Fixtures/Images/extra/faces_montage3.png"))
        let expected = try FaceMeshEngine(options: FaceMeshOptions(
            staticImageMode: true, maxFaces: 2, model: .attention,
            weightsDirectory: URL(fileURLWithPath: Self.weights))).process(image)
        XCTAssertEqual(expected.count, 2)
        let engine = try makeEngine()
        defer { facemesh_engine_destroy(engine) }
        var faceCapacity: Int32 = 0, landmarkCapacity: Int32 = 0
        XCTAssertEqual(facemesh_engine_capacity(engine, &faceCapacity, &landmarkCapacity), FACEMESH_OK)
        XCTAssertEqual([faceCapacity, landmarkCapacity], [3, 478])
        // Rows padded by 7 bytes of noise the engine must not read.
        let stride = 3 * image.width + 7
        var padded = [UInt8](repeating: 0xA5, count: stride * image.height)
        for row in 0..<image.height {
            padded.replaceSubrange(row * stride..<row * stride + 3 * image.width,
                                   with: image.pixels[row * 3 * image.width..<(row + 1) * 3 * image.width])
        }
        var landmarks = [Float](repeating: 0, count: Int(faceCapacity * landmarkCapacity) * 3)
        var presence = [Float](repeating: 0, count: 3), identifiers = [Int64](repeating: -1, count: 3)
        var matrices = [Float](repeating: 0, count: 48), hasPose = [UInt8](repeating: 0, count: 3)
        var result = facemesh_result()
        result.struct_size = UInt32(MemoryLayout<facemesh_result>.size)
        result.face_capacity = faceCapacity
        result.landmark_capacity = landmarkCapacity
        let status = landmarks.withUnsafeMutableBufferPointer { landmarkBuffer in
            presence.withUnsafeMutableBufferPointer { presenceBuffer in
                identifiers.withUnsafeMutableBufferPointer { identifierBuffer in
                    matrices.withUnsafeMutableBufferPointer { matrixBuffer in
                        hasPose.withUnsafeMutableBufferPointer { poseBuffer in
                            result.landmarks = landmarkBuffer.baseAddress
                            result.presence = presenceBuffer.baseAddress
                            result.face_id = identifierBuffer.baseAddress
                            result.pose_matrix = matrixBuffer.baseAddress
                            result.has_pose = poseBuffer.baseAddress
                            return facemesh_process(engine, padded, Int32(image.width), Int32(image.height),
                                                    Int64(stride), .nan, &result)
                        }
                    }
                }
            }
        }
        XCTAssertEqual(status, FACEMESH_OK, lastError)
        XCTAssertEqual(result.face_count, 2)
        XCTAssertEqual(result.landmark_count, 478)
        for (index, face) in expected.enumerated() {
            let base = index * Int(landmarkCapacity) * 3
            let ours = (0..<478).map {
                Landmark(x: landmarks[base + 3 * $0], y: landmarks[base + 3 * $0 + 1], z: landmarks[base + 3 * $0 + 2])
            }
            XCTAssertEqual(ours, face.normalizedLandmarks)
            XCTAssertEqual(presence[index], face.presence)
            XCTAssertEqual(identifiers[index], Int64(face.trackIdentifier))
            XCTAssertEqual(hasPose[index], 1)
            XCTAssertEqual(Array(matrices[16 * index..<16 * (index + 1)]), face.headPose?.matrix)
        }
    }

    func testBadArgumentsAreReportedNotTrapped() throws {
        var engine: OpaquePointer?
        XCTAssertEqual(facemesh_engine_create(nil, &engine), FACEMESH_ERROR_INVALID_ARGUMENT)
        XCTAssertTrue(lastError.contains("options is NULL"), lastError)
        var options = facemesh_options()
        XCTAssertEqual(facemesh_options_init(&options), FACEMESH_OK)
        for change in [{ (o: inout facemesh_options) in o.model = 9 }, { $0.smoothing = -1 }, { $0.max_faces = 0 },
                       { $0.min_detection_confidence = .nan }, { $0.threads = 65 }] {
            var bad = options
            change(&bad)
            XCTAssertEqual(facemesh_engine_create(&bad, &engine), FACEMESH_ERROR_INVALID_OPTION, lastError)
            XCTAssertNil(engine)
        }
        var tooSmall = options
        tooSmall.struct_size = 4
        XCTAssertEqual(facemesh_engine_create(&tooSmall, &engine), FACEMESH_ERROR_INVALID_ARGUMENT)
        let status = "/nonexistent/weights".withCString { directory -> facemesh_status in
            options.weights_directory = directory
            return facemesh_engine_create(&options, &engine)
        }
        XCTAssertEqual(status, FACEMESH_ERROR_ENGINE_CREATION)
        XCTAssertTrue(lastError.contains("/nonexistent/weights"), lastError)

        let created = try makeEngine(model: FACEMESH_MODEL_MESH)
        defer { facemesh_engine_destroy(created) }
        var landmarks = [Float](repeating: 0, count: 10 * 3)
        let pixels = [UInt8](repeating: 128, count: 32 * 32 * 3)
        landmarks.withUnsafeMutableBufferPointer { buffer in
          pixels.withUnsafeBufferPointer { pixelBuffer in
            let pixels = pixelBuffer.baseAddress!
            var result = facemesh_result()
            result.struct_size = UInt32(MemoryLayout<facemesh_result>.size)
            result.face_capacity = 1
            result.landmark_capacity = 10
            XCTAssertEqual(facemesh_process(created, pixels, 32, 32, 96, 0, &result), FACEMESH_ERROR_INVALID_ARGUMENT)
            XCTAssertTrue(lastError.contains("landmarks is NULL"), lastError)
            result.landmarks = buffer.baseAddress
            let cases: [(OpaquePointer?, UnsafePointer<UInt8>?, Int32, Int32, Int64, Double, String)] = [
                (nil, pixels, 32, 32, 96, 0, "engine is NULL"),
                (created, nil, 32, 32, 96, 0, "pixels is NULL"),
                (created, pixels, 0, 32, 96, 0, "0x32"),
                (created, pixels, 32, -1, 96, 0, "32x-1"),
                (created, pixels, 32, 32, 95, 0, "row_stride 95"),
                (created, pixels, .max, .max, .max, 0, "overflows"),
                (created, pixels, 32, 32, 96, .infinity, "not finite"),
            ]
            for (engine, pointer, width, height, stride, timestamp, message) in cases {
                XCTAssertEqual(facemesh_process(engine, pointer, width, height, stride, timestamp, &result),
                               FACEMESH_ERROR_INVALID_ARGUMENT, message)
                XCTAssertTrue(lastError.contains(message), "\(lastError) should mention \(message)")
            }
            // A grey frame has no face: success with zero faces.
            XCTAssertEqual(facemesh_process(created, pixels, 32, 32, 96, 0, &result), FACEMESH_OK, lastError)
            XCTAssertEqual(result.face_count, 0)
          }
        }
        XCTAssertEqual(facemesh_process(created, pixels, 32, 32, 96, 0, nil), FACEMESH_ERROR_INVALID_ARGUMENT)
        XCTAssertEqual(facemesh_reset(nil), FACEMESH_ERROR_INVALID_ARGUMENT)
        XCTAssertEqual(facemesh_reset(created), FACEMESH_OK)
        facemesh_engine_destroy(nil)
    }

    func testLastErrorIsPerThread() throws {
        var engine: OpaquePointer?
        XCTAssertEqual(facemesh_engine_create(nil, &engine), FACEMESH_ERROR_INVALID_ARGUMENT)
        let done = expectation(description: "other thread")
        let thread = Thread {
            XCTAssertEqual(String(cString: facemesh_last_error()), "")
            done.fulfill()
        }
        thread.start()
        wait(for: [done], timeout: 10)
        XCTAssertTrue(lastError.contains("options is NULL"))
    }
}
