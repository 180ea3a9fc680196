"""Reads a `.tflite` flatbuffer into a `Graph` following docs/weight-format.md's conversion choices.

- fp16 constants feeding DEQUANTIZE are widened to fp32; the DEQUANTIZE operators disappear and their consumers
  read the widened constant, which keeps the fp16 constant's name (e.g. "conv2d/Kernel") and dims.
- Tensors that no remaining operator reads or writes are dropped; the rest are renumbered in order of first
  appearance: graph inputs, then operator by operator (inputs before outputs).
- Builtin options become attributes with snake_case keys; custom ops' flexbuffer options become attributes
  with their keys unchanged.
Anything outside the vocabulary of the four MediaPipe face models raises `ConversionError`.
"""

import numpy as np
import tflite
from flatbuffers import flexbuffers

from tflite_sparsity import densify_tensor

from sfmw_graph import (
    Attribute, Graph, Operator, Tensor, DATA_TYPE_FLOAT32, DATA_TYPE_INT32,
    KIND_INT, KIND_FLOAT, KIND_STRING, KIND_INT_LIST, KIND_FLOAT_LIST,
)


class ConversionError(Exception):
    """The .tflite file uses something the .sfmw format or the converter does not support."""


def _enum_names(enum_class) -> dict:
    return {value: name for name, value in vars(enum_class).items() if not name.startswith("_")}


BUILTIN_NAMES = _enum_names(tflite.BuiltinOperator)
OPTION_TYPE_NAMES = _enum_names(tflite.BuiltinOptions)
ACTIVATION_NAMES = _enum_names(tflite.ActivationFunctionType)
PADDING_NAMES = _enum_names(tflite.Padding)

CUSTOM_OPS = {"Landmarks2TransformMatrix", "TransformTensorBilinear", "TransformLandmarks"}

# Builtin operators kept in the graph -> the options table they must carry (None = no options).
BUILTIN_OPTIONS = {
    "CONV_2D": "Conv2DOptions",
    "DEPTHWISE_CONV_2D": "DepthwiseConv2DOptions",
    "PRELU": None,
    "RELU": None,
    "ADD": "AddOptions",
    "MUL": "MulOptions",
    "MAX_POOL_2D": "Pool2DOptions",
    "PAD": None,
    "RESHAPE": "ReshapeOptions",
    "CONCATENATION": "ConcatenationOptions",
    "STRIDED_SLICE": "StridedSliceOptions",
    "RESIZE_BILINEAR": "ResizeBilinearOptions",
    "DEPTH_TO_SPACE": "DepthToSpaceOptions",
}

# MediaPipe Tasks face models (face_landmarks_detector.tflite = Face Mesh V2, face_blendshapes.tflite, from
# face_landmarker.task): the builtin operators they add, with the options table each must carry (None = no table).
# Axis, permutation and shape operands are constant int32 tensors and stay operator inputs.
TASKS_BUILTIN_OPTIONS = {
    "LOGISTIC": None,
    "MEAN": "ReducerOptions",
    "SUM": "ReducerOptions",
    "SUB": "SubOptions",
    "DIV": "DivOptions",
    "NEG": "NegOptions",
    "SQRT": None,
    "RSQRT": None,
    "SQUARED_DIFFERENCE": None,
    "TRANSPOSE": None,
}
# Known operators whose options table differs in these two models: PAD carries an empty PadOptions, RESHAPE has no
# table at all (its shape is the constant second operand; the runtime takes the declared output shape).
TASKS_TOLERATED_OPTIONS = {("PAD", "PadOptions"), ("RESHAPE", "NONE")}


def _int(value) -> Attribute:
    return Attribute(KIND_INT, int(value))


def _string(value: str) -> Attribute:
    return Attribute(KIND_STRING, value)


def _activation(value) -> Attribute:
    return _string(ACTIVATION_NAMES[value])


def _options(op, class_name):
    table = op.BuiltinOptions()
    options = getattr(tflite, class_name)()
    options.Init(table.Bytes, table.Pos)
    return options


