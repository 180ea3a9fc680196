// SwiftFaceMesh's C interface: the face mesh engine (module FaceMesh) behind plain C types, for ctypes, cffi and
// other foreign-function callers. Implemented in Swift (Sources/FaceMeshC/FaceMeshCInterface.swift, which imports
// this header, so both sides share one definition of every struct) and built as the shared library libFaceMeshC
// (`swift build -c release --product FaceMeshC`). Python's mirror of the structs: Python/swiftfacemesh/_native.py.
//
// Conventions
// - Every function that can fail returns a `facemesh_status`; on failure `facemesh_last_error()` gives a one-line
//   message (per thread). No function aborts on bad arguments: NULL pointers, impossible sizes and strides, options
//   out of range and undersized buffers are reported as errors.
// - Images are 8-bit RGB, interleaved (R, G, B), rows top to bottom; rows may be padded (`row_stride` bytes apart).
// - Landmarks are normalized as MediaPipe's NormalizedLandmark: x / width, y / height, z / width (z in x's scale,
//   smaller = closer to the camera).
// - Structs start with `struct_size` (the caller sets it to sizeof the struct it was compiled with). New fields are
//   only ever appended, so a caller built against an older header keeps working: fields beyond its struct_size take
//   their defaults (options) or are not written (results).
// - An engine is not thread-safe: use one engine per thread; different engines may run concurrently.
#ifndef FACEMESH_C_H
#define FACEMESH_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Version of this interface; `facemesh_abi_version()` returns the library's.
#define FACEMESH_ABI_VERSION 1

/// Result of every fallible call.
typedef enum {
    FACEMESH_OK = 0,
    /// A NULL pointer, a size or stride that cannot describe the image, a struct_size too small.
    FACEMESH_ERROR_INVALID_ARGUMENT = 1,
    /// An option is out of range (unknown model or smoothing, max_faces < 1, threshold outside [0, 1], ...).
    FACEMESH_ERROR_INVALID_OPTION = 2,
    /// The weight files are missing or unreadable, or the CPU lacks the instructions the library was built for.
    FACEMESH_ERROR_ENGINE_CREATION = 3,
    /// The engine failed on this frame (e.g. a timestamp that does not increase while smoothing is on).
    FACEMESH_ERROR_PROCESSING = 4,
    /// The result buffers hold fewer faces or landmarks than the frame produced; `face_count` and
    /// `landmark_count` say how many are needed, and nothing was written.
    FACEMESH_ERROR_BUFFER_TOO_SMALL = 5,
} facemesh_status;

/// Landmark model (`FaceMeshOptions.model`). Values are stable; new models get new numbers.
typedef enum {
    /// FaceMesh: 468 points (MediaPipe refine_landmarks=False).
    FACEMESH_MODEL_MESH = 0,
    /// Attention Mesh: 478 points, irises refined (MediaPipe refine_landmarks=True).
    FACEMESH_MODEL_ATTENTION = 1,
    /// FaceMesh, then the iris model on each eye: 478 points.
    FACEMESH_MODEL_CASCADE = 2,
    /// MediaPipe Tasks' Face Mesh V2: 478 points (256x256 crop, Tasks' ROI rules).
    FACEMESH_MODEL_V2 = 3,
} facemesh_model;

/// Temporal smoothing of the output landmarks in video mode.
typedef enum {
    FACEMESH_SMOOTHING_NONE = 0,
    /// One Euro filter with MediaPipe Tasks FaceLandmarker's parameters.
    FACEMESH_SMOOTHING_ONE_EURO = 1,
    /// Relative velocity filter with the legacy face effect graph's parameters.
    FACEMESH_SMOOTHING_RELATIVE_VELOCITY = 2,
} facemesh_smoothing;

/// Engine settings. Fill with `facemesh_options_init` (MediaPipe's defaults), then change fields.
typedef struct {
    /// sizeof(facemesh_options) as the caller knows it.
    uint32_t struct_size;
    /// Nonzero: every frame is an unrelated photo (detector on every call, no tracking, no smoothing).
    int32_t static_image_mode;
    /// The most faces to detect (MediaPipe max_num_faces), at least 1.
    int32_t max_faces;
    /// A `facemesh_model` value.
    int32_t model;
    /// Detector score threshold in [0, 1].
    float min_detection_confidence;
    /// Face presence threshold in [0, 1]: a face is kept when its presence is above it.
    float min_tracking_confidence;
    /// A `facemesh_smoothing` value.
    int32_t smoothing;
    /// Threads per inference, 1...64 (results are identical for every count).
    int32_t threads;
    /// Nonzero: estimate each face's head pose (matrix and angles).
    int32_t estimate_head_pose;
    /// Directory holding the .sfmw weight files (UTF-8), or NULL to search the default places
    /// (FACEMESH_WEIGHTS_DIR, the source checkout's Weights/, Weights/ beside the executable and its parents).
    const char *weights_directory;
} facemesh_options;

