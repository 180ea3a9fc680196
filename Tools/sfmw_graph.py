"""The in-memory graph that the converter writes to a `.sfmw` file.

A neutral description of one model, independent of TFLite: tensors (name, data type, dims, optional constant
data), graph inputs/outputs, and operators in execution order with their attributes. The format itself is
specified in docs/weight-format.md.
"""

from dataclasses import dataclass, field
from typing import Optional, Union

# Data type codes of the .sfmw format.
DATA_TYPE_FLOAT32 = 1
DATA_TYPE_INT32 = 2
DATA_TYPE_NAMES = {DATA_TYPE_FLOAT32: "float32", DATA_TYPE_INT32: "int32"}

# Attribute kind codes of the .sfmw format.
KIND_INT = 1
KIND_FLOAT = 2
KIND_STRING = 3
KIND_INT_LIST = 4
KIND_FLOAT_LIST = 5

AttributeValue = Union[int, float, str, list]


@dataclass(frozen=True)
class Attribute:
    """One operator attribute: a kind code (KIND_*) and its value (int, float, str or list)."""

    kind: int
    value: AttributeValue


@dataclass
class Tensor:
    """One tensor. `data` is the little-endian constant payload (product(dims) * 4 bytes) or None."""

    name: str
    data_type: int
    dims: list
    data: Optional[bytes] = None

    @property
    def element_count(self) -> int:
        count = 1
        for dim in self.dims:
            count *= dim
        return count


@dataclass
class Operator:
    """One operator: its type name, tensor indices (-1 = absent optional input) and attributes by key."""

    type: str
    inputs: list
    outputs: list
    attributes: dict = field(default_factory=dict)


@dataclass
class Graph:
    """A whole model: tensors, graph input/output tensor indices (model order) and operators (execution order)."""

    model_name: str
    description: str
    tensors: list
    inputs: list
    outputs: list
    operators: list
