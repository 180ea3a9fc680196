#!/usr/bin/env python3
"""LiteRT reference outputs of MediaPipe Tasks' two new networks, written as fixtures to Tests/Fixtures/LiteRT/.

Usage (from the repository root, in the LiteRT venv, see Tools/README.md):
    Tools/.venv-litert/bin/python Tools/generate_tasks_litert_references.py [--bundle PATH] [--preview DIR]

- face_landmark_v2 (face_landmarks_detector.tflite, Face Mesh V2): 256 x 256 crops of the fixture photos made with
  Tools/image_crops.py (bilinear, black outside, uint8), input float32(u8 / 255) as MediaPipe Tasks feeds it
  (ImageToTensor, range [0, 1]). Outputs in model order: 0 landmarks [1,1,1,1434] (478 x x,y,z in 256-px input
  units), 1 face-flag logit [1,1,1,1], 2 tongue-out score [1,1] (after the model's own LOGISTIC).
- face_blendshapes (face_blendshapes.tflite): the inputs are MediaPipe's own tensors, written by
  Tools/generate_tasks_references.py into Tests/Fixtures/LiteRT/face_blendshapes/<case>/input.f32 (146 landmarks x
  (x*W, y*H) of a Tasks FaceLandmarker result); this script adds output_0.f32 (52 scores) and meta.json.

Interpreter: ai_edge_litert 2.3.0, num_threads=1 (XNNPACK, the default delegate). Layout as
Tools/generate_litert_references.py (input.f32, output_<i>.f32 raw little-endian float32, meta.json).
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert import interpreter as litert
from PIL import Image

from generate_litert_references import (
    ASTRONAUT, ASTRONAUT_FACE, GRACE, GRACE_FACE, IMAGES, LITERT_VERSION, OUTPUT, _json_text, face_roi,
)
from image_crops import RegionOfInterest, crop, load_rgb
from tasks_bundle import BUNDLE_SHA256, member_path
from wheel_source import sha256_file

V2_SIDE = 256
MONTAGE = "extra/faces_montage3.png"
ROLLED = "extra/grace_hopper_rolled28.png"

# (case, photo, ROI, description); face boxes as in generate_litert_references.py (short-range detector, fixed).
V2_CASES = [
    ("grace_hopper", GRACE, face_roi(**GRACE_FACE),
     "face crop: 1.5 x the detector box (195 px) around its centre, rotated so the detector's eye keypoints are level"),
    ("astronaut", ASTRONAUT, face_roi(**ASTRONAUT_FACE),
     "face crop: 1.5 x the detector box (95 px) around its centre, rotated so the detector's eye keypoints are level"),
    ("grace_hopper_rotated30", GRACE, face_roi(**GRACE_FACE, extra_degrees=30.0),
     "as grace_hopper with the ROI turned 30 degrees further clockwise: the face appears tilted 30 degrees "
     "counter-clockwise in the crop"),
    ("montage_mirrored_grace", MONTAGE, RegionOfInterest(745.0, 135.0, 220.0),
     "third tile of faces_montage3 (Grace Hopper mirrored): 220 px square around the tile's face, upright"),
]


def write_case(directory: Path, model_input: np.ndarray, outputs: list, meta: dict) -> int:
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    model_input.astype("<f4").tofile(directory / "input.f32")
    for i, value in enumerate(outputs):
        value.astype("<f4").tofile(directory / f"output_{i}.f32")
    (directory / "meta.json").write_text(_json_text(meta), encoding="utf-8")
    return sum(f.stat().st_size for f in directory.iterdir())


def invoke(interpreter, model_input: np.ndarray):
    input_detail = interpreter.get_input_details()[0]
    interpreter.set_tensor(input_detail["index"], model_input)
    interpreter.invoke()
    details = interpreter.get_output_details()
    return input_detail, details, [np.array(interpreter.get_tensor(d["index"]), dtype=np.float32) for d in details]


def common_meta(model: str, case: str, input_detail, output_details) -> dict:
    return {
        "model": model,
        "case": case,
        "source_bundle_sha256": BUNDLE_SHA256,
        "input": {"name": input_detail["name"], "shape": [int(d) for d in input_detail["shape"]], "file": "input.f32"},
        "outputs": [{"index": i, "name": d["name"], "shape": [int(s) for s in d["shape"]],
                     "tflite_tensor": int(d["index"]), "file": f"output_{i}.f32"} for i, d in enumerate(output_details)],
        "litert_version": LITERT_VERSION,
        "interpreter": "ai_edge_litert.interpreter.Interpreter(num_threads=1), default XNNPACK delegate",
    }


def generate_v2(model_path: Path, preview) -> int:
    interpreter = litert.Interpreter(model_path=str(model_path), num_threads=1)
    interpreter.allocate_tensors()
    total = 0
    for case, photo, roi, description in V2_CASES:
        pixels = crop(load_rgb(IMAGES / photo), roi, V2_SIDE)
        if preview is not None:
            Image.fromarray(pixels).save(preview / f"face_landmark_v2-{case}.png")
        model_input = (pixels.astype(np.float64) / 255.0).astype(np.float32)[None]
        input_detail, details, outputs = invoke(interpreter, model_input)
        meta = common_meta("face_landmark_v2", case, input_detail, details)
        meta.update({
            "source_image": f"Tests/Fixtures/Images/{photo}",
            "source_image_sha256": sha256_file(IMAGES / photo),
            "description": description,
            "crop": {"roi": roi.as_json(), "output_side": V2_SIDE, "resampling": "bilinear, black outside the photo, "
                     "rounded to uint8 (Tools/image_crops.py)", "value_mapping": "float32(u8 / 255)"},
        })
        total += write_case(OUTPUT / "face_landmark_v2" / case, model_input, outputs, meta)
        mesh = outputs[0].reshape(478, 3)
        print(f"face_landmark_v2/{case}: face flag logit {outputs[1].item():+.3f}, tongue {outputs[2].item():.4f}; "
              f"x {mesh[:, 0].min():.1f}..{mesh[:, 0].max():.1f}, y {mesh[:, 1].min():.1f}..{mesh[:, 1].max():.1f}")
    return total


def generate_blendshapes(model_path: Path) -> int:
    interpreter = litert.Interpreter(model_path=str(model_path), num_threads=1)
    interpreter.allocate_tensors()
    total = 0
    cases = sorted(p for p in (OUTPUT / "face_blendshapes").iterdir() if (p / "input.f32").is_file())
    if not cases:
        raise SystemExit("no blendshape inputs: run Tools/generate_tasks_references.py --only image first")
    for directory in cases:
        model_input = np.fromfile(directory / "input.f32", dtype="<f4").reshape(1, 146, 2)
        input_detail, details, outputs = invoke(interpreter, model_input)
        meta = common_meta("face_blendshapes", directory.name, input_detail, details)
        stem, face = directory.name.rsplit("_face", 1)
        meta["description"] = (f"MediaPipe 0.10.14 Tasks FaceLandmarker's blendshape input for face {face} of "
                               f"Tests/Fixtures/MediaPipe/tasks/{stem}.json: the 146 subset landmarks of "
                               "face_blendshapes_graph.cc as (x*W, y*H), float32")
        total += write_case(directory, model_input, outputs, meta)
        top = np.argsort(-outputs[0])[:3]
        print(f"face_blendshapes/{directory.name}: strongest indices {list(map(int, top))} "
              f"scores {[round(float(outputs[0][i]), 4) for i in top]}")
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Generate LiteRT fixtures of Face Mesh V2 and the blendshape network")
    parser.add_argument("--bundle", help="a local face_landmarker.task (still checked)")
    parser.add_argument("--preview", help="also write the V2 crops as PNG files into this directory")
    args = parser.parse_args(argv)
    preview = Path(args.preview) if args.preview else None
    if preview is not None:
        preview.mkdir(parents=True, exist_ok=True)
    total = generate_v2(member_path("face_landmarks_detector.tflite", args.bundle), preview)
    total += generate_blendshapes(member_path("face_blendshapes.tflite", args.bundle))
    print(f"total fixture size {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
