import CFaceMeshInterface
import FaceMesh
import Foundation

// The C interface of Sources/CFaceMeshInterface/include/facemesh_c.h: `@_cdecl` functions over an opaque engine
// handle. Only C types cross the boundary; every Swift error becomes a status code plus a per-thread message, and
// every argument is checked before use (pointers against NULL, sizes and strides against overflow), so a caller's
// mistake is reported, never a trap.

/// The object behind a `facemesh_engine *`: the engine plus the frame buffer it copies pixels into.
final class EngineHandle {
    let engine: FaceMeshEngine
    /// Packed RGB copy of the caller's frame (rows without padding), reused between frames.
    var pixels: [UInt8] = []

    init(engine: FaceMeshEngine) {
        self.engine = engine
    }

    /// Faces a frame can produce: MediaPipe's legacy merge keeps tracked faces and new detections side by side
    /// (Sources/FaceMesh/Regions/RegionOfInterest.swift, `mergeLegacy`), so up to 2 × maxFaces − 1.
    var faceCapacity: Int32 {
        Int32(clamping: 2 * engine.options.maxFaces - 1)
    }

    var landmarkCapacity: Int32 {
        Int32(engine.options.model.landmarkCount)
    }
}

/// A failure of one C call: its status and message.
struct InterfaceError: Error {
    let status: facemesh_status
    let message: String
}

// MARK: - Last error (per thread)

/// Thread-local storage of the last error message: a `strdup`ed C string freed when replaced or when the thread ends.
private let lastErrorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in free(pointer) }
    return key
}()

private let emptyMessage: UnsafeMutablePointer<CChar> = strdup("")!

private func setLastError(_ message: String) {
    let previous = pthread_getspecific(lastErrorKey)
    pthread_setspecific(lastErrorKey, strdup(message))
    free(previous)
}

/// Runs `body`, turning a thrown error into its status and this thread's last error message.
private func reporting(_ body: () throws -> Void) -> facemesh_status {
    do {
        try body()
        return FACEMESH_OK
    } catch let error as InterfaceError {
        setLastError(error.message)
        return error.status
    } catch let error as FaceMeshError {
        setLastError(String(describing: error))
        if case .invalidOption = error { return FACEMESH_ERROR_INVALID_OPTION }
        if case .invalidSmoothingParameter = error { return FACEMESH_ERROR_INVALID_OPTION }
        return FACEMESH_ERROR_PROCESSING
    } catch {
        setLastError(String(describing: error))
        return FACEMESH_ERROR_PROCESSING
    }
}

private func invalidArgument(_ message: String) -> InterfaceError {
    InterfaceError(status: FACEMESH_ERROR_INVALID_ARGUMENT, message: message)
}

private func handle(_ engine: OpaquePointer?) throws -> EngineHandle {
    guard let engine else { throw invalidArgument("engine is NULL") }
    return Unmanaged<EngineHandle>.fromOpaque(UnsafeRawPointer(engine)).takeUnretainedValue()
}

// MARK: - Options

/// MediaPipe's defaults (`FaceMeshOptions()`), as the C struct.
private func defaultOptions() -> facemesh_options {
    let defaults = FaceMeshOptions()
    return facemesh_options(
        struct_size: UInt32(MemoryLayout<facemesh_options>.size),
        static_image_mode: defaults.staticImageMode ? 1 : 0, max_faces: Int32(clamping: defaults.maxFaces),
        model: modelCode(defaults.model), min_detection_confidence: defaults.minDetectionConfidence,
        min_tracking_confidence: defaults.minTrackingConfidence, smoothing: Int32(FACEMESH_SMOOTHING_NONE.rawValue),
        threads: Int32(clamping: defaults.threads), estimate_head_pose: 1, weights_directory: nil)
}

private func modelCode(_ model: LandmarkModelKind) -> Int32 {
    switch model {
    case .mesh: return Int32(FACEMESH_MODEL_MESH.rawValue)
    case .attention: return Int32(FACEMESH_MODEL_ATTENTION.rawValue)
    case .cascade: return Int32(FACEMESH_MODEL_CASCADE.rawValue)
    case .faceMeshV2: return Int32(FACEMESH_MODEL_V2.rawValue)
    }
}

