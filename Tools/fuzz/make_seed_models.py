"""Writes the small seed weight files of the weight-loader fuzz targets into Tools/fuzz/corpus/weights/.

Each seed is a complete, valid `.sfmw` file (docs/weight-format.md) of a few hundred bytes to a few kilobytes that
`ModelRunner` compiles and runs, so libFuzzer starts from inputs that reach deep into the loader, the planner and
the kernels. Together they use every operator the runtime implements and the fusion patterns of the face models
(convolution + PAD/ADD residual + PRELU/RELU). The committed Weights/*.sfmw files are megabytes long, far above a
useful libFuzzer -max_len; Tools/run_fuzzers.sh can add them with --with-weights.

Standard library only; it reuses the converter's writer (Tools/sfmw_writer.py). Run: python3 Tools/fuzz/make_seed_models.py
"""

import math
import os
import struct
import sys

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOOLS)

from sfmw_graph import (  # noqa: E402
    Attribute, Graph, Operator, Tensor, DATA_TYPE_FLOAT32, DATA_TYPE_INT32,
    KIND_FLOAT, KIND_INT, KIND_INT_LIST, KIND_STRING,
)
from sfmw_writer import serialize  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "corpus", "weights")
DICTIONARY = os.path.join(HERE, "dictionaries", "sfmw.dict")

OPERATOR_TYPES = ["CONV_2D", "DEPTHWISE_CONV_2D", "PRELU", "RELU", "ADD", "MUL", "MAX_POOL_2D", "PAD", "RESHAPE",
                  "CONCATENATION", "STRIDED_SLICE", "Landmarks2TransformMatrix", "TransformTensorBilinear",
                  "TransformLandmarks", "LOGISTIC", "SQRT", "RSQRT", "NEG", "SUB", "DIV", "SQUARED_DIFFERENCE",
                  "MEAN", "SUM", "TRANSPOSE"]
ATTRIBUTE_KEYS = ["padding", "stride_h", "stride_w", "dilation_h", "dilation_w", "fused_activation",
                  "depth_multiplier", "filter_h", "filter_w", "axis", "new_shape", "begin_mask", "end_mask",
                  "ellipsis_mask", "new_axis_mask", "shrink_axis_mask", "offset", "left_rotation_idx",
                  "right_rotation_idx", "output_height", "output_width", "scale_x", "scale_y", "subset_idxs",
                  "target_rotation_radians", "keep_dims"]
ATTRIBUTE_STRINGS = ["SAME", "VALID", "NONE", "RELU", "RELU6", "TANH"]


class SeedGraph:
    """A tiny graph under construction; tensors are added in index order."""

    def __init__(self, name):
        self.graph = Graph(model_name=name, description="fuzz seed", tensors=[], inputs=[], outputs=[],
                           operators=[])

    def _add(self, tensor):
        self.graph.tensors.append(tensor)
        return len(self.graph.tensors) - 1

    def activation(self, name, dims):
        return self._add(Tensor(name, DATA_TYPE_FLOAT32, list(dims)))

    def floats(self, name, dims, values=None):
        count = math.prod(dims)
        if values is None:  # deterministic, varied, small values
            values = [((i * 37) % 17 - 8) / 16.0 for i in range(count)]
        assert len(values) == count
        return self._add(Tensor(name, DATA_TYPE_FLOAT32, list(dims), struct.pack(f"<{count}f", *values)))

    def ints(self, name, dims, values):
        assert len(values) == math.prod(dims)
        return self._add(Tensor(name, DATA_TYPE_INT32, list(dims), struct.pack(f"<{len(values)}i", *values)))

    def op(self, type_name, inputs, outputs, **attributes):
        converted = {}
        for key, value in attributes.items():
            if isinstance(value, str):
                converted[key] = Attribute(KIND_STRING, value)
            elif isinstance(value, float):
                converted[key] = Attribute(KIND_FLOAT, value)
            elif isinstance(value, list):
                converted[key] = Attribute(KIND_INT_LIST, value)
            else:
                converted[key] = Attribute(KIND_INT, value)
        self.graph.operators.append(Operator(type_name, list(inputs), list(outputs), converted))


def conv_attributes(padding="SAME", stride=1):
    return dict(padding=padding, stride_h=stride, stride_w=stride, dilation_h=1, dilation_w=1,
                fused_activation="NONE")


def conv_prelu():
    """CONV_2D 3×3 SAME with bias, then PRELU: fused into one step."""
    g = SeedGraph("conv_prelu")
    x = g.activation("input", [1, 4, 4, 2])
    w = g.floats("conv/filter", [3, 3, 3, 2])
    b = g.floats("conv/bias", [3], [0.1, -0.2, 0.3])
    c = g.activation("conv", [1, 4, 4, 3])
    a = g.floats("prelu/alpha", [3], [0.25, 0.5, -0.5])
    y = g.activation("output", [1, 4, 4, 3])
    g.graph.inputs, g.graph.outputs = [x], [y]
    g.op("CONV_2D", [x, w, b], [c], **conv_attributes())
    g.op("PRELU", [c, a], [y])
    return g


