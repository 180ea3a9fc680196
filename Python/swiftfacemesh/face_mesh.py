"""MediaPipe's legacy `mp.solutions.face_mesh.FaceMesh`, on SwiftFaceMesh's engine.

`FaceMesh(...).process(image)` takes an H x W x 3 uint8 RGB numpy array and returns `FaceMeshResults`, whose
`multi_face_landmarks` has MediaPipe's shape: None when no face was found, else one `NormalizedLandmarkList` per face
whose `.landmark[j]` has `.x`, `.y`, `.z` normalized as MediaPipe's (x / width, y / height, z / width in x's scale,
smaller z = closer to the camera). The extras MediaPipe's legacy solution lacks (head pose, face ids, presence,
detection scores, all landmarks as one numpy array) are further attributes of the same result.
"""

import math
import threading
from collections import namedtuple
from collections.abc import Sequence

import numpy as np

from . import _native

#: Head pose of one face: `matrix` is the 4 x 4 float32 transform from the canonical face model (cm, +x the face's
#: left, +y up) to camera space, row-major (MediaPipe Tasks' facial transformation matrix, transposed); yaw, pitch
#: and roll are degrees (yaw > 0: the face turns towards the image right; pitch > 0: it tilts down; roll > 0: it
#: tilts anticlockwise on screen).
HeadPose = namedtuple("HeadPose", ["matrix", "yaw", "pitch", "roll"])

#: Landmarks per face for each model (468 for the mesh alone; irises add 10).
LANDMARK_COUNTS = {"mesh": 468, "attention": 478, "cascade": 478, "v2": 478}


class NormalizedLandmark:
    """One landmark, as MediaPipe's `NormalizedLandmark` message: x / width, y / height, z / width (floats)."""

    __slots__ = ("x", "y", "z")

    def __init__(self, x=0.0, y=0.0, z=0.0):
        self.x = x
        self.y = y
        self.z = z

    @property
    def visibility(self):
        """Not set by the face mesh (0.0, as MediaPipe's unset field)."""
        return 0.0

    @property
    def presence(self):
        """Not set by the face mesh (0.0, as MediaPipe's unset field)."""
        return 0.0

    def HasField(self, name):  # noqa: N802 (protobuf's name, used by MediaPipe's drawing utilities)
        """Protobuf-style presence test: x, y and z are set; visibility and presence are not."""
        if name in ("x", "y", "z"):
            return True
        if name in ("visibility", "presence"):
            return False
        raise ValueError(f'NormalizedLandmark has no field named "{name}"')

    def __eq__(self, other):
        if not isinstance(other, NormalizedLandmark):
            return NotImplemented
        return (self.x, self.y, self.z) == (other.x, other.y, other.z)

    def __repr__(self):
        return f"x: {self.x}\ny: {self.y}\nz: {self.z}\n"


class _LandmarkSequence(Sequence):
    """The `.landmark` field: a read-only sequence of `NormalizedLandmark` made on demand from an (N, 3) array."""

    __slots__ = ("_values", "_rows")

    def __init__(self, values):
        self._values = values
        self._rows = None

    def _row_list(self):
        if self._rows is None:
            self._rows = self._values.tolist()
        return self._rows

    def __len__(self):
        return self._values.shape[0]

    def __getitem__(self, index):
        rows = self._row_list()
        if isinstance(index, slice):
            return [NormalizedLandmark(*row) for row in rows[index]]
        return NormalizedLandmark(*rows[index])

    def __iter__(self):
        return (NormalizedLandmark(x, y, z) for x, y, z in self._row_list())


class NormalizedLandmarkList:
    """One face's landmarks, as MediaPipe's `NormalizedLandmarkList`: `.landmark[j].x/.y/.z`."""

    __slots__ = ("_values", "landmark")

    def __init__(self, values):
        self._values = values
        #: The landmarks, a sequence of `NormalizedLandmark` (468 or 478).
        self.landmark = _LandmarkSequence(values)

    def to_numpy(self):
        """The landmarks as a float32 array of shape (N, 3): normalized x, y, z (no copy; read-only)."""
        return self._values

    def __repr__(self):
        return f"NormalizedLandmarkList({len(self.landmark)} landmarks)"


class FaceMeshResults:
    """What `FaceMesh.process` returns. MediaPipe's field first, then the extras; every `multi_face_*` list is None
    when no face was found (as MediaPipe's), else has one entry per face in MediaPipe's order."""

    __slots__ = ("multi_face_landmarks", "landmarks", "multi_face_ids", "multi_face_presence",
                 "multi_face_detection_scores", "multi_face_head_poses")

    def __init__(self, landmarks, ids, presence, scores, poses):
        #: float32 array (faces, N, 3) of normalized landmarks (shape (0, N, 3) when no face); read-only.
        self.landmarks = landmarks
        found = landmarks.shape[0] > 0
        #: One `NormalizedLandmarkList` per face, or None (MediaPipe's field).
        self.multi_face_landmarks = [NormalizedLandmarkList(face) for face in landmarks] if found else None
        #: Track identifiers: a face keeps its id while it stays tracked in video mode; new faces get new ids.
        self.multi_face_ids = ids if found else None
        #: Face presence in [0, 1] (sigmoid of the landmark model's face flag).
        self.multi_face_presence = presence if found else None
        #: Score of the detection that found the face (in video mode: the one that started its track).
        self.multi_face_detection_scores = scores if found else None
        #: `HeadPose` per face (None for a face whose pose could not be estimated, or with head_pose=False).
        self.multi_face_head_poses = poses if found else None

    def __repr__(self):
        count = 0 if self.multi_face_landmarks is None else len(self.multi_face_landmarks)
        return f"FaceMeshResults({count} faces)"


