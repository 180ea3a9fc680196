#!/usr/bin/env python3
"""Deterministic synthetic test video: a real portrait moved by known smooth affine motion.

Grace Hopper's portrait (512x600) is warped into 400x480 frames with a known similarity transform per
frame (rotation sweeping +-30 degrees, scale +-20 %, pan of a few tens of pixels), its brightness drifts
by +-15 %, and seeded Gaussian sensor noise (sigma 3 grey levels) is added. The frames are encoded with
the Debian `ffmpeg` binary (libx264, yuv420p, one thread, no B-frames).

Outputs:
  Tests/Fixtures/Video/synthetic_portrait.mp4
  Tests/Fixtures/Video/synthetic_portrait.json  (per-frame ground truth: rotation, scale, translation, affine)

Needs numpy and opencv (Tools/requirements-video.txt) and ffmpeg on PATH. See Tools/README-mediapipe.md.
"""

import argparse
import json
import math
import os
import re
import subprocess

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_NAME = "mpl_grace_hopper.jpg"
OUT_MP4 = "Tests/Fixtures/Video/synthetic_portrait.mp4"
OUT_JSON = "Tests/Fixtures/Video/synthetic_portrait.json"

FPS = 30
FRAME_COUNT = 90
WIDTH, HEIGHT = 400, 480
# Face centre in the source photo (centre of the bounding box of MediaPipe's 468 landmarks), pixels.
SOURCE_FACE_CENTER = (264.0, 232.0)
# Where that point sits in the frame when the pan is zero, pixels.
FRAME_FACE_CENTER = (200.0, 230.0)
BASE_SCALE = 0.9
NOISE_SIGMA = 3.0
NOISE_SEED = 20240611
CRF = 18


def motion(index: int) -> dict:
    """Smooth motion parameters of frame `index` (all periodic over the clip, so it loops smoothly)."""
    phase = 2.0 * math.pi * index / FRAME_COUNT
    return {
        "rotation_degrees": 30.0 * math.sin(phase),
        "scale_factor": 1.0 + 0.2 * math.sin(1.5 * phase + 0.6),
        "pan": (25.0 * math.sin(phase + 1.2), 18.0 * math.sin(2.0 * phase)),
        "brightness": 1.0 + 0.15 * math.sin(phase + 2.2),
    }


def affine(rotation_degrees: float, scale: float, pan: tuple[float, float]) -> np.ndarray:
    """2x3 matrix mapping source pixels to frame pixels: p' = s*R(theta)*(p - c_src) + c_dst + pan.

    R(theta) = [[cos, sin], [-sin, cos]] turns counter-clockwise as seen on screen (y axis down).
    """
    theta = math.radians(rotation_degrees)
    a = scale * math.cos(theta)
    b = scale * math.sin(theta)
    linear = np.array([[a, b], [-b, a]])
    offset = np.array(FRAME_FACE_CENTER) + np.array(pan) - linear @ np.array(SOURCE_FACE_CENTER)
    return np.hstack([linear, offset[:, None]])