def blaze_block():
    """Depthwise 3×3 + pointwise CONV_2D + channel-PAD shortcut ADD + RELU, the BlazeFace residual block."""
    g = SeedGraph("blaze_block")
    x = g.activation("input", [1, 4, 4, 4])
    dw = g.floats("depthwise/filter", [1, 3, 3, 4])
    dwb = g.floats("depthwise/bias", [4])
    d = g.activation("depthwise", [1, 4, 4, 4])
    pw = g.floats("pointwise/filter", [6, 1, 1, 4])
    pwb = g.floats("pointwise/bias", [6])
    p = g.activation("pointwise", [1, 4, 4, 6])
    paddings = g.ints("pad/paddings", [4, 2], [0, 0, 0, 0, 0, 0, 0, 2])
    s = g.activation("shortcut", [1, 4, 4, 6])
    r = g.activation("residual", [1, 4, 4, 6])
    y = g.activation("output", [1, 4, 4, 6])
    g.graph.inputs, g.graph.outputs = [x], [y]
    g.op("DEPTHWISE_CONV_2D", [x, dw, dwb], [d], depth_multiplier=1, **conv_attributes())
    g.op("CONV_2D", [d, pw, pwb], [p], **conv_attributes())
    g.op("PAD", [x, paddings], [s])
    g.op("ADD", [p, s], [r], fused_activation="NONE")
    g.op("RELU", [r], [y])
    return g


def strided_downsample():
    """Stride-2 VALID depthwise after an explicit spatial PAD, MAX_POOL_2D shortcut, ADD, PRELU."""
    g = SeedGraph("strided_downsample")
    x = g.activation("input", [1, 6, 6, 2])
    paddings = g.ints("pad/paddings", [4, 2], [0, 0, 0, 1, 0, 1, 0, 0])
    padded = g.activation("padded", [1, 7, 7, 2])
    dw = g.floats("depthwise/filter", [1, 3, 3, 2])
    d = g.activation("depthwise", [1, 3, 3, 2])
    pool = g.activation("pool", [1, 3, 3, 2])
    r = g.activation("residual", [1, 3, 3, 2])
    a = g.floats("prelu/alpha", [1, 1, 2], [0.1, 0.2])
    y = g.activation("output", [1, 3, 3, 2])
    g.graph.inputs, g.graph.outputs = [x], [y]
    g.op("PAD", [x, paddings], [padded])
    g.op("DEPTHWISE_CONV_2D", [padded, dw, -1], [d], depth_multiplier=1, **conv_attributes("VALID", 2))
    g.op("MAX_POOL_2D", [x], [pool], padding="VALID", stride_h=2, stride_w=2, filter_h=2, filter_w=2,
         fused_activation="NONE")
    g.op("ADD", [d, pool], [r], fused_activation="NONE")
    g.op("PRELU", [r, a], [y])
    return g


def pool_reshape_concat():
    """MAX_POOL_2D SAME, RESHAPE (new_shape), CONCATENATION with a second input, two graph outputs."""
    g = SeedGraph("pool_reshape_concat")
    x = g.activation("input", [1, 4, 4, 2])
    z = g.activation("extra", [1, 3])
    pool = g.activation("pool", [1, 2, 2, 2])
    flat = g.activation("flat", [1, 8])
    y = g.activation("joined", [1, 11])
    g.graph.inputs, g.graph.outputs = [x, z], [y, flat]
    g.op("MAX_POOL_2D", [x], [pool], padding="SAME", stride_h=2, stride_w=2, filter_h=3, filter_w=3,
         fused_activation="NONE")
    g.op("RESHAPE", [pool], [flat], new_shape=[1, 8])
    g.op("CONCATENATION", [flat, z], [y], axis=1, fused_activation="NONE")
    return g


def mul_slice():
    """MUL with a broadcast constant, STRIDED_SLICE with masks, standalone ADD and RELU."""
    g = SeedGraph("mul_slice")
    x = g.activation("input", [1, 4, 3])
    k = g.floats("scale", [3], [0.5, 2.0, -1.0])
    m = g.activation("scaled", [1, 4, 3])
    begin = g.ints("slice/begin", [3], [0, 1, 0])
    end = g.ints("slice/end", [3], [1, 3, 2])
    strides = g.ints("slice/strides", [3], [1, 1, 1])
    s = g.activation("slice", [2, 2])
    t = g.activation("sum", [2, 2])
    y = g.activation("output", [2, 2])
    g.graph.inputs, g.graph.outputs = [x], [y]
    g.op("MUL", [x, k], [m], fused_activation="NONE")
    g.op("STRIDED_SLICE", [m, begin, end, strides], [s], begin_mask=0, end_mask=0, ellipsis_mask=0,
         new_axis_mask=0, shrink_axis_mask=1, offset=0)
    g.op("ADD", [s, s], [t], fused_activation="NONE")
    g.op("RELU", [t], [y])
    return g


