"""The Once-for-All MobileNetV3 space (HELP's OFA subnets): arch dicts <-> fixed-length features.

An architecture has 5 stages of up to 4 blocks. It is written as HELP/OFA write it, a dict

    {"ks": [20 kernel sizes], "e": [20 expand ratios], "d": [5 depths], "r": resolution}

where block b of stage s is entry 4*s + b of `ks`/`e`, and only the first d[s] blocks of stage s
run. The entries of the skipped blocks carry no meaning (OFA samples them anyway), so the
encoding zeroes them: two dicts that differ only there build the same network and get the same
46 features

    ks_0..ks_19 (0 where skipped) | e_0..e_19 (0 where skipped) | d_0..d_4 | r

All functions are vectorised over (..., 46) arrays; only decoding dicts loops in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from benchmarks.errors import ArchitectureError

KERNEL_SIZES = (3, 5, 7)
EXPAND_RATIOS = (3, 4, 6)
DEPTHS = (2, 3, 4)
RESOLUTIONS = tuple(range(128, 225, 4))  # the 25 input sizes OFA samples: 128, 132, ..., 224
N_STAGES, MAX_BLOCKS = 5, 4
N_BLOCKS = N_STAGES * MAX_BLOCKS  # 20
FEATURE_NAMES = (
    tuple(f"ks_{i}" for i in range(N_BLOCKS))
    + tuple(f"e_{i}" for i in range(N_BLOCKS))
    + tuple(f"d_{s}" for s in range(N_STAGES))
    + ("r",)
)
N_FEATURES = len(FEATURE_NAMES)  # 46
_KS, _E, _D, _R = slice(0, 20), slice(20, 40), slice(40, 45), 45
_KEYS = ("ks", "e", "d", "r")


def active_blocks(depths: np.ndarray) -> np.ndarray:
    """(..., 5) stage depths -> (..., 20) mask of the blocks that run."""
    depths = np.asarray(depths)
    return (np.arange(MAX_BLOCKS) < depths[..., :, None]).reshape(*depths.shape[:-1], N_BLOCKS)


def _describe(where: str, field: str, position, value, valid) -> str:
    at = f"[{position}]" if position is not None else ""
    return f"OFA architecture {where}: {field}{at} = {value!r} is not valid; valid values: {', '.join(map(str, valid))}"


def _in_choices(values: np.ndarray, valid) -> np.ndarray:
    """Elementwise `values in valid` for small non-negative integer choices (a lookup, ~5x np.isin)."""
    lookup = np.zeros(max(valid) + 1, dtype=bool)
    lookup[list(valid)] = True
    inside = (values >= 0) & (values < len(lookup))
    return inside & lookup[np.where(inside, values, 0)]


def _check_choices(values: np.ndarray, valid, field: str, where_of) -> None:
    bad = ~_in_choices(values, valid)
    if bad.any():
        row, *col = np.argwhere(bad)[0]
        position = int(col[0]) if col else None
        raise ArchitectureError(_describe(where_of(int(row)), field, position, values[bad].flat[0].item(), valid))


def _one_arch(arch, number: int) -> np.ndarray:
    if not isinstance(arch, Mapping):
        raise ArchitectureError(
            f"OFA architecture {number}: expected a dict with keys ks, e, d, r, got {type(arch).__name__}"
        )
    missing = [k for k in _KEYS if k not in arch]
    extra = sorted(set(arch) - set(_KEYS))
    if missing or extra:
        raise ArchitectureError(
            f"OFA architecture {number}: keys must be exactly ks, e, d, r"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unexpected {', '.join(map(str, extra))}" if extra else "")
        )
    row = np.zeros(N_FEATURES, dtype=np.int64)
    for key, length, target in (("ks", N_BLOCKS, _KS), ("e", N_BLOCKS, _E), ("d", N_STAGES, _D)):
        values = arch[key]
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray) or len(values) != length:
            size = len(values) if hasattr(values, "__len__") else "no"
            raise ArchitectureError(f"OFA architecture {number}: {key!r} must list {length} integers, got {size}")
        try:
            row[target] = np.asarray(values, dtype=np.int64)
        except (TypeError, ValueError):
            raise ArchitectureError(f"OFA architecture {number}: {key!r} must hold integers, got {values!r}") from None
    if isinstance(arch["r"], bool) or not isinstance(arch["r"], int | np.integer):
        raise ArchitectureError(f"OFA architecture {number}: 'r' must be an integer resolution, got {arch['r']!r}")
    row[_R] = int(arch["r"])
    return row


def encode(archs) -> np.ndarray:
    """Arch dicts (one or a sequence) -> (46,) or (N, 46) float32 features, validated."""
    single = isinstance(archs, Mapping)
    items = [archs] if single else list(archs)
    if not items:
        return np.zeros((0, N_FEATURES), dtype=np.float32)
    raw = np.stack([_one_arch(arch, number) for number, arch in enumerate(items)])
    where = (lambda row: "(the given dict)") if single else str
    _check_choices(raw[:, _KS], KERNEL_SIZES, "ks", where)
    _check_choices(raw[:, _E], EXPAND_RATIOS, "e", where)
    _check_choices(raw[:, _D], DEPTHS, "d", where)
    _check_choices(raw[:, _R], RESOLUTIONS, "r", where)
    mask = active_blocks(raw[:, _D])
    raw[:, _KS] *= mask
    raw[:, _E] *= mask
    features = raw.astype(np.float32)
    return features[0] if single else features


def check_features(features) -> np.ndarray:
    """Validate an (..., 46) encoding (as `encode` writes it) and return it as float32."""
    array = np.asarray(features)
    if array.ndim == 0 or array.shape[-1] != N_FEATURES:
        raise ArchitectureError(f"OFA features have shape (..., {N_FEATURES}), got {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) and not np.issubdtype(array.dtype, np.complexfloating)):
        raise ArchitectureError(f"OFA features must be numbers, got dtype {array.dtype}")
    flat = array.reshape(-1, N_FEATURES)
    if not np.array_equal(flat, np.round(flat)):
        raise ArchitectureError("OFA features must be whole numbers (kernel sizes, expand ratios, depths, resolution)")
    flat = flat.astype(np.int64)
    where = lambda row: f"row {row}"  # noqa: E731
    _check_choices(flat[:, _D], DEPTHS, "d", where)
    _check_choices(flat[:, _R], RESOLUTIONS, "r", where)
    mask = active_blocks(flat[:, _D])
    for field, part, valid in (("ks", _KS, KERNEL_SIZES), ("e", _E, EXPAND_RATIOS)):
        values = flat[:, part]
        skipped_set = (values != 0) & ~mask
        if skipped_set.any():
            row, block = np.argwhere(skipped_set)[0]
            raise ArchitectureError(
                f"OFA features row {row}: {field}[{block}] = {values[row, block]} belongs to a skipped block "
                f"(stage depth {flat[row, _D][block // MAX_BLOCKS]}); skipped blocks must be 0"
            )
        active_bad = mask & ~_in_choices(values, valid)
        if active_bad.any():
            row, block = np.argwhere(active_bad)[0]
            raise ArchitectureError(_describe(f"row {row}", field, int(block), int(values[row, block]), valid))
    return array.astype(np.float32, copy=False)


def decode(features) -> list[dict]:
    """(N, 46) features -> arch dicts; skipped blocks get the smallest choices (they do not run)."""
    flat = check_features(features).reshape(-1, N_FEATURES).astype(np.int64)
    mask = active_blocks(flat[:, _D])
    ks = np.where(mask, flat[:, _KS], KERNEL_SIZES[0])
    e = np.where(mask, flat[:, _E], EXPAND_RATIOS[0])
    return [
        {"ks": ks[i].tolist(), "e": e[i].tolist(), "d": flat[i, _D].tolist(), "r": int(flat[i, _R])}
        for i in range(len(flat))
    ]


def sample(n: int, seed: int) -> np.ndarray:
    """n uniformly random valid encodings (each choice independent and uniform, as OFA samples)."""
    rng = np.random.default_rng(seed)
    depths = rng.choice(DEPTHS, size=(n, N_STAGES))
    mask = active_blocks(depths)
    features = np.zeros((n, N_FEATURES), dtype=np.float32)
    features[:, _KS] = rng.choice(KERNEL_SIZES, size=(n, N_BLOCKS)) * mask
    features[:, _E] = rng.choice(EXPAND_RATIOS, size=(n, N_BLOCKS)) * mask
    features[:, _D] = depths
    features[:, _R] = rng.choice(RESOLUTIONS, size=n)
    return features


class OFASpace:
    """Namespace object so that `bench.space` of every benchmark offers the same kind of helpers."""

    name = "ofa"
    feature_names = FEATURE_NAMES
    n_features = N_FEATURES

    encode = staticmethod(encode)
    decode = staticmethod(decode)
    check_features = staticmethod(check_features)
    sample = staticmethod(sample)
    active_blocks = staticmethod(active_blocks)