/// The caller's options over the defaults: only the first `struct_size` bytes are the caller's (older callers know
/// fewer fields), the rest keep their defaults.
private func readOptions(_ pointer: UnsafePointer<facemesh_options>) throws -> facemesh_options {
    let callerSize = Int(pointer.pointee.struct_size)
    let minimumSize = MemoryLayout<facemesh_options>.offset(of: \facemesh_options.max_faces)! + 4
    guard callerSize >= minimumSize else {
        throw invalidArgument("facemesh_options.struct_size is \(callerSize); set it with facemesh_options_init")
    }
    var options = defaultOptions()
    withUnsafeMutableBytes(of: &options) { destination in
        let count = min(callerSize, destination.count)
        destination.copyMemory(from: UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: count))
    }
    options.struct_size = UInt32(MemoryLayout<facemesh_options>.size)
    return options
}

/// The C options as `FaceMeshOptions`, rejecting unknown enum values (ranges are checked by `FaceMeshEngine`).
private func engineOptions(_ options: facemesh_options) throws -> FaceMeshOptions {
    func invalidOption(_ message: String) -> InterfaceError {
        InterfaceError(status: FACEMESH_ERROR_INVALID_OPTION, message: "invalid face mesh option: " + message)
    }
    let model: LandmarkModelKind
    switch UInt32(bitPattern: options.model) {
    case FACEMESH_MODEL_MESH.rawValue: model = .mesh
    case FACEMESH_MODEL_ATTENTION.rawValue: model = .attention
    case FACEMESH_MODEL_CASCADE.rawValue: model = .cascade
    case FACEMESH_MODEL_V2.rawValue: model = .faceMeshV2
    default: throw invalidOption("model \(options.model) is not one of 0 (mesh), 1 (attention), 2 (cascade)")
    }
    let smoothing: SmoothingMethod
    switch UInt32(bitPattern: options.smoothing) {
    case FACEMESH_SMOOTHING_NONE.rawValue: smoothing = .none
    case FACEMESH_SMOOTHING_ONE_EURO.rawValue: smoothing = .faceLandmarkerDefault
    case FACEMESH_SMOOTHING_RELATIVE_VELOCITY.rawValue: smoothing = .faceEffectDefault
    default:
        throw invalidOption("smoothing \(options.smoothing) is not one of 0 (none), 1 (one euro), 2 (relative velocity)")
    }
    for (name, value) in [("min_detection_confidence", options.min_detection_confidence),
                          ("min_tracking_confidence", options.min_tracking_confidence)] where !(0...1).contains(value) {
        throw invalidOption("\(name) must lie in [0, 1], got \(value)")
    }
    var result = FaceMeshOptions(staticImageMode: options.static_image_mode != 0, maxFaces: Int(options.max_faces),
                                 model: model, minDetectionConfidence: options.min_detection_confidence,
                                 minTrackingConfidence: options.min_tracking_confidence, smoothing: smoothing,
                                 threads: Int(options.threads))
    result.estimatesHeadPose = options.estimate_head_pose != 0
    if let directory = options.weights_directory {
        let path = String(cString: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InterfaceError(status: FACEMESH_ERROR_ENGINE_CREATION,
                                 message: "weights directory \(path) does not exist")
        }
        result.weightsDirectory = URL(fileURLWithPath: path, isDirectory: true)
    }
    return result
}

// MARK: - Exported functions

/// The C interface version this library implements (`FACEMESH_ABI_VERSION`).
@_cdecl("facemesh_abi_version")
public func facemesh_abi_version() -> Int32 {
    Int32(FACEMESH_ABI_VERSION)
}

/// Fills `options` with MediaPipe's defaults and sets its struct_size (header: `facemesh_options_init`).
@_cdecl("facemesh_options_init")
public func facemesh_options_init(_ options: UnsafeMutablePointer<facemesh_options>?) -> facemesh_status {
    reporting {
        guard let options else { throw invalidArgument("options is NULL") }
        options.pointee = defaultOptions()
    }
}

/// Creates an engine from `options` into `*engine` (NULL on failure); see the header's `facemesh_engine_create`.
@_cdecl("facemesh_engine_create")
public func facemesh_engine_create(_ options: UnsafePointer<facemesh_options>?,
                                   _ engine: UnsafeMutablePointer<OpaquePointer?>?) -> facemesh_status {
    reporting {
        guard let engine else { throw invalidArgument("engine (the output pointer) is NULL") }
        engine.pointee = nil
        guard let options else { throw invalidArgument("options is NULL; fill them with facemesh_options_init") }
        let settings = try engineOptions(readOptions(options))
        let created: FaceMeshEngine
        do {
            created = try FaceMeshEngine(options: settings)
        } catch let error as FaceMeshError {
            if case .invalidOption = error { throw error }
            throw InterfaceError(status: FACEMESH_ERROR_ENGINE_CREATION, message: String(describing: error))
        } catch {
            throw InterfaceError(status: FACEMESH_ERROR_ENGINE_CREATION, message: String(describing: error))
        }
        engine.pointee = OpaquePointer(Unmanaged.passRetained(EngineHandle(engine: created)).toOpaque())
    }
}