def _builtin_attributes(type_name: str, op) -> dict:
    """Attributes of a builtin operator, from its options table (docs/weight-format.md, "Attributes")."""
    if type_name in TASKS_BUILTIN_OPTIONS or \
            (type_name, OPTION_TYPE_NAMES.get(op.BuiltinOptionsType(), "?")) in TASKS_TOLERATED_OPTIONS:
        return _tasks_builtin_attributes(type_name, op)
    expected = BUILTIN_OPTIONS[type_name]
    actual = OPTION_TYPE_NAMES.get(op.BuiltinOptionsType(), "?")
    if expected is None:
        if actual != "NONE":
            raise ConversionError(f"{type_name}: unexpected options {actual}")
        return {}
    if actual != expected:
        raise ConversionError(f"{type_name}: options {actual}, expected {expected}")
    o = _options(op, expected)
    if type_name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        attributes = {
            "padding": _string(PADDING_NAMES[o.Padding()]),
            "stride_h": _int(o.StrideH()),
            "stride_w": _int(o.StrideW()),
            "dilation_h": _int(o.DilationHFactor()),
            "dilation_w": _int(o.DilationWFactor()),
            "fused_activation": _activation(o.FusedActivationFunction()),
        }
        if type_name == "DEPTHWISE_CONV_2D":
            attributes["depth_multiplier"] = _int(o.DepthMultiplier())
        return attributes
    if type_name == "MAX_POOL_2D":
        return {
            "padding": _string(PADDING_NAMES[o.Padding()]),
            "stride_h": _int(o.StrideH()),
            "stride_w": _int(o.StrideW()),
            "filter_h": _int(o.FilterHeight()),
            "filter_w": _int(o.FilterWidth()),
            "fused_activation": _activation(o.FusedActivationFunction()),
        }
    if type_name in ("ADD", "MUL"):
        return {"fused_activation": _activation(o.FusedActivationFunction())}
    if type_name == "CONCATENATION":
        return {"axis": _int(o.Axis()), "fused_activation": _activation(o.FusedActivationFunction())}
    if type_name == "RESHAPE":
        shape = [int(d) for d in o.NewShapeAsNumpy()] if o.NewShapeLength() else []
        return {"new_shape": Attribute(KIND_INT_LIST, shape)}
    if type_name in ("RESIZE_BILINEAR", "DEPTH_TO_SPACE"):
        return _upsampling_attributes(type_name, o)
    if type_name == "STRIDED_SLICE":
        return {
            "begin_mask": _int(o.BeginMask()),
            "end_mask": _int(o.EndMask()),
            "ellipsis_mask": _int(o.EllipsisMask()),
            "new_axis_mask": _int(o.NewAxisMask()),
            "shrink_axis_mask": _int(o.ShrinkAxisMask()),
            "offset": _int(o.Offset()),
        }
    raise ConversionError(f"no attribute mapping for {type_name}")


def _upsampling_attributes(type_name: str, o) -> dict:
    """RESIZE_BILINEAR: `align_corners`, `half_pixel_centers` (0 / 1); DEPTH_TO_SPACE: `block_size`."""
    if type_name == "RESIZE_BILINEAR":
        return {"align_corners": _int(o.AlignCorners()), "half_pixel_centers": _int(o.HalfPixelCenters())}
    return {"block_size": _int(o.BlockSize())}


def _densified_constant(model, subgraph, op):
    """(source tensor index, dense values) of a DENSIFY operator whose input is a sparse fp16/fp32 constant."""
    source = int(op.Inputs(0))
    tensor = subgraph.Tensors(source)
    raw = _buffer_bytes(model, tensor)
    element = {tflite.TensorType.FLOAT16: "<f2", tflite.TensorType.FLOAT32: "<f4"}.get(tensor.Type())
    if element is None or not raw:
        raise ConversionError(f"DENSIFY input {source} is not a float16/float32 constant")
    return source, densify_tensor(tensor, raw, element)


