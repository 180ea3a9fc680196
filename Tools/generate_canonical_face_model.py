#!/usr/bin/env python3
"""Generate Sources/FaceMesh/Pose/CanonicalFaceModelData.swift from MediaPipe's face-geometry metadata.

Input:  Tools/data/mediapipe/geometry_pipeline_metadata_landmarks.pbtxt (468 vertices x, y, z, u, v; 898 triangles;
        33 weighted Procrustes basis landmarks), cross-checked against Tools/data/mediapipe/canonical_face_model.obj.
Output: the Swift source (numbers copied verbatim as decimal text, so nothing is rounded twice).

Standard library only (Python 3.11), no virtual environment needed. Deterministic: the output depends only on the
two input files. Run from anywhere:

    python3 Tools/generate_canonical_face_model.py            # writes the Swift file
    python3 Tools/generate_canonical_face_model.py --check    # exits 1 if the committed file is out of date
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "Tools" / "data" / "mediapipe"
METADATA = DATA / "geometry_pipeline_metadata_landmarks.pbtxt"
OBJ = DATA / "canonical_face_model.obj"
OUTPUT = ROOT / "Sources" / "FaceMesh" / "Pose" / "CanonicalFaceModelData.swift"

EXPECTED_SHA256 = {
    METADATA: "55ca7c4c7bf195673b9d12a1b5d49d4b9c82b5ade8fed4b565496590866e359d",
    OBJ: "8bac80443397e113f41a8b565ea72c59390bc031d9defab289dba7bc0c54e618",
}
VERTEX_COUNT = 468
TRIANGLE_COUNT = 898
BASIS_COUNT = 33
FLOATS_PER_VERTEX = 5  # VERTEX_PT: x, y, z, u, v
VERTICES_PER_CHUNK = 60  # keeps each Swift array literal small for the type checker
TRIANGLES_PER_CHUNK = 150
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def fail(message: str) -> None:
    sys.exit(f"generate_canonical_face_model: {message}")


def read_metadata() -> tuple[list[str], list[int], list[tuple[int, str]]]:
    """Returns (vertex buffer as decimal strings, index buffer, [(landmark id, weight string)])."""
    text = METADATA.read_text(encoding="utf-8")
    if "vertex_type: VERTEX_PT" not in text or "primitive_type: TRIANGLE" not in text:
        fail("unexpected mesh layout in the metadata")
    vertex_buffer = re.findall(r"^\s*vertex_buffer:\s*(\S+)\s*$", text, flags=re.MULTILINE)
    index_buffer = [int(v) for v in re.findall(r"^\s*index_buffer:\s*(\d+)\s*$", text, flags=re.MULTILINE)]
    basis = [
        (int(landmark), weight)
        for landmark, weight in re.findall(
            r"procrustes_landmark_basis\s*\{\s*landmark_id:\s*(\d+)\s+weight:\s*(\S+)\s*\}", text
        )
    ]
    for value in vertex_buffer + [w for _, w in basis]:
        if not NUMBER.match(value):
            fail(f"not a decimal number: {value!r}")
    return vertex_buffer, index_buffer, basis


def read_obj() -> tuple[list[tuple[float, float, float]], list[tuple[int, int, int]]]:
    """Returns the OBJ's vertex positions and 0-based triangles."""
    positions, triangles = [], []
    for line in OBJ.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "v":
            positions.append(tuple(float(v) for v in fields[1:4]))
        elif fields[0] == "f":
            if len(fields) != 4:
                fail("OBJ face is not a triangle")
            triangles.append(tuple(int(f.split("/")[0]) - 1 for f in fields[1:4]))
    return positions, triangles


def canonical_rotation(triangle: tuple[int, ...]) -> tuple[int, ...]:
    """The cyclic rotation of a triangle that starts at its smallest index (keeps the winding)."""
    k = triangle.index(min(triangle))
    return triangle[k:] + triangle[:k]


def validate(vertex_buffer: list[str], index_buffer: list[int], basis: list[tuple[int, str]]) -> None:
    for path, digest in EXPECTED_SHA256.items():
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != digest:
            fail(f"{path.name}: SHA-256 {actual} differs from the documented {digest}")
    if len(vertex_buffer) != VERTEX_COUNT * FLOATS_PER_VERTEX:
        fail(f"expected {VERTEX_COUNT * FLOATS_PER_VERTEX} vertex_buffer values, found {len(vertex_buffer)}")
    if len(index_buffer) != TRIANGLE_COUNT * 3:
        fail(f"expected {TRIANGLE_COUNT * 3} index_buffer values, found {len(index_buffer)}")
    if any(i >= VERTEX_COUNT for i in index_buffer):
        fail("triangle index out of range")
    ids = [landmark for landmark, _ in basis]
    if len(basis) != BASIS_COUNT or len(set(ids)) != BASIS_COUNT or max(ids) >= VERTEX_COUNT:
        fail("unexpected Procrustes basis")
    if any(float(w) <= 0 for _, w in basis):
        fail("non-positive Procrustes weight")

    obj_positions, obj_triangles = read_obj()
    if len(obj_positions) != VERTEX_COUNT:
        fail("OBJ vertex count differs")
    for i, position in enumerate(obj_positions):
        metadata_position = tuple(float(v) for v in vertex_buffer[i * 5 : i * 5 + 3])
        if position != metadata_position:
            fail(f"vertex {i}: OBJ {position} != metadata {metadata_position}")
    metadata_triangles = [tuple(index_buffer[k : k + 3]) for k in range(0, len(index_buffer), 3)]
    if sorted(map(canonical_rotation, obj_triangles)) != sorted(map(canonical_rotation, metadata_triangles)):
        fail("OBJ and metadata triangles differ")


