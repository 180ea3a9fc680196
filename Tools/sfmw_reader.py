"""An independent reader of `.sfmw` files, written from docs/weight-format.md (not from the writer).

Used by verify_weights.py to check the converter's output. Every structural rule of the format is checked
and a violation raises `FormatError`.
"""

import struct

import numpy as np


class FormatError(Exception):
    """The bytes are not a valid .sfmw version 1 file."""


def _fnv1a_64(data) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) % (1 << 64)
    return h


class _Cursor:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise FormatError("metadata ends early")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def string(self) -> str:
        length = self.take("<I")
        if self.pos + length > len(self.data):
            raise FormatError("string runs past the metadata")
        raw = self.data[self.pos:self.pos + length]
        self.pos += length
        return raw.decode("utf-8")


def read_sfmw(data: bytes) -> dict:
    """Parses and validates a .sfmw file. Returns a dict: model_name, description, tensors (dicts with name,
    data_type, dims, value = numpy array or None), inputs, outputs, operators (dicts with type, inputs,
    outputs, attributes)."""
    if len(data) < 64:
        raise FormatError("shorter than the 64-byte header")
    magic, version, bom, header_length = struct.unpack_from("<4sIII", data, 0)
    (metadata_offset, metadata_length, payload_offset, payload_length,
     checksum, file_length) = struct.unpack_from("<6Q", data, 16)
    if magic != b"SFMW" or version != 1 or bom != 0x0A0B0C0D or header_length != 64 or metadata_offset != 64:
        raise FormatError("bad magic/version/byte-order mark/header length/metadata offset")
    if file_length != len(data) or payload_offset + payload_length != file_length:
        raise FormatError("file length fields disagree with the file")
    if payload_offset % 64 or payload_offset < 64 + metadata_length:
        raise FormatError("payload offset not aligned or overlapping the metadata")
    if any(data[64 + metadata_length:payload_offset]):
        raise FormatError("padding after the metadata is not zero")
    if _fnv1a_64(data[64:]) != checksum:
        raise FormatError("checksum mismatch")

    c = _Cursor(data[64:64 + metadata_length])
    model = {"model_name": c.string(), "description": c.string(), "tensors": []}
    extents = []
    for _ in range(c.take("<I")):
        name = c.string()
        data_type, rank = c.take("<BB")
        if data_type not in (1, 2) or rank > 8:
            raise FormatError(f"tensor '{name}': data type {data_type}, rank {rank}")
        dims = [c.take("<i") for _ in range(rank)]
        if any(d < 1 for d in dims):
            raise FormatError(f"tensor '{name}': dims {dims}")
        has_data = c.take("<B")
        value = None
        if has_data == 1:
            offset, length = c.take("<QQ")
            if offset % 64 or length != int(np.prod(dims, dtype=np.int64)) * 4 or offset + length > payload_length:
                raise FormatError(f"tensor '{name}': bad data extent {offset}+{length}")
            extents.append((offset, length))
            start = payload_offset + offset
            value = np.frombuffer(data[start:start + length], dtype="<f4" if data_type == 1 else "<i4")
            value = value.reshape(dims)
        elif has_data != 0:
            raise FormatError(f"tensor '{name}': has_data {has_data}")
        model["tensors"].append({"name": name, "data_type": data_type, "dims": dims, "value": value})
    tensor_count = len(model["tensors"])

    def indices(signed: bool):
        values = [c.take("<i" if signed else "<I") for _ in range(c.take("<I"))]
        for v in values:
            if not (0 <= v < tensor_count or (signed and v == -1)):
                raise FormatError(f"tensor index {v} out of range")
        return values

    model["inputs"] = indices(False)
    model["outputs"] = indices(False)
    model["operators"] = []
    for _ in range(c.take("<I")):
        op = {"type": c.string(), "inputs": indices(True), "outputs": indices(True), "attributes": {}}
        keys = []
        for _ in range(c.take("<I")):
            key = c.string()
            kind = c.take("<B")
            if kind == 1:
                value = c.take("<q")
            elif kind == 2:
                value = c.take("<d")
            elif kind == 3:
                value = c.string()
            elif kind in (4, 5):
                count = c.take("<I")
                value = [c.take("<q" if kind == 4 else "<d") for _ in range(count)]
            else:
                raise FormatError(f"attribute '{key}': kind {kind}")
            keys.append(key.encode("utf-8"))
            op["attributes"][key] = value
        if keys != sorted(keys) or len(set(keys)) != len(keys):
            raise FormatError(f"{op['type']}: attribute keys not sorted/unique")
        model["operators"].append(op)
    if c.pos != metadata_length:
        raise FormatError(f"{metadata_length - c.pos} unread metadata bytes")

    extents.sort()
    for (a_offset, a_length), (b_offset, _) in zip(extents, extents[1:]):
        if a_offset + a_length > b_offset:
            raise FormatError("constant data overlaps")
    return model