def _model_name(refine_landmarks, model):
    if model is None:
        return "attention" if refine_landmarks else "mesh"
    if model not in _native.MODELS:
        raise ValueError(f"model must be one of {sorted(_native.MODELS)}, got {model!r}")
    if refine_landmarks and model == "mesh":
        raise ValueError("refine_landmarks=True needs a model with irises (attention or cascade), not 'mesh'")
    return model


class FaceMesh:
    """Finds faces and their 468 (or 478 with irises) landmarks in RGB images, as MediaPipe's legacy
    `mp.solutions.face_mesh.FaceMesh` with the same arguments and defaults.

    MediaPipe's arguments:
        static_image_mode: True: every image is unrelated (detector on every call). False (video): faces are tracked
            from the previous frame's landmarks and the detector runs only when fewer than max_num_faces are tracked.
        max_num_faces: the most faces to detect.
        refine_landmarks: True: 478 landmarks with irises (the Attention Mesh model); False: 468 (FaceMesh).
        min_detection_confidence: detector score threshold in [0, 1].
        min_tracking_confidence: face presence threshold in [0, 1]; a tracked face below it is dropped and the
            detector runs again on the next frame.

    Extra keyword options:
        model: "mesh" (468 points), "attention" (478, irises refined in the same network; refine_landmarks=True) or
            "cascade" (FaceMesh then the iris model on each eye, 478). Overrides refine_landmarks.
        smoothing: None / "none" (default, as MediaPipe's solution), "one_euro" (MediaPipe Tasks FaceLandmarker's
            filter) or "relative_velocity" (the legacy face effect graph's filter); video mode only.
        threads: threads per inference, 1...64 (results are identical for every count). Default 1.
        head_pose: estimate each face's head pose (`FaceMeshResults.multi_face_head_poses`). Default True.
        weights_directory: folder of the .sfmw weight files; default: the ones installed with the package.

    Not thread-safe in the sense of concurrent use: calls on one instance are serialized by a lock; use one instance
    per thread or per video stream for parallelism.
    """

    def __init__(self, static_image_mode=False, max_num_faces=1, refine_landmarks=False,
                 min_detection_confidence=0.5, min_tracking_confidence=0.5, *, model=None, smoothing=None,
                 threads=1, head_pose=True, weights_directory=None):
        self._engine = None
        self._lock = threading.Lock()
        for name, value in (("min_detection_confidence", min_detection_confidence),
                            ("min_tracking_confidence", min_tracking_confidence)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
        for name, value, low, high in (("max_num_faces", max_num_faces, 1, 2**30), ("threads", threads, 1, 64)):
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
        self.model = _model_name(refine_landmarks, model)
        smoothing_name = "none" if smoothing is None else smoothing
        if smoothing_name not in _native.SMOOTHING:
            raise ValueError(f"smoothing must be None or one of {sorted(_native.SMOOTHING)}, got {smoothing!r}")
        directory = _native.WEIGHTS_DIRECTORY if weights_directory is None else weights_directory
        self.static_image_mode = bool(static_image_mode)
        self.max_num_faces = max_num_faces

        library = _native.library
        options = _native.Options()
        _native.check(library.facemesh_options_init(options))
        options.static_image_mode = int(self.static_image_mode)
        options.max_faces = max_num_faces
        options.model = _native.MODELS[self.model]
        options.min_detection_confidence = min_detection_confidence
        options.min_tracking_confidence = min_tracking_confidence
        options.smoothing = _native.SMOOTHING[smoothing_name]
        options.threads = threads
        options.estimate_head_pose = int(bool(head_pose))
        options.weights_directory = None if directory is None else str(directory).encode("utf-8")
        engine = _native.ctypes.c_void_p()
        try:
            _native.check(library.facemesh_engine_create(options, engine))
        except _native.NativeError as error:
            if error.status in (_native.ERROR_INVALID_OPTION, _native.ERROR_INVALID_ARGUMENT):
                raise ValueError(str(error)) from None
            raise RuntimeError(f"swiftfacemesh: cannot create the engine: {error}") from None
        self._engine = engine

        faces, landmarks = _native.ctypes.c_int32(), _native.ctypes.c_int32()
        _native.check(library.facemesh_engine_capacity(engine, faces, landmarks))
        self._landmark_buffer = np.zeros((faces.value, landmarks.value, 3), np.float32)
        self._presence = np.zeros(faces.value, np.float32)
        self._scores = np.zeros(faces.value, np.float32)
        self._ids = np.zeros(faces.value, np.int64)
        self._has_pose = np.zeros(faces.value, np.uint8)
        self._matrices = np.zeros((faces.value, 4, 4), np.float32)
        self._angles = np.zeros((faces.value, 3), np.float32)
        result = _native.Result()
        result.struct_size = _native.ctypes.sizeof(_native.Result)
        result.face_capacity = faces.value
        result.landmark_capacity = landmarks.value
        result.landmarks = self._landmark_buffer.ctypes.data
        result.presence = self._presence.ctypes.data
        result.detection_score = self._scores.ctypes.data
        result.face_id = self._ids.ctypes.data
        result.has_pose = self._has_pose.ctypes.data
        result.pose_matrix = self._matrices.ctypes.data
        result.yaw_pitch_roll = self._angles.ctypes.data
        self._result = result
        self._result_reference = _native.ctypes.byref(result)
        self._process = library.facemesh_process

    # MARK: MediaPipe's API

    def process(self, image, timestamp=None):
        """Finds the faces of one RGB image (or video frame, in video mode).

        Args:
            image: numpy array of shape (height, width, 3), dtype uint8, RGB. Used in place (no copy) when its rows
                are contiguous (a C-contiguous array, or a crop of one along the rows and columns).
            timestamp: seconds (extra); must increase in video mode when smoothing is on. Default: the previous
                frame's + 1/30 s.

        Returns:
            `FaceMeshResults`; `multi_face_landmarks` is None when no face was found.

        Raises:
            TypeError: `image` is not a uint8 numpy array.
            ValueError: wrong shape, empty, rows not contiguous, a bad timestamp, or FaceMesh is closed.
        """
        height, width, row_stride = _check_image(image)
        if timestamp is None:
            seconds = math.nan
        else:
            seconds = float(timestamp)
            if not math.isfinite(seconds):
                raise ValueError(f"timestamp must be a finite number of seconds, got {timestamp!r}")
        with self._lock:
            if self._engine is None:
                raise ValueError("process() on a closed FaceMesh")
            status = self._process(self._engine, image.ctypes.data, width, height, row_stride, seconds,
                                   self._result_reference)
            if status != _native.OK:
                self._raise(status)
            return self._collect()

    def close(self):
        """Frees the engine (idempotent). The instance cannot process afterwards."""
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            _native.library.facemesh_engine_destroy(engine)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def __del__(self):
        if getattr(self, "_engine", None) is not None:
            self.close()

    # MARK: Extras

    def reset(self):
        """Forgets tracked faces and smoothing state: the next frame starts with detection (like a new video)."""
        with self._lock:
            if self._engine is None:
                raise ValueError("reset() on a closed FaceMesh")
            _native.check(_native.library.facemesh_reset(self._engine))

    # MARK: Internals

    def _collect(self):
        result = self._result
        count, points = result.face_count, result.landmark_count
        landmarks = self._landmark_buffer[:count, :points].copy()
        landmarks.flags.writeable = False
        if count == 0:
            return FaceMeshResults(landmarks, None, None, None, None)
        poses = []
        for index in range(count):
            if self._has_pose[index]:
                yaw, pitch, roll = self._angles[index].tolist()
                poses.append(HeadPose(self._matrices[index].copy(), yaw, pitch, roll))
            else:
                poses.append(None)
        return FaceMeshResults(landmarks, self._ids[:count].tolist(), self._presence[:count].tolist(),
                               self._scores[:count].tolist(), poses)

    def _raise(self, status):
        message = _native.library.facemesh_last_error().decode("utf-8", "replace")
        if status in (_native.ERROR_INVALID_ARGUMENT, _native.ERROR_INVALID_OPTION):
            raise ValueError(message)
        raise RuntimeError(f"swiftfacemesh: {message}")


def _check_image(image):
    """(height, width, row stride in bytes) of a valid image, else TypeError / ValueError saying what is wrong."""
    if not isinstance(image, np.ndarray):
        raise TypeError(f"image must be a numpy.ndarray of shape (height, width, 3) and dtype uint8, "
                        f"got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise TypeError(f"image must have dtype uint8 (8-bit RGB), got {image.dtype}; "
                        "convert with image.astype(numpy.uint8) after scaling to 0...255")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (height, width, 3) (RGB), got {image.shape}; "
                         "for RGBA use image[..., :3], for grey numpy.dstack([image] * 3)")
    height, width = image.shape[0], image.shape[1]
    if height == 0 or width == 0:
        raise ValueError(f"image is empty ({height}x{width} pixels)")
    if height > 2**31 - 1 or width > 2**31 - 1:
        raise ValueError(f"image of {height}x{width} pixels is too large")
    row_stride, pixel_stride, channel_stride = image.strides
    # A stride along an axis of length 1 is never used (numpy may report any value there).
    if height == 1:
        row_stride = 3 * width
    if width == 1:
        pixel_stride = 3
    if channel_stride != 1 or pixel_stride != 3 or row_stride < 3 * width:
        raise ValueError(f"image rows must be contiguous RGB pixels (strides (>= {3 * width}, 3, 1)), got strides "
                         f"{image.strides}; pass numpy.ascontiguousarray(image)")
    return height, width, row_stride
