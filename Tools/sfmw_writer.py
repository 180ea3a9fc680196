"""Serialises a `Graph` into the bytes of a `.sfmw` file (format: docs/weight-format.md, version 1)."""

import struct

from sfmw_graph import (
    Graph, KIND_INT, KIND_FLOAT, KIND_STRING, KIND_INT_LIST, KIND_FLOAT_LIST, DATA_TYPE_NAMES,
)

MAGIC = b"SFMW"
VERSION = 1
BYTE_ORDER_MARK = 0x0A0B0C0D
HEADER_LENGTH = 64
ALIGNMENT = 64
MAX_RANK = 8

FNV_OFFSET_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK_64 = (1 << 64) - 1


def fnv1a_64(data: bytes) -> int:
    """FNV-1a 64-bit hash of `data`."""
    h = FNV_OFFSET_BASIS
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & MASK_64
    return h


def align_up(value: int, alignment: int = ALIGNMENT) -> int:
    """The smallest multiple of `alignment` that is >= `value`."""
    return (value + alignment - 1) // alignment * alignment


class _Encoder:
    """Little-endian primitive encoder for the metadata block."""

    def __init__(self):
        self.parts = []

    def u8(self, v):
        self.parts.append(struct.pack("<B", v))

    def u32(self, v):
        self.parts.append(struct.pack("<I", v))

    def i32(self, v):
        self.parts.append(struct.pack("<i", v))

    def u64(self, v):
        self.parts.append(struct.pack("<Q", v))

    def i64(self, v):
        self.parts.append(struct.pack("<q", v))

    def f64(self, v):
        self.parts.append(struct.pack("<d", v))

    def string(self, s: str):
        raw = s.encode("utf-8")
        self.u32(len(raw))
        self.parts.append(raw)

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def _payload_layout(graph: Graph):
    """Offsets (relative to the payload start) of every constant, in tensor order, and the payload length.

    Each constant starts at a multiple of 64; the gaps are zero; there is no padding after the last constant.
    """
    offsets = {}
    cursor = 0
    for index, tensor in enumerate(graph.tensors):
        if tensor.data is None:
            continue
        offset = align_up(cursor)
        offsets[index] = offset
        cursor = offset + len(tensor.data)
    return offsets, cursor


def _check_graph(graph: Graph):
    count = len(graph.tensors)
    for index, tensor in enumerate(graph.tensors):
        if tensor.data_type not in DATA_TYPE_NAMES:
            raise ValueError(f"tensor {index} '{tensor.name}': unsupported data type {tensor.data_type}")
        if len(tensor.dims) > MAX_RANK or any(d < 1 for d in tensor.dims):
            raise ValueError(f"tensor {index} '{tensor.name}': invalid dims {tensor.dims}")
        if tensor.data is not None and len(tensor.data) != tensor.element_count * 4:
            raise ValueError(f"tensor {index} '{tensor.name}': {len(tensor.data)} data bytes for dims {tensor.dims}")
    for index in list(graph.inputs) + list(graph.outputs):
        if not 0 <= index < count:
            raise ValueError(f"graph input/output tensor {index} out of range")
    for op_index, op in enumerate(graph.operators):
        for index in list(op.inputs) + list(op.outputs):
            if not (index == -1 or 0 <= index < count):
                raise ValueError(f"operator {op_index} {op.type}: tensor {index} out of range")


def _encode_attribute(enc: _Encoder, key: str, attribute):
    enc.string(key)
    enc.u8(attribute.kind)
    value = attribute.value
    if attribute.kind == KIND_INT:
        enc.i64(value)
    elif attribute.kind == KIND_FLOAT:
        enc.f64(value)
    elif attribute.kind == KIND_STRING:
        enc.string(value)
    elif attribute.kind == KIND_INT_LIST:
        enc.u32(len(value))
        for item in value:
            enc.i64(item)
    elif attribute.kind == KIND_FLOAT_LIST:
        enc.u32(len(value))
        for item in value:
            enc.f64(item)
    else:
        raise ValueError(f"attribute '{key}': unknown kind {attribute.kind}")


def encode_metadata(graph: Graph, data_offsets: dict) -> bytes:
    """The metadata block: names, tensors, graph I/O and operators (docs/weight-format.md, "Metadata")."""
    enc = _Encoder()
    enc.string(graph.model_name)
    enc.string(graph.description)
    enc.u32(len(graph.tensors))
    for index, tensor in enumerate(graph.tensors):
        enc.string(tensor.name)
        enc.u8(tensor.data_type)
        enc.u8(len(tensor.dims))
        for dim in tensor.dims:
            enc.i32(dim)
        if tensor.data is None:
            enc.u8(0)
        else:
            enc.u8(1)
            enc.u64(data_offsets[index])
            enc.u64(len(tensor.data))
    enc.u32(len(graph.inputs))
    for index in graph.inputs:
        enc.u32(index)
    enc.u32(len(graph.outputs))
    for index in graph.outputs:
        enc.u32(index)
    enc.u32(len(graph.operators))
    for op in graph.operators:
        enc.string(op.type)
        enc.u32(len(op.inputs))
        for index in op.inputs:
            enc.i32(index)
        enc.u32(len(op.outputs))
        for index in op.outputs:
            enc.i32(index)
        keys = sorted(op.attributes, key=lambda k: k.encode("utf-8"))
        enc.u32(len(keys))
        for key in keys:
            _encode_attribute(enc, key, op.attributes[key])
    return enc.bytes()


def serialize(graph: Graph) -> bytes:
    """The complete `.sfmw` file for `graph`: header, metadata, zero padding, 64-byte aligned payload."""
    _check_graph(graph)
    data_offsets, payload_length = _payload_layout(graph)
    metadata = encode_metadata(graph, data_offsets)
    payload_offset = align_up(HEADER_LENGTH + len(metadata))

    payload = bytearray(payload_length)
    for index, offset in data_offsets.items():
        data = graph.tensors[index].data
        payload[offset:offset + len(data)] = data

    body = bytearray()
    body += metadata
    body += bytes(payload_offset - HEADER_LENGTH - len(metadata))
    body += payload
    file_length = HEADER_LENGTH + len(body)
    checksum = fnv1a_64(bytes(body))

    header = struct.pack(
        "<4sIIIQQQQQQ",
        MAGIC, VERSION, BYTE_ORDER_MARK, HEADER_LENGTH,
        HEADER_LENGTH, len(metadata), payload_offset, payload_length, checksum, file_length,
    )
    assert len(header) == HEADER_LENGTH
    return header + bytes(body)
