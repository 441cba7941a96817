"""Architecture -> model input features, per space (vectorised).

The benchmarks layer owns the encodings; this adds a few derived columns that trees cannot build
cheaply from the raw ones (counts, size proxies), because a depth-3 tree needs many splits to
approximate a sum over 20 blocks.
"""

from __future__ import annotations

import numpy as np

from benchmarks.nb201.space import N_OPS
from benchmarks.ofa import space as ofa_space

FEATURE_VERSION = "1"


def nb201_features(ops: np.ndarray) -> np.ndarray:
    """(N, 6) op ids -> (N, 35): one-hot of each edge's op (30) and the count of each op (5)."""
    ops = np.asarray(ops, dtype=np.int64)
    onehot = np.eye(N_OPS, dtype=np.float32)[ops]  # (N, 6, 5)
    return np.concatenate([onehot.reshape(len(ops), -1), onehot.sum(axis=1)], axis=1)


def ofa_features(encoding: np.ndarray) -> np.ndarray:
    """(N, 46) OFA encodings -> (N, 53): the encoding, per-stage sum of e*ks^2 over the blocks that
    run (a depthwise-conv size proxy), that total times resolution^2, and the total expand ratio."""
    enc = np.asarray(encoding, dtype=np.float32)
    ks, e = enc[:, 0:20], enc[:, 20:40]
    stage_cost = (e * ks**2).reshape(len(enc), ofa_space.N_STAGES, ofa_space.MAX_BLOCKS).sum(axis=2)
    resolution = enc[:, 45:46]
    total = stage_cost.sum(axis=1, keepdims=True) * resolution**2 / 1e4
    return np.concatenate([enc, stage_cost, total, e.sum(axis=1, keepdims=True)], axis=1)


def hat_features(features: np.ndarray) -> np.ndarray:
    """(N, 10) HAT features -> (N, 15): plus decoder layers x each decoder per-layer feature."""
    f = np.asarray(features, dtype=np.float32)
    return np.concatenate([f, f[:, 5:6] * f[:, [4, 6, 7, 8, 9]]], axis=1)
