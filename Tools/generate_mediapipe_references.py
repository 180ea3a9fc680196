#!/usr/bin/env python3
"""Reference outputs from the real MediaPipe 0.10.14, written as test fixtures.

Parts (all by default; choose with --only):
  attention  raw tensors of face_landmark_with_attention on 192x192 face crops
             -> Tests/Fixtures/MediaPipe/attention/<case>/{input.f32, output_<i>.f32, input.png, meta.json}
  landmarks  end-to-end landmarks of the legacy FaceMesh solution on photos
             -> Tests/Fixtures/MediaPipe/landmarks/<stem>_<mesh|attention>.json
             (+ generated photos in Tests/Fixtures/Images/extra/)
  video      FaceMesh tracking over the decoded synthetic video (run Tools/make_synthetic_video.py first)
             -> Tests/Fixtures/Video/synthetic_portrait_mediapipe_mesh.json

Run with the venv of Tools/requirements-mediapipe.txt; see Tools/README-mediapipe.md.
"""

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mediapipe as mp  # noqa: E402

import mediapipe_attention_graph as attention_graph  # noqa: E402
import mediapipe_reference_images as images  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEDIAPIPE_DIR = "Tests/Fixtures/MediaPipe"
VIDEO_DIR = "Tests/Fixtures/Video"
MAX_NUM_FACES = 5
MIN_DETECTION_CONFIDENCE = 0.5
MIN_TRACKING_CONFIDENCE = 0.5


def repo_path(relative: str) -> str:
    return os.path.join(REPO, relative)


def write_json(relative: str, value: dict) -> None:
    """Writes JSON with one landmark triple (or other short number array) per line."""
    text = json.dumps(value, indent=1)
    # Put every array of plain numbers (landmark triples, shapes, matrix rows) on one line.
    text = re.sub(r"\[\n\s*([^\[\]{}\"]*?)\n\s*\]",
                  lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]", text)
    path = repo_path(relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")


# ---------------------------------------------------------------- attention model raw tensors

ATTENTION_CASES = [
    # case, source photo, face box (centre, size), crop side / face size, rotation (deg, CCW on screen)
    ("grace_hopper", "mpl_grace_hopper.jpg", images.GRACE_FACE, 1.5, 0.0),
    ("astronaut", "skimage_astronaut.png", images.ASTRONAUT_FACE, 1.5, 0.0),
    ("grace_hopper_rot30", "mpl_grace_hopper.jpg", images.GRACE_FACE, 1.5, 30.0),
    ("astronaut_rot_minus40", "skimage_astronaut.png", images.ASTRONAUT_FACE, 1.5, -40.0),
    ("camera", "skimage_camera.png", images.CAMERA_FACE, 1.5, 0.0),
]


def generate_attention(image_dir: str) -> list[tuple[str, str, str]]:
    crops, metas = [], []
    for case, source, (center, face_size), factor, degrees in ATTENTION_CASES:
        photo = images.load_rgb(os.path.join(image_dir, source))
        side = face_size * factor
        crop, affine = images.face_crop(photo, center, side, degrees)
        crops.append(crop)
        metas.append((case, source, center, side, degrees, affine))

    results = attention_graph.run_attention_model(crops)
    summary = []
    for crop, (fed, outputs), (case, source, center, side, degrees, affine) in zip(crops, results, metas):
        # ImageToTensorCalculator computes u8 * float32(1/255) (OpenCV convertTo with scale 1/255);
        # that is exactly u8/255 for 130 of the 256 byte values and 1 ulp off for the other 126.
        expected = crop.astype(np.float32) * np.float32(1.0 / 255.0)
        if not np.array_equal(fed[0], expected):
            raise RuntimeError(f"{case}: the graph did not feed u8 * float32(1/255)")
        ulp_diff = float(np.abs(fed[0] - crop.astype(np.float32) / np.float32(255)).max())

        out_dir = f"{MEDIAPIPE_DIR}/attention/{case}"
        os.makedirs(repo_path(out_dir), exist_ok=True)
        fed.astype("<f4").tofile(repo_path(f"{out_dir}/input.f32"))
        images.save_png(repo_path(f"{out_dir}/input.png"), crop)
        output_meta = []
        for i, ((name, shape), tensor) in enumerate(zip(attention_graph.OUTPUTS, outputs)):
            tensor.astype("<f4").tofile(repo_path(f"{out_dir}/output_{i}.f32"))
            output_meta.append({"index": i, "name": name, "shape": shape, "file": f"output_{i}.f32"})
        flag = float(outputs[6].ravel()[0])
        meta = {
            "model": "face_landmark_with_attention",
            "case": case,
            "source_image": f"{images.REPO_IMAGES_DIR}/{source}",
            "description": (
                f"{side:.1f}-px square around the face centre ({center[0]:.0f}, {center[1]:.0f}) of {source}, "
                f"turned {degrees:+.0f} degrees (positive = counter-clockwise on screen), bilinear to "
                "192x192 RGB uint8 (input.png). input.f32 is the tensor MediaPipe's ImageToTensorCalculator "
                "fed: u8 * float32(1/255) computed in float32 (equal to u8/255 up to 1 ulp). Outputs are in "
                "model output order, coordinates in 192-px input units; output_6 is the face-presence logit."
            ),
            "crop_affine": [[round(float(v), 9) for v in row] for row in affine],
            "crop_affine_meaning": "maps source-image pixels (x, y) to crop pixels: [x', y'] = A [x, y, 1]",
            "input": {"name": "input_1", "shape": [1, 192, 192, 3], "file": "input.f32",
                      "dtype": "float32 little-endian, NHWC", "image": "input.png",
                      "value": "u8 * float32(1/255)", "max_abs_diff_from_u8_div_255": ulp_diff},
            "outputs": output_meta,
            "face_flag_logit": flag,
            "face_presence": 1.0 / (1.0 + math.exp(-flag)),
            "runtime": "MediaPipe CalculatorGraph InferenceCalculator, XNNPACK delegate, 1 thread, "
                       "TfLiteCustomOpResolverCalculator",
            "mediapipe_version": mp.__version__,
        }
        write_json(f"{out_dir}/meta.json", meta)
        summary.append((f"attention/{case}", "attention raw", f"presence {meta['face_presence']:.4f}"))
    return summary


# ---------------------------------------------------------------- end-to-end landmarks

def run_face_mesh(rgb: np.ndarray, refine: bool, static: bool, repeats: int = 1,
                  max_num_faces: int = MAX_NUM_FACES) -> list[list[list[float]]]:
    """Landmarks of the last of `repeats` process() calls, in image pixels (x*W, y*H, z*W)."""
    h, w = rgb.shape[:2]
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=static, max_num_faces=max_num_faces,
                                         refine_landmarks=refine,
                                         min_detection_confidence=MIN_DETECTION_CONFIDENCE,
                                         min_tracking_confidence=MIN_TRACKING_CONFIDENCE) as face_mesh:
        for _ in range(repeats):
            result = face_mesh.process(rgb)
    return [landmarks_in_pixels(face, w, h) for face in (result.multi_face_landmarks or [])]


