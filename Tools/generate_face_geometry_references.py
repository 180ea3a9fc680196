#!/usr/bin/env python3
"""Reference head poses from the real MediaPipe 0.10.14 face-geometry pipeline.

Runs MediaPipe's own `FaceGeometryPipelineCalculator` (Tasks version, the one behind FaceLandmarker's
`facial_transformation_matrixes`) in a CalculatorGraph on given landmark sets, with the default environment
(TOP_LEFT origin, vertical FOV 63 degrees, near 1, far 10000) and the metadata in
Tools/data/mediapipe/geometry_pipeline_metadata_landmarks.pbtxt, and writes
Tests/Fixtures/FaceGeometry/mediapipe_face_geometry.json (format: Tests/Fixtures/FaceGeometry/README.md).

Landmark sets:
- real faces: MediaPipe's own end-to-end landmarks of the test photos (Tests/Fixtures/MediaPipe/landmarks/*.json,
  made by Tools/generate_mediapipe_references.py), 468- and 478-point (MediaPipe 0.10.14's calculator insists on
  exactly 468, so 478-point meshes are passed without the 10 iris points, as its Tasks graph does);
- synthetic faces: the canonical model at seeded random poses, projected by a pinhole camera with the relative
  depth model z_px = (D - mean D) * f / mean D (the model under which the conversion is exact);
- a face too compact to measure (MediaPipe skips it: no output).

Environment: the venv of Tools/README-mediapipe.md (Tools/requirements-mediapipe.txt: mediapipe==0.10.14,
numpy==1.26.4, protobuf==4.25.9, all pinned). Deterministic. Run from the repository root:

    Tools/.venv-mediapipe/bin/python Tools/generate_face_geometry_references.py [--landmarks DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from pathlib import Path

import mediapipe as mp
import numpy as np
from google.protobuf import text_format
from mediapipe.framework.formats import landmark_pb2
from mediapipe.python import packet_creator, packet_getter
from mediapipe.python._framework_bindings import calculator_graph
from mediapipe.tasks.cc.vision.face_geometry.proto import environment_pb2, geometry_pipeline_metadata_pb2

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "Tools" / "data" / "mediapipe" / "geometry_pipeline_metadata_landmarks.pbtxt"
OUTPUT = ROOT / "Tests" / "Fixtures" / "FaceGeometry" / "mediapipe_face_geometry.json"
DEFAULT_LANDMARKS = ROOT / "Tests" / "Fixtures" / "MediaPipe" / "landmarks"
REAL_FACE_FILES = [
    "mpl_grace_hopper_mesh.json",
    "mpl_grace_hopper_attention.json",
    "skimage_astronaut_mesh.json",
    "skimage_camera_mesh.json",
    "grace_hopper_rolled28_mesh.json",
    "faces_montage3_mesh.json",
]
FOV_DEGREES, NEAR, FAR = 63.0, 1.0, 10000.0

GRAPH = """
input_stream: "image"
input_stream: "landmarks"
input_side_packet: "environment"
output_stream: "geometry"
node { calculator: "ImagePropertiesCalculator" input_stream: "IMAGE:image" output_stream: "SIZE:size" }
node {
  calculator: "ConcatenateNormalizedLandmarkListVectorCalculator"
  input_stream: "landmarks"
  output_stream: "multi_face_landmarks"
}
node {
  calculator: "mediapipe.tasks.vision.face_geometry.FaceGeometryPipelineCalculator"
  input_side_packet: "ENVIRONMENT:environment"
  input_stream: "IMAGE_SIZE:size"
  input_stream: "MULTI_FACE_LANDMARKS:multi_face_landmarks"
  output_stream: "MULTI_FACE_GEOMETRY:geometry"
  node_options: {
    [type.googleapis.com/mediapipe.tasks.vision.face_geometry.FaceGeometryPipelineCalculatorOptions] {
      metadata_file { file_name: "%s" }
    }
  }
}
"""


def f32(value: float) -> float:
    """Rounds to float32 (what MediaPipe stores) and returns it as an exact Python float."""
    return float(np.float32(value))


def short(value: float) -> float:
    """The float32 value written with the fewest digits that read back to the same float32."""
    return float(str(np.float32(value)))


def run_mediapipe(metadata_path: Path, normalized: list[list[float]], width: int, height: int):
    """Returns (row-major 4x4 pose, 468x3 mesh positions) or None when MediaPipe outputs no geometry."""
    graph = calculator_graph.CalculatorGraph(graph_config=GRAPH % metadata_path)
    outputs = []
    graph.observe_output_stream("geometry", lambda stream, packet: outputs.append(packet_getter.get_proto_list(packet)))
    environment = environment_pb2.Environment()
    environment.origin_point_location = environment_pb2.TOP_LEFT_CORNER
    environment.perspective_camera.vertical_fov_degrees = FOV_DEGREES
    environment.perspective_camera.near = NEAR
    environment.perspective_camera.far = FAR
    graph.start_run(input_side_packets={"environment": packet_creator.create_proto(environment)})
    landmark_list = landmark_pb2.NormalizedLandmarkList()
    for x, y, z in normalized:
        landmark = landmark_list.landmark.add()
        landmark.x, landmark.y, landmark.z = x, y, z
    image = np.zeros((height, width, 3), np.uint8)
    frame = packet_creator.create_image_frame(image_format=mp.ImageFormat.SRGB, data=image)
    graph.add_packet_to_input_stream("image", frame.at(0))
    graph.add_packet_to_input_stream("landmarks", packet_creator.create_proto(landmark_list).at(0))
    graph.close()
    if not outputs or not outputs[0]:
        return None
    geometry = outputs[0][0]
    matrix = geometry.pose_transform_matrix
    assert matrix.rows == 4 and matrix.cols == 4
    values = list(matrix.packed_data)
    # MatrixData layout: COLUMN_MAJOR (0, the default) or ROW_MAJOR (1).
    if matrix.layout == 0:
        values = [values[4 * column + row] for row in range(4) for column in range(4)]
    vertex_buffer = list(geometry.mesh.vertex_buffer)
    mesh = [[short(v) for v in vertex_buffer[5 * i : 5 * i + 3]] for i in range(len(vertex_buffer) // 5)]
    return [short(v) for v in values], mesh


def canonical_vertices(metadata) -> np.ndarray:
    buffer = np.array(metadata.canonical_mesh.vertex_buffer, dtype=np.float64)
    return buffer.reshape(-1, 5)[:, :3]


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Ry(yaw) Rx(pitch) Rz(roll), right-handed, degrees."""
    a, b, c = (math.radians(v) for v in (yaw, pitch, roll))
    ry = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    return ry @ rx @ rz