def _tasks_builtin_attributes(type_name: str, op) -> dict:
    """Attributes of the operators only the Tasks face models use: MEAN / SUM `keep_dims` (0 / 1), SUB / DIV
    `fused_activation`; every other one has none (its options table, if any, has no fields)."""
    actual = OPTION_TYPE_NAMES.get(op.BuiltinOptionsType(), "?")
    if (type_name, actual) in TASKS_TOLERATED_OPTIONS:
        return {}
    expected = TASKS_BUILTIN_OPTIONS[type_name]
    if actual != (expected or "NONE"):
        raise ConversionError(f"{type_name}: options {actual}, expected {expected or 'none'}")
    if expected == "ReducerOptions":
        return {"keep_dims": _int(_options(op, expected).KeepDims())}
    if expected in ("SubOptions", "DivOptions"):
        return {"fused_activation": _activation(_options(op, expected).FusedActivationFunction())}
    return {}


def _flex_attribute(key: str, value) -> Attribute:
    """One flexbuffer map entry as an attribute: bool/int -> int, float -> float, str, homogeneous lists."""
    if isinstance(value, (bool, int)):
        return _int(value)
    if isinstance(value, float):
        return Attribute(KIND_FLOAT, value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (bool, int)) for v in value):
            return Attribute(KIND_INT_LIST, [int(v) for v in value])
        if all(isinstance(v, float) for v in value):
            return Attribute(KIND_FLOAT_LIST, [float(v) for v in value])
    raise ConversionError(f"custom option '{key}': unsupported value {value!r}")


def _custom_attributes(type_name: str, op) -> dict:
    if op.CustomOptionsLength() == 0:
        return {}
    if op.CustomOptionsFormat() != tflite.CustomOptionsFormat.FLEXBUFFERS:
        raise ConversionError(f"{type_name}: custom options are not a flexbuffer")
    decoded = flexbuffers.Loads(bytes(op.CustomOptionsAsNumpy()))
    if not isinstance(decoded, dict):
        raise ConversionError(f"{type_name}: custom options are not a flexbuffer map")
    return {key: _flex_attribute(key, value) for key, value in decoded.items()}


def _operator_type(model, op) -> str:
    code = model.OperatorCodes(op.OpcodeIndex())
    builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
    name = BUILTIN_NAMES.get(builtin, f"builtin#{builtin}")
    if name == "CUSTOM":
        name = code.CustomCode().decode("utf-8")
        if name not in CUSTOM_OPS:
            raise ConversionError(f"unsupported custom operator {name}")
    elif name not in ("DEQUANTIZE", "DENSIFY") and name not in BUILTIN_OPTIONS and name not in TASKS_BUILTIN_OPTIONS:
        raise ConversionError(f"unsupported builtin operator {name}")
    return name


def _buffer_bytes(model, tensor) -> bytes:
    buffer = model.Buffers(tensor.Buffer())
    if buffer is None:
        return b""
    if buffer.Offset() > 1:
        raise ConversionError(f"tensor '{tensor.Name().decode()}': external buffers are not supported")
    return buffer.DataAsNumpy().tobytes() if buffer.DataLength() else b""


def _dims(tensor) -> list:
    return [int(d) for d in tensor.ShapeAsNumpy()] if tensor.ShapeLength() else []


