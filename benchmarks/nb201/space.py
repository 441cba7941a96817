"""The NAS-Bench-201 cell space: arch string <-> index <-> 6x5 op matrix / one-hot, vectorised.

A cell has 4 nodes and 6 edges (0->1 | 0->2, 1->2 | 0->3, 1->3, 2->3), each carrying one of 5 ops.
The string form is `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. Architecture *indices* follow the
NAS-Bench-201 / NATS-Bench / HW-NAS-Bench order, which is not a simple enumeration: it comes from the
`str_arch2idx` table, so the space is built from that table (see `NB201Space.from_strings`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from benchmarks.errors import ArchitectureError

OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))  # (source, target), in string order
N_EDGES, N_OPS = len(EDGES), len(OPS)
N_ARCHS = N_OPS**N_EDGES  # 15625
_OP_ID = {op: i for i, op in enumerate(OPS)}
_CODE_WEIGHTS = N_OPS ** np.arange(N_EDGES - 1, -1, -1)  # base-5 code of an op vector


def parse_arch(text: str) -> tuple[int, ...]:
    """Op ids of the 6 edges of an arch string; the error names the offending token."""
    if not isinstance(text, str):
        raise ArchitectureError(f"an NB201 architecture string must be a str, got {type(text).__name__}")
    nodes = text.split("+")
    if len(nodes) != 3:
        raise ArchitectureError(
            f"malformed NB201 architecture {text!r}: expected 3 node groups separated by '+', got {len(nodes)}"
        )
    ops: list[int] = []
    for target, group in enumerate(nodes, start=1):
        if not (group.startswith("|") and group.endswith("|")) or len(group) < 2:
            raise ArchitectureError(
                f"malformed NB201 architecture {text!r}: node group {group!r} must look like '|op~0|...|'"
            )
        tokens = group[1:-1].split("|")
        if len(tokens) != target:
            raise ArchitectureError(
                f"malformed NB201 architecture {text!r}: node {target} needs {target} inputs, got {len(tokens)} in {group!r}"
            )
        for source, token in enumerate(tokens):
            op, sep, src = token.partition("~")
            if op not in _OP_ID:
                raise ArchitectureError(
                    f"malformed NB201 architecture {text!r}: token {token!r} has unknown op {op!r}; "
                    f"valid ops: {', '.join(OPS)}"
                )
            if sep != "~" or src != str(source):
                raise ArchitectureError(
                    f"malformed NB201 architecture {text!r}: token {token!r} must read '{op}~{source}' "
                    f"(input {source} of node {target})"
                )
            ops.append(_OP_ID[op])
    return tuple(ops)


def format_arch(ops: Sequence[int]) -> str:
    names = [OPS[int(o)] for o in ops]
    groups, position = [], 0
    for target in (1, 2, 3):
        groups.append("|" + "|".join(f"{names[position + s]}~{s}" for s in range(target)) + "|")
        position += target
    return "+".join(groups)


def ops_to_onehot(ops: np.ndarray) -> np.ndarray:
    """(..., 6) op ids -> (..., 6, 5) float32 one-hot matrices."""
    return np.eye(N_OPS, dtype=np.float32)[np.asarray(ops, dtype=np.int64)]


def onehot_to_ops(onehot: np.ndarray) -> np.ndarray:
    """(..., 6, 5) one-hot (or logits: argmax per edge) -> (..., 6) op ids."""
    onehot = np.asarray(onehot)
    if onehot.shape[-2:] != (N_EDGES, N_OPS):
        raise ArchitectureError(f"an NB201 op matrix has shape (..., {N_EDGES}, {N_OPS}), got {onehot.shape}")
    return onehot.argmax(axis=-1)


class NB201Space:
    """Vectorised encodings for the 15625 cells, in NAS-Bench-201 index order."""

    def __init__(self, ops_by_index: np.ndarray, strings: np.ndarray | None = None):
        ops_by_index = np.asarray(ops_by_index, dtype=np.uint8)
        if ops_by_index.shape != (N_ARCHS, N_EDGES):
            raise ArchitectureError(f"op table must have shape ({N_ARCHS}, {N_EDGES}), got {ops_by_index.shape}")
        codes = ops_by_index.astype(np.int64) @ _CODE_WEIGHTS
        if np.unique(codes).size != N_ARCHS:
            raise ArchitectureError("op table does not list every NB201 cell exactly once")
        self.ops_by_index = ops_by_index
        self.ops_by_index.setflags(write=False)
        self._index_by_code = np.empty(N_ARCHS, dtype=np.int64)
        self._index_by_code[codes] = np.arange(N_ARCHS)
        if strings is None:
            strings = [format_arch(o) for o in ops_by_index]
        self.strings = np.asarray(strings, dtype=object)
        self._index_by_string = {s: i for i, s in enumerate(self.strings)}

    @classmethod
    def from_strings(cls, string_to_index: dict[str, int]) -> NB201Space:
        ops = np.full((N_ARCHS, N_EDGES), 255, dtype=np.uint8)
        for text, index in string_to_index.items():
            ops[int(index)] = parse_arch(text)
        if (ops == 255).any():
            missing = int(np.flatnonzero((ops == 255).any(axis=1))[0])
            raise ArchitectureError(f"the string table has no architecture with index {missing}")
        return cls(ops)

    def __len__(self) -> int:
        return N_ARCHS

    def check_indices(self, indices) -> np.ndarray:
        array = np.asarray(indices)
        if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
            raise ArchitectureError(f"NB201 indices must be integers, got dtype {array.dtype}")
        bad = (array < 0) | (array >= N_ARCHS)
        if bad.any():
            raise ArchitectureError(
                f"NB201 index {int(array[bad].flat[0])} out of range; valid indices are 0..{N_ARCHS - 1}"
            )
        return array.astype(np.int64, copy=False)

    def to_indices(self, archs) -> np.ndarray:
        """Indices of ints, arch strings or arrays of either (shape preserved)."""
        if isinstance(archs, str):
            return np.asarray(self.str_to_index(archs))
        array = np.asarray(archs)
        if array.dtype.kind in "USO":
            return self.str_to_index(array)
        return self.check_indices(array)

    def str_to_index(self, strings):
        if isinstance(strings, str):
            return self._one_str_to_index(strings)
        array = np.asarray(strings, dtype=object)
        return np.fromiter((self._one_str_to_index(s) for s in array.flat), np.int64, array.size).reshape(array.shape)

    def _one_str_to_index(self, text: str) -> int:
        index = self._index_by_string.get(text)
        if index is None:  # not canonical: parse for a precise error, or map an equivalent spelling
            index = int(self.ops_to_index(np.array(parse_arch(str(text)))))
        return index

    def index_to_str(self, indices):
        indices = self.check_indices(indices)
        if indices.ndim == 0:
            return str(self.strings[indices])
        return self.strings[indices]

    def index_to_ops(self, indices) -> np.ndarray:
        return self.ops_by_index[self.check_indices(indices)]

    def ops_to_index(self, ops) -> np.ndarray:
        ops = np.asarray(ops)
        if ops.shape[-1:] != (N_EDGES,):
            raise ArchitectureError(f"NB201 op vectors have {N_EDGES} entries, got shape {ops.shape}")
        if not np.issubdtype(ops.dtype, np.integer) or ((ops < 0) | (ops >= N_OPS)).any():
            raise ArchitectureError(f"NB201 op ids must be integers in 0..{N_OPS - 1} ({', '.join(OPS)})")
        return self._index_by_code[ops.astype(np.int64) @ _CODE_WEIGHTS]

    def index_to_onehot(self, indices) -> np.ndarray:
        return ops_to_onehot(self.index_to_ops(indices))

    def onehot_to_index(self, onehot) -> np.ndarray:
        return self.ops_to_index(onehot_to_ops(onehot))
