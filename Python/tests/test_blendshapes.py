"""Face Mesh V2 and blendshapes from Python (`model="v2"`, `output_blendshapes=True`): MediaPipe Tasks' shapes
(`Category` lists in MediaPipe's order), equality with the Swift command (`facemesh image --model v2 --blendshapes`,
up to its JSON rounding) and with MediaPipe 0.10.14 Tasks' FaceLandmarker (Tests/Fixtures/MediaPipe/tasks, within
the bound of Tests/FaceMeshTests/Engine/TasksFaceLandmarkerTests.swift)."""

import json

import numpy as np
import pytest

import swiftfacemesh
from conftest import inter_ocular_distance, load_json, load_rgb, to_pixels
from test_references import PHOTOS, SCORE_TOLERANCE, assert_equal_to_command, command_faces

TASKS_FIXTURES = [load_json(f"Tests/Fixtures/MediaPipe/tasks/{photo}.json") for photo in PHOTOS]


@pytest.fixture(scope="module")
def v2_face_mesh():
    with swiftfacemesh.FaceMesh(static_image_mode=True, max_num_faces=5, model="v2",
                                output_blendshapes=True) as face_mesh:
        yield face_mesh


def test_blendshapes_have_mediapipe_tasks_shape(v2_face_mesh):
    results = v2_face_mesh.process(load_rgb("Tests/Fixtures/Images/mpl_grace_hopper.jpg"))
    assert len(results.multi_face_landmarks[0].landmark) == 478
    assert results.blendshapes.shape == (1, 52) and results.blendshapes.dtype == np.float32
    face = results.multi_face_blendshapes[0]
    assert len(face) == 52
    assert [category.category_name for category in face] == list(swiftfacemesh.BLENDSHAPE_NAMES)
    assert swiftfacemesh.BLENDSHAPE_NAMES[0] == "_neutral" and swiftfacemesh.BLENDSHAPE_NAMES[-1] == "noseSneerRight"
    assert [category.index for category in face] == list(range(52))
    assert all(0 <= category.score <= 1 and category.display_name == "" for category in face)
    assert face["jawOpen"] == face[swiftfacemesh.BLENDSHAPE_NAMES.index("jawOpen")]
    assert list(face.as_dict()) == list(swiftfacemesh.BLENDSHAPE_NAMES)
    assert face.as_dict()["eyeBlinkLeft"] == face.to_numpy()[9]
    assert np.array_equal(face.to_numpy(), results.blendshapes[0])
    with pytest.raises(KeyError, match="tongueOut"):
        face["tongueOut"]
    tongue = results.multi_face_tongue_out[0]
    assert isinstance(tongue, float) and 0 <= tongue <= 1


def test_tongue_out_without_blendshapes_and_no_tongue_for_other_models():
    image = load_rgb("Tests/Fixtures/Images/mpl_grace_hopper.jpg")
    with swiftfacemesh.FaceMesh(static_image_mode=True, model="v2") as face_mesh:
        results = face_mesh.process(image)
    assert results.multi_face_blendshapes is None and results.blendshapes is None
    assert 0 <= results.multi_face_tongue_out[0] <= 1
    with swiftfacemesh.FaceMesh(static_image_mode=True, refine_landmarks=True, output_blendshapes=True) as face_mesh:
        results = face_mesh.process(image)
    assert len(results.multi_face_blendshapes[0]) == 52
    assert results.multi_face_tongue_out == [None]
    with swiftfacemesh.FaceMesh(static_image_mode=True, model="v2", output_blendshapes=True) as face_mesh:
        results = face_mesh.process(np.zeros((64, 64, 3), np.uint8))
    assert results.multi_face_blendshapes is None and results.multi_face_tongue_out is None


def test_output_blendshapes_must_be_a_bool():
    with pytest.raises(TypeError, match="output_blendshapes"):
        swiftfacemesh.FaceMesh(model="v2", output_blendshapes="yes")


def test_v2_blendshapes_equal_the_swift_command(facemesh_command, v2_face_mesh):
    worst_landmark, worst_score = 0.0, 0.0
    for fixture in TASKS_FIXTURES:
        image = load_rgb(fixture["image"])
        document = json.loads(command_faces(facemesh_command, ["image", fixture["image"], "--model", "v2",
                                                               "--blendshapes", "--max-faces", "5"]))
        results = v2_face_mesh.process(image)
        worst_landmark = max(worst_landmark, assert_equal_to_command(document["faces"], results, image.shape[1],
                                                                     image.shape[0]))
        for index, face in enumerate(document["faces"]):
            expected = face["blendshapes"]
            assert list(expected) == [*swiftfacemesh.BLENDSHAPE_NAMES, "tongueOut"]
            ours = results.multi_face_blendshapes[index].as_dict()
            difference = max(abs(ours[name] - expected[name]) for name in swiftfacemesh.BLENDSHAPE_NAMES)
            difference = max(difference, abs(results.multi_face_tongue_out[index] - face["tongueOut"]),
                             abs(results.multi_face_tongue_out[index] - expected["tongueOut"]))
            worst_score = max(worst_score, difference)
            assert difference <= SCORE_TOLERANCE, fixture["image"]
    print(f"\nv2: largest difference to the Swift command: landmarks {worst_landmark:.5f} px, "
          f"blendshapes {worst_score:.6f} (its JSON rounds to 0.00005)")


def test_v2_blendshapes_match_mediapipe_tasks(v2_face_mesh):
    """IMAGE mode against Tasks' FaceLandmarker: the same faces in the same order, landmarks within 4e-4 IOD at the
    largest point and the 52 scores within 2e-3 (the Swift test's bounds; measured there 1.2e-4 and 4.7e-4)."""
    worst_landmark, worst_score, faces = 0.0, 0.0, 0
    for fixture in TASKS_FIXTURES:
        image = load_rgb(fixture["image"])
        results = v2_face_mesh.process(image)
        found = 0 if results.multi_face_landmarks is None else len(results.multi_face_landmarks)
        assert found == len(fixture["faces"]), fixture["image"]
        for index, expected in enumerate(fixture["faces"]):
            faces += 1
            reference = np.array(expected["landmarks"], np.float64)
            ours = to_pixels(results.landmarks[index], image.shape[1], image.shape[0])
            distance = np.linalg.norm(ours[:, :2] - reference[:, :2], axis=1).max() / inter_ocular_distance(reference)
            worst_landmark = max(worst_landmark, float(distance))
            scores = results.multi_face_blendshapes[index].as_dict()
            assert set(expected["blendshapes"]) == set(scores)
            worst_score = max(worst_score, max(abs(scores[name] - value) for name, value in
                                               expected["blendshapes"].items()))
    assert faces == 6
    print(f"\nv2 against MediaPipe Tasks, {faces} faces: landmarks <= {100 * worst_landmark:.4f}% IOD, "
          f"blendshapes <= {worst_score:.2e}")
    assert worst_landmark <= 4e-4
    assert worst_score <= 2e-3
