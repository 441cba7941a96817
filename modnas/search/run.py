"""The MODNAS search loop on NB201: one search over the search devices, evaluation on all devices.

    >>> from modnas.search import preset, run_search
    >>> result = run_search(preset("quick", seed=0), out="runs/quick-0")
    >>> result.hv_mean, result.architectures["pixel2"][:3]

Each step draws fresh preferences r ~ Dirichlet(1) per search device, maps (r, d_t) through the
hypernetwork to architecture logits, forms the scalarised loss sum_m r_m L_m (L_m: a normalised
objective, through the configured estimator), takes one gradient per device and combines them
(MGD min-norm point, mean, or one step per device) for an Adam step of the hypernetwork. With the
supernet, every step first updates the hypernetwork on a validation batch, then the supernet
weights (SGD, mean gradient over devices) on a training batch, as the original.

Evaluation (per epoch and at the end): for each evaluation device, the hypernetwork's argmax
architecture for each of the 24 rays (or the simplex set for 3 objectives), scored by
`bench.task(device).evaluate(...)` on TRUE table metrics. The training side only ever sees a
`SearchView`, which refuses held-out devices' latency; evaluation alone holds the benchmark.

Run directory (`out`), every file written atomically:

- `config.json`: the `SearchConfig` as a dict (`SearchConfig.from_dict` reads it back).
- `provenance.json`: `modnas.provenance.run_record(config, seed, bench.provenance)` — config, seed,
  code version (git commit, dirty flag), platform and package versions, data sha256s, start time.
- `history.json`: a list, one entry per evaluated epoch: `{"epoch": int (1-based, completed),
  "step": int (hypernetwork updates so far), "seconds": float (search time so far), "loss":
  {objective: mean normalised value over the epoch's steps}, "hv": {device: float}, "hv_mean":
  float, "hv_mean_search": float, "hv_mean_test": float}`.
- `checkpoint.pt`: state to resume from (hypernetwork, optimisers, schedulers, the random
  generator, supernet, history, elapsed seconds); rewritten after every epoch. A rerun with the same
  config and `out` resumes from it and ends with exactly the numbers of an uninterrupted run.
- `hypernet.pt`: the final hypernetwork, `{"kind": str, "n_objectives": int, "options": dict,
  "state": state_dict}`; `load_hypernetwork(out)` rebuilds it.
- `logits.npz`: `logits` (n_eval_devices, n_rays, 6, 5) float32 architecture logits, `preferences`
  (n_rays, M), `devices` (names, in `eval_devices` order) — what MODNAS-E averages over seeds.
- `result.json`: `SearchResult.to_dict()`: `{"hv": {device: float}, "hv_mean", "hv_true": {device:
  float}, "hv_gap": {device: hv_true - hv}, "hv_linear": {device: HV of the best linear
  scalarisation with the same rays}, "hv_linear_gap": {device: hv_linear - hv}, "hv_random":
  {device: mean HV of as many random cells}, "seconds": float, "architectures": {device: [arch
  strings in ray order]}, "indices": {device: [int]}, "metrics": {device: {"hv", "gd", "gd_plus",
  "igd", "igd_plus", "n_archs", "nondominated"}}, "preferences": [[float]], "devices": {"search":
  [...], "test": [...]}, "predictor": {...training facts, "zero_shot": {device: {"spearman",
  "kendall"}}}, "history": [...], "seed": int, "config": {...}}`.
"""

from __future__ import annotations

import io
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

import surrogates
from benchmarks.errors import ModnasBenchError, QueryError
from benchmarks.io import atomic_write_bytes, atomic_write_json
from modnas.provenance import run_record
from modnas.search import estimators
from modnas.search.config import SearchConfig
from modnas.search.guard import SearchView
from modnas.search.hypernetwork import build_hypernetwork, pretrain_uniform
from modnas.search.mgd import combine_gradients
from modnas.search.objectives import Objectives, check_available
from modnas.search.predictor import rank_correlations
from modnas.search.preferences import evaluation_preferences, sample_dirichlet
from modnas.search.reference import linear_scalarisation_indices, random_hv


class ResumeMismatchError(ModnasBenchError):
    """A run directory holds a checkpoint of a different configuration."""