def attention_crop():
    """The attention model's custom ops: landmarks → matrix, bilinear crop of a feature map, landmark transform."""
    g = SeedGraph("attention_crop")
    landmarks = g.activation("landmarks", [1, 5, 3])
    features = g.activation("features", [1, 6, 6, 2])
    matrix = g.activation("matrix", [1, 4, 4])
    crop = g.activation("crop", [1, 3, 3, 2])
    points = g.activation("points", [1, 5, 3])
    g.graph.inputs, g.graph.outputs = [landmarks, features], [crop, points]
    g.op("Landmarks2TransformMatrix", [landmarks], [matrix], left_rotation_idx=0, right_rotation_idx=1,
         output_height=3, output_width=3, scale_x=1.5, scale_y=1.5, subset_idxs=[0, 1, 2, 3, 4],
         target_rotation_radians=0.0)
    g.op("TransformTensorBilinear", [features, matrix], [crop], output_height=3, output_width=3)
    g.op("TransformLandmarks", [landmarks, matrix], [points])
    return g


def token_mixer():
    """The blendshape network's pieces (face_blendshapes.tflite): points centred and scaled (MEAN, SUB, MUL, SUM, SQRT,
    DIV), TRANSPOSE around a single-row 1×1 CONV_2D with a fused RELU, the ten-operator layer normalisation that the
    planner fuses (MEAN, NEG, SQUARED_DIFFERENCE, MEAN, ADD ε, RSQRT, MUL γ, MUL, MUL, ADD), and LOGISTIC."""
    g = SeedGraph("token_mixer")
    x = g.activation("points", [1, 4, 2])
    axis_points = g.ints("axis_points", [1], [-2])
    axis_last = g.ints("axis_last", [1], [-1])
    centre = g.activation("centre", [1, 1, 2])
    centred = g.activation("centred", [1, 4, 2])
    squares = g.activation("squares", [1, 4, 2])
    radii2 = g.activation("radii2", [1, 4, 1])
    radii = g.activation("radii", [1, 4, 1])
    scale = g.activation("scale", [1, 1, 1])
    scaled = g.activation("scaled", [1, 4, 2])
    shape4 = g.ints("shape4", [4], [1, 1, 4, 2])
    rows = g.activation("rows", [1, 1, 4, 2])
    permutation = g.ints("permutation", [4], [0, 1, 3, 2])
    tokens = g.activation("tokens", [1, 1, 2, 4])
    w = g.floats("mix/w", [3, 1, 1, 4])
    b = g.floats("mix/b", [3])
    mixed = g.activation("mixed", [1, 1, 2, 3])
    mean = g.activation("ln/mean", [1, 1, 2, 1])
    negated = g.activation("ln/neg", [1, 1, 2, 1])
    deviations = g.activation("ln/sqdiff", [1, 1, 2, 3])
    variance = g.activation("ln/var", [1, 1, 2, 1])
    epsilon = g.floats("ln/epsilon", [], [1e-6])
    shifted = g.activation("ln/var_eps", [1, 1, 2, 1])
    inverse = g.activation("ln/rsqrt", [1, 1, 2, 1])
    gamma = g.floats("ln/gamma", [3], [1.0, 0.5, 2.0])
    gain = g.activation("ln/gain", [1, 1, 2, 3])
    left = g.activation("ln/x_gain", [1, 1, 2, 3])
    right = g.activation("ln/neg_gain", [1, 1, 2, 3])
    normalized = g.activation("ln/out", [1, 1, 2, 3])
    y = g.activation("scores", [1, 1, 2, 3])
    g.graph.inputs, g.graph.outputs = [x], [y]
    g.op("MEAN", [x, axis_points], [centre], keep_dims=1)
    g.op("SUB", [x, centre], [centred], fused_activation="NONE")
    g.op("MUL", [centred, centred], [squares], fused_activation="NONE")
    g.op("SUM", [squares, axis_last], [radii2], keep_dims=1)
    g.op("SQRT", [radii2], [radii])
    g.op("MEAN", [radii, axis_points], [scale], keep_dims=1)
    g.op("DIV", [centred, scale], [scaled], fused_activation="NONE")
    g.op("RESHAPE", [scaled, shape4], [rows])
    g.op("TRANSPOSE", [rows, permutation], [tokens])
    g.op("CONV_2D", [tokens, w, b], [mixed], **{**conv_attributes("VALID"), "fused_activation": "RELU"})
    g.op("MEAN", [mixed, axis_last], [mean], keep_dims=1)
    g.op("NEG", [mean], [negated])
    g.op("SQUARED_DIFFERENCE", [mixed, mean], [deviations])
    g.op("MEAN", [deviations, axis_last], [variance], keep_dims=1)
    g.op("ADD", [variance, epsilon], [shifted], fused_activation="NONE")
    g.op("RSQRT", [shifted], [inverse])
    g.op("MUL", [inverse, gamma], [gain], fused_activation="NONE")
    g.op("MUL", [mixed, gain], [left], fused_activation="NONE")
    g.op("MUL", [negated, gain], [right], fused_activation="NONE")
    g.op("ADD", [left, right], [normalized], fused_activation="NONE")
    g.op("LOGISTIC", [normalized], [y])
    return g