/// Where `facemesh_process` writes one frame's faces. The caller owns every buffer; pointers marked optional may be
/// NULL (that output is then skipped). Faces are in MediaPipe's order.
typedef struct {
    /// sizeof(facemesh_result) as the caller knows it.
    uint32_t struct_size;
    /// Faces the buffers hold (`facemesh_engine_capacity` gives the most a frame can produce).
    int32_t face_capacity;
    /// Landmarks per face the `landmarks` buffer holds (478 is enough for every model).
    int32_t landmark_capacity;
    /// Out: faces found in the frame.
    int32_t face_count;
    /// Out: landmarks per face (468 or 478).
    int32_t landmark_count;
    /// Required. float32 [face_capacity][landmark_capacity][3]: normalized x, y, z of face i's landmark j at
    /// ((i * landmark_capacity) + j) * 3.
    float *landmarks;
    /// Optional. float32 [face_capacity]: face presence in [0, 1] (sigmoid of the face flag).
    float *presence;
    /// Optional. float32 [face_capacity]: score of the detection that found the face (in video mode: that started
    /// its track).
    float *detection_score;
    /// Optional. int64 [face_capacity]: track identifier, the same for a face while it stays tracked.
    int64_t *face_id;
    /// Optional. uint8 [face_capacity]: 1 when the head pose of the face was estimated, else 0 (and the pose
    /// buffers hold NaN for that face).
    uint8_t *has_pose;
    /// Optional. float32 [face_capacity][16]: 4x4 transform from the canonical face model (cm) to camera space,
    /// row-major (MediaPipe Tasks' facial transformation matrix, transposed).
    float *pose_matrix;
    /// Optional. float32 [face_capacity][3]: yaw, pitch, roll in degrees (FaceMesh's `YawPitchRoll`).
    float *yaw_pitch_roll;
    /// Optional. float32 [face_capacity][5]: the region the landmarks were predicted in: normalized x centre,
    /// y centre, width, height, rotation in radians (clockwise on screen).
    float *region;
} facemesh_result;

/// An engine (opaque): networks, buffers and tracking state.
typedef struct facemesh_engine facemesh_engine;

/// The interface version the library implements (`FACEMESH_ABI_VERSION` of its header).
int32_t facemesh_abi_version(void);

/// Fills `options` with MediaPipe's defaults (video mode, one face, attention model, thresholds 0.5, no smoothing,
/// one thread, head pose on, default weights search) and sets struct_size. `options` may not be NULL.
facemesh_status facemesh_options_init(facemesh_options *options);

/// Loads the networks and creates an engine; `*engine` receives it (NULL on failure).
facemesh_status facemesh_engine_create(const facemesh_options *options, facemesh_engine **engine);

/// Frees an engine and everything it owns. NULL is allowed (no-op).
void facemesh_engine_destroy(facemesh_engine *engine);

/// The buffer sizes that always suffice for this engine: faces per frame (2 x max_faces - 1: MediaPipe does not
/// clip tracked faces plus new detections) and landmarks per face.
facemesh_status facemesh_engine_capacity(const facemesh_engine *engine, int32_t *face_capacity,
                                         int32_t *landmark_capacity);

/// Finds the faces of one frame. `pixels` points at row 0; row y starts at `pixels + y * row_stride`
/// (row_stride >= 3 * width). `timestamp` is in seconds and must increase in video mode while smoothing is on;
/// NaN means "previous + 1/30 s". On success `result` holds the faces; on failure nothing in it but face_count and
/// landmark_count (FACEMESH_ERROR_BUFFER_TOO_SMALL) is written.
facemesh_status facemesh_process(facemesh_engine *engine, const uint8_t *pixels, int32_t width, int32_t height,
                                 int64_t row_stride, double timestamp, facemesh_result *result);

/// Forgets tracked faces and filter state: the next frame starts with detection.
facemesh_status facemesh_reset(facemesh_engine *engine);

/// The message of the last failed call on this thread (UTF-8, one line), or "" if none failed. Valid until the next
/// failing call on the same thread.
const char *facemesh_last_error(void);

#ifdef __cplusplus
}
#endif

#endif