@dataclass(frozen=True)
class SearchResult:
    config: SearchConfig
    hv: dict
    hv_true: dict
    metrics: dict
    hv_linear: dict  # per device: HV of the best linear scalarisation with the same rays (true tables)
    hv_random: dict  # per device: mean HV of as many uniformly random cells (100 draws)
    architectures: dict
    indices: dict
    logits: np.ndarray = field(repr=False)  # (n_eval_devices, n_rays, 6, 5)
    preferences: np.ndarray = field(repr=False)
    seconds: float = 0.0
    history: tuple = field(default=(), repr=False)
    predictor: dict = field(default_factory=dict, repr=False)
    run_dir: str | None = None
    complete: bool = True  # False when stopped early (stop_after_epoch) before the last epoch

    @property
    def hv_mean(self) -> float:
        return float(np.mean(list(self.hv.values())))

    def to_dict(self) -> dict:
        test = [d for d in self.config.eval_devices if d not in self.config.search_devices]
        return {
            "hv": self.hv,
            "hv_mean": self.hv_mean,
            "hv_true": self.hv_true,
            "hv_gap": {d: self.hv_true[d] - self.hv[d] for d in self.hv},
            "hv_linear": self.hv_linear,
            "hv_linear_gap": {d: self.hv_linear[d] - self.hv[d] for d in self.hv},
            "hv_random": self.hv_random,
            "seconds": self.seconds,
            "architectures": self.architectures,
            "indices": self.indices,
            "metrics": self.metrics,
            "preferences": self.preferences.tolist(),
            "devices": {"search": list(self.config.search_devices), "test": test},
            "predictor": self.predictor,
            "history": list(self.history),
            "seed": self.config.seed,
            "config": self.config.to_dict(),
            "complete": self.complete,
        }


# --- hypernetwork -> architectures ---------------------------------------------------------------


@torch.no_grad()
def hypernet_logits(hypernet, embeddings, preferences) -> np.ndarray:
    """(D, R, 6, 5) logits for D device embeddings (D, 10) and R preferences (R, M)."""
    embeddings = torch.as_tensor(np.atleast_2d(embeddings), dtype=torch.float32)
    preferences = torch.as_tensor(np.atleast_2d(preferences), dtype=torch.float32)
    rows = [hypernet(preferences, e.expand(len(preferences), -1)) for e in embeddings]
    return torch.stack(rows).numpy()


def architectures_for(hypernet, space, embeddings, preferences) -> np.ndarray:
    """(D, R) architecture indices: the argmax op per edge of the hypernetwork's logits."""
    return space.onehot_to_index(hypernet_logits(hypernet, embeddings, preferences))


def load_hypernetwork(run_dir):
    """The trained hypernetwork of a run directory (and the run's config)."""
    from benchmarks.data.safe_load import load_torch_file

    run_dir = Path(run_dir)
    stored = load_torch_file(run_dir / "hypernet.pt")
    kind = "mlp" if stored["kind"] == "mlp" else "bank"
    hypernet = build_hypernetwork(kind, int(stored["n_objectives"]), **stored["options"])
    hypernet.load_state_dict(stored["state"])
    hypernet.eval()
    config = SearchConfig.from_dict(json.loads((run_dir / "config.json").read_text()))
    return hypernet, config


# --- evaluation ----------------------------------------------------------------------------------


class Evaluator:
    """Scores the hypernetwork's architectures on every evaluation device from true table metrics."""

    def __init__(self, bench, config: SearchConfig):
        self.bench, self.config = bench, config
        self.devices = tuple(config.eval_devices)
        self.tasks = {d: bench.task(d, dataset=config.dataset, objectives=config.objectives) for d in self.devices}
        self.embeddings = bench.devices.embeddings(self.devices)
        self.preferences = evaluation_preferences(len(config.objectives), config.n_rays, config.ray_input)

    def __call__(self, hypernet, full: bool = False) -> dict:
        logits = hypernet_logits(hypernet, self.embeddings, self.preferences)
        indices = self.bench.space.onehot_to_index(logits)
        out = {"logits": logits, "indices": indices, "hv": {}, "metrics": {}}
        for row, device in enumerate(self.devices):
            task = self.tasks[device]
            if full:
                evaluation = task.evaluate(indices[row])
                out["metrics"][device] = evaluation.to_dict()
                out["hv"][device] = evaluation.hv
            else:
                out["hv"][device] = task.hv(indices[row])
        return out

    def summary(self, hv: dict) -> dict:
        search = [hv[d] for d in self.devices if d in self.config.search_devices]
        test = [hv[d] for d in self.devices if d not in self.config.search_devices]
        return {
            "hv_mean": float(np.mean(list(hv.values()))),
            "hv_mean_search": float(np.mean(search)) if search else None,
            "hv_mean_test": float(np.mean(test)) if test else None,
        }


