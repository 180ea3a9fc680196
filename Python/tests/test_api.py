"""The Python API: MediaPipe's shapes and names, the extras, bad inputs and options, the engine's life cycle, and the
ctypes mirror of the C structs."""

import ctypes
import threading

import numpy as np
import pytest

import swiftfacemesh
from swiftfacemesh import _native
from conftest import load_rgb

PORTRAIT = "Tests/Fixtures/Images/mpl_grace_hopper.jpg"


@pytest.fixture(scope="module")
def portrait():
    return load_rgb(PORTRAIT)


def test_ctypes_mirror_matches_the_header_layout():
    # The numbers Sources/CFaceMeshInterface/facemesh_c_layout.c asserts at compile time.
    assert ctypes.sizeof(_native.Options) == 56
    assert _native.Options.weights_directory.offset == 40
    assert _native.Options.output_blendshapes.offset == 48
    assert _native.Options.detector.offset == 52
    assert ctypes.sizeof(_native.Result) == 112
    assert _native.Result.landmarks.offset == 24
    assert _native.Result.region.offset == 80
    assert _native.Result.blendshape_capacity.offset == 88
    assert _native.Result.blendshapes.offset == 96
    assert _native.Result.tongue_out.offset == 104
    assert _native.library.facemesh_abi_version() == _native.ABI_VERSION


def test_mediapipe_result_shape(portrait):
    with swiftfacemesh.solutions.face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True) as face_mesh:
        results = face_mesh.process(portrait)
    assert len(results.multi_face_landmarks) == 1
    face = results.multi_face_landmarks[0]
    assert len(face.landmark) == 478
    first = face.landmark[0]
    assert all(isinstance(value, float) for value in (first.x, first.y, first.z))
    assert 0 < first.x < 1 and 0 < first.y < 1
    assert first.HasField("x") and not first.HasField("visibility")
    assert [point.x for point in face.landmark][:3] == [face.landmark[j].x for j in range(3)]
    assert face.landmark[-1] == face.landmark[477]
    # The numpy view holds the same values.
    assert np.array_equal(face.to_numpy(), results.landmarks[0])
    assert face.to_numpy()[5, 1] == np.float32(face.landmark[5].y)
    # Extras: one id, presence, detection score, head pose.
    assert results.multi_face_ids == [0]
    assert 0.5 < results.multi_face_presence[0] <= 1
    assert 0.5 <= results.multi_face_detection_scores[0] <= 1
    pose = results.multi_face_head_poses[0]
    assert pose.matrix.shape == (4, 4) and pose.matrix.dtype == np.float32
    assert np.allclose(pose.matrix[3], [0, 0, 0, 1])
    assert all(abs(angle) < 45 for angle in (pose.yaw, pose.pitch, pose.roll))


def test_no_face_gives_none_like_mediapipe():
    with swiftfacemesh.FaceMesh(static_image_mode=True) as face_mesh:
        results = face_mesh.process(np.zeros((64, 80, 3), np.uint8))
    assert results.multi_face_landmarks is None
    assert results.multi_face_ids is None and results.multi_face_head_poses is None
    assert results.landmarks.shape == (0, 468, 3)


@pytest.mark.parametrize("model, count", [("mesh", 468), ("attention", 478), ("cascade", 478)])
def test_models(portrait, model, count):
    with swiftfacemesh.FaceMesh(static_image_mode=True, model=model) as face_mesh:
        assert face_mesh.process(portrait).landmarks.shape == (1, count, 3)


def test_options_without_pose_and_with_smoothing_and_threads(portrait):
    with swiftfacemesh.FaceMesh(head_pose=False, smoothing="one_euro", threads=2) as face_mesh:
        first = face_mesh.process(portrait, timestamp=0.0)
        second = face_mesh.process(portrait, timestamp=0.033)
        assert first.multi_face_head_poses == [None]
        assert second.multi_face_ids == first.multi_face_ids
        with pytest.raises(RuntimeError, match="timestamps must increase"):
            face_mesh.process(portrait, timestamp=0.01)


def test_reset_starts_a_new_track(portrait):
    with swiftfacemesh.FaceMesh() as face_mesh:
        assert face_mesh.process(portrait).multi_face_ids == [0]
        assert face_mesh.process(portrait).multi_face_ids == [0]
        face_mesh.reset()
        assert face_mesh.process(portrait).multi_face_ids == [1]


def test_rows_of_a_crop_are_used_in_place(portrait):
    padded = np.zeros((portrait.shape[0] + 20, portrait.shape[1] + 30, 3), np.uint8)
    padded[10:-10, 12:-18] = portrait
    view = padded[10:-10, 12:-18]
    assert not view.flags.c_contiguous
    with swiftfacemesh.FaceMesh(static_image_mode=True) as face_mesh:
        assert np.array_equal(face_mesh.process(view).landmarks, face_mesh.process(portrait).landmarks)


@pytest.mark.parametrize("image, error, message", [
    ([[[0, 0, 0]]], TypeError, "numpy.ndarray"),
    (np.zeros((8, 8, 3), np.float32), TypeError, "dtype uint8"),
    (np.zeros((8, 8, 3), np.int16), TypeError, "dtype uint8"),
    (np.zeros((8, 8), np.uint8), ValueError, r"shape \(height, width, 3\)"),
    (np.zeros((8, 8, 4), np.uint8), ValueError, r"shape \(height, width, 3\)"),
    (np.zeros((0, 0, 3), np.uint8), ValueError, "empty"),
    (np.zeros((0, 8, 3), np.uint8), ValueError, "empty"),
    (np.zeros((8, 16, 3), np.uint8)[:, ::2], ValueError, "contiguous"),
    (np.zeros((8, 8, 3), np.uint8)[:, :, ::-1], ValueError, "contiguous"),
    (np.zeros((8, 8, 3), np.uint8)[::-1], ValueError, "contiguous"),
    (np.asfortranarray(np.zeros((8, 8, 3), np.uint8)), ValueError, "contiguous"),
])
def test_bad_images_raise_clear_errors(image, error, message):
    with swiftfacemesh.FaceMesh() as face_mesh:
        with pytest.raises(error, match=message):
            face_mesh.process(image)


