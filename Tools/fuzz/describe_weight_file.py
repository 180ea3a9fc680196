"""Prints the graph inside a (possibly damaged) `.sfmw` file, for triaging fuzzer findings.

Usage: python3 Tools/fuzz/describe_weight_file.py FILE [--resealed]

--resealed applies the same repair as the FuzzWeightLoaderResealed target (file length, payload length and
checksum rewritten) before reading, so a crash file of that target is shown as the target saw it. The reader is
lenient: it prints everything it can parse and stops at the first structural problem with a message, without
checking the checksum. Standard library only.
"""

import struct
import sys

KINDS = {1: "<q", 2: "<d"}


def fnv1a_64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def reseal(data):
    """The FuzzWeightLoaderResealed repair (see Sources/FuzzHarness/WeightFileResealing.swift)."""
    if len(data) < 64:
        return data
    data = bytearray(data)
    struct.pack_into("<Q", data, 56, len(data))
    payload_offset = struct.unpack_from("<Q", data, 32)[0]
    if payload_offset <= len(data):
        struct.pack_into("<Q", data, 40, len(data) - payload_offset)
    struct.pack_into("<Q", data, 48, fnv1a_64(data[64:]))
    return bytes(data)


class Cursor:
    def __init__(self, data, start, end):
        self.data, self.pos, self.end = data, start, end

    def take(self, fmt):
        size = struct.calcsize(fmt)
        if self.pos + size > self.end:
            raise ValueError(f"metadata ends at byte {self.end}, needed {size} more bytes at {self.pos}")
        value = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += size
        return value

    def string(self):
        length = self.take("<I")
        if self.pos + length > self.end:
            raise ValueError(f"string of {length} bytes at {self.pos} runs past the metadata")
        raw = self.data[self.pos:self.pos + length]
        self.pos += length
        return raw.decode("utf-8", errors="backslashreplace")


def describe(data):
    if len(data) < 64:
        print(f"{len(data)} bytes: shorter than the header")
        return
    magic, version, bom, header_length, meta_offset, meta_length, payload_offset, payload_length, checksum, \
        file_length = struct.unpack_from("<4sIIIQQQQQQ", data, 0)
    print(f"{len(data)} bytes; magic {magic!r} version {version} bom {bom:#x} header {header_length}")
    print(f"metadata {meta_offset}+{meta_length}, payload {payload_offset}+{payload_length}, "
          f"file length {file_length}, checksum {checksum:#x} (actual {fnv1a_64(data[64:]):#x})")
    cursor = Cursor(data, meta_offset, min(meta_offset + meta_length, len(data)))
    try:
        print(f"name {cursor.string()!r} description {cursor.string()!r}")
        for index in range(cursor.take("<I")):
            name = cursor.string()
            data_type, rank = cursor.take("<B"), cursor.take("<B")
            dims = [cursor.take("<i") for _ in range(rank)]
            has_data = cursor.take("<B")
            where = ""
            if has_data == 1:
                where = f" data @{cursor.take('<Q')}+{cursor.take('<Q')}"
            print(f"  tensor {index} {name!r} type {data_type} dims {dims} has_data {has_data}{where}")
        print(f"inputs {[cursor.take('<I') for _ in range(cursor.take('<I'))]}")
        print(f"outputs {[cursor.take('<I') for _ in range(cursor.take('<I'))]}")
        for index in range(cursor.take("<I")):
            op_type = cursor.string()
            inputs = [cursor.take("<i") for _ in range(cursor.take("<I"))]
            outputs = [cursor.take("<i") for _ in range(cursor.take("<I"))]
            attributes = {}
            for _ in range(cursor.take("<I")):
                key, kind = cursor.string(), cursor.take("<B")
                if kind in KINDS:
                    attributes[key] = cursor.take(KINDS[kind])
                elif kind == 3:
                    attributes[key] = cursor.string()
                elif kind in (4, 5):
                    attributes[key] = [cursor.take(KINDS[kind - 3]) for _ in range(cursor.take("<I"))]
                else:
                    raise ValueError(f"attribute {key!r} has unknown kind {kind}")
            print(f"  op {index} {op_type!r} in {inputs} out {outputs} {attributes}")
        if cursor.pos != cursor.end:
            print(f"{cursor.end - cursor.pos} unparsed metadata bytes")
    except ValueError as error:
        print(f"stopped: {error}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as handle:
        data = handle.read()
    describe(reseal(data) if "--resealed" in sys.argv[2:] else data)


if __name__ == "__main__":
    main()
