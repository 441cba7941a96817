"""Fidelity of a surrogate on held-out architectures, and the fidelity table for the figure pipeline.

Plotting belongs to `paper_figs/`; this module returns data (and writes CSV/Markdown tables).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

from benchmarks.io import atomic_write_text

METRIC_KEYS = ("spearman", "kendall", "r2", "mae")


def fidelity(measured, predicted) -> dict:
    """Spearman rho, Kendall tau-b, R^2 and MAE (units of the target) of predictions vs measurements."""
    measured = np.asarray(measured, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    residual = measured - predicted
    total = ((measured - measured.mean()) ** 2).sum()
    return {
        "spearman": float(stats.spearmanr(measured, predicted).statistic),
        "kendall": float(stats.kendalltau(measured, predicted).statistic),
        "r2": float(1.0 - (residual**2).sum() / total) if total > 0 else float("nan"),
        "mae": float(np.abs(residual).mean()),
        "n_test": int(measured.size),
    }


def fidelity_rows(report: dict) -> list[dict]:
    """Flatten an `evaluate_space` report into one row per (section, device or dataset)."""
    rows = []
    sections = (
        ("latency", "per-device latency"),
        ("zero_shot", "hardware-conditioned, zero-shot device"),
        ("hardware_search", "hardware-conditioned, search device"),
        ("accuracy", "accuracy"),
    )
    for section, model in sections:
        for subject, metrics in report.get(section, {}).items():
            rows.append(
                {
                    "space": report["space"],
                    "model": model,
                    "subject": subject,
                    **{k: metrics[k] for k in METRIC_KEYS},
                    "n_train": metrics["n_train"],
                    "n_test": metrics["n_test"],
                    "train_fraction": metrics["train_fraction"],
                }
            )
    return rows


def fidelity_table(spaces=None, seed: int = 0, root: Path | None = None):
    """A pandas DataFrame with one row per model x device/dataset over the given spaces (default all)."""
    import pandas as pd

    from surrogates.spaces import SPACES
    from surrogates.training import evaluate_space

    rows = []
    for space in spaces or SPACES:
        rows += fidelity_rows(evaluate_space(space, seed=seed, root=root))
    return pd.DataFrame(rows)


def write_fidelity_table(table, out_dir: Path, stem: str = "surrogate-fidelity") -> dict[str, Path]:
    """Write the table as CSV and Markdown (atomically). Returns {"csv": path, "md": path}."""
    out_dir = Path(out_dir)
    csv_path, md_path = out_dir / f"{stem}.csv", out_dir / f"{stem}.md"
    atomic_write_text(csv_path, table.to_csv(index=False, float_format="%.6g"))
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    lines = [header, rule]
    for row in table.itertuples(index=False):
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    atomic_write_text(md_path, "\n".join(lines) + "\n")
    return {"csv": csv_path, "md": md_path}


def scatter_data(space: str, model_id: str, seed: int = 0, root: Path | None = None, rounds_scale: float = 1.0) -> dict:
    """Measured vs predicted values on the held-out architectures of one model (for a scatter plot).

    `model_id` is "latency-<device>", "accuracy-<dataset>" (nb201) or "zero-shot-<held-out device>".
    """
    from surrogates.spaces import SpaceData, resolve, split_indices
    from surrogates.training import _hardware_rows, ensure_models, predict

    spec = resolve(space)
    data = SpaceData(spec)
    hardware = model_id.startswith("zero-shot-")
    wanted = ["hardware-latency" if hardware else model_id]
    models = ensure_models(spec.name, seed=seed, root=root, data=data, ids=wanted, rounds_scale=rounds_scale)
    model = next(iter(models.values()))
    _, test = split_indices(data.n_rows(), model.meta["train_fraction"], seed)
    if hardware:
        X, y = _hardware_rows(data, [model_id.removeprefix("zero-shot-")], test)
    else:
        kind, _, subject = model_id.partition("-")
        X, y = data.latency(subject) if kind == "latency" else data.accuracy(subject)
        X, y = X[test], y[test]
    predicted = predict(model.booster, X)
    return {"space": spec.name, "model": model_id, "measured": y, "predicted": predicted, **fidelity(y, predicted)}
