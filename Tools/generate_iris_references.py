#!/usr/bin/env python3
"""MediaPipe's iris pipeline on the committed photos, run with the real runtimes: reference for the Cascade.

For every face of the photos below, MediaPipe 0.10.14's own 468 static landmarks
(Tests/Fixtures/MediaPipe/landmarks/<photo>_mesh.json) go through MediaPipe's iris cascade
(mediapipe/modules/iris_landmark/iris_landmark_left_and_right_cpu.pbtxt, iris_landmark_cpu.pbtxt), step by step:

  1. eye ROI (iris_landmark_landmarks_to_roi.pbtxt): box of landmarks 33/133 (image-left eye) or 362/263 (image-right
     eye), rotation from the first to the second point (pixels), square_long, scale 2.3; float32 as MediaPipe;
  2. MediaPipe's exact eye crop with the real OpenCV (ImageCroppingCalculator: integer centre and size,
     warpPerspective INTER_NEAREST, replicated border; ImageTransformationCalculator: FIT into 64x64, INTER_AREA when
     shrinking, black letterbox; the image-right eye flipped horizontally): `eye_input` of
     Tools/make_pipeline_fixtures.py, whose output the tests compare with our crop;
  3. iris_landmark.tflite from the pinned wheel, run by LiteRT 2.3 (ai_edge_litert, one thread);
  4. TensorsToLandmarks (x, y / 64, flipped back for the right eye), LandmarkLetterboxRemoval and LandmarkProjection
     (normalized rectangle, as MediaPipe does it), then pixels (x * W, y * H).

Output: Tests/Fixtures/MediaPipe/iris/iris_pipeline.json: per face the two eye ROIs and the 5 iris points
(centre first) and 71 eye-contour points of each eye, in image pixels.

Setup (own venv): python3 -m venv Tools/.venv-iris && Tools/.venv-iris/bin/pip install ai-edge-litert==2.3.0
numpy==2.4.6 opencv-python-headless==4.10.0.84; then
    Tools/.venv-iris/bin/python Tools/generate_iris_references.py [--wheel PATH_TO_MEDIAPIPE_WHEEL]
"""
import argparse
import json
import math
import re
import sys
from pathlib import Path

import cv2
import numpy as np
from ai_edge_litert import interpreter as litert

from make_pipeline_fixtures import eye_input
from wheel_source import obtain_wheel, read_member

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = {
    "mpl_grace_hopper": "Tests/Fixtures/Images/mpl_grace_hopper.jpg",
    "skimage_astronaut": "Tests/Fixtures/Images/skimage_astronaut.png",
    "grace_hopper_rolled28": "Tests/Fixtures/Images/extra/grace_hopper_rolled28.png",
    "faces_montage3": "Tests/Fixtures/Images/extra/faces_montage3.png",
}
EYES = {"image_left": (33, 133, False), "image_right": (362, 263, True)}
OUTPUT = ROOT / "Tests/Fixtures/MediaPipe/iris/iris_pipeline.json"
f32 = np.float32


def eye_roi(normalized, start, end, width, height):
    """NormalizedRect (x_center, y_center, width, height, rotation) of one eye, float32 like MediaPipe."""
    a, b = normalized[start], normalized[end]
    x_min, x_max = min(a[0], b[0]), max(a[0], b[0])
    y_min, y_max = min(a[1], b[1]), max(a[1], b[1])
    x_center, y_center = f32(x_min + (x_max - x_min) / f32(2)), f32(y_min + (y_max - y_min) / f32(2))
    box_w, box_h = f32(x_max - x_min), f32(y_max - y_min)
    angle = f32(0) - f32(math.atan2(-(float(b[1]) - float(a[1])) * height, (float(b[0]) - float(a[0])) * width))
    rotation = f32(angle - f32(2 * math.pi) * f32(math.floor((angle + math.pi) / (2 * math.pi))))
    long_side = max(box_w * f32(width), box_h * f32(height))
    return (x_center, y_center, f32(long_side / f32(width) * f32(2.3)), f32(long_side / f32(height) * f32(2.3)),
            rotation)


