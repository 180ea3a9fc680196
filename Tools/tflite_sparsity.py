"""Densifies constants stored in TFLite's sparsity format (the `SparsityParameters` table of schema.fbs).

MediaPipe's `face_detection_full_range_sparse.tflite` stores 46 fp16 weight tensors sparsely; a DENSIFY operator
expands each one at run time. The converter expands them once, here, so the .sfmw holds ordinary dense weights.

The format (TFLite schema.fbs, `SparsityParameters`, `DimensionMetadata`):
- The dense tensor of shape (d_0, …, d_{n-1}) is seen as a blocked tensor: every original dimension listed in
  `block_map` is split into (outer, block) parts; the blocked tensor has n + len(block_map) dimensions, the last
  len(block_map) being the block dimensions in `block_map` order.
- `traversal_order` lists the blocked dimensions in the order the stored values walk them (outermost first);
  `dim_metadata[level]` describes the dimension visited at `level`.
- A DENSE level iterates 0..<dense_size; its position is parent_position · dense_size + i.
- A SPARSE_CSR level stores only the non-zero coordinates: positions array_segments[parent]..<array_segments[parent+1]
  of array_indices give the coordinates; the position is the index into array_indices.
- Values are stored in traversal order; every leaf reached takes the next value.
"""

import numpy as np
import tflite

DIMENSION_DENSE = tflite.DimensionType.DENSE
DIMENSION_SPARSE_CSR = tflite.DimensionType.SPARSE_CSR

# SparseIndexVector union member -> the generated table class holding its values.
_INDEX_VECTOR_CLASSES = {
    tflite.SparseIndexVector.Int32Vector: tflite.Int32Vector,
    tflite.SparseIndexVector.Uint16Vector: tflite.Uint16Vector,
    tflite.SparseIndexVector.Uint8Vector: tflite.Uint8Vector,
}


class SparsityError(Exception):
    """The sparsity parameters are malformed or inconsistent with the tensor."""


def _index_vector(kind, table, what: str) -> np.ndarray:
    if kind not in _INDEX_VECTOR_CLASSES or table is None:
        raise SparsityError(f"{what}: missing or unknown index vector type {kind}")
    vector = _INDEX_VECTOR_CLASSES[kind]()
    vector.Init(table.Bytes, table.Pos)
    return vector.ValuesAsNumpy().astype(np.int64) if vector.ValuesLength() else np.zeros(0, np.int64)


def sparsity_levels(sparsity) -> tuple:
    """(traversal_order, block_map, levels) with one (format, dense_size, segments, indices) per level."""
    traversal = [int(v) for v in sparsity.TraversalOrderAsNumpy()] if sparsity.TraversalOrderLength() else []
    block_map = [int(v) for v in sparsity.BlockMapAsNumpy()] if sparsity.BlockMapLength() else []
    if sparsity.DimMetadataLength() != len(traversal):
        raise SparsityError(f"{sparsity.DimMetadataLength()} dimension metadata for {len(traversal)} levels")
    levels = []
    for level in range(len(traversal)):
        metadata = sparsity.DimMetadata(level)
        kind = metadata.Format()
        if kind == DIMENSION_DENSE:
            levels.append((kind, int(metadata.DenseSize()), None, None))
        elif kind == DIMENSION_SPARSE_CSR:
            segments = _index_vector(metadata.ArraySegmentsType(), metadata.ArraySegments(), f"level {level} segments")
            indices = _index_vector(metadata.ArrayIndicesType(), metadata.ArrayIndices(), f"level {level} indices")
            levels.append((kind, 0, segments, indices))
        else:
            raise SparsityError(f"level {level}: unknown dimension format {kind}")
    return traversal, block_map, levels


def densify(values: np.ndarray, dense_shape: list, traversal: list, block_map: list, levels: list) -> np.ndarray:
    """The dense tensor (shape `dense_shape`, dtype of `values`) that the stored `values` describe."""
    rank = len(dense_shape)
    if sorted(traversal) != list(range(rank + len(block_map))):
        raise SparsityError(f"traversal order {traversal} is not a permutation of {rank + len(block_map)} dimensions")
    if any(not 0 <= d < rank for d in block_map) or len(set(block_map)) != len(block_map):
        raise SparsityError(f"block map {block_map} does not name distinct dimensions of rank {rank}")
    # Block sizes come from the metadata of the block dimensions (always DENSE in TFLite's encoder).
    block_size = {}
    for level, dimension in enumerate(traversal):
        if dimension >= rank:
            kind, size, _, _ = levels[level]
            if kind != DIMENSION_DENSE or size <= 0:
                raise SparsityError(f"block dimension {dimension} must be DENSE with a positive size")
            block_size[block_map[dimension - rank]] = size
    dense = np.zeros(int(np.prod(dense_shape, dtype=np.int64)), dtype=values.dtype)
    strides = [int(np.prod(dense_shape[k + 1:], dtype=np.int64)) for k in range(rank)]
    coordinate = [0] * len(traversal)       # blocked coordinate, indexed by blocked dimension
    consumed = 0

    def leaf():
        nonlocal consumed
        flat = 0
        for k in range(rank):
            index = coordinate[k]
            if k in block_size:
                index = index * block_size[k] + coordinate[rank + block_map.index(k)]
            if not 0 <= index < dense_shape[k]:
                raise SparsityError(f"coordinate {index} outside dimension {k} of size {dense_shape[k]}")
            flat += index * strides[k]
        if consumed >= values.size:
            raise SparsityError(f"the metadata describe more than the {values.size} stored values")
        dense[flat] = values[consumed]
        consumed += 1

    def visit(level: int, position: int):
        if level == len(traversal):
            leaf()
            return
        kind, size, segments, indices = levels[level]
        dimension = traversal[level]
        if kind == DIMENSION_DENSE:
            for i in range(size):
                coordinate[dimension] = i
                visit(level + 1, position * size + i)
        else:
            if position + 1 >= segments.size:
                raise SparsityError(f"level {level}: segment {position} past the {segments.size - 1} segments")
            start, end = int(segments[position]), int(segments[position + 1])
            if not 0 <= start <= end <= indices.size:
                raise SparsityError(f"level {level}: segment [{start}, {end}) outside {indices.size} indices")
            for i in range(start, end):
                coordinate[dimension] = int(indices[i])
                visit(level + 1, i)

    visit(0, 0)
    if consumed != values.size:
        raise SparsityError(f"{values.size} stored values, the metadata use {consumed}")
    return dense.reshape(dense_shape)


def densify_tensor(tensor, raw: bytes, element: str) -> np.ndarray:
    """The dense values of a sparse constant `tensor` (a tflite.Tensor) whose buffer is `raw`, as `element`."""
    sparsity = tensor.Sparsity()
    if sparsity is None:
        raise SparsityError(f"tensor '{tensor.Name().decode()}' has no sparsity parameters")
    traversal, block_map, levels = sparsity_levels(sparsity)
    shape = [int(d) for d in tensor.ShapeAsNumpy()]
    values = np.frombuffer(raw, dtype=element)
    return densify(values, shape, traversal, block_map, levels)
