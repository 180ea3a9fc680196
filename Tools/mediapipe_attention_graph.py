"""Raw tensors of MediaPipe's face_landmark_with_attention model, run by MediaPipe 0.10.14 itself.

The attention model contains custom ops (Landmarks2TransformMatrix, TransformTensorBilinear,
TransformLandmarks) that plain LiteRT cannot run, so it is executed inside a MediaPipe
CalculatorGraph whose InferenceCalculator gets MediaPipe's custom-op resolver:

  ImageToTensorCalculator (image exactly 192x192 -> identity crop, float range [0, 1])
    -> InferenceCalculator (XNNPACK, 1 thread, OP_RESOLVER side packet)
    -> SplitTensorVectorCalculator (one range per model output)
    -> TensorsToFloatsCalculator (one per output)

The tensor that ImageToTensorCalculator produced is also read back through its own
TensorsToFloatsCalculator, so callers can check exactly what the model was fed.

Facts used here: docs/models.md §2.3 and §7.
"""

import os

import mediapipe
import numpy as np
from mediapipe.framework import calculator_pb2
from mediapipe.python import packet_creator, packet_getter
from mediapipe.python._framework_bindings import calculator_graph, image_frame
from google.protobuf import text_format

MODEL_RELATIVE_PATH = "modules/face_landmark/face_landmark_with_attention.tflite"
INPUT_SIZE = 192

# Model output order (not tensor-index order); see models.md section 2.3.
OUTPUTS = [
    ("output_mesh_identity", [1, 1, 1, 1404]),
    ("output_lips", [1, 1, 1, 160]),
    ("output_left_eye", [1, 1, 1, 142]),
    ("output_right_eye", [1, 1, 1, 142]),
    ("output_left_iris", [1, 1, 1, 10]),
    ("output_right_iris", [1, 1, 1, 10]),
    ("conv_faceflag", [1, 1, 1, 1]),
]


def model_path() -> str:
    """Absolute path of the attention model inside the installed mediapipe package."""
    return os.path.join(os.path.dirname(mediapipe.__file__), MODEL_RELATIVE_PATH)


def _graph_config() -> calculator_pb2.CalculatorGraphConfig:
    split_ranges = "\n".join(
        f"ranges: {{ begin: {i} end: {i + 1} }}" for i in range(len(OUTPUTS))
    )
    split_outputs = "\n".join(f'output_stream: "tensor_{i}"' for i in range(len(OUTPUTS)))
    float_nodes = "\n".join(
        f"""
        node {{
          calculator: "TensorsToFloatsCalculator"
          input_stream: "TENSORS:tensor_{i}"
          output_stream: "FLOATS:floats_{i}"
        }}
        output_stream: "floats_{i}"
        """
        for i in range(len(OUTPUTS))
    )
    text = f"""
    input_stream: "image"
    output_stream: "input_floats"
    node {{
      calculator: "ImageToTensorCalculator"
      input_stream: "IMAGE:image"
      output_stream: "TENSORS:input_tensors"
      options {{
        [mediapipe.ImageToTensorCalculatorOptions.ext] {{
          output_tensor_width: {INPUT_SIZE}
          output_tensor_height: {INPUT_SIZE}
          keep_aspect_ratio: false
          output_tensor_float_range {{ min: 0.0 max: 1.0 }}
          border_mode: BORDER_REPLICATE
        }}
      }}
    }}
    node {{
      calculator: "TensorsToFloatsCalculator"
      input_stream: "TENSORS:input_tensors"
      output_stream: "FLOATS:input_floats"
    }}
    node {{
      calculator: "TfLiteCustomOpResolverCalculator"
      output_side_packet: "OP_RESOLVER:op_resolver"
    }}
    node {{
      calculator: "InferenceCalculator"
      input_stream: "TENSORS:input_tensors"
      output_stream: "TENSORS:output_tensors"
      input_side_packet: "OP_RESOLVER:op_resolver"
      options {{
        [mediapipe.InferenceCalculatorOptions.ext] {{
          model_path: "{model_path()}"
          delegate {{ xnnpack {{ num_threads: 1 }} }}
        }}
      }}
    }}
    node {{
      calculator: "SplitTensorVectorCalculator"
      input_stream: "output_tensors"
      {split_outputs}
      options {{
        [mediapipe.SplitVectorCalculatorOptions.ext] {{
          {split_ranges}
        }}
      }}
    }}
    {float_nodes}
    """
    return text_format.Parse(text, calculator_pb2.CalculatorGraphConfig())


def run_attention_model(images: list[np.ndarray]) -> list[tuple[np.ndarray, list[np.ndarray]]]:
    """Runs the attention model on 192x192x3 RGB uint8 images.

    Returns, per image, (input tensor as fed, float32 [1,192,192,3]) and the seven outputs in
    model output order, each float32 with the shape listed in OUTPUTS.
    """
    results: dict[str, list[np.ndarray]] = {}
    graph = calculator_graph.CalculatorGraph(graph_config=_graph_config())
    names = ["input_floats"] + [f"floats_{i}" for i in range(len(OUTPUTS))]
    for name in names:
        graph.observe_output_stream(
            name,
            lambda stream, packet: results.setdefault(stream, []).append(
                np.asarray(packet_getter.get_float_list(packet), dtype=np.float32)
            ),
        )
    graph.start_run()
    for timestamp, image in enumerate(images):
        if image.shape != (INPUT_SIZE, INPUT_SIZE, 3) or image.dtype != np.uint8:
            raise ValueError(f"expected a {INPUT_SIZE}x{INPUT_SIZE}x3 uint8 image, got {image.shape} {image.dtype}")
        packet = packet_creator.create_image_frame(
            image_format=image_frame.ImageFormat.SRGB, data=np.ascontiguousarray(image)
        )
        graph.add_packet_to_input_stream("image", packet.at(timestamp))
    graph.close_all_packet_sources()
    graph.wait_until_done()

    out = []
    for k in range(len(images)):
        fed = results["input_floats"][k].reshape(1, INPUT_SIZE, INPUT_SIZE, 3)
        tensors = [
            results[f"floats_{i}"][k].reshape(shape) for i, (_, shape) in enumerate(OUTPUTS)
        ]
        out.append((fed, tensors))
    return out