def render(source: np.ndarray, matrix: np.ndarray, brightness: float, rng: np.random.Generator) -> np.ndarray:
    """Warp (bilinear, replicate border), brightness gain, Gaussian noise, round to uint8."""
    warped = cv2.warpAffine(source, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE).astype(np.float64)
    noisy = warped * brightness + rng.normal(0.0, NOISE_SIGMA, warped.shape)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def encode(frames: list[np.ndarray], path: str) -> list[str]:
    command = [
        "ffmpeg", "-y", "-v", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", "pipe:0",
        "-c:v", "libx264", "-preset", "medium", "-crf", str(CRF), "-pix_fmt", "yuv420p",
        "-bf", "0", "-g", str(FRAME_COUNT), "-threads", "1",
        "-colorspace", "smpte170m", "-color_primaries", "smpte170m", "-color_trc", "smpte170m",
        "-color_range", "tv",
        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-movflags", "+faststart",
        path,
    ]
    subprocess.run(command, input=b"".join(f.tobytes() for f in frames), check=True)
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_source = os.path.join(REPO, "Tests/Fixtures/Images", SOURCE_NAME)
    parser.add_argument("--source", default=default_source, help="the 512x600 Grace Hopper portrait")
    args = parser.parse_args()

    bgr = cv2.imread(args.source, cv2.IMREAD_COLOR)
    if bgr is None or bgr.shape[:2] != (600, 512):
        raise SystemExit(f"{args.source}: expected the 512x600 portrait")
    source = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    rng = np.random.default_rng(NOISE_SEED)
    frames, records = [], []
    for index in range(FRAME_COUNT):
        m = motion(index)
        scale = BASE_SCALE * m["scale_factor"]
        matrix = affine(m["rotation_degrees"], scale, m["pan"])
        frames.append(render(source, matrix, m["brightness"], rng))
        face = matrix @ np.array([*SOURCE_FACE_CENTER, 1.0])
        records.append({
            "index": index,
            "timestamp": round(index / FPS, 9),
            "rotation_degrees": round(m["rotation_degrees"], 9),
            "scale": round(scale, 9),
            "translation": [round(float(matrix[0, 2]), 9), round(float(matrix[1, 2]), 9)],
            "affine": [[round(float(v), 9) for v in row] for row in matrix],
            "face_center": [round(float(face[0]), 6), round(float(face[1]), 6)],
            "brightness": round(m["brightness"], 9),
        })

    os.makedirs(os.path.join(REPO, os.path.dirname(OUT_MP4)), exist_ok=True)
    command = encode(frames, os.path.join(REPO, OUT_MP4))
    doc = {
        "fps": FPS,
        "frame_count": FRAME_COUNT,
        "width": WIDTH,
        "height": HEIGHT,
        "source_image": f"Tests/Fixtures/Images/{SOURCE_NAME}",
        "source_width": 512,
        "source_height": 600,
        "conventions": (
            "affine maps source-image pixels (x right, y down) to frame pixels: [x', y'] = affine . [x, y, 1], "
            "affine = [[s cos t, s sin t, tx], [-s sin t, s cos t, ty]] with s = scale, t = rotation_degrees; "
            "positive rotation_degrees turns the face COUNTER-CLOCKWISE as seen on screen. translation = "
            "[tx, ty] is the affine's last column. face_center = affine applied to source_face_center (the "
            "centre of MediaPipe's 468-landmark bounding box in the source). Rendering: OpenCV warpAffine "
            "bilinear with replicated border, then value * brightness + Gaussian noise, rounded to uint8."
        ),
        "source_face_center": list(SOURCE_FACE_CENTER),
        "base_scale": BASE_SCALE,
        "noise_sigma": NOISE_SIGMA,
        "noise_seed": NOISE_SEED,
        "noise_generator": "numpy.random.default_rng(seed).normal(0, sigma, (H, W, 3)) per frame in order",
        "encoder_command": " ".join(c if c != "pipe:0" else "-" for c in command[:-1]) + " synthetic_portrait.mp4",
        "versions": {"numpy": np.__version__, "opencv": cv2.__version__,
                     "ffmpeg": subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True)
                     .stdout.splitlines()[0]},
        "frames": records,
    }
    with open(os.path.join(REPO, OUT_JSON), "w") as f:
        text = json.dumps(doc, indent=1)
        text = re.sub(r"\[\n\s*([^\[\]{}\"]*?)\n\s*\]",
                      lambda mm: "[" + re.sub(r",\n\s*", ", ", mm.group(1)) + "]", text)
        f.write(text + "\n")
    size = os.path.getsize(os.path.join(REPO, OUT_MP4))
    print(f"wrote {OUT_MP4} ({size} bytes, {FRAME_COUNT} frames {WIDTH}x{HEIGHT} @ {FPS} fps) and {OUT_JSON}")


if __name__ == "__main__":
    main()