def landmarks_in_pixels(face, width: int, height: int) -> list[list[float]]:
    return [[round(p.x * width, 4), round(p.y * height, 4), round(p.z * width, 4)] for p in face.landmark]


def landmark_document(relative_image: str, file_path: str, rgb: np.ndarray, refine: bool, static: bool,
                      faces: list, note: str | None = None) -> dict:
    h, w = rgb.shape[:2]
    doc = {
        "image": relative_image,
        "image_sha256": images.sha256_file(file_path),
        "pixels_sha256": images.sha256_pixels(rgb),
        "width": w,
        "height": h,
        "refine_landmarks": refine,
        "static_image_mode": static,
        "max_num_faces": MAX_NUM_FACES,
        "min_detection_confidence": MIN_DETECTION_CONFIDENCE,
        "min_tracking_confidence": MIN_TRACKING_CONFIDENCE,
        "mediapipe_version": mp.__version__,
        "landmark_units": "image pixels: x*W, y*H, z*W (z scaled by the image width)",
    }
    if note:
        doc["note"] = note
    doc["faces"] = [{"landmarks": face} for face in faces]
    return doc


def generate_landmarks(image_dir: str) -> list[tuple[str, str, str]]:
    grace = images.load_rgb(os.path.join(image_dir, "mpl_grace_hopper.jpg"))
    astronaut = images.load_rgb(os.path.join(image_dir, "skimage_astronaut.png"))
    rolled, _ = images.rolled_portrait(grace)
    montage = images.faces_montage(grace, astronaut)
    for name, picture in ((images.ROLLED_NAME, rolled), (images.MONTAGE_NAME, montage)):
        images.save_png(repo_path(f"{images.REPO_EXTRA_DIR}/{name}"), picture)

    sources = [(f"{images.REPO_IMAGES_DIR}/{n}", os.path.join(image_dir, n)) for n in images.SHARED_IMAGES]
    sources += [(f"{images.REPO_EXTRA_DIR}/{n}", repo_path(f"{images.REPO_EXTRA_DIR}/{n}"))
                for n in (images.ROLLED_NAME, images.MONTAGE_NAME)]
    summary = []
    for relative, path in sources:
        rgb = images.load_rgb(path)
        stem = os.path.splitext(os.path.basename(relative))[0]
        for refine, model in ((False, "mesh"), (True, "attention")):
            faces = run_face_mesh(rgb, refine, static=True)
            doc = landmark_document(relative, path, rgb, refine, True, faces)
            write_json(f"{MEDIAPIPE_DIR}/landmarks/{stem}_{model}.json", doc)
            summary.append((stem, model, str(len(faces))))

    relative = f"{images.REPO_EXTRA_DIR}/{images.ROLLED_NAME}"
    rolled = images.load_rgb(repo_path(relative))
    stem = os.path.splitext(images.ROLLED_NAME)[0]
    for refine, model in ((False, "mesh"), (True, "attention")):
        faces = run_face_mesh(rolled, refine, static=False, repeats=2)
        doc = landmark_document(relative, repo_path(relative), rolled, refine, False, faces,
                                note="static_image_mode=False, the same image processed twice; this is the "
                                     "second frame (ROI tracked from the first frame's landmarks)")
        write_json(f"{MEDIAPIPE_DIR}/landmarks/{stem}_tracked_{model}.json", doc)
        summary.append((f"{stem} (tracked, 2nd frame)", model, str(len(faces))))
    return summary


