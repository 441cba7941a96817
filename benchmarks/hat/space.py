"""The HAT SubTransformer space (WMT'14 En-De / En-Fr latency datasets) and its 10 features.

A SubTransformer is written as HAT writes it:

    {"encoder": {"encoder_embed_dim": 640, "encoder_layer_num": 6,
                 "encoder_ffn_embed_dim": [6 ints], "encoder_self_attention_heads": [6 ints]},
     "decoder": {"decoder_embed_dim": 512, "decoder_layer_num": 1..6,
                 "decoder_ffn_embed_dim": [...], "decoder_self_attention_heads": [...],
                 "decoder_ende_attention_heads": [...], "decoder_arbitrary_ende_attn": [...]}}

(per-layer lists hold at least `*_layer_num` entries; entries past it are ignored). Its features are
the 10 numbers HAT's latency predictor reads and HAT's latency CSVs store: the embedding sizes, the
layer numbers, and the per-layer choices averaged over the layers that run, with the encoder-decoder
attention span coded -1, 1, 2 -> 1, 2, 3 (last 1, 2 or 3 encoder layers).

The choices are those HAT sampled its latency datasets from (`configs/*/latency_dataset/*.yml`):
a superset of the SuperTransformer space (it adds FFN 512 and 2 heads).

Averaged features are only meaningful on the lattice a real SubTransformer reaches (e.g. an encoder
FFN mean is a sum of 6 choices over 6); `check_features` checks exactly that, vectorised.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np

from benchmarks.errors import ArchitectureError

EMBED_DIMS = (512, 640)
ENCODER_LAYERS = (6,)
DECODER_LAYERS = (1, 2, 3, 4, 5, 6)
FFN_DIMS = (512, 1024, 2048, 3072)
HEADS = (2, 4, 8)
ENDE_ATTN = (-1, 1, 2)  # attend to the last 1, 2 or 3 encoder layers
ENDE_ATTN_CODE = {-1: 1, 1: 2, 2: 3}  # HAT's feature coding
MAX_LAYERS = 6

FEATURE_NAMES = (
    "encoder_embed_dim",
    "encoder_layer_num",
    "encoder_ffn_embed_dim_avg",
    "encoder_self_attention_heads_avg",
    "decoder_embed_dim",
    "decoder_layer_num",
    "decoder_ffn_embed_dim_avg",
    "decoder_self_attention_heads_avg",
    "decoder_ende_attention_heads_avg",
    "decoder_arbitrary_ende_attn_avg",
)
N_FEATURES = len(FEATURE_NAMES)
# (feature column, per-layer choices in feature coding, which layer count it averages over)
_AVERAGED = (
    (2, FFN_DIMS, "encoder"),
    (3, HEADS, "encoder"),
    (6, FFN_DIMS, "decoder"),
    (7, HEADS, "decoder"),
    (8, HEADS, "decoder"),
    (9, tuple(ENDE_ATTN_CODE.values()), "decoder"),
)
_ENCODER_KEYS = ("encoder_embed_dim", "encoder_layer_num", "encoder_ffn_embed_dim", "encoder_self_attention_heads")
_DECODER_KEYS = (
    "decoder_embed_dim", "decoder_layer_num", "decoder_ffn_embed_dim", "decoder_self_attention_heads",
    "decoder_ende_attention_heads", "decoder_arbitrary_ende_attn",
)  # fmt: skip


@cache
def _reachable_sums(choices: tuple[int, ...], n_layers: int) -> np.ndarray:
    """All sums of n_layers values drawn (with repetition) from choices."""
    sums = {0}
    for _ in range(n_layers):
        sums = {s + c for s in sums for c in choices}
    return np.array(sorted(sums))


def _scalar(section: Mapping, key: str, valid, where: str) -> int:
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) not in valid:
        raise ArchitectureError(f"HAT SubTransformer {where}: {key} = {value!r}; valid values: {', '.join(map(str, valid))}")
    return int(value)


def _layers(section: Mapping, key: str, n_layers: int, valid, where: str) -> list[int]:
    values = section[key]
    if isinstance(values, str | bytes) or not hasattr(values, "__len__") or not n_layers <= len(values) <= MAX_LAYERS:
        raise ArchitectureError(
            f"HAT SubTransformer {where}: {key} must list between {n_layers} (the layer number) and {MAX_LAYERS} "
            f"per-layer values, got {values!r}"
        )
    for position, value in enumerate(values[:n_layers]):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) not in valid:
            raise ArchitectureError(
                f"HAT SubTransformer {where}: {key}[{position}] = {value!r}; valid values: {', '.join(map(str, valid))}"
            )
    return [int(v) for v in values[:n_layers]]


def _check_keys(config, where: str) -> None:
    if not isinstance(config, Mapping) or set(config) != {"encoder", "decoder"}:
        raise ArchitectureError(f"HAT SubTransformer {where}: expected a dict with exactly the keys 'encoder' and 'decoder'")
    for part, keys in (("encoder", _ENCODER_KEYS), ("decoder", _DECODER_KEYS)):
        section = config[part]
        if not isinstance(section, Mapping) or set(section) != set(keys):
            got = sorted(section) if isinstance(section, Mapping) else type(section).__name__
            raise ArchitectureError(f"HAT SubTransformer {where}: {part!r} must have exactly the keys {', '.join(keys)}; got {got}")


def _one_config(config, where: str) -> np.ndarray:
    _check_keys(config, where)
    enc, dec = config["encoder"], config["decoder"]
    n_enc = _scalar(enc, "encoder_layer_num", ENCODER_LAYERS, where)
    n_dec = _scalar(dec, "decoder_layer_num", DECODER_LAYERS, where)
    ende = _layers(dec, "decoder_arbitrary_ende_attn", n_dec, ENDE_ATTN, where)
    return np.array(
        [
            _scalar(enc, "encoder_embed_dim", EMBED_DIMS, where),
            n_enc,
            np.mean(_layers(enc, "encoder_ffn_embed_dim", n_enc, FFN_DIMS, where)),
            np.mean(_layers(enc, "encoder_self_attention_heads", n_enc, HEADS, where)),
            _scalar(dec, "decoder_embed_dim", EMBED_DIMS, where),
            n_dec,
            np.mean(_layers(dec, "decoder_ffn_embed_dim", n_dec, FFN_DIMS, where)),
            np.mean(_layers(dec, "decoder_self_attention_heads", n_dec, HEADS, where)),
            np.mean(_layers(dec, "decoder_ende_attention_heads", n_dec, HEADS, where)),
            np.mean([ENDE_ATTN_CODE[v] for v in ende]),
        ]
    )


def features(configs) -> np.ndarray:
    """SubTransformer config dict(s) -> (10,) or (N, 10) float64 features, validated."""
    if isinstance(configs, Mapping):
        return _one_config(configs, "(the given dict)")
    rows = [_one_config(c, str(i)) for i, c in enumerate(configs)]
    return np.stack(rows) if rows else np.zeros((0, N_FEATURES))


def check_features(array) -> np.ndarray:
    """Validate (..., 10) features: each must be reachable by a real SubTransformer. Returns float64."""
    array = np.asarray(array)
    if array.ndim == 0 or array.shape[-1] != N_FEATURES:
        raise ArchitectureError(f"HAT features have shape (..., {N_FEATURES}) ({', '.join(FEATURE_NAMES)}), got {array.shape}")
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ArchitectureError(f"HAT features must be real numbers, got dtype {array.dtype}")
    flat = array.reshape(-1, N_FEATURES).astype(np.float64)
    if not np.isfinite(flat).all():
        raise ArchitectureError("HAT features must be finite")
    for column, valid in ((0, EMBED_DIMS), (1, ENCODER_LAYERS), (4, EMBED_DIMS), (5, DECODER_LAYERS)):
        bad = ~np.isin(flat[:, column], valid)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ArchitectureError(
                f"HAT features row {row}: {FEATURE_NAMES[column]} = {flat[row, column]:g}; "
                f"valid values: {', '.join(map(str, valid))}"
            )
    layer_count = {"encoder": flat[:, 1].astype(np.int64), "decoder": flat[:, 5].astype(np.int64)}
    for column, choices, part in _AVERAGED:
        n = layer_count[part]
        sums = flat[:, column] * n
        nearest = np.round(sums)
        ok = np.abs(sums - nearest) <= 1e-6 * np.maximum(1.0, np.abs(sums))
        for layers in np.unique(n):
            rows = n == layers
            ok[rows] &= np.isin(nearest[rows], _reachable_sums(choices, int(layers)))
        if not ok.all():
            row = int(np.flatnonzero(~ok)[0])
            raise ArchitectureError(
                f"HAT features row {row}: {FEATURE_NAMES[column]} = {flat[row, column]:g} is not the mean of "
                f"{n[row]} per-layer choices from {', '.join(map(str, choices))}"
            )
    return flat.reshape(array.shape)


def sample(n: int, seed: int) -> np.ndarray:
    """Features of n SubTransformers with every choice independent and uniform (as HAT samples)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, N_FEATURES))
    out[:, 0] = rng.choice(EMBED_DIMS, n)
    out[:, 1] = ENCODER_LAYERS[0]
    out[:, 4] = rng.choice(EMBED_DIMS, n)
    n_dec = rng.choice(DECODER_LAYERS, n)
    out[:, 5] = n_dec
    decoder_active = np.arange(MAX_LAYERS) < n_dec[:, None]
    for column, choices, part in _AVERAGED:
        per_layer = rng.choice(choices, (n, MAX_LAYERS)).astype(np.float64)
        if part == "encoder":
            out[:, column] = per_layer.mean(axis=1)
        else:
            out[:, column] = (per_layer * decoder_active).sum(axis=1) / n_dec
    return out


