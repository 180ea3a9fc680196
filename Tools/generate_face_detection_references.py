#!/usr/bin/env python3
"""Detections of MediaPipe 0.10.14's Face Detection solution on the test photos, written as test fixtures.

    Tools/.venv-mediapipe/bin/python Tools/generate_face_detection_references.py

Runs `mp.solutions.face_detection.FaceDetection(model_selection=1)` (the full-range model) once per photo (a
fresh solution per photo; the graph keeps no state across images) and writes
Tests/Fixtures/MediaPipe/face_detection/<stem>_full_range.json: image size, options and, per detection in
MediaPipe's order (descending score), the score, the relative bounding box (xmin, ymin, width, height; normalized
by the image size) and the six relative keypoints (x, y).

The score threshold is the graph's `min_score_thresh: 0.6` (mediapipe/modules/face_detection/
face_detection_full_range.pbtxt): in 0.10.14 the solution's `min_detection_confidence` does not reach the
detector node (measured: 0.05, 0.5, 0.88 and 0.95 give the same detections, including a 0.874 one at 0.95).

Photos: the shared ones in Tests/Fixtures/Images/ plus the generated ones in Tests/Fixtures/Images/extra/
(decoded with OpenCV as RGB, grey photos as three equal channels). Same venv as
Tools/generate_mediapipe_references.py (Tools/requirements-mediapipe.txt).
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mediapipe as mp  # noqa: E402

import mediapipe_reference_images as images  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT_DIR = "Tests/Fixtures/MediaPipe/face_detection"
PHOTOS = [os.path.join(images.REPO_IMAGES_DIR, name) for name in images.SHARED_IMAGES] + [
    os.path.join(images.REPO_EXTRA_DIR, images.ROLLED_NAME),
    os.path.join(images.REPO_EXTRA_DIR, images.MONTAGE_NAME),
]
# (model_selection, name); min_detection_confidence stays at its default (it has no effect, see above).
CONFIGURATIONS = [(1, "full_range")]
GRAPH_SCORE_THRESHOLD = {"full_range": 0.6}


def detection_record(detection) -> dict:
    box = detection.location_data.relative_bounding_box
    return {
        "score": float(detection.score[0]),
        "box": [float(box.xmin), float(box.ymin), float(box.width), float(box.height)],
        "keypoints": [[float(k.x), float(k.y)] for k in detection.location_data.relative_keypoints],
    }


def write_json(relative: str, value: dict) -> None:
    text = json.dumps(value, indent=1)
    text = re.sub(r"\[\n\s*([^\[\]{}\"]*?)\n\s*\]", lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]", text)
    path = os.path.join(REPO, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")


def main() -> int:
    for selection, range_name in CONFIGURATIONS:
        for relative in PHOTOS:
            rgb = images.load_rgb(os.path.join(REPO, relative))
            with mp.solutions.face_detection.FaceDetection(model_selection=selection) as solution:
                result = solution.process(rgb)
            detections = [detection_record(d) for d in (result.detections or [])]
            stem = os.path.splitext(os.path.basename(relative))[0]
            name = f"{stem}_{range_name}.json"
            write_json(os.path.join(OUTPUT_DIR, name), {
                "image": relative,
                "image_sha256": images.sha256_file(os.path.join(REPO, relative)),
                "width": int(rgb.shape[1]),
                "height": int(rgb.shape[0]),
                "mediapipe_version": mp.__version__,
                "solution": f"mp.solutions.face_detection.FaceDetection(model_selection={selection})",
                "graph_min_score_thresh": GRAPH_SCORE_THRESHOLD[range_name],
                "detections": detections,
            })
            scores = ", ".join(f"{d['score']:.3f}" for d in detections)
            print(f"{name}: {len(detections)} detections [{scores}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