# ---------------------------------------------------------------- synthetic video

def decode_video(relative: str, width: int, height: int) -> tuple[list[np.ndarray], list[str]]:
    """Decodes to RGB frames with the ffmpeg binary (run from the repository root)."""
    command = ["ffmpeg", "-v", "error", "-threads", "1", "-i", relative,
               "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
    raw = subprocess.run(command, check=True, capture_output=True, cwd=REPO).stdout
    frame_bytes = width * height * 3
    if len(raw) % frame_bytes:
        raise RuntimeError("decoded size is not a whole number of frames")
    frames = [np.frombuffer(raw[i:i + frame_bytes], np.uint8).reshape(height, width, 3)
              for i in range(0, len(raw), frame_bytes)]
    return frames, command


def generate_video_landmarks() -> list[tuple[str, str, str]]:
    meta_path = repo_path(f"{VIDEO_DIR}/synthetic_portrait.json")
    if not os.path.exists(meta_path):
        print("video: Tests/Fixtures/Video/synthetic_portrait.json missing; run Tools/make_synthetic_video.py first")
        return []
    with open(meta_path) as f:
        meta = json.load(f)
    video = f"{VIDEO_DIR}/synthetic_portrait.mp4"
    frames, command = decode_video(video, meta["width"], meta["height"])
    if len(frames) != meta["frame_count"]:
        raise RuntimeError(f"decoded {len(frames)} frames, metadata says {meta['frame_count']}")

    records, with_face, roll_errors = [], 0, []
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=False,
                                         min_detection_confidence=MIN_DETECTION_CONFIDENCE,
                                         min_tracking_confidence=MIN_TRACKING_CONFIDENCE) as face_mesh:
        for index, frame in enumerate(frames):
            result = face_mesh.process(frame)
            faces = [landmarks_in_pixels(face, meta["width"], meta["height"])
                     for face in (result.multi_face_landmarks or [])]
            with_face += bool(faces)
            if faces:
                # Eye line 33 -> 263, counter-clockwise on screen positive (y down).
                p, q = faces[0][33], faces[0][263]
                roll = math.degrees(math.atan2(-(q[1] - p[1]), q[0] - p[0]))
                roll_errors.append(roll - meta["frames"][index]["rotation_degrees"])
            records.append({"index": index,
                            "decoded_rgb_sha256": hashlib.sha256(frame.tobytes()).hexdigest(),
                            "faces": [{"landmarks": face} for face in faces]})
    doc = {
        "video": video,
        "decode_command": " ".join(command[:-1] + ["-"]),
        "width": meta["width"],
        "height": meta["height"],
        "frame_count": len(frames),
        "frames_with_face": with_face,
        "static_image_mode": False,
        "refine_landmarks": False,
        "max_num_faces": 1,
        "min_detection_confidence": MIN_DETECTION_CONFIDENCE,
        "min_tracking_confidence": MIN_TRACKING_CONFIDENCE,
        "mediapipe_version": mp.__version__,
        "landmark_units": "image pixels: x*W, y*H, z*W (z scaled by the frame width)",
        "note": "frames decoded by decode_command (run from the repository root; Debian ffmpeg 5.1, rgb24, "
                "BT.601 limited range as tagged); decoded_rgb_sha256 is the SHA-256 of each decoded frame's "
                "row-major RGB bytes. Tracking mode with max_num_faces=1: the detector runs only while no face is tracked (here: frame 0).",
        "frames": records,
    }
    write_json(f"{VIDEO_DIR}/synthetic_portrait_mediapipe_mesh.json", doc)
    if roll_errors:
        offsets = np.array(roll_errors)
        print(f"video: eye-line roll minus ground-truth rotation: mean {offsets.mean():+.2f} deg, "
              f"spread {offsets.min():+.2f}..{offsets.max():+.2f} deg (constant offset = the photo's own roll)")
    return [("synthetic_portrait.mp4 (tracking)", "mesh", f"{with_face}/{len(frames)} frames")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_images = repo_path(images.REPO_IMAGES_DIR)
    parser.add_argument("--images", default=default_images, help="folder with the six shared test photos")
    parser.add_argument("--only", choices=["attention", "landmarks", "video"], action="append")
    args = parser.parse_args()
    parts = args.only or ["attention", "landmarks", "video"]

    summary = []
    if "attention" in parts:
        summary += generate_attention(args.images)
    if "landmarks" in parts:
        summary += generate_landmarks(args.images)
    if "video" in parts:
        summary += generate_video_landmarks()

    widths = [max(len(row[i]) for row in summary + [("image", "model", "faces found")]) for i in range(3)]
    print()
    for row in [("image", "model", "faces found")] + summary:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    main()
