"""The MetaPredictor: a hardware-conditioned latency predictor (HELP-style), and an accuracy predictor.

`MetaPredictor` reads a cell as a graph — node 0 the input, nodes 1-6 the six edges' ops (in NB201
string order), node 7 the output; an op node takes its inputs from the ops that produced its source
node — through 4 graph-convolution layers (7 -> 100), reads out the output node, concatenates a
hardware branch (10 -> 100 -> 100) on the device embedding and maps the 200 features through
200 -> 200 -> 1. The op features are the (soft or one-hot) op weights, so the predictor is
differentiable in the architecture. It is trained on the search devices only, reading their latency
through the guarded `SearchView`; zero-shot devices contribute nothing but their embedding.

Training target: `target="minmax"` (default) fits each device's latency min-max normalised over the
filtered space, so a 256-batch GPU (tens of ms) and a phone (hundreds) weigh the same; `"raw"` fits
raw milliseconds by MSE as the original did, where the slowest devices dominate the loss.
During search its outputs are min-max normalised with statistics of its *own* predictions over the
filtered space (`normalised_tables`), the only normalisation a zero-shot device allows.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from filelock import FileLock
from scipy import stats
from torch import nn

from benchmarks.data import data_home
from benchmarks.data.safe_load import load_torch_file
from benchmarks.io import atomic_write_bytes
from benchmarks.nb201.space import EDGES, N_EDGES, N_OPS
from modnas.search.config import AccuracyPredictorConfig, PredictorConfig

N_NODES = N_EDGES + 2
N_FEATURES = N_OPS + 2  # is-input, is-output, then the 5 op weights


def cell_adjacency() -> torch.Tensor:
    """(8, 8) row-normalised adjacency with self-loops; row i averages node i and its predecessors."""
    adjacency = torch.eye(N_NODES)
    for e, (source, target) in enumerate(EDGES):
        op_node = e + 1
        if source == 0:
            adjacency[op_node, 0] = 1.0
        for f, (_, into) in enumerate(EDGES):
            if into == source:
                adjacency[op_node, f + 1] = 1.0
        if target == 3:
            adjacency[N_NODES - 1, op_node] = 1.0
    return adjacency / adjacency.sum(dim=1, keepdim=True)


def node_features(op_weights: torch.Tensor) -> torch.Tensor:
    """(B, 6, 5) op weights -> (B, 8, 7) node features."""
    batch = op_weights.shape[0]
    features = op_weights.new_zeros(batch, N_NODES, N_FEATURES)
    features[:, 0, 0] = 1.0
    features[:, -1, 1] = 1.0
    features = features.clone()
    features[:, 1:-1, 2:] = op_weights
    return features


class MetaPredictor(nn.Module):
    def __init__(self, hidden: int = 100, hw_dim: int = 10, n_layers: int = 4):
        super().__init__()
        self.register_buffer("adjacency", cell_adjacency())
        dims = [N_FEATURES] + [hidden] * n_layers
        self.graph_layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.hardware = nn.Sequential(nn.Linear(hw_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.head = nn.Sequential(
            nn.Linear(2 * hidden, 2 * hidden), nn.ReLU(), nn.Linear(2 * hidden, 2 * hidden), nn.ReLU(),
            nn.Linear(2 * hidden, 1),
        )  # fmt: skip

    def graph_embedding(self, op_weights: torch.Tensor) -> torch.Tensor:
        h = node_features(op_weights)
        for layer in self.graph_layers:
            h = torch.relu(self.adjacency @ layer(h))
        return h[:, -1]  # the output node

    def forward(self, op_weights: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        """(B,) predictions for (B, 6, 5) op weights on (B, 10) or (10,) device embeddings."""
        graph = self.graph_embedding(op_weights)
        hardware = self.hardware(torch.as_tensor(embeddings, dtype=graph.dtype))
        if hardware.ndim == 1:
            hardware = hardware.expand(len(graph), -1)
        return self.head(torch.cat([graph, hardware], dim=1)).squeeze(-1)

    @torch.no_grad()
    def predict_all(self, one_hot_space: torch.Tensor, embeddings: torch.Tensor, chunk: int = 4096) -> torch.Tensor:
        """(D, N) predictions for every cell of the space on each of D devices (graph part computed once)."""
        graph = torch.cat([self.graph_embedding(one_hot_space[i : i + chunk]) for i in range(0, len(one_hot_space), chunk)])
        hardware = self.hardware(torch.as_tensor(embeddings, dtype=graph.dtype))
        rows = []
        for h in hardware:
            rows.append(self.head(torch.cat([graph, h.expand(len(graph), -1)], dim=1)).squeeze(-1))
        return torch.stack(rows)


def _targets(latency: np.ndarray, valid: np.ndarray, target: str) -> np.ndarray:
    if target == "raw":
        return latency
    if target == "minmax":
        low, high = latency[:, valid].min(axis=1, keepdims=True), latency[:, valid].max(axis=1, keepdims=True)
        return (latency - low) / (high - low)
    from benchmarks.errors import QueryError

    raise QueryError(f"unknown predictor target {target!r}; valid: minmax, raw")


def train_meta_predictor(view, config: PredictorConfig, progress=None) -> tuple[MetaPredictor, dict]:
    """Train on the search devices of `view` (a SearchView); returns the model and training facts."""
    devices = view.search_devices
    latency = np.stack([view.table("latency", device=d) for d in devices])  # (13, N)
    valid = view.table("error") < view.max_error
    targets = torch.as_tensor(_targets(latency, valid, config.target), dtype=torch.float32)
    embeddings = torch.as_tensor(view.devices.embeddings(devices), dtype=torch.float32)
    one_hot = torch.as_tensor(view.space.index_to_onehot(np.arange(len(view.space))))
    generator = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(len(one_hot), generator=generator)
    n_holdout = int(round(config.holdout * len(one_hot)))
    holdout, train = order[:n_holdout], order[n_holdout:]
    torch.manual_seed(config.seed)  # the layers' initial weights
    model = MetaPredictor(hidden=config.hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps)
    n_devices = len(devices)
    for _ in range(config.steps):
        cells = train[torch.randint(0, len(train), (config.batch_archs,), generator=generator)]
        graph = model.graph_embedding(one_hot[cells])  # (b, H)
        hardware = model.hardware(embeddings)  # (D, H)
        pairs = torch.cat(
            [graph[:, None, :].expand(-1, n_devices, -1), hardware[None, :, :].expand(len(cells), -1, -1)], dim=-1
        )
        prediction = model.head(pairs).squeeze(-1)  # (b, D)
        loss = ((prediction - targets[:, cells].T) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        if progress is not None:
            progress.update(1)
    model.eval()
    facts = {"final_mse": float(loss.detach())}
    if n_holdout:
        predicted = model.predict_all(one_hot[holdout], embeddings).numpy()
        facts["holdout_spearman_search"] = {
            d: float(stats.spearmanr(predicted[i], latency[i, holdout.numpy()]).statistic) for i, d in enumerate(devices)
        }
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model, facts


def predictor_cache_key(view, config: PredictorConfig) -> str:
    payload = {"predictor": asdict(config), "devices": list(view.search_devices), "data": view.provenance, "version": 1}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def load_or_train_meta_predictor(view, config: PredictorConfig, progress=None) -> tuple[MetaPredictor, dict]:
    """The trained predictor from the data cache, training and caching it on first use (file-locked)."""
    path = data_home() / "modnas" / "predictors" / f"metapredictor-{predictor_cache_key(view, config)}.pt"
    return _cached_model(
        path, lambda: MetaPredictor(hidden=config.hidden), lambda: train_meta_predictor(view, config, progress)
    )


def _cached_model(path: Path, build, train):
    """(frozen model, facts) from `path`, training and saving it (atomically, file-locked) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if path.is_file():
            stored = load_torch_file(path)
            model = build()
            model.load_state_dict(stored["state"])
            model.eval()
            for parameter in model.parameters():
                parameter.requires_grad_(False)
            return model, {**json.loads(stored["facts"]), "cached": True}
        model, facts = train()
        buffer = io.BytesIO()
        torch.save({"state": model.state_dict(), "facts": json.dumps(facts)}, buffer)
        atomic_write_bytes(path, buffer.getvalue())
    return model, {**facts, "cached": False}