/// Releases an engine made by `facemesh_engine_create`; NULL is a no-op.
@_cdecl("facemesh_engine_destroy")
public func facemesh_engine_destroy(_ engine: OpaquePointer?) {
    guard let engine else { return }
    Unmanaged<EngineHandle>.fromOpaque(UnsafeRawPointer(engine)).release()
}

/// Result buffer sizes that always suffice: faces per frame (2 × max_faces − 1) and landmarks per face.
@_cdecl("facemesh_engine_capacity")
public func facemesh_engine_capacity(_ engine: OpaquePointer?, _ faceCapacity: UnsafeMutablePointer<Int32>?,
                                     _ landmarkCapacity: UnsafeMutablePointer<Int32>?) -> facemesh_status {
    reporting {
        let handle = try handle(engine)
        guard let faceCapacity, let landmarkCapacity else { throw invalidArgument("an output pointer is NULL") }
        faceCapacity.pointee = handle.faceCapacity
        landmarkCapacity.pointee = handle.landmarkCapacity
    }
}

/// Forgets tracked faces and filter state (`FaceMeshEngine.reset()`).
@_cdecl("facemesh_reset")
public func facemesh_reset(_ engine: OpaquePointer?) -> facemesh_status {
    reporting { try handle(engine).engine.reset() }
}

/// This thread's last error message (UTF-8), or "" if no call failed on it.
@_cdecl("facemesh_last_error")
public func facemesh_last_error() -> UnsafePointer<CChar> {
    guard let message = pthread_getspecific(lastErrorKey) else { return UnsafePointer(emptyMessage) }
    return UnsafePointer(message.assumingMemoryBound(to: CChar.self))
}

/// Finds the faces of one 8-bit RGB frame (rows `rowStride` bytes apart) and writes them into the caller's
/// `result` buffers: normalized landmarks (x/W, y/H, z/W), presence, detection score, track id, head pose, region.
@_cdecl("facemesh_process")
public func facemesh_process(_ engine: OpaquePointer?, _ pixels: UnsafePointer<UInt8>?, _ width: Int32,
                             _ height: Int32, _ rowStride: Int64, _ timestamp: Double,
                             _ result: UnsafeMutablePointer<facemesh_result>?) -> facemesh_status {
    reporting {
        let handle = try handle(engine)
        guard let result else { throw invalidArgument("result is NULL") }
        let output = try ResultBuffers(result)
        let frame = try handle.copyFrame(pixels, width: Int(width), height: Int(height), rowStride: Int(rowStride))
        guard timestamp.isNaN || timestamp.isFinite else {
            throw invalidArgument("timestamp \(timestamp) is not finite (use NaN for automatic timestamps)")
        }
        let faces = try handle.engine.process(frame, timestamp: timestamp.isNaN ? nil : timestamp)
        try output.write(faces, landmarkCount: Int(handle.landmarkCapacity))
    }
}

// MARK: - Frames and results

extension EngineHandle {
    /// Copies the caller's rows into the reusable packed buffer and wraps it as an `RGBImage` (one copy; the image
    /// shares the buffer until it is released, so the next frame writes in place again).
    func copyFrame(_ pixels: UnsafePointer<UInt8>?, width: Int, height: Int, rowStride: Int) throws -> RGBImage {
        guard let pixels else { throw invalidArgument("pixels is NULL") }
        guard width > 0, height > 0 else {
            throw invalidArgument("image size \(width)x\(height): both sides must be at least 1 pixel")
        }
        let rowBytes = 3 * width
        guard rowStride >= rowBytes else {
            throw invalidArgument("row_stride \(rowStride) is smaller than 3 x width = \(rowBytes) bytes")
        }
        let (span, spanOverflow) = rowStride.multipliedReportingOverflow(by: height - 1)
        guard !spanOverflow, !span.addingReportingOverflow(rowBytes).overflow,
              !rowBytes.multipliedReportingOverflow(by: height).overflow else {
            throw invalidArgument("image of \(width)x\(height) with row_stride \(rowStride) overflows the address space")
        }
        let count = rowBytes * height
        if self.pixels.count != count { self.pixels = [UInt8](repeating: 0, count: count) }
        self.pixels.withUnsafeMutableBufferPointer { destination in
            if rowStride == rowBytes {
                destination.baseAddress!.update(from: pixels, count: count)
            } else {
                for row in 0..<height {
                    (destination.baseAddress! + row * rowBytes).update(from: pixels + row * rowStride, count: rowBytes)
                }
            }
        }
        return try RGBImage(width: width, height: height, pixels: self.pixels)
    }
}