def token_mixing_block():
    """The blendshape network's whole token-mixing block, which the planner runs as two row mixings without the
    transposes (RowMixingFusion): TRANSPOSE, 1×1 CONV_2D with RELU, 1×1 CONV_2D, TRANSPOSE back, residual ADD of the
    block's input; 3 tokens × 16 channels (the fusion needs a multiple of 16 channels)."""
    g = SeedGraph("token_mixing_block")
    tokens, channels, hidden = 3, 16, 4
    x = g.activation("x", [1, 1, tokens, channels])
    permutation = g.ints("permutation", [4], [0, 1, 3, 2])
    transposed = g.activation("transposed", [1, 1, channels, tokens])
    w1 = g.floats("mix/w1", [hidden, 1, 1, tokens])
    b1 = g.floats("mix/b1", [hidden])
    h = g.activation("mix/hidden", [1, 1, channels, hidden])
    w2 = g.floats("mix/w2", [tokens, 1, 1, hidden])
    b2 = g.floats("mix/b2", [tokens])
    mixed = g.activation("mix/out", [1, 1, channels, tokens])
    back = g.activation("back", [1, 1, tokens, channels])
    y = g.activation("y", [1, 1, tokens, channels])
    g.graph.inputs, g.graph.outputs = [x], [y]
    g.op("TRANSPOSE", [x, permutation], [transposed])
    g.op("CONV_2D", [transposed, w1, b1], [h], **{**conv_attributes("VALID"), "fused_activation": "RELU"})
    g.op("CONV_2D", [h, w2, b2], [mixed], **conv_attributes("VALID"))
    g.op("TRANSPOSE", [mixed, permutation], [back])
    g.op("ADD", [back, x], [y], fused_activation="NONE")
    return g


SEEDS = [conv_prelu, blaze_block, strided_downsample, pool_reshape_concat, mul_slice, attention_crop, token_mixer,
         token_mixing_block]


def dictionary_entry(raw: bytes) -> str:
    """One libFuzzer dictionary line: printable ASCII kept, everything else as \\xNN."""
    text = "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\x{b:02x}" for b in raw)
    return f'"{text}"'


def write_dictionary():
    """libFuzzer dictionary: magic, byte-order mark, common integers, and every operator type, attribute key and
    attribute string both bare and as a format string (u32 length prefix)."""
    entries = [b"SFMW", struct.pack("<I", 0x0A0B0C0D), struct.pack("<I", 64), struct.pack("<Q", 64),
               struct.pack("<i", -1), struct.pack("<I", 0xFFFFFFFF), struct.pack("<q", 1 << 31),
               struct.pack("<f", float("nan")), struct.pack("<f", float("inf"))]
    for word in OPERATOR_TYPES + ATTRIBUTE_KEYS + ATTRIBUTE_STRINGS:
        raw = word.encode("utf-8")
        entries += [raw, struct.pack("<I", len(raw)) + raw]
    os.makedirs(os.path.dirname(DICTIONARY), exist_ok=True)
    with open(DICTIONARY, "w") as handle:
        handle.write("# libFuzzer dictionary for .sfmw weight files; written by Tools/fuzz/make_seed_models.py\n")
        for entry in dict.fromkeys(entries):  # unique, in order
            handle.write(dictionary_entry(entry) + "\n")
    print(f"{DICTIONARY}: {len(dict.fromkeys(entries))} entries")


def main():
    write_dictionary()
    os.makedirs(OUTPUT, exist_ok=True)
    for make in SEEDS:
        graph = make().graph
        data = serialize(graph)
        path = os.path.join(OUTPUT, f"{graph.model_name}.sfmw")
        with open(path, "wb") as handle:
            handle.write(data)
        print(f"{path}: {len(data)} bytes")


if __name__ == "__main__":
    main()
