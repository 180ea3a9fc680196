#!/usr/bin/env python3
"""Reference outputs of MediaPipe 0.10.14's Tasks FaceLandmarker (Face Mesh V2 + blendshapes), as test fixtures.

Run with the MediaPipe venv (Tools/requirements-mediapipe.txt, see Tools/README-mediapipe.md); the bundle comes from
Tools/tasks_bundle.py (SHA-256 checked). Nothing of SwiftFaceMesh is used.

Parts (all by default; choose with --only):
  image  IMAGE mode, num_faces=5, on the fixture photos
         -> Tests/Fixtures/MediaPipe/tasks/<stem>.json
            + the blendshape network's exact input tensor of every face (146 landmarks x (x*W, y*H), float32)
              -> Tests/Fixtures/LiteRT/face_blendshapes/<stem>_face<k>/input.f32 (outputs: Tools/generate_tasks_litert_references.py)
  video  VIDEO mode, num_faces=1, over the decoded synthetic video, twice:
           real timestamps (i * 1000/30 ms): landmarks One-Euro smoothed as Tasks does, blendshapes from those;
           timestamps (i + 1) * 10^9 ms: the smoothing filter's weight on the previous frame is ~3e-6, so every frame's
           landmarks are (to ~1e-5 px) the raw landmarks of that frame's tracked ROI, which came from the raw
           landmarks of the frame before: one tracking step per frame.
         -> Tests/Fixtures/Video/synthetic_portrait_mediapipe_tasks.json

Units as in Tests/Fixtures/MediaPipe/README.md: landmarks [x*W, y*H, z*W] in image pixels.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mediapipe as mp  # noqa: E402
from mediapipe.tasks.python import BaseOptions  # noqa: E402
from mediapipe.tasks.python.vision import FaceLandmarker, FaceLandmarkerOptions, RunningMode  # noqa: E402

import mediapipe_reference_images as images  # noqa: E402
from generate_mediapipe_references import decode_video, repo_path, write_json  # noqa: E402
from tasks_bundle import BUNDLE_SHA256, obtain_bundle  # noqa: E402

TASKS_DIR = "Tests/Fixtures/MediaPipe/tasks"
BLENDSHAPE_INPUT_DIR = "Tests/Fixtures/LiteRT/face_blendshapes"
VIDEO_DIR = "Tests/Fixtures/Video"
NUM_FACES_IMAGE = 5
CONFIDENCE = 0.5

# mediapipe/tasks/cc/vision/face_landmarker/face_blendshapes_graph.cc, kLandmarksSubsetIdxs.
BLENDSHAPE_SUBSET = [
    0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78, 80,
    81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136, 144, 145, 146, 148, 149, 150, 152, 153,
    154, 155, 157, 158, 159, 160, 161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246, 249,
    251, 263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312, 314,
    317, 318, 321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380, 381, 382,
    384, 385, 386, 387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454, 466, 468, 469, 470, 471, 472, 473,
    474, 475, 476, 477]


def write_frames_json(relative: str, header: dict, sequences: dict) -> None:
    """JSON: the header fields indented, then each sequence as a list with one compact frame per line."""
    lines = json.dumps(header, indent=1)[:-2].splitlines()
    for name, frames in sequences.items():
        lines[-1] += ","
        lines.append(f' "{name}": [')
        lines += [json.dumps(frame, separators=(",", ":")) + ("," if i + 1 < len(frames) else "")
                  for i, frame in enumerate(frames)]
        lines.append(" ]")
    path = repo_path(relative)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n}\n")


def landmarker(mode, num_faces: int, bundle: str) -> FaceLandmarker:
    options = FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=bundle), running_mode=mode, num_faces=num_faces,
        min_face_detection_confidence=CONFIDENCE, min_face_presence_confidence=CONFIDENCE,
        min_tracking_confidence=CONFIDENCE, output_face_blendshapes=True,
        output_facial_transformation_matrixes=True)
    return FaceLandmarker.create_from_options(options)


def blendshape_input(face, width: int, height: int) -> np.ndarray:
    """The network input as MediaPipe builds it (LandmarksToTensorCalculator, attributes X and Y): float32
    landmark.x * width and landmark.y * height for the 146 subset points, shape 146 x 2."""
    x = np.array([face[i].x for i in BLENDSHAPE_SUBSET], dtype=np.float32) * np.float32(width)
    y = np.array([face[i].y for i in BLENDSHAPE_SUBSET], dtype=np.float32) * np.float32(height)
    return np.stack([x, y], axis=1).astype(np.float32)


def face_record(result, k: int, width: int, height: int, decimals: int = 5, with_z: bool = True,
                with_matrix: bool = True) -> dict:
    face = result.face_landmarks[k]
    if with_z:
        points = [[round(p.x * width, decimals), round(p.y * height, decimals), round(p.z * width, decimals)]
                  for p in face]
    else:
        points = [[round(p.x * width, decimals), round(p.y * height, decimals)] for p in face]
    record = {"landmarks": points}
    if result.face_blendshapes:
        record["blendshapes"] = {c.category_name: round(float(c.score), 7) for c in result.face_blendshapes[k]}
    if with_matrix and result.facial_transformation_matrixes:
        matrix = np.asarray(result.facial_transformation_matrixes[k], dtype=np.float64)
        record["transformation_matrix"] = [[round(float(v), 6) for v in row] for row in matrix]
    return record


def generate_image(bundle: str) -> list:
    sources = [f"{images.REPO_IMAGES_DIR}/{n}" for n in images.SHARED_IMAGES]
    sources += [f"{images.REPO_EXTRA_DIR}/{n}" for n in (images.ROLLED_NAME, images.MONTAGE_NAME)]
    summary = []
    with landmarker(RunningMode.IMAGE, NUM_FACES_IMAGE, bundle) as detector:
        for relative in sources:
            rgb = images.load_rgb(repo_path(relative))
            height, width = rgb.shape[:2]
            result = detector.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb)))
            stem = os.path.splitext(os.path.basename(relative))[0]
            faces = []
            for k in range(len(result.face_landmarks)):
                faces.append(face_record(result, k, width, height))
                tensor = blendshape_input(result.face_landmarks[k], width, height)
                case_dir = repo_path(f"{BLENDSHAPE_INPUT_DIR}/{stem}_face{k}")
                os.makedirs(case_dir, exist_ok=True)
                tensor.astype("<f4").tofile(os.path.join(case_dir, "input.f32"))
            doc = {
                "image": relative,
                "image_sha256": images.sha256_file(repo_path(relative)),
                "pixels_sha256": images.sha256_pixels(rgb),
                "width": width, "height": height,
                "running_mode": "IMAGE", "num_faces": NUM_FACES_IMAGE,
                "min_face_detection_confidence": CONFIDENCE, "min_face_presence_confidence": CONFIDENCE,
                "min_tracking_confidence": CONFIDENCE,
                "mediapipe_version": mp.__version__, "bundle_sha256": BUNDLE_SHA256,
                "landmark_units": "image pixels: x*W, y*H, z*W (z scaled by the image width)",
                "matrix_layout": "row-major 4x4, canonical face model (cm) -> camera (cm), as the Tasks API returns it",
                "faces": faces,
            }
            write_json(f"{TASKS_DIR}/{stem}.json", doc)
            summary.append((stem, len(faces)))
    return summary


def run_video(frames, timestamps_ms, bundle: str, width: int, height: int, **record_options) -> list:
    records = []
    with landmarker(RunningMode.VIDEO, 1, bundle) as tracker:
        for index, (frame, timestamp) in enumerate(zip(frames, timestamps_ms)):
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(frame))
            result = tracker.detect_for_video(image, int(timestamp))
            faces = [face_record(result, k, width, height, with_matrix=False, **record_options)
                     for k in range(len(result.face_landmarks))]
            records.append({"index": index, "timestamp_ms": int(timestamp), "faces": faces})
    return records


def generate_video(bundle: str) -> list:
    with open(repo_path(f"{VIDEO_DIR}/synthetic_portrait.json")) as f:
        meta = json.load(f)
    video = f"{VIDEO_DIR}/synthetic_portrait.mp4"
    frames, command = decode_video(video, meta["width"], meta["height"])
    width, height = meta["width"], meta["height"]
    # Smoothed: x, y to 1e-3 px (what blendshapes read); stepwise: x, y, z to 1e-4 px (tracking-step checks).
    smoothed = run_video(frames, [round(i * 1000 / 30) for i in range(len(frames))], bundle, width, height,
                         decimals=3, with_z=False)
    stepwise = run_video(frames, [(i + 1) * 10**9 for i in range(len(frames))], bundle, width, height, decimals=4)
    doc = {
        "video": video,
        "decode_command": " ".join(command[:-1] + ["-"]),
        "width": width, "height": height, "frame_count": len(frames),
        "running_mode": "VIDEO", "num_faces": 1,
        "min_face_detection_confidence": CONFIDENCE, "min_face_presence_confidence": CONFIDENCE,
        "min_tracking_confidence": CONFIDENCE,
        "mediapipe_version": mp.__version__, "bundle_sha256": BUNDLE_SHA256,
        "landmark_units": "image pixels: x*W, y*H, z*W (z scaled by the frame width)",
        "note": "landmarks: smoothed [x, y] to 3 decimals, stepwise [x, y, z] to 4 decimals. smoothed: timestamps round(i*1000/30) ms, landmarks smoothed by Tasks' One-Euro filter (min cutoff "
                "0.05, beta 80, derivative cutoff 1), blendshapes from the smoothed landmarks. stepwise: timestamps "
                "(i+1)*1e9 ms (not starting at 0: MediaPipe's One-Euro filter only measures the frame rate between two "
                "non-zero timestamps and would smooth frame 1 at its default 30 Hz), where the filter keeps ~3e-6 of the previous value, i.e. raw landmarks; the ROI of frame i "
                "comes from the raw landmarks of frame i-1 (the detector runs only on frame 0).",
    }
    write_frames_json(f"{VIDEO_DIR}/synthetic_portrait_mediapipe_tasks.json", doc,
                      {"smoothed": smoothed, "stepwise": stepwise})
    found = sum(1 for r in smoothed if r["faces"])
    return [("synthetic_portrait (video)", f"{found}/{len(frames)} frames")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", help="a local face_landmarker.task (still checked)")
    parser.add_argument("--only", choices=["image", "video"], action="append")
    args = parser.parse_args()
    bundle = str(obtain_bundle(args.bundle))
    parts = args.only or ["image", "video"]
    summary = []
    if "image" in parts:
        summary += generate_image(bundle)
    if "video" in parts:
        summary += generate_video(bundle)
    for name, found in summary:
        print(f"{name}: {found} faces")


if __name__ == "__main__":
    main()