# --- the search ----------------------------------------------------------------------------------


class Search:
    """All state of one search; `run` drives it epoch by epoch with checkpoints."""

    def __init__(self, config: SearchConfig, view: SearchView, progress: bool):
        self.config = config
        self.view = view
        self.generator = torch.Generator().manual_seed(config.seed)
        self.objectives = Objectives(view, config)
        self.code_order = torch.as_tensor(estimators.code_order(view.space))
        self.embeddings = self.objectives.embeddings  # (D, 10), search devices only
        self.n_devices = len(config.search_devices)
        options = {"n_keys": config.n_keys, "n_bins": config.n_bins, "hidden": config.mlp_hidden}
        self.hypernet_options = {k: v for k, v in options.items() if v is not None}
        self.hypernet = build_hypernetwork(config.hypernet, len(config.objectives), self.generator, **self.hypernet_options)
        if hasattr(self.hypernet, "standardise_embeddings"):  # the MLP form: d relative to the search devices
            self.hypernet.standardise_embeddings(self.embeddings)
        self.trained = config.hypernet != "random"
        if self.trained and config.pretrain_steps:
            pretrain_uniform(self.hypernet, self.embeddings, self.generator, steps=config.pretrain_steps)
        lr = config.arch_lr * (self.n_devices if config.scale_arch_lr else 1)
        self.optimizer = torch.optim.Adam(
            self.hypernet.parameters(), lr=lr, betas=tuple(config.arch_betas), weight_decay=config.arch_weight_decay
        )
        self.scheduler = (
            torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, config.epochs, eta_min=0.0)
            if config.arch_lr_schedule == "cosine"
            else None
        )
        self.tables = self.objectives.tables() if config.estimator in ("exact", "score") else None
        # The exact estimator contracts the tables edge by edge, so it keeps them in code order.
        self.tables_by_code = self.tables[:, :, self.code_order].contiguous() if self.tables is not None else None
        self.supernet = None
        if config.accuracy == "supernet":
            self._build_supernet()
        self.epoch = 0
        self.step = 0
        self.history: list[dict] = []
        self.elapsed = 0.0
        self.progress = progress

    # supernet ---------------------------------------------------------------------------------

    def _build_supernet(self) -> None:
        from modnas.search.supernet import NB201Supernet, load_splits

        cfg = self.config.supernet
        self.data = load_splits(cfg)
        torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=self.generator)))
        self.supernet = NB201Supernet(cfg.channels, cfg.cells_per_stage, self.data.n_classes, self.data.train_x.shape[1])
        # The original scales the weight lr by the number of devices when it averages their gradients.
        self.weight_optimizer = torch.optim.SGD(
            self.supernet.parameters(), lr=cfg.lr * self.n_devices, momentum=cfg.momentum, weight_decay=cfg.weight_decay
        )
        self.weight_scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.weight_optimizer, self.config.epochs, eta_min=cfg.lr_min
        )
        self.ce_seen: list[float] = []
        self.valid_batch = None
        self.objectives.set_function("error", self._supernet_error)

    def _supernet_error(self, one_hot: torch.Tensor, device_index: int) -> torch.Tensor:
        """CE of each sampled architecture on the step's validation batch, min-max normalised by the
        range of the CE values seen so far in the epoch (raw CE until that range exists)."""
        images, labels = self.valid_batch
        losses = torch.stack([F.cross_entropy(self.supernet(images, w), labels) for w in one_hot])
        self.ce_seen.extend(float(x) for x in losses.detach())
        low, high = min(self.ce_seen), max(self.ce_seen)
        return (losses - low) / (high - low) if high > low else losses

    def _batches_per_epoch(self) -> int:
        cfg = self.config.supernet
        n = math.ceil(len(self.data.train_x) / cfg.batch_size)
        return min(n, cfg.max_steps_per_epoch) if cfg.max_steps_per_epoch else n

    def steps_per_epoch(self) -> int:
        return self._batches_per_epoch() if self.supernet is not None else self.config.steps_per_epoch

    # one hypernetwork update ------------------------------------------------------------------

    def _tau(self) -> float:
        c = self.config
        return c.tau_max - (c.tau_max - c.tau_min) * self.epoch / max(c.epochs - 1, 1)

    def device_loss(self, device_index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(scalar loss whose gradient is the estimator's, (M,) mean objective values) for one device."""
        c = self.config
        m = len(c.objectives)
        preferences = sample_dirichlet(c.prefs_per_device, m, self.generator)
        logits = self.hypernet(preferences, self.embeddings[device_index])
        if c.estimator == "exact":
            losses = estimators.exact_expectation(logits, self.tables_by_code[device_index])
        elif c.estimator == "score":
            ops = estimators.sample_op_ids(logits, c.score_samples, self.generator)  # (B, K, 6)
            values = self.tables[device_index][:, self.view.space.ops_to_index(ops.numpy())]  # (M, B, K)
            values = torch.as_tensor(values).permute(1, 2, 0)  # (B, K, M)
            scalarised = (values * preferences[:, None, :]).sum(dim=-1)
            surrogate = estimators.score_function_surrogate(logits, ops, scalarised)
            loss = surrogate.mean()
            if c.cosine == "detached":  # a constant: changes the logged loss, not the gradient
                loss = loss - c.cosine_weight * F.cosine_similarity(values.mean(1), preferences, dim=-1).mean().detach()
            return loss, values.mean(dim=(0, 1)).detach()
        else:
            one_hot = estimators.sample_architectures(logits, c.estimator, self.generator, tau=self._tau())
            losses = self.objectives.differentiable(one_hot, device_index)
        loss = (preferences * losses).sum(dim=-1)
        if c.cosine != "off":
            cosine = F.cosine_similarity(losses, preferences, dim=-1)
            # The original computed this term from a re-created tensor, so it carried no gradient.
            loss = loss - c.cosine_weight * (cosine.detach() if c.cosine == "detached" else cosine)
        return loss.mean(), losses.mean(dim=0).detach()

    def hypernet_step(self) -> torch.Tensor:
        c = self.config
        params = [p for p in self.hypernet.parameters()]
        leak = self.supernet is not None and c.supernet.leak_valid_grads
        supernet_params = list(self.supernet.parameters()) if leak else []
        grads, values = [], []
        for device_index in range(self.n_devices):
            loss, value = self.device_loss(device_index)
            values.append(value)
            got = torch.autograd.grad(loss, params + supernet_params, allow_unused=True)
            flat = torch.cat([
                (g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(got[: len(params)], params)
            ])  # fmt: skip
            if leak:  # reproduce the original's defect: validation gradients stay in the supernet's .grad
                for p, g in zip(supernet_params, got[len(params) :]):
                    if g is not None:
                        p.grad = g if p.grad is None else p.grad + g
            if c.grad_combine == "sequential":
                if c.grad_unit_norm:
                    flat = flat / flat.norm().clamp_min(1e-12)
                self._apply(flat, params)
            else:
                grads.append(flat)
        if c.grad_combine != "sequential":
            direction, _ = combine_gradients(torch.stack(grads), c.grad_combine, c.grad_unit_norm)
            self._apply(direction, params)
        self.step += 1
        return torch.stack(values).mean(dim=0)

    def _apply(self, flat: torch.Tensor, params) -> None:
        offset = 0
        for p in params:
            p.grad = flat[offset : offset + p.numel()].view_as(p).clone()
            offset += p.numel()
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)

    def weight_step(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        """Supernet SGD step: the mean over devices of the CE of each device's sampled architecture."""
        c = self.config
        if not c.supernet.leak_valid_grads:
            self.weight_optimizer.zero_grad(set_to_none=True)
        for device_index in range(self.n_devices):
            preferences = sample_dirichlet(1, len(c.objectives), self.generator)
            with torch.no_grad():
                logits = self.hypernet(preferences, self.embeddings[device_index])
                one_hot = estimators.sample_architectures(logits, c.estimator, self.generator, tau=self._tau())
                one_hot = (one_hot > 0.5).float()  # exactly one-hot, so only the chosen ops run
            loss = F.cross_entropy(self.supernet(images, one_hot[0]), labels) / self.n_devices
            loss.backward()
        torch.nn.utils.clip_grad_norm_(self.supernet.parameters(), c.supernet.grad_clip)
        self.weight_optimizer.step()
        self.weight_optimizer.zero_grad(set_to_none=True)

    def run_epoch(self, bar) -> dict:
        totals = torch.zeros(len(self.config.objectives))
        n_steps = self.steps_per_epoch()
        if self.supernet is not None:
            from modnas.search.supernet import augment_batch

            cfg = self.config.supernet
            self.ce_seen = []
            self.supernet.train()
            order = torch.randperm(len(self.data.train_x), generator=self.generator)
            for batch in range(n_steps):
                pick = torch.randint(0, len(self.data.valid_x), (cfg.batch_size,), generator=self.generator)
                self.valid_batch = (self.data.valid_x[pick], self.data.valid_y[pick])
                totals += self.hypernet_step() if self.trained else 0.0
                rows = order[batch * cfg.batch_size : (batch + 1) * cfg.batch_size]
                images = self.data.train_x[rows]
                if self.data.augment:
                    images = augment_batch(images, self.generator)
                self.weight_step(images, self.data.train_y[rows])
                bar.update(1)
            self.weight_scheduler.step()
        else:
            for _ in range(n_steps):
                totals += self.hypernet_step()
                bar.update(1)
        if self.scheduler is not None:
            self.scheduler.step()
        self.epoch += 1
        return {name: float(v) for name, v in zip(self.config.objectives, totals / max(n_steps, 1))}

    # checkpoints ------------------------------------------------------------------------------

    def state(self) -> dict:
        state = {
            "config": json.dumps(self.config.to_dict(), sort_keys=True),
            "epoch": self.epoch,
            "step": self.step,
            "elapsed": self.elapsed,
            "history": json.dumps(self.history),
            "generator": self.generator.get_state(),
            "hypernet": self.hypernet.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler else None,
        }
        if self.supernet is not None:
            state.update(
                supernet=self.supernet.state_dict(),
                weight_optimizer=self.weight_optimizer.state_dict(),
                weight_scheduler=self.weight_scheduler.state_dict(),
            )
        return state

    def load_state(self, state: dict) -> None:
        self.epoch, self.step, self.elapsed = int(state["epoch"]), int(state["step"]), float(state["elapsed"])
        self.history = json.loads(state["history"])
        self.generator.set_state(state["generator"])
        self.hypernet.load_state_dict(state["hypernet"])
        self.optimizer.load_state_dict(state["optimizer"])
        if self.scheduler is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        if self.supernet is not None:
            self.supernet.load_state_dict(state["supernet"])
            self.weight_optimizer.load_state_dict(state["weight_optimizer"])
            self.weight_scheduler.load_state_dict(state["weight_scheduler"])


def _save_torch(path: Path, payload) -> None:
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def run_search(
    config: SearchConfig,
    out=None,
    *,
    bench=None,
    resume: bool = True,
    progress: bool = False,
    stop_after_epoch: int | None = None,
) -> SearchResult:
    """Run (or resume) one search and evaluate it; writes the run directory `out` when given.

    `stop_after_epoch` ends the call after that many completed epochs, leaving a checkpoint (this is
    how an interruption is simulated); the returned result is then marked `complete=False`.
    """
    config = config.validate()
    threads = torch.get_num_threads()
    if config.threads:
        torch.set_num_threads(config.threads)
    try:
        return _run(config, out, bench, resume, progress, stop_after_epoch)
    finally:
        torch.set_num_threads(threads)


def _run(config, out, bench, resume, progress, stop_after_epoch) -> SearchResult:
    started = time.perf_counter()
    bench = bench if bench is not None else surrogates.load(config.benchmark)  # tables pass through
    check_available(bench, config)  # before any file is written or anything trained
    out = Path(out) if out is not None else None
    checkpoint = out / "checkpoint.pt" if out is not None else None
    state = None
    if checkpoint is not None and checkpoint.is_file() and resume:
        from benchmarks.data.safe_load import load_torch_file

        state = load_torch_file(checkpoint)
        if json.loads(state["config"]) != json.loads(json.dumps(config.to_dict(), sort_keys=True)):
            raise ResumeMismatchError(
                f"{out} holds a checkpoint of a different search config; use another --out or remove {checkpoint}"
            )
    if out is not None and state is None:
        atomic_write_json(out / "config.json", config.to_dict())
        atomic_write_json(out / "provenance.json", run_record(config.to_dict(), config.seed, bench.provenance))

    view = SearchView(bench, config.search_devices)
    search = Search(config, view, progress)
    evaluator = Evaluator(bench, config)
    if state is not None:
        search.load_state(state)
    setup_seconds = time.perf_counter() - started

    total_epochs = config.epochs if search.trained else 0
    steps = search.steps_per_epoch()
    with tqdm(
        total=total_epochs * steps,
        initial=search.epoch * steps,
        disable=not progress,
        file=sys.stderr,
        desc=f"search seed {config.seed}",
        leave=False,
    ) as bar:
        while search.epoch < total_epochs:
            if stop_after_epoch is not None and search.epoch >= stop_after_epoch:
                break
            epoch_start = time.perf_counter()
            losses = search.run_epoch(bar)
            search.elapsed += time.perf_counter() - epoch_start
            if search.epoch % config.eval_every == 0 or search.epoch == total_epochs:
                scores = evaluator(search.hypernet)
                entry = {"epoch": search.epoch, "step": search.step, "seconds": search.elapsed, "loss": losses}
                entry.update(hv=scores["hv"], **evaluator.summary(scores["hv"]))
                search.history.append(entry)
                bar.set_postfix(hv=f"{entry['hv_mean']:.4f}")
            if checkpoint is not None:
                _save_torch(checkpoint, search.state())

    final = evaluator(search.hypernet, full=True)
    complete = search.epoch >= total_epochs
    predictor_facts = dict(search.objectives.facts)
    if search.objectives.latency_predictor is not None:
        predictor_facts["zero_shot"] = _zero_shot_correlations(bench, config, search.objectives)
    space = bench.space
    result = SearchResult(
        config=config,
        hv=final["hv"],
        hv_true={d: evaluator.tasks[d].hv_true for d in evaluator.devices},
        hv_linear={d: task.hv(linear_scalarisation_indices(task, evaluator.preferences)) for d, task in evaluator.tasks.items()},
        hv_random={d: random_hv(task, len(evaluator.preferences)) for d, task in evaluator.tasks.items()},
        metrics=final["metrics"],
        architectures={d: [str(s) for s in space.index_to_str(final["indices"][i])] for i, d in enumerate(evaluator.devices)},
        indices={d: [int(x) for x in final["indices"][i]] for i, d in enumerate(evaluator.devices)},
        logits=final["logits"],
        preferences=evaluator.preferences,
        seconds=search.elapsed + setup_seconds,
        history=tuple(search.history),
        predictor=predictor_facts,
        run_dir=str(out) if out is not None else None,
        complete=complete,
    )
    if out is not None and complete:
        _write_outputs(out, search, result)
    return result


def _zero_shot_correlations(bench, config: SearchConfig, objectives: Objectives) -> dict:
    """Spearman and Kendall rank correlation of predicted vs true latency on the held-out devices
    (evaluation only: the predictor was trained without them)."""
    held_out = [d for d in config.eval_devices if d not in config.search_devices]
    if not held_out:
        return {}
    embeddings = torch.as_tensor(bench.devices.embeddings(held_out), dtype=torch.float32)
    predicted = objectives.latency_predictor.predict_all(objectives.one_hot_space, embeddings).numpy()
    return {d: rank_correlations(predicted[i], bench.table("latency", device=d)) for i, d in enumerate(held_out)}


def _write_outputs(out: Path, search: Search, result: SearchResult) -> None:
    kind = "mlp" if type(search.hypernet).__name__ == "MLPHypernetwork" else "bank"
    _save_torch(
        out / "hypernet.pt",
        {
            "kind": kind,
            "n_objectives": len(search.config.objectives),
            "options": search.hypernet_options,
            "state": search.hypernet.state_dict(),
        },
    )
    buffer = io.BytesIO()
    np.savez(
        buffer,
        logits=result.logits.astype(np.float32),
        preferences=result.preferences,
        devices=np.asarray(search.config.eval_devices),
    )
    atomic_write_bytes(out / "logits.npz", buffer.getvalue())
    atomic_write_json(out / "history.json", list(result.history))
    atomic_write_json(out / "result.json", result.to_dict())


def load_result(run_dir) -> dict:
    """The `result.json` of a finished run directory."""
    path = Path(run_dir) / "result.json"
    if not path.is_file():
        raise QueryError(f"{run_dir} holds no finished search (no result.json)")
    return json.loads(path.read_text())
