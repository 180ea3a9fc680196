"""ctypes mirror of the C interface (Sources/CFaceMeshInterface/include/facemesh_c.h) and the loading of
libFaceMeshC.

The structs below must match the header field for field; Sources/CFaceMeshInterface/facemesh_c_layout.c pins the
sizes and offsets these mirrors assume, and Python/tests/test_api.py checks the mirrors against the same numbers.
"""

import ctypes
import os
from pathlib import Path

#: The interface version this module was written for (FACEMESH_ABI_VERSION).
ABI_VERSION = 1

PACKAGE_DIRECTORY = Path(__file__).resolve().parent
#: Where the wheel puts libFaceMeshC.so and the runtime libraries it needs (rpath $ORIGIN).
LIBRARY_DIRECTORY = PACKAGE_DIRECTORY / "lib"
#: Where the wheel puts the .sfmw weight files and their NOTICE; None in a source checkout without them (the library
#: then searches FACEMESH_WEIGHTS_DIR and the checkout's Weights/).
WEIGHTS_DIRECTORY = PACKAGE_DIRECTORY / "weights" if (PACKAGE_DIRECTORY / "weights").is_dir() else None
LIBRARY_NAME = "libFaceMeshC.so"

# facemesh_status
OK = 0
ERROR_INVALID_ARGUMENT = 1
ERROR_INVALID_OPTION = 2
ERROR_ENGINE_CREATION = 3
ERROR_PROCESSING = 4
ERROR_BUFFER_TOO_SMALL = 5

# facemesh_model and facemesh_smoothing, by the names the Python API accepts.
MODELS = {"mesh": 0, "attention": 1, "cascade": 2, "v2": 3}
SMOOTHING = {"none": 0, "one_euro": 1, "relative_velocity": 2}


class Options(ctypes.Structure):
    """facemesh_options."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("static_image_mode", ctypes.c_int32),
        ("max_faces", ctypes.c_int32),
        ("model", ctypes.c_int32),
        ("min_detection_confidence", ctypes.c_float),
        ("min_tracking_confidence", ctypes.c_float),
        ("smoothing", ctypes.c_int32),
        ("threads", ctypes.c_int32),
        ("estimate_head_pose", ctypes.c_int32),
        ("weights_directory", ctypes.c_char_p),
    ]


class Result(ctypes.Structure):
    """facemesh_result: capacities in, counts out, buffers owned by the caller."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("face_capacity", ctypes.c_int32),
        ("landmark_capacity", ctypes.c_int32),
        ("face_count", ctypes.c_int32),
        ("landmark_count", ctypes.c_int32),
        ("landmarks", ctypes.c_void_p),
        ("presence", ctypes.c_void_p),
        ("detection_score", ctypes.c_void_p),
        ("face_id", ctypes.c_void_p),
        ("has_pose", ctypes.c_void_p),
        ("pose_matrix", ctypes.c_void_p),
        ("yaw_pitch_roll", ctypes.c_void_p),
        ("region", ctypes.c_void_p),
    ]


class NativeError(RuntimeError):
    """A failure the library reported: its status code and message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _library_path():
    override = os.environ.get("SWIFTFACEMESH_LIBRARY")
    if override:
        return Path(override)
    return LIBRARY_DIRECTORY / LIBRARY_NAME


def _load():
    path = _library_path()
    if not path.is_file():
        raise ImportError(
            f"swiftfacemesh: {path} is missing; install the wheel built by Tools/build_python_wheel.sh "
            "or set SWIFTFACEMESH_LIBRARY to a libFaceMeshC.so")
    library = ctypes.CDLL(str(path))
    status = ctypes.c_int32
    engine = ctypes.c_void_p
    signatures = {
        "facemesh_abi_version": (ctypes.c_int32, []),
        "facemesh_options_init": (status, [ctypes.POINTER(Options)]),
        "facemesh_engine_create": (status, [ctypes.POINTER(Options), ctypes.POINTER(engine)]),
        "facemesh_engine_destroy": (None, [engine]),
        "facemesh_engine_capacity": (status, [engine, ctypes.POINTER(ctypes.c_int32),
                                              ctypes.POINTER(ctypes.c_int32)]),
        "facemesh_process": (status, [engine, ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int64,
                                      ctypes.c_double, ctypes.POINTER(Result)]),
        "facemesh_reset": (status, [engine]),
        "facemesh_last_error": (ctypes.c_char_p, []),
    }
    for name, (result_type, argument_types) in signatures.items():
        function = getattr(library, name)
        function.restype = result_type
        function.argtypes = argument_types
    version = library.facemesh_abi_version()
    if version != ABI_VERSION:
        raise ImportError(f"swiftfacemesh: {path} implements C interface version {version}, "
                          f"this package needs {ABI_VERSION}")
    return library


library = _load()


def check(status):
    """Raises `NativeError` with the library's message unless `status` is OK."""
    if status != OK:
        message = library.facemesh_last_error().decode("utf-8", "replace")
        raise NativeError(status, message)