def project(points, roi, padding, mirrored, width, height):
    """TensorsToLandmarks → LandmarkLetterboxRemoval → LandmarkProjection → pixels, for raw [N, 3] in 64-px units."""
    x_center, y_center, roi_w, roi_h, rotation = roi
    left, top, right, bottom = padding
    result = []
    for x, y, _ in points:
        x = (f32(64) - f32(x)) if mirrored else f32(x)
        x, y = f32(x) / f32(64), f32(y) / f32(64)
        x = (x - f32(left)) / (f32(1) - f32(left) - f32(right))
        y = (y - f32(top)) / (f32(1) - f32(top) - f32(bottom))
        dx, dy = x - f32(0.5), y - f32(0.5)
        cos, sin = f32(math.cos(rotation)), f32(math.sin(rotation))
        new_x = (cos * dx - sin * dy) * roi_w + x_center
        new_y = (sin * dx + cos * dy) * roi_h + y_center
        result.append([round(float(new_x) * width, 4), round(float(new_y) * height, 4)])
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="use this copy of the mediapipe 0.10.14 wheel instead of downloading it")
    parser.add_argument("--cache", default=str(ROOT / "Tools" / ".cache"))
    args = parser.parse_args(argv)
    wheel = obtain_wheel(args.wheel, Path(args.cache))
    model = Path(args.cache) / "models" / "iris_landmark.tflite"
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_bytes(read_member(wheel, "mediapipe/modules/iris_landmark/iris_landmark.tflite"))
    runner = litert.Interpreter(model_path=str(model), num_threads=1)
    runner.allocate_tensors()
    source = runner.get_input_details()[0]["index"]
    outputs = {d["name"]: d["index"] for d in runner.get_output_details()}

    faces = []
    for name, path in PHOTOS.items():
        image = cv2.cvtColor(cv2.imread(str(ROOT / path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        height, width = image.shape[:2]
        reference = json.loads((ROOT / f"Tests/Fixtures/MediaPipe/landmarks/{name}_mesh.json").read_text())
        for index, face in enumerate(reference["faces"]):
            normalized = [(f32(x / width), f32(y / height)) for x, y, _ in face["landmarks"]]
            record = {"photo": path, "face": index}
            for eye, (start, end, mirrored) in EYES.items():
                roi = eye_roi(normalized, start, end, width, height)
                _, tensor, padding = eye_input(image, *roi, mirrored)
                runner.set_tensor(source, (tensor.astype(np.float32) / 255.0)[None])
                runner.invoke()
                contour = runner.get_tensor(outputs["output_eyes_contours_and_brows"]).reshape(71, 3)
                iris = runner.get_tensor(outputs["output_iris"]).reshape(5, 3)
                record[eye] = {
                    "roi": [float(v) for v in roi],
                    "padding": [float(v) for v in padding],
                    "iris": project(iris, roi, padding, mirrored, width, height),
                    "contour": project(contour, roi, padding, mirrored, width, height),
                }
            faces.append(record)
            print(f"{path} face {index}: iris centres {record['image_left']['iris'][0]} "
                  f"{record['image_right']['iris'][0]}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "description": __doc__.split("\n\n")[0],
        "mediapipe_landmarks": "Tests/Fixtures/MediaPipe/landmarks/<photo>_mesh.json",
        "runtime": "ai_edge_litert 2.3.0 Interpreter(num_threads=1); OpenCV " + cv2.__version__,
        "faces": faces,
    }
    text = json.dumps(document, indent=1)
    # One point per line: join the numbers of the innermost lists.
    text = re.sub(r"\[\n\s*([^\[\]{}\"]*?)\n\s*\]", lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]", text)
    OUTPUT.write_text(text + "\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(faces)} faces)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