def normalised_tables(predictions: torch.Tensor, valid: np.ndarray) -> torch.Tensor:
    """Min-max normalise each device's predictions with the range of its own predictions on valid cells."""
    mask = torch.as_tensor(valid)
    low = predictions[:, mask].min(dim=1, keepdim=True).values
    high = predictions[:, mask].max(dim=1, keepdim=True).values
    return (predictions - low) / (high - low)


def rank_correlations(predicted: np.ndarray, true: np.ndarray) -> dict:
    return {
        "spearman": float(stats.spearmanr(predicted, true).statistic),
        "kendall": float(stats.kendalltau(predicted, true).statistic),
    }


# --- accuracy predictor -------------------------------------------------------------------------


class AccuracyPredictor(nn.Module):
    """An MLP from the flattened (6 x 5) op weights to normalised error; differentiable in the architecture."""

    def __init__(self, hidden: int = 200):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(N_EDGES * N_OPS, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1)
        )

    def forward(self, op_weights: torch.Tensor) -> torch.Tensor:
        return self.net(op_weights.reshape(len(op_weights), -1)).squeeze(-1)


def train_accuracy_predictor(view, config: AccuracyPredictorConfig, normalised_error: np.ndarray):
    one_hot = torch.as_tensor(view.space.index_to_onehot(np.arange(len(view.space))))
    targets = torch.as_tensor(normalised_error, dtype=torch.float32)
    generator = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(len(one_hot), generator=generator)
    n_holdout = int(round(config.holdout * len(one_hot)))
    holdout, train = order[:n_holdout], order[n_holdout:]
    torch.manual_seed(config.seed)
    model = AccuracyPredictor(config.hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps)
    for _ in range(config.steps):
        cells = train[torch.randint(0, len(train), (config.batch,), generator=generator)]
        loss = ((model(one_hot[cells]) - targets[cells]) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    model.eval()
    facts = {"final_mse": float(loss.detach())}
    if n_holdout:
        with torch.no_grad():
            facts["holdout"] = rank_correlations(model(one_hot[holdout]).numpy(), normalised_error[holdout.numpy()])
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model, facts


def load_or_train_accuracy_predictor(view, config: AccuracyPredictorConfig, normalised_error: np.ndarray, dataset: str):
    payload = {"accuracy_predictor": asdict(config), "dataset": dataset, "data": view.provenance, "version": 1}
    key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
    path = data_home() / "modnas" / "predictors" / f"accuracy-{key}.pt"
    return _cached_model(
        path, lambda: AccuracyPredictor(config.hidden), lambda: train_accuracy_predictor(view, config, normalised_error)
    )