def synthetic_face(vertices: np.ndarray, pose: np.ndarray, translation: np.ndarray, width: int, height: int):
    """Normalized landmarks of the posed canonical face under the pinhole + relative-depth model."""
    points = vertices @ pose.T + translation
    focal = height / 2 / math.tan(math.radians(FOV_DEGREES) / 2)
    depth = -points[:, 2]
    mean_depth = depth.mean()
    u = width / 2 + focal * points[:, 0] / depth
    v = height / 2 - focal * points[:, 1] / depth
    z = (depth - mean_depth) * focal / mean_depth
    return [[f32(a / width), f32(b / height), f32(c / width)] for a, b, c in zip(u, v, z)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--landmarks", type=Path, default=DEFAULT_LANDMARKS,
                        help="directory of MediaPipe end-to-end landmark JSON files")
    arguments = parser.parse_args()

    metadata = geometry_pipeline_metadata_pb2.GeometryPipelineMetadata()
    text_format.Parse(METADATA.read_text(encoding="utf-8"), metadata)
    vertices = canonical_vertices(metadata)

    cases = []
    for name in REAL_FACE_FILES:
        document = json.loads((arguments.landmarks / name).read_text(encoding="utf-8"))
        width, height = document["width"], document["height"]
        for index, face in enumerate(document["faces"]):
            normalized = [[f32(x / width), f32(y / height), f32(z / width)] for x, y, z in face["landmarks"]]
            cases.append({"name": f"{Path(name).stem}_face{index}", "source": f"Tests/Fixtures/MediaPipe/landmarks/{name}",
                          "width": width, "height": height, "landmarks": normalized})

    generator = np.random.default_rng(20240607)
    for index, (width, height) in enumerate([(640, 480), (480, 640), (1280, 720), (640, 480)]):
        yaw, pitch = generator.uniform(-40, 40, size=2)
        roll = generator.uniform(-60, 60)
        distance = generator.uniform(30, 100)
        half_height = distance * math.tan(math.radians(FOV_DEGREES) / 2)
        offset = generator.uniform(-0.4, 0.4, size=2) * [half_height * width / height, half_height]
        translation = np.array([offset[0], offset[1], -distance])
        normalized = synthetic_face(vertices, rotation(yaw, pitch, roll), translation, width, height)
        cases.append({"name": f"synthetic_pose{index}", "source": "synthetic",
                      "pose": {"yaw": float(yaw), "pitch": float(pitch), "roll": float(roll),
                               "translation": [float(v) for v in translation]},
                      "width": width, "height": height, "landmarks": normalized})

    tiny = synthetic_face(vertices * 0.001, np.eye(3), np.array([0.0, 0.0, -50.0]), 640, 480)
    cases.append({"name": "too_compact", "source": "synthetic, face 1/1000 of the canonical size",
                  "width": 640, "height": 480, "landmarks": tiny})

    with tempfile.TemporaryDirectory() as directory:
        metadata_path = Path(directory) / "geometry_pipeline_metadata_landmarks.binarypb"
        metadata_path.write_bytes(metadata.SerializeToString(deterministic=True))
        for case in cases:
            # MediaPipe 0.10.14 requires exactly 468 landmarks; like its Tasks graph, pass the 478-point
            # (iris) meshes without their last 10 points.
            result = run_mediapipe(metadata_path, case["landmarks"][:468], case["width"], case["height"])
            if result is None:
                case["mediapipe"] = None
                print(f"{case['name']}: no geometry (skipped by MediaPipe)")
            else:
                matrix, mesh = result
                case["mediapipe"] = {"pose_row_major": matrix, "mesh": mesh}
                print(f"{case['name']}: {len(case['landmarks'])} landmarks, translation "
                      f"({matrix[3]:.2f}, {matrix[7]:.2f}, {matrix[11]:.2f}) cm")
            case["landmarks"] = [[short(v) for v in point] for point in case["landmarks"]]

    document = {
        "mediapipe_version": mp.__version__,
        "calculator": "mediapipe.tasks.vision.face_geometry.FaceGeometryPipelineCalculator",
        "environment": {"origin": "TOP_LEFT_CORNER", "vertical_fov_degrees": FOV_DEGREES, "near": NEAR, "far": FAR},
        "metadata": "Tools/data/mediapipe/geometry_pipeline_metadata_landmarks.pbtxt",
        "cases": cases,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8") as file:
        json.dump(document, file, separators=(",", ":"))
        file.write("\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
