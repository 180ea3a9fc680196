#!/usr/bin/env python3
"""Checks Weights/*.sfmw against the source .tflite files and the facts in docs/models.md.

Usage (converter venv): Tools/.venv-convert/bin/python Tools/verify_weights.py [--wheel PATH] [--weights DIR]

Independent of the converter's writer: the files are parsed by sfmw_reader.py (written from the format
document). Checks, per model:
- the structure is valid (header, checksum, alignment, extents; see sfmw_reader.py);
- operator counts per type equal docs/models.md §3 minus DEQUANTIZE, parameter counts equal §1;
- the operators are the .tflite operators without DEQUANTIZE and DENSIFY, in the same order, with the same input and
  output tensors (by name and shape), and graph outputs in the model's output order;
- every constant equals the .tflite buffer, fp16 ones widened with numpy (bit-exact);
- no fused activations (except those the .tflite has: full-range detector RELU); custom op options equal §5.2 / §6;
- converting again gives identical bytes, and Weights/README.md lists each file's SHA-256.
Exits non-zero with a list of failures if anything differs.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import tflite

from sfmw_reader import read_sfmw
from sfmw_writer import serialize
from tflite_graph import load_graph
from tflite_sparsity import densify_tensor
from convert_weights import MODELS, REPOSITORY_ROOT, TASKS_MODELS
from tasks_bundle import obtain_bundle, read_bundle_member
from wheel_source import obtain_wheel, read_member, sha256_bytes

# docs/models.md §3 (DEQUANTIZE excluded: the converter removes it) and §1 parameter counts.
EXPECTED_OPS = {
    "face_detection_short_range": {"CONV_2D": 21, "DEPTHWISE_CONV_2D": 16, "RELU": 17, "ADD": 16,
                                   "MAX_POOL_2D": 3, "PAD": 11, "RESHAPE": 4, "CONCATENATION": 2},
    "face_landmark": {"CONV_2D": 25, "DEPTHWISE_CONV_2D": 20, "PRELU": 23, "ADD": 20, "MAX_POOL_2D": 6, "PAD": 3},
    "face_landmark_with_attention": {"CONV_2D": 80, "DEPTHWISE_CONV_2D": 66, "PRELU": 73, "ADD": 66,
                                     "MAX_POOL_2D": 16, "PAD": 9, "RESHAPE": 13, "MUL": 6, "STRIDED_SLICE": 1,
                                     "Landmarks2TransformMatrix": 3, "TransformTensorBilinear": 3,
                                     "TransformLandmarks": 5},
    "face_detection_full_range": {"CONV_2D": 49, "PAD": 43, "DEPTHWISE_CONV_2D": 42, "ADD": 19,
                                  "RESIZE_BILINEAR": 3, "DEPTH_TO_SPACE": 2, "RESHAPE": 2},
    "iris_landmark": {"CONV_2D": 55, "DEPTHWISE_CONV_2D": 26, "PRELU": 53, "ADD": 26, "MAX_POOL_2D": 6,
                      "PAD": 1, "RESHAPE": 2},
}
EXPECTED_DEQUANTIZE = {"face_detection_short_range": 74, "face_landmark": 113,
                       "face_landmark_with_attention": 371, "iris_landmark": 0, "face_detection_full_range": 182}
# DENSIFY operators (sparse constants; the converter expands them and removes the operators).
EXPECTED_DENSIFY = {"face_detection_full_range": 46}
EXPECTED_PARAMS = {"face_detection_short_range": 101_390, "face_landmark": 604_685,
                   "face_landmark_with_attention": 1_189_328, "iris_landmark": 651_300,
                   "face_detection_full_range": 508_308}
# Model output order, as .tflite tensor indices (docs/models.md §1).
EXPECTED_OUTPUT_TENSORS = {"face_detection_short_range": [175, 174], "face_landmark": [213, 210],
                           "face_landmark_with_attention": [719, 720, 721, 723, 722, 724, 710],
                           "iris_landmark": [384, 385], "face_detection_full_range": [576, 562]}

# MediaPipe Tasks models (face_landmarker.task), counted from the .tflite files themselves (Tools/tasks_bundle.py):
# Face Mesh V2 outputs landmarks (1434 = 478 x 3), the face-flag logit and the tongue-out score (after LOGISTIC);
# the blendshape network outputs 52 scores. Its 1x1 convolutions of the MLP blocks carry a fused RELU.
EXPECTED_OPS.update({
    "face_landmark_v2": {"CONV_2D": 72, "PRELU": 69, "ADD": 34, "DEPTHWISE_CONV_2D": 34, "MAX_POOL_2D": 6, "PAD": 3,
                         "LOGISTIC": 1, "RESHAPE": 1},
    "face_blendshapes": {"MUL": 26, "ADD": 24, "CONV_2D": 19, "MEAN": 18, "TRANSPOSE": 10, "NEG": 8, "RSQRT": 8,
                         "SQUARED_DIFFERENCE": 8, "STRIDED_SLICE": 4, "RESHAPE": 2, "CONCATENATION": 1, "DIV": 1,
                         "LOGISTIC": 1, "SQRT": 1, "SUB": 1, "SUM": 1},
})
EXPECTED_DEQUANTIZE.update({"face_landmark_v2": 251, "face_blendshapes": 49})
EXPECTED_PARAMS.update({"face_landmark_v2": 1_199_316, "face_blendshapes": 450_522})
EXPECTED_OUTPUT_TENSORS.update({"face_landmark_v2": [473, 472, 475], "face_blendshapes": [195]})
# Operators allowed to keep a fused activation: (model, operator type) -> activation.
FUSED_ACTIVATIONS = {("face_blendshapes", "CONV_2D"): "RELU", ("face_detection_full_range", "CONV_2D"): "RELU",
                     ("face_detection_full_range", "ADD"): "RELU"}

# docs/models.md §6 index lists = the subset_idxs of Landmarks2TransformMatrix (§5.2).
LIPS = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409, 78, 95, 88, 178,
        87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415, 76, 77, 90, 180, 85, 16, 315, 404,
        320, 307, 306, 184, 74, 73, 72, 11, 302, 303, 304, 408, 62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292,
        183, 42, 41, 38, 12, 268, 271, 272, 407]
LEFT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173, 130, 25, 110, 24, 23, 22, 26,
            112, 243, 247, 30, 29, 27, 28, 56, 190, 226, 31, 228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222,
            221, 189, 35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245, 156, 70, 63, 105, 66, 107,
            55, 193]
RIGHT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398, 359, 255, 339, 254, 253,
             252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414, 446, 261, 448, 449, 450, 451, 452, 453, 464, 342,
             445, 444, 443, 442, 441, 413, 265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357, 465,
             383, 300, 293, 334, 296, 336, 285, 417]
EXPECTED_LANDMARKS_TO_MATRIX = [
    {"left_rotation_idx": 61, "right_rotation_idx": 291, "subset_idxs": LIPS},
    {"left_rotation_idx": 33, "right_rotation_idx": 133, "subset_idxs": LEFT_EYE},
    {"left_rotation_idx": 362, "right_rotation_idx": 263, "subset_idxs": RIGHT_EYE},
]
COMMON_LANDMARKS_TO_MATRIX = {"output_width": 16, "output_height": 16, "scale_x": 1.5, "scale_y": 1.5,
                              "target_rotation_radians": 0.0}


def _tflite_view(model_bytes: bytes):
    """Operators (type, input names, output names) without DEQUANTIZE, tensor facts and constants by name."""
    m = tflite.Model.GetRootAsModel(model_bytes, 0)
    sg = m.Subgraphs(0)
    names = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
    tensor_name = [sg.Tensors(i).Name().decode() for i in range(sg.TensorsLength())]
    alias = {}          # DEQUANTIZE / DENSIFY output index -> its constant source index
    ops, dequantize_count, densify_count = [], 0, 0
    for i in range(sg.OperatorsLength()):
        op = sg.Operators(i)
        code = m.OperatorCodes(op.OpcodeIndex())
        kind = names[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        if kind == "CUSTOM":
            kind = code.CustomCode().decode()
        if kind in ("DEQUANTIZE", "DENSIFY"):
            source = int(op.Inputs(0))
            alias[int(op.Outputs(0))] = alias.get(source, source)
            dequantize_count += kind == "DEQUANTIZE"
            densify_count += kind == "DENSIFY"
            continue
        ops.append((kind, [int(t) for t in op.InputsAsNumpy()], [int(t) for t in op.OutputsAsNumpy()]))
    resolve = lambda t: -1 if t < 0 else alias.get(t, t)
    ops = [(k, [resolve(t) for t in ins], [resolve(t) for t in outs]) for k, ins, outs in ops]
    constants, shapes = {}, {}
    for i in range(sg.TensorsLength()):
        t = sg.Tensors(i)
        shapes[tensor_name[i]] = [int(d) for d in t.ShapeAsNumpy()] if t.ShapeLength() else []
        buffer = m.Buffers(t.Buffer())
        if buffer is not None and buffer.DataLength():
            raw = buffer.DataAsNumpy().tobytes()
            dtype = {tflite.TensorType.FLOAT16: "<f2", tflite.TensorType.FLOAT32: "<f4",
                     tflite.TensorType.INT32: "<i4"}[t.Type()]
            value = np.frombuffer(raw, dtype=dtype) if t.Sparsity() is None else densify_tensor(t, raw, dtype).reshape(-1)
            constants[tensor_name[i]] = value.astype("<f4") if dtype == "<f2" else value
    outputs = [resolve(int(t)) for t in sg.OutputsAsNumpy()]
    return {"ops": ops, "names": tensor_name, "constants": constants, "shapes": shapes, "outputs": outputs,
            "dequantize_count": dequantize_count, "densify_count": densify_count, "tensor_count": sg.TensorsLength()}


def check_model(name: str, sfmw_bytes: bytes, model_bytes: bytes) -> list:
    """All failed checks for one model (empty = all good)."""
    failures = []
    fail = failures.append
    model = read_sfmw(sfmw_bytes)
    ref = _tflite_view(model_bytes)
    tensors = model["tensors"]

    counts = {}
    for op in model["operators"]:
        counts[op["type"]] = counts.get(op["type"], 0) + 1
    if counts != EXPECTED_OPS[name]:
        fail(f"op counts {counts} != models.md {EXPECTED_OPS[name]}")
    if ref["dequantize_count"] != EXPECTED_DEQUANTIZE[name]:
        fail(f".tflite has {ref['dequantize_count']} DEQUANTIZE, models.md says {EXPECTED_DEQUANTIZE[name]}")
    if ref["densify_count"] != EXPECTED_DENSIFY.get(name, 0):
        fail(f".tflite has {ref['densify_count']} DENSIFY, expected {EXPECTED_DENSIFY.get(name, 0)}")
    removed = ref["dequantize_count"] + ref["densify_count"]
    if len(tensors) != ref["tensor_count"] - removed:
        fail(f"{len(tensors)} tensors, expected {ref['tensor_count']} - {removed} widened or densified")
    params = sum(t["value"].size for t in tensors if t["value"] is not None and t["data_type"] == 1)
    if params != EXPECTED_PARAMS[name]:
        fail(f"{params} float parameters, models.md says {EXPECTED_PARAMS[name]}")

    # Graph outputs: model output order, names as in the .tflite.
    expected_outputs = [ref["names"][i] for i in EXPECTED_OUTPUT_TENSORS[name]]
    actual_outputs = [tensors[i]["name"] for i in model["outputs"]]
    if actual_outputs != expected_outputs or [ref["names"][i] for i in ref["outputs"]] != expected_outputs:
        fail(f"outputs {actual_outputs} != {expected_outputs}")
    if [tensors[i]["name"] for i in model["inputs"]] != [ref["names"][0]]:
        fail("graph input is not .tflite tensor 0")

    # Operators: same sequence, same tensors by name and shape.
    if len(model["operators"]) != len(ref["ops"]):
        fail("operator count differs from the .tflite without DEQUANTIZE")
    for position, (op, (kind, ins, outs)) in enumerate(zip(model["operators"], ref["ops"])):
        got = ([tensors[i]["name"] if i >= 0 else None for i in op["inputs"]],
               [tensors[i]["name"] for i in op["outputs"]])
        want = ([ref["names"][i] if i >= 0 else None for i in ins], [ref["names"][i] for i in outs])
        if op["type"] != kind or got != want:
            fail(f"operator {position}: {op['type']} {got} != {kind} {want}")
        if op["attributes"].get("fused_activation", "NONE") not in ("NONE", FUSED_ACTIVATIONS.get((name, kind))):
            fail(f"operator {position}: fused activation {op['attributes']['fused_activation']}")
    for t in tensors:
        if t["dims"] != ref["shapes"].get(t["name"]):
            fail(f"tensor '{t['name']}': dims {t['dims']} != {ref['shapes'].get(t['name'])}")

    # Constants: bit-exact against the (widened) .tflite buffers; nothing else is constant.
    constant_names = {t["name"] for t in tensors if t["value"] is not None}
    if constant_names != set(ref["constants"]):
        fail(f"constant sets differ: {sorted(constant_names ^ set(ref['constants']))[:5]}")
    for t in tensors:
        if t["value"] is None or t["name"] not in ref["constants"]:
            continue
        expected = ref["constants"][t["name"]]
        actual = t["value"].reshape(-1)
        if expected.dtype != actual.dtype or not np.array_equal(expected.view(np.uint32), actual.view(np.uint32)):
            fail(f"constant '{t['name']}' differs from the .tflite buffer")

    # Custom options (attention model).
    l2m = [op for op in model["operators"] if op["type"] == "Landmarks2TransformMatrix"]
    if name == "face_landmark_with_attention":
        for op, specific in zip(l2m, EXPECTED_LANDMARKS_TO_MATRIX):
            if op["attributes"] != {**COMMON_LANDMARKS_TO_MATRIX, **specific}:
                fail(f"Landmarks2TransformMatrix options {op['attributes']}")
        for op in model["operators"]:
            if op["type"] == "TransformTensorBilinear" and op["attributes"] != {"output_width": 16,
                                                                                 "output_height": 16}:
                fail(f"TransformTensorBilinear options {op['attributes']}")
            if op["type"] == "TransformLandmarks" and op["attributes"]:
                fail(f"TransformLandmarks options {op['attributes']}")
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify Weights/*.sfmw")
    parser.add_argument("--wheel")
    parser.add_argument("--bundle", help="a local face_landmarker.task (still checked)")
    parser.add_argument("--weights", default=str(REPOSITORY_ROOT / "Weights"))
    parser.add_argument("--cache", default=str(REPOSITORY_ROOT / "Tools" / ".cache"))
    args = parser.parse_args(argv)
    wheel = obtain_wheel(args.wheel, Path(args.cache))
    weights = Path(args.weights)
    readme_path = weights / "README.md"
    readme = readme_path.read_text(encoding="utf-8") if readme_path.is_file() else ""
    bundle = obtain_bundle(args.bundle)
    sources = [(name, read_member(wheel, member)) for name, member in MODELS.items()]
    sources += [(name, read_bundle_member(bundle, member)) for name, member in TASKS_MODELS.items()]
    all_failures = 0
    for name, model_bytes in sources:
        sfmw_bytes = (weights / f"{name}.sfmw").read_bytes()
        failures = check_model(name, sfmw_bytes, model_bytes)
        if serialize(load_graph(model_bytes, name)) != sfmw_bytes:
            failures.append("converting again gives different bytes")
        digest = sha256_bytes(sfmw_bytes)
        if digest not in readme:
            failures.append(f"SHA-256 {digest} is not listed in {readme_path}")
        status = "OK" if not failures else "FAILED"
        print(f"{name}: {status} ({len(sfmw_bytes):,} bytes, sha256 {digest})")
        for failure in failures:
            print("  -", failure)
        all_failures += len(failures)
    print(f"{len(sources)} models checked, {all_failures} failures")
    return 0 if all_failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