def load_graph(model_bytes: bytes, model_name: str) -> Graph:
    """Converts one .tflite model (bytes) into a `Graph` named `model_name`."""
    model = tflite.Model.GetRootAsModel(model_bytes, 0)
    if model.SubgraphsLength() != 1:
        raise ConversionError(f"expected 1 subgraph, found {model.SubgraphsLength()}")
    subgraph = model.Subgraphs(0)

    # 1. DEQUANTIZE: widen the fp16 constant; its consumers will read the widened tensor instead.
    #    DENSIFY (sparse constants): expand the constant here; a fp16 result feeds a DEQUANTIZE, which widens it
    #    and names the result after the sparse constant; a fp32 result replaces the DENSIFY output directly.
    widened = {}        # DEQUANTIZE output index -> (fp16 source tensor index, fp32 bytes)
    densified = {}      # DENSIFY output index -> (sparse source tensor index, dense fp16 bytes)
    kept = []           # (type name, tflite operator)
    for i in range(subgraph.OperatorsLength()):
        op = subgraph.Operators(i)
        type_name = _operator_type(model, op)
        if type_name == "DENSIFY":
            source, values = _densified_constant(model, subgraph, op)
            if values.dtype == np.dtype("<f4"):
                widened[int(op.Outputs(0))] = (source, values.tobytes())
            else:
                densified[int(op.Outputs(0))] = (source, values.tobytes())
            continue
        if type_name != "DEQUANTIZE":
            kept.append((type_name, op))
            continue
        source, target = int(op.Inputs(0)), int(op.Outputs(0))
        tensor = subgraph.Tensors(source)
        raw = _buffer_bytes(model, tensor)
        if source in densified:
            source, raw = densified[source]
        if tensor.Type() != tflite.TensorType.FLOAT16 or not raw:
            raise ConversionError(f"DEQUANTIZE input {source} is not an fp16 constant")
        values = np.frombuffer(raw, dtype="<f2").astype("<f4")
        if values.size != int(np.prod(_dims(tensor), dtype=np.int64)):
            raise ConversionError(f"DEQUANTIZE input {source}: size does not match its shape")
        widened[target] = (source, values.tobytes())

    # 2. Renumber in order of first appearance.
    new_index = {}

    def number(old):
        if old < 0:
            return -1
        if old not in new_index:
            new_index[old] = len(new_index)
        return new_index[old]

    graph_inputs = [number(int(t)) for t in subgraph.InputsAsNumpy()]
    operators = []
    for type_name, op in kept:
        inputs = [number(int(t)) for t in op.InputsAsNumpy()]
        outputs = [number(int(t)) for t in op.OutputsAsNumpy()]
        if type_name in CUSTOM_OPS:
            attributes = _custom_attributes(type_name, op)
        else:
            attributes = _builtin_attributes(type_name, op)
        operators.append(Operator(type_name, inputs, outputs, attributes))
    graph_outputs = []
    for t in subgraph.OutputsAsNumpy():
        if int(t) not in new_index:
            raise ConversionError(f"graph output {int(t)} is not produced by any operator")
        graph_outputs.append(new_index[int(t)])

    # 3. Tensors in the new order.
    tensors = [None] * len(new_index)
    for old, new in new_index.items():
        tensor = subgraph.Tensors(old)
        dims = _dims(tensor)
        if old in widened:
            source, data = widened[old]
            name = subgraph.Tensors(source).Name().decode("utf-8")
            tensors[new] = Tensor(name, DATA_TYPE_FLOAT32, dims, data)
            continue
        name = tensor.Name().decode("utf-8")
        kind = tensor.Type()
        if kind == tflite.TensorType.FLOAT32:
            data_type, element = DATA_TYPE_FLOAT32, "<f4"
        elif kind == tflite.TensorType.INT32:
            data_type, element = DATA_TYPE_INT32, "<i4"
        else:
            raise ConversionError(f"tensor {old} '{name}': unsupported tensor type {kind}")
        quantization = tensor.Quantization()
        if quantization is not None and (quantization.ScaleLength() or quantization.ZeroPointLength()):
            raise ConversionError(f"tensor {old} '{name}': quantized tensors are not supported")
        raw = _buffer_bytes(model, tensor)
        data = np.frombuffer(raw, dtype=element).tobytes() if raw else None
        tensors[new] = Tensor(name, data_type, dims, data)

    description = model.Description().decode("utf-8") if model.Description() else ""
    return Graph(model_name, description, tensors, graph_inputs, graph_outputs, operators)
