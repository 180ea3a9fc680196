"""Shared fixtures of the swiftfacemesh tests: repository paths, image decoding, the Swift command, the landmark
yardsticks of Tests/FaceMeshTests/Support/FaceMeshTestSupport.swift (inter-ocular distance, mean distance).

Tools the tests need beyond numpy and pytest: Pillow (decoding the fixture photos), ffmpeg (the synthetic video) and
the built `facemesh` command (equality with the Swift engine; FACEMESH_COMMAND or .build/release/facemesh). A missing
tool skips its tests, except under CI=true, where it fails them.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "Fixtures"


def require(condition, reason):
    """Skips the test when `condition` is false (fails it under CI=true: a missing tool must not pass silently)."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def load_rgb(relative_path):
    """The repository image at `relative_path` as an (H, W, 3) uint8 RGB array (Pillow; grey expanded to RGB)."""
    try:
        from PIL import Image
    except ImportError:
        require(False, "Pillow is not installed")
    with Image.open(ROOT / relative_path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB")))


def load_json(relative_path):
    return json.loads((ROOT / relative_path).read_text())


def inter_ocular_distance(points):
    """Distance between the eye centres (midpoints of the corners 33/133 and 362/263), in the points' unit."""
    left = (points[33, :2] + points[133, :2]) / 2
    right = (points[362, :2] + points[263, :2]) / 2
    return float(np.linalg.norm(left - right))


def mean_distance(a, b):
    """Mean 2-D distance between corresponding points."""
    return float(np.mean(np.linalg.norm(a[:, :2] - b[:, :2], axis=1)))


def to_pixels(normalized, width, height):
    """Normalized landmarks (x/W, y/H, z/W) as pixels (x·W, y·H, z·W), in float64."""
    return normalized.astype(np.float64) * np.array([width, height, width])


@pytest.fixture(scope="session")
def facemesh_command():
    """Path of the Swift `facemesh` command."""
    candidates = [os.environ.get("FACEMESH_COMMAND"), str(ROOT / ".build" / "release" / "facemesh")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    require(False, "the facemesh command is not built (swift build -c release --product facemesh)")


@pytest.fixture(scope="session")
def video_frames():
    """The synthetic video's frames decoded as the MediaPipe fixture was (its decode_command): (90, 480, 400, 3)."""
    reference = load_json("Tests/Fixtures/Video/synthetic_portrait_mediapipe_mesh.json")
    require(shutil.which("ffmpeg") is not None, "ffmpeg is not installed")
    command = reference["decode_command"].split()
    raw = subprocess.run(command, cwd=ROOT, check=True, capture_output=True).stdout
    width, height = reference["width"], reference["height"]
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    assert frames.shape[0] == reference["frame_count"]
    return frames