def homogeneous_config(embed: int, ffn: int, heads: int, decoder_layers: int, ende_attn: int) -> dict:
    """A SubTransformer whose layers all make the same choices (encoder and decoder alike)."""
    return {
        "encoder": {
            "encoder_embed_dim": embed,
            "encoder_layer_num": 6,
            "encoder_ffn_embed_dim": [ffn] * MAX_LAYERS,
            "encoder_self_attention_heads": [heads] * MAX_LAYERS,
        },
        "decoder": {
            "decoder_embed_dim": embed,
            "decoder_layer_num": decoder_layers,
            "decoder_ffn_embed_dim": [ffn] * MAX_LAYERS,
            "decoder_self_attention_heads": [heads] * MAX_LAYERS,
            "decoder_ende_attention_heads": [heads] * MAX_LAYERS,
            "decoder_arbitrary_ende_attn": [ende_attn] * MAX_LAYERS,
        },
    }


class HATSpace:
    """Namespace object so that `bench.space` of every benchmark offers the same kind of helpers."""

    name = "hat"
    feature_names = FEATURE_NAMES
    n_features = N_FEATURES

    features = staticmethod(features)
    check_features = staticmethod(check_features)
    sample = staticmethod(sample)
    homogeneous_config = staticmethod(homogeneous_config)