@pytest.mark.parametrize("options, message", [
    ({"max_num_faces": 0}, "max_num_faces"),
    ({"min_detection_confidence": 1.5}, "min_detection_confidence"),
    ({"min_tracking_confidence": -0.1}, "min_tracking_confidence"),
    ({"threads": 0}, "threads"),
    ({"model": "v9"}, "model must be one of"),
    ({"refine_landmarks": True, "model": "mesh"}, "refine_landmarks"),
    ({"smoothing": "kalman"}, "smoothing"),
    ({"weights_directory": "/nonexistent/weights"}, "weights directory"),
    ({"output_blendshapes": True}, "478-point model"),
    ({"detector": "long-range"}, "detector must be one of"),
    ({"output_blendshapes": True, "model": "mesh"}, "478-point model"),
])
def test_bad_options_raise_clear_errors(options, message):
    with pytest.raises((ValueError, RuntimeError), match=message):
        swiftfacemesh.FaceMesh(**options)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError):
        swiftfacemesh.FaceMesh(blendshapes_please=True)


def test_bad_timestamp():
    with swiftfacemesh.FaceMesh() as face_mesh:
        with pytest.raises(ValueError, match="timestamp"):
            face_mesh.process(np.zeros((8, 8, 3), np.uint8), timestamp=float("nan"))


def test_close_is_idempotent_and_final(portrait):
    face_mesh = swiftfacemesh.FaceMesh()
    face_mesh.close()
    face_mesh.close()
    with pytest.raises(ValueError, match="closed"):
        face_mesh.process(portrait)


def test_concurrent_calls_on_one_instance_are_serialized(portrait):
    with swiftfacemesh.FaceMesh(static_image_mode=True) as face_mesh:
        expected = face_mesh.process(portrait).landmarks
        outcomes = []

        def work():
            outcomes.append(all(np.array_equal(face_mesh.process(portrait).landmarks, expected) for _ in range(3)))

        threads = [threading.Thread(target=work) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes == [True] * 3


def test_c_interface_rejects_bad_arguments_without_crashing(portrait):
    library = _native.library
    assert library.facemesh_engine_create(None, None) == _native.ERROR_INVALID_ARGUMENT
    engine = ctypes.c_void_p()
    assert library.facemesh_engine_create(None, ctypes.byref(engine)) == _native.ERROR_INVALID_ARGUMENT
    assert b"options is NULL" in library.facemesh_last_error()
    options = _native.Options()
    assert library.facemesh_options_init(options) == _native.OK
    options.model = 7
    assert library.facemesh_engine_create(options, ctypes.byref(engine)) == _native.ERROR_INVALID_OPTION
    assert engine.value is None
    options.model = 0
    if _native.WEIGHTS_DIRECTORY is not None:
        options.weights_directory = str(_native.WEIGHTS_DIRECTORY).encode()
    assert library.facemesh_engine_create(options, ctypes.byref(engine)) == _native.OK
    try:
        result = _native.Result()
        result.struct_size = ctypes.sizeof(result)
        pixels = portrait.ctypes.data
        height, width = portrait.shape[:2]
        process = library.facemesh_process
        assert process(engine, pixels, width, height, 3 * width, float("nan"), result) == _native.ERROR_INVALID_ARGUMENT
        assert b"landmarks is NULL" in library.facemesh_last_error()
        buffer = np.zeros((1, 10, 3), np.float32)
        result.landmarks = buffer.ctypes.data
        result.face_capacity, result.landmark_capacity = 1, 10
        assert process(None, pixels, width, height, 3 * width, 0.0, result) == _native.ERROR_INVALID_ARGUMENT
        assert process(engine, None, width, height, 3 * width, 0.0, result) == _native.ERROR_INVALID_ARGUMENT
        assert process(engine, pixels, -1, height, 3 * width, 0.0, result) == _native.ERROR_INVALID_ARGUMENT
        assert process(engine, pixels, width, height, 3 * width - 1, 0.0, result) == _native.ERROR_INVALID_ARGUMENT
        assert b"row_stride" in library.facemesh_last_error()
        assert process(engine, pixels, 2**31 - 1, 2**31 - 1, 2**62, 0.0, result) == _native.ERROR_INVALID_ARGUMENT
        assert process(engine, pixels, width, height, 3 * width, float("inf"), result) == _native.ERROR_INVALID_ARGUMENT
        # 468 landmarks do not fit in 10: reported, nothing written.
        assert process(engine, pixels, width, height, 3 * width, 0.0, result) == _native.ERROR_BUFFER_TOO_SMALL
        assert (result.face_count, result.landmark_count) == (1, 468)
        assert not buffer.any()
        result.struct_size = 4
        assert process(engine, pixels, width, height, 3 * width, 1.0, result) == _native.ERROR_INVALID_ARGUMENT
        assert library.facemesh_reset(None) == _native.ERROR_INVALID_ARGUMENT
    finally:
        library.facemesh_engine_destroy(engine)
    library.facemesh_engine_destroy(None)