def swift_rows(values: list[str], per_line: int, indent: str) -> str:
    lines = []
    for start in range(0, len(values), per_line):
        lines.append(indent + ", ".join(values[start : start + per_line]) + ",")
    return "\n".join(lines)


def chunked_array(name: str, swift_type: str, values: list[str], chunk: int, per_line: int, doc: str) -> list[str]:
    """Emits `static let name: [T]` built from several smaller literals."""
    out = []
    parts = []
    for number, start in enumerate(range(0, len(values), chunk)):
        part = f"{name}Part{number}"
        parts.append(part)
        out.append(f"    private static let {part}: [{swift_type}] = [")
        out.append(swift_rows(values[start : start + chunk], per_line, "        "))
        out.append("    ]")
        out.append("")
    out.append(f"    /// {doc}")
    out.append(f"    static let {name}: [{swift_type}] = Array([")
    out.append(swift_rows(parts, 4, "        "))
    out.append("    ].joined())")
    out.append("")
    return out


def render(vertex_buffer: list[str], index_buffer: list[int], basis: list[tuple[int, str]]) -> str:
    positions = [vertex_buffer[i * 5 + k] for i in range(VERTEX_COUNT) for k in range(3)]
    texture = [vertex_buffer[i * 5 + k] for i in range(VERTEX_COUNT) for k in (3, 4)]
    header = [
        "// Copyright 2020 The MediaPipe Authors.",
        "//",
        '// Licensed under the Apache License, Version 2.0 (the "License");',
        "// you may not use this file except in compliance with the License.",
        "// You may obtain a copy of the License at",
        "//",
        "//      http://www.apache.org/licenses/LICENSE-2.0",
        "//",
        "// Unless required by applicable law or agreed to in writing, software",
        '// distributed under the License is distributed on an "AS IS" BASIS,',
        "// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.",
        "// See the License for the specific language governing permissions and",
        "// limitations under the License.",
        "//",
        "// Data from mediapipe/modules/face_geometry/data/geometry_pipeline_metadata_landmarks.pbtxt",
        "// (google-ai-edge/mediapipe, commit 85c0cdc7d70653888903c88df45962b764296342; copy and licence in",
        "// Tools/data/mediapipe/).",
        "//",
        "// Generated by Tools/generate_canonical_face_model.py, do not edit.",
        "",
        "/// Raw arrays of MediaPipe's canonical face model; `CanonicalFaceModel` wraps them in typed values.",
        "enum CanonicalFaceModelData {",
        "    /// Number of vertices (= number of face mesh landmarks).",
        f"    static let vertexCount = {VERTEX_COUNT}",
        "",
    ]
    body = []
    body += chunked_array(
        "positions", "Float", positions, VERTICES_PER_CHUNK * 3, 9,
        f"x, y, z of the {VERTEX_COUNT} vertices in centimetres (+x towards the face's left, +y up, +z out of the face).",
    )
    body += chunked_array(
        "textureCoordinates", "Float", texture, VERTICES_PER_CHUNK * 2, 10,
        f"u, v of the {VERTEX_COUNT} vertices in [0, 1], v growing downwards.",
    )
    body += chunked_array(
        "triangleIndices", "UInt16", [str(i) for i in index_buffer], TRIANGLES_PER_CHUNK * 3, 15,
        f"The {TRIANGLE_COUNT} triangles, three 0-based vertex indices each.",
    )
    body.append("    /// Landmark ids of the Procrustes basis, ascending.")
    body.append("    static let procrustesLandmarkIDs: [Int] = [")
    body.append(swift_rows([str(i) for i, _ in basis], 11, "        "))
    body.append("    ]")
    body.append("")
    body.append("    /// Weights of the Procrustes basis landmarks, in the order of `procrustesLandmarkIDs`.")
    body.append("    static let procrustesWeights: [Double] = [")
    body.append(swift_rows([w for _, w in basis], 4, "        "))
    body.append("    ]")
    return "\n".join(header + body) + "\n}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="verify the committed file instead of writing it")
    arguments = parser.parse_args()
    vertex_buffer, index_buffer, basis = read_metadata()
    validate(vertex_buffer, index_buffer, basis)
    if [i for i, _ in basis] != sorted(i for i, _ in basis):
        fail("basis ids are not ascending")
    source = render(vertex_buffer, index_buffer, basis)
    if arguments.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != source:
            sys.exit(f"{OUTPUT.relative_to(ROOT)} is out of date; run {Path(__file__).name}")
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return
    OUTPUT.write_text(source, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {VERTEX_COUNT} vertices, {TRIANGLE_COUNT} triangles, "
          f"{len(basis)} basis landmarks")


if __name__ == "__main__":
    main()
