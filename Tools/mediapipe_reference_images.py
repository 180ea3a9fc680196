"""Test photos for the MediaPipe references: loading, generated variants, and 192x192 face crops.

All geometry here is plain OpenCV affine warping with fixed parameters, so every output is
deterministic for the pinned opencv-contrib-python version.
"""

import hashlib
import math
import os

import cv2
import numpy as np

# The six shared test photos (provenance: Tests/Fixtures/Images/PROVENANCE.md). In the repository they
# live in Tests/Fixtures/Images/; the generated ones in Tests/Fixtures/Images/extra/.
SHARED_IMAGES = [
    "mpl_grace_hopper.jpg",
    "skimage_astronaut.png",
    "skimage_camera.png",
    "skimage_chelsea_cat.png",
    "skimage_coffee.png",
    "visp_solvay_1927_1280px.png",
]
REPO_IMAGES_DIR = "Tests/Fixtures/Images"
REPO_EXTRA_DIR = "Tests/Fixtures/Images/extra"

ROLLED_DEGREES = 28.0
ROLLED_NAME = "grace_hopper_rolled28.png"
MONTAGE_NAME = "faces_montage3.png"


def load_rgb(path: str) -> np.ndarray:
    """Decodes an image file to RGB uint8 HxWx3 (grey images get three equal channels)."""
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(path)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def save_png(path: str, rgb: np.ndarray) -> None:
    """Writes RGB uint8 as PNG."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)):
        raise OSError(f"could not write {path}")


def sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def sha256_pixels(rgb: np.ndarray) -> str:
    """SHA-256 of the decoded pixels, row-major RGB bytes (lets a decoder check it matches OpenCV's)."""
    return hashlib.sha256(np.ascontiguousarray(rgb, dtype=np.uint8).tobytes()).hexdigest()


def rotation_about(center: tuple[float, float], degrees: float, scale: float) -> np.ndarray:
    """2x3 affine turning the image counter-clockwise on screen by `degrees` about `center` (pixels)."""
    return cv2.getRotationMatrix2D((float(center[0]), float(center[1])), degrees, scale)


def rolled_portrait(portrait: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The portrait turned counter-clockwise by ROLLED_DEGREES on a canvas holding all of it.

    Border is black. Returns (image, 2x3 affine mapping portrait pixels to image pixels).
    """
    h, w = portrait.shape[:2]
    m = rotation_about((w / 2, h / 2), ROLLED_DEGREES, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    new_w, new_h = int(round(w * c + h * s)), int(round(w * s + h * c))
    m[0, 2] += new_w / 2 - w / 2
    m[1, 2] += new_h / 2 - h / 2
    image = cv2.warpAffine(portrait, m, (new_w, new_h), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    return image, m


def square_tile(image: np.ndarray, center: tuple[float, float], side: float, out: int) -> np.ndarray:
    """Axis-aligned square crop of `side` pixels around `center`, resized to out x out (replicate border)."""
    k = out / side
    m = np.array([[k, 0, out / 2 - k * center[0]], [0, k, out / 2 - k * center[1]]])
    return cv2.warpAffine(image, m, (out, out), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# Face boxes (centre, size in pixels) found by MediaPipe FaceMesh (468 points, bounding box of all
# landmarks) on the shared photos; fixed here so the generated images do not depend on a model run.
GRACE_FACE = ((264.0, 232.0), 202.0)
ASTRONAUT_FACE = ((225.0, 124.0), 103.0)
CAMERA_FACE = ((227.0, 162.0), 77.0)


def faces_montage(grace: np.ndarray, astronaut: np.ndarray) -> np.ndarray:
    """900x300 strip of three 300x300 face tiles: Grace Hopper, astronaut, Grace Hopper mirrored."""
    tile = 300
    first = square_tile(grace, GRACE_FACE[0], GRACE_FACE[1] * 2.5, tile)
    second = square_tile(astronaut, ASTRONAUT_FACE[0], ASTRONAUT_FACE[1] * 2.5, tile)
    third = np.ascontiguousarray(first[:, ::-1])
    return np.concatenate([first, second, third], axis=1)


def face_crop(image: np.ndarray, center: tuple[float, float], side: float, degrees: float,
              size: int = 192) -> tuple[np.ndarray, np.ndarray]:
    """size x size crop of a `side`-pixel square around `center`, the content turned
    counter-clockwise on screen by `degrees` (bilinear, replicate border).

    Returns (crop, 2x3 affine mapping source pixels to crop pixels).
    """
    m = rotation_about(center, degrees, size / side)
    m[0, 2] += size / 2 - center[0]
    m[1, 2] += size / 2 - center[1]
    crop = cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    return crop, m


def degrees_of(m: np.ndarray) -> float:
    """Counter-clockwise on-screen rotation (degrees) of a 2x2 part of an affine (y down)."""
    return math.degrees(math.atan2(-m[1, 0], m[0, 0]))