/// The caller's `facemesh_result`, checked: capacities, the required landmark buffer, and which optional buffers
/// its struct_size covers.
struct ResultBuffers {
    let result: UnsafeMutablePointer<facemesh_result>
    let size: Int

    init(_ result: UnsafeMutablePointer<facemesh_result>) throws {
        self.result = result
        size = Int(result.pointee.struct_size)
        guard size >= MemoryLayout<facemesh_result>.offset(of: \facemesh_result.landmarks)! + 8 else {
            throw invalidArgument("facemesh_result.struct_size is \(size); set it to sizeof(facemesh_result)")
        }
        guard result.pointee.face_capacity >= 0, result.pointee.landmark_capacity >= 0 else {
            throw invalidArgument("facemesh_result capacities must not be negative")
        }
        guard result.pointee.landmarks != nil else { throw invalidArgument("facemesh_result.landmarks is NULL") }
    }

    /// The optional buffer at `field`, if the caller's struct has that field and set it.
    private func buffer<T>(_ field: KeyPath<facemesh_result, UnsafeMutablePointer<T>?>) -> UnsafeMutablePointer<T>? {
        guard MemoryLayout<facemesh_result>.offset(of: field)! + 8 <= size else { return nil }
        return result.pointee[keyPath: field]
    }

    /// Writes `faces` (nothing but the counts if they do not fit).
    func write(_ faces: [FaceMeshResult], landmarkCount: Int) throws {
        let faceCapacity = Int(result.pointee.face_capacity), landmarkCapacity = Int(result.pointee.landmark_capacity)
        let count = faces.first?.normalizedLandmarks.count ?? landmarkCount
        result.pointee.face_count = Int32(faces.count)
        result.pointee.landmark_count = Int32(count)
        guard faces.count <= faceCapacity, faces.isEmpty || count <= landmarkCapacity else {
            throw InterfaceError(status: FACEMESH_ERROR_BUFFER_TOO_SMALL,
                                 message: "result buffers hold \(faceCapacity) faces of \(landmarkCapacity) landmarks; "
                                    + "this frame has \(faces.count) faces of \(count)")
        }
        let landmarks = result.pointee.landmarks!
        let presence = buffer(\.presence), score = buffer(\.detection_score), identifier = buffer(\.face_id)
        let hasPose = buffer(\.has_pose), matrix = buffer(\.pose_matrix), angles = buffer(\.yaw_pitch_roll)
        let region = buffer(\.region)
        for (index, face) in faces.enumerated() {
            let base = landmarks + index * landmarkCapacity * 3
            for (point, landmark) in face.normalizedLandmarks.enumerated() {
                base[3 * point] = landmark.x
                base[3 * point + 1] = landmark.y
                base[3 * point + 2] = landmark.z
            }
            presence?[index] = face.presence
            score?[index] = face.detectionScore
            identifier?[index] = Int64(face.trackIdentifier)
            let pose = face.headPose.flatMap { $0.matrix.count == 16 ? $0 : nil }
            hasPose?[index] = pose == nil ? 0 : 1
            if let matrix {
                for entry in 0..<16 { matrix[16 * index + entry] = pose?.matrix[entry] ?? .nan }
            }
            if let angles {
                angles[3 * index] = pose?.yawPitchRoll.yaw ?? .nan
                angles[3 * index + 1] = pose?.yawPitchRoll.pitch ?? .nan
                angles[3 * index + 2] = pose?.yawPitchRoll.roll ?? .nan
            }
            if let region {
                let rect = face.region
                for (entry, value) in [rect.xCenter, rect.yCenter, rect.width, rect.height, rect.rotation].enumerated() {
                    region[5 * index + entry] = value
                }
            }
        }
    }
}
