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

    private func makeEngine(model: facemesh_model = FACEMESH_MODEL_ATTENTION, blendshapes: Bool = false,
                            detector: facemesh_detector = FACEMESH_DETECTOR_SHORT_RANGE, maxFaces: Int32 = 2,
                            structSize: Int? = nil) throws -> OpaquePointer {
        var options = facemesh_options()
        XCTAssertEqual(facemesh_options_init(&options), FACEMESH_OK)
        options.static_image_mode = 1
        options.max_faces = maxFaces
        options.model = Int32(model.rawValue)
        options.output_blendshapes = blendshapes ? 1 : 0
        options.detector = Int32(detector.rawValue)
        if let structSize { options.struct_size = UInt32(structSize) }
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

    /// Runs `engine` on `image` through a result struct of `structSize` bytes with blendshape and tongue buffers
    /// prefilled with -1 (so that untouched entries show), returning the status, the struct and those buffers.
    private func processBlendshapes(_ engine: OpaquePointer, _ image: RGBImage, structSize: Int,
                                    blendshapeCapacity: Int32 = Int32(FACEMESH_BLENDSHAPE_COUNT))
        -> (status: facemesh_status, result: facemesh_result, scores: [Float], tongueOut: [Float]) {
        var landmarks = [Float](repeating: 0, count: 3 * 478 * 3)
        var scores = [Float](repeating: -1, count: 3 * max(Int(blendshapeCapacity), 1))
        var tongueOut = [Float](repeating: -1, count: 3)
        var result = facemesh_result()
        result.struct_size = UInt32(structSize)
        result.face_capacity = 3
        result.landmark_capacity = 478
        result.blendshape_capacity = blendshapeCapacity
        result.blendshape_count = -1
        let status = landmarks.withUnsafeMutableBufferPointer { landmarkBuffer in
            scores.withUnsafeMutableBufferPointer { scoreBuffer in
                tongueOut.withUnsafeMutableBufferPointer { tongueBuffer in
                    result.landmarks = landmarkBuffer.baseAddress
                    result.blendshapes = scoreBuffer.baseAddress
                    result.tongue_out = tongueBuffer.baseAddress
                    return facemesh_process(engine, image.pixels, Int32(image.width), Int32(image.height),
                                            Int64(3 * image.width), .nan, &result)
                }
            }
        }
        return (status, result, scores, tongueOut)
    }

    func testBlendshapesAndTongueOutAreTheEnginesBitForBit() throws {
        let image = try ImageDecoder.decode(contentsOf: Self.root.appendingPathComponent(
            "Tests/Fixtures/Images/extra/faces_montage3.png"))
        let count = Int(FACEMESH_BLENDSHAPE_COUNT)
        for (model, kind) in [(FACEMESH_MODEL_V2, LandmarkModelKind.faceMeshV2), (FACEMESH_MODEL_ATTENTION, .attention)] {
            let expected = try FaceMeshEngine(options: FaceMeshOptions(
                staticImageMode: true, maxFaces: 2, model: kind, outputBlendshapes: true,
                weightsDirectory: URL(fileURLWithPath: Self.weights))).process(image)
            XCTAssertEqual(expected.count, 2)
            let engine = try makeEngine(model: model, blendshapes: true)
            defer { facemesh_engine_destroy(engine) }
            let output = processBlendshapes(engine, image, structSize: MemoryLayout<facemesh_result>.size)
            XCTAssertEqual(output.status, FACEMESH_OK, lastError)
            XCTAssertEqual(output.result.face_count, 2)
            XCTAssertEqual(output.result.blendshape_count, FACEMESH_BLENDSHAPE_COUNT)
            for (index, face) in expected.enumerated() {
                XCTAssertEqual(Array(output.scores[count * index..<count * (index + 1)]), face.blendshapes?.scores)
                if let tongue = face.tongueOut {
                    XCTAssertEqual(output.tongueOut[index], tongue)
                } else {
                    XCTAssertEqual(kind, .attention)
                    XCTAssertTrue(output.tongueOut[index].isNaN)
                }
            }
            XCTAssertEqual(output.scores[2 * count], -1, "the third face slot is not written")
        }
        // Through the C declaration (the header's), as a C caller sees it.
        let name = { (index: Int32) in CFaceMeshInterface.facemesh_blendshape_name(index).map { String(cString: $0) } }
        XCTAssertEqual((0..<count).map { name(Int32($0)) }, FaceBlendshapes.names)
        XCTAssertEqual(name(FACEMESH_BLENDSHAPE_COUNT), "tongueOut")
        XCTAssertNil(name(FACEMESH_BLENDSHAPE_COUNT + 1))
        XCTAssertNil(name(-1))
    }

    /// Callers built against ABI 1 (options of 48 bytes, results of 88) keep working: blendshapes stay off, and the
    /// fields beyond their struct are neither read nor written. V2 without blendshapes still gives tongue out.
    func testOlderCallersAndBlendshapeErrors() throws {
        let image = try ImageDecoder.decode(contentsOf: Self.root.appendingPathComponent(
            "Tests/Fixtures/Images/mpl_grace_hopper.jpg"))
        let abi1Options = MemoryLayout<facemesh_options>.offset(of: \facemesh_options.output_blendshapes)!
        let abi1Result = MemoryLayout<facemesh_result>.offset(of: \facemesh_result.blendshape_capacity)!
        XCTAssertEqual([abi1Options, abi1Result], [48, 88])
        let old = try makeEngine(model: FACEMESH_MODEL_V2, blendshapes: true, structSize: abi1Options)
        defer { facemesh_engine_destroy(old) }
        let oldOutput = processBlendshapes(old, image, structSize: abi1Result)
        XCTAssertEqual(oldOutput.status, FACEMESH_OK, lastError)
        XCTAssertEqual(oldOutput.result.face_count, 1)
        XCTAssertEqual(oldOutput.result.blendshape_count, -1)
        XCTAssertEqual(Set(oldOutput.scores + oldOutput.tongueOut), [-1])
        // The same engine through the full struct: no blendshapes (options of ABI 1), but V2's tongue out.
        let current = processBlendshapes(old, image, structSize: MemoryLayout<facemesh_result>.size)
        XCTAssertEqual(current.status, FACEMESH_OK, lastError)
        XCTAssertEqual(current.result.blendshape_count, 0)
        XCTAssertEqual(Set(current.scores), [-1])
        XCTAssertTrue((0...1).contains(current.tongueOut[0]), "\(current.tongueOut[0])")

        var options = facemesh_options(), engine: OpaquePointer?
        XCTAssertEqual(facemesh_options_init(&options), FACEMESH_OK)
        XCTAssertEqual(options.output_blendshapes, 0)
        options.model = Int32(FACEMESH_MODEL_MESH.rawValue)
        options.output_blendshapes = 1
        XCTAssertEqual(facemesh_engine_create(&options, &engine), FACEMESH_ERROR_INVALID_OPTION)
        XCTAssertTrue(lastError.contains("478-point model"), lastError)
        XCTAssertNil(engine)
        options.model = 4
        XCTAssertEqual(facemesh_engine_create(&options, &engine), FACEMESH_ERROR_INVALID_OPTION)
        XCTAssertTrue(lastError.contains("3 (v2)"), lastError)

        let withBlendshapes = try makeEngine(model: FACEMESH_MODEL_V2, blendshapes: true)
        defer { facemesh_engine_destroy(withBlendshapes) }
        let small = processBlendshapes(withBlendshapes, image, structSize: MemoryLayout<facemesh_result>.size,
                                       blendshapeCapacity: 51)
        XCTAssertEqual(small.status, FACEMESH_ERROR_BUFFER_TOO_SMALL)
        XCTAssertEqual(small.result.blendshape_count, FACEMESH_BLENDSHAPE_COUNT)
        XCTAssertEqual(Set(small.scores + small.tongueOut), [-1], "nothing written")
        let negative = processBlendshapes(withBlendshapes, image, structSize: MemoryLayout<facemesh_result>.size,
                                          blendshapeCapacity: -1)
        XCTAssertEqual(negative.status, FACEMESH_ERROR_INVALID_ARGUMENT)
        XCTAssertTrue(lastError.contains("blendshape_capacity"), lastError)
    }

    /// The crowd strategy through the C interface finds the Solvay photo's 29 faces, exactly the engine's; the
    /// default short-range detector finds none there (as MediaPipe); an unknown detector is an option error.
    func testDetectorChoices() throws {
        let image = try ImageDecoder.decode(contentsOf: Self.root.appendingPathComponent(
            "Tests/Fixtures/Images/visp_solvay_1927_1280px.png"))
        let expected = try FaceMeshEngine(options: FaceMeshOptions(
            staticImageMode: true, maxFaces: 64, model: .mesh, weightsDirectory: URL(fileURLWithPath: Self.weights),
            detector: .crowd)).process(image)
        XCTAssertEqual(expected.count, 29)
        for (detector, faces) in [(FACEMESH_DETECTOR_CROWD, 29), (FACEMESH_DETECTOR_SHORT_RANGE, 0),
                                  (FACEMESH_DETECTOR_FULL_RANGE, nil)] {
            let engine = try makeEngine(model: FACEMESH_MODEL_MESH, detector: detector, maxFaces: 64)
            defer { facemesh_engine_destroy(engine) }
            var landmarks = [Float](repeating: 0, count: 127 * 468 * 3)
            var result = facemesh_result()
            result.struct_size = UInt32(MemoryLayout<facemesh_result>.size)
            result.face_capacity = 127
            result.landmark_capacity = 468
            let status = landmarks.withUnsafeMutableBufferPointer { buffer in
                result.landmarks = buffer.baseAddress
                return facemesh_process(engine, image.pixels, Int32(image.width), Int32(image.height),
                                        Int64(3 * image.width), .nan, &result)
            }
            XCTAssertEqual(status, FACEMESH_OK, lastError)
            guard let faces else { continue }
            XCTAssertEqual(Int(result.face_count), faces, "detector \(detector.rawValue)")
            if detector == FACEMESH_DETECTOR_CROWD {
                for (index, face) in expected.enumerated() {
                    let base = index * 468 * 3
                    XCTAssertEqual(face.normalizedLandmarks.enumerated().map {
                        Landmark(x: landmarks[base + 3 * $0.offset], y: landmarks[base + 3 * $0.offset + 1],
                                 z: landmarks[base + 3 * $0.offset + 2])
                    }, face.normalizedLandmarks)
                }
            }
        }
        var options = facemesh_options(), engine: OpaquePointer?
        XCTAssertEqual(facemesh_options_init(&options), FACEMESH_OK)
        XCTAssertEqual(options.detector, Int32(FACEMESH_DETECTOR_SHORT_RANGE.rawValue))
        options.detector = 3
        XCTAssertEqual(facemesh_engine_create(&options, &engine), FACEMESH_ERROR_INVALID_OPTION)
        XCTAssertTrue(lastError.contains("detector 3"), lastError)
        XCTAssertNil(engine)
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
