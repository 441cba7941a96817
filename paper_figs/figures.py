"""The NB201 figures and tables, each drawn from logged runs only (it never runs a search).

Every `draw_*` function takes the collected run logs, the benchmark and an output folder, writes its
files and returns a `Drawn` record holding the numbers it drew, so tests can check content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.io import atomic_write_text
from benchmarks.nb201.devices import MODNAS_DEVICES, TEST_DEVICES
from paper_figs import plots
from paper_figs.logs import RunLogs
from paper_figs.style import style_for
from paper_figs.tables import mean_ci, summarise, write_table

BLACK_BOX = ("rs", "ls", "morea", "nsga2", "ehvi", "parego")
HYPERNET_SIDE = ("modnas", "modnas-e", "rhpn", "help")
METRICS = {"hv": "HV", "gd": "GD", "gd_plus": "GD+", "igd": "IGD", "igd_plus": "IGD+"}
HIGHER_IS_BETTER = {"hv": True, "gd": False, "gd_plus": False, "igd": False, "igd_plus": False}
MODNAS_EXPERIMENT = "nb201-modnas"
BASELINE_EXPERIMENTS = ("nb201-baselines", "nb201-proposals", "nb201-modnas-e")


class MissingRunsError(Exception):
    """The logs lack runs a figure needs."""


@dataclass
class Drawn:
    files: list[Path]
    data: dict = field(default_factory=dict)


# --- numbers from the logs ---------------------------------------------------------------------


def _tasks(bench, objectives=("error", "latency")):
    return {d: bench.task(d, objectives=objectives) for d in MODNAS_DEVICES}


def _final_baseline_runs(logs: RunLogs, experiments) -> list:
    """Per (label, device, seed) the run with the largest budget."""
    best = {}
    for run in logs.baselines:
        if run.experiment not in experiments:
            continue
        key = (run.label, run.device, run.seed)
        if key not in best or run.budget > best[key].budget:
            best[key] = run
    return list(best.values())


def metric_values(logs: RunLogs, bench, metric: str = "hv") -> dict[str, dict[str, list[float]]]:
    """label -> device -> values over seeds, for MODNAS search runs and every baseline run."""
    tasks = _tasks(bench)
    values: dict[str, dict[str, list[float]]] = {}
    for run in logs.search_runs(MODNAS_EXPERIMENT):
        for device, entry in run.result["metrics"].items():
            values.setdefault(run.label, {}).setdefault(device, []).append(float(entry[metric]))
    for run in _final_baseline_runs(logs, BASELINE_EXPERIMENTS):
        if run.device not in tasks:
            continue
        if metric == "hv":
            value = float(run.result["hv"])
        else:
            value = getattr(tasks[run.device].evaluate(run.result["evaluated_indices"]), metric)
        values.setdefault(run.label, {}).setdefault(run.device, []).append(value)
    return values


def _require(logs: RunLogs, experiments) -> None:
    missing = [e for e in experiments if e not in logs.experiments()]
    if missing:
        raise MissingRunsError(f"missing runs of experiment(s) {', '.join(missing)} under {logs.root}")


def _ordered_labels(labels) -> list[str]:
    known = [m for m in (*HYPERNET_SIDE, *BLACK_BOX) if m in labels]
    return known + sorted(set(labels) - set(known))


# --- figures ---------------------------------------------------------------------------------


def draw_hv_radar(logs: RunLogs, bench, out: Path) -> Drawn:
    _require(logs, [MODNAS_EXPERIMENT, "nb201-baselines"])
    files, data = [], {}
    for metric, name in METRICS.items():
        values = metric_values(logs, bench, metric)
        # the paper's methods only; variants (e.g. help-oracle) appear in the HV table
        labels = [label for label in _ordered_labels(values) if label in (*HYPERNET_SIDE, *BLACK_BOX)]
        series = {label: {d: float(np.mean(v)) for d, v in values[label].items()} for label in labels}
        if metric == "hv":
            series["true-front"] = {d: bench.task(d).hv_true for d in MODNAS_DEVICES}
        fig, _ = plots.radar(series, list(MODNAS_DEVICES), TEST_DEVICES, f"NB201 / CIFAR-10: {name} per device", name)
        stem = out / ("nb201-hv-radar" if metric == "hv" else f"nb201-{metric.replace('_', '-')}-radar")
        files += plots.save(fig, stem)
        data[metric] = series
    return Drawn(files, data)


def draw_hv_table(logs: RunLogs, bench, out: Path) -> Drawn:
    _require(logs, [MODNAS_EXPERIMENT, "nb201-baselines"])
    values = metric_values(logs, bench, "hv")
    long = pd.DataFrame(
        [{"device": d, "method": label, "hv": v} for label, per in values.items() for d, vs in per.items() for v in vs]
    )
    summary = summarise(long, "device", "method", "hv")
    labels = _ordered_labels(values)
    files = write_table(summary, "device", "method", out / "nb201-hv-table", row_order=MODNAS_DEVICES,
                        column_order=labels, caption="NB201 HV per device (mean +- 95% CI over seeds)")  # fmt: skip
    return Drawn(files, {"summary": summary, "labels": labels})


def draw_pareto(logs: RunLogs, bench, out: Path, devices=TEST_DEVICES) -> Drawn:
    _require(logs, [MODNAS_EXPERIMENT, "nb201-baselines"])
    modnas = logs.search_runs(MODNAS_EXPERIMENT, "modnas")
    if not modnas:
        raise MissingRunsError(f"no 'modnas' search runs in {MODNAS_EXPERIMENT}")
    reference = modnas[0]
    hv = metric_values(logs, bench, "hv")
    panels, rows = {}, []
    for device in devices:
        task = bench.task(device)
        black_box = {m: np.mean(hv[m][device]) for m in BLACK_BOX if m in hv and device in hv[m]}
        best = max(black_box, key=black_box.get) if black_box else None
        series = {"true-front": task.true_front, "modnas": task.objectives_of(reference.result["indices"][device])}
        if best is not None:
            run = min((r for r in logs.baseline_runs("nb201-baselines", best) if r.device == device), key=lambda r: r.seed)
            evaluated = task.evaluate(run.result["evaluated_indices"])
            series[best] = task.objectives_of(list(evaluated.nondominated))
        panels[device] = series
        for method, points in series.items():
            rows += [{"device": device, "method": method, "error_n": p[0], "latency_n": p[1]} for p in points]
    fig, _ = plots.pareto_panels(panels, "normalised error", "normalised latency")
    files = plots.save(fig, out / "nb201-pareto")
    atomic_write_text(out / "nb201-pareto.csv", pd.DataFrame(rows).to_csv(index=False))
    return Drawn(files + [out / "nb201-pareto.csv"], {"panels": panels})


def evaluations_to_match(trace_mean: np.ndarray, target: float) -> int | None:
    reached = np.flatnonzero(trace_mean >= target)
    return int(reached[0]) + 1 if reached.size else None


def draw_hv_vs_evals(logs: RunLogs, bench, out: Path, panel_devices=TEST_DEVICES) -> Drawn:
    _require(logs, [MODNAS_EXPERIMENT, "nb201-baselines"])
    modnas = metric_values(logs, bench, "hv").get("modnas", {})
    traces: dict[str, dict[str, list[np.ndarray]]] = {}
    for run in _final_baseline_runs(logs, ("nb201-baselines",)):
        traces.setdefault(run.label, {}).setdefault(run.device, []).append(np.asarray(run.result["hv_trace"]))
    panels, rows = {}, []
    for device in MODNAS_DEVICES:
        series = {}
        for label in _ordered_labels(traces):
            if device not in traces[label]:
                continue
            length = min(len(t) for t in traces[label][device])
            stacked = np.stack([t[:length] for t in traces[label][device]])
            mean = stacked.mean(axis=0)
            half = 1.96 * stacked.std(axis=0, ddof=1) / np.sqrt(len(stacked)) if len(stacked) > 1 else np.zeros(length)
            series[label] = (np.arange(1, length + 1), mean, half)
            target = float(np.mean(modnas[device])) if device in modnas else np.nan
            rows.append({"device": device, "method": label, "budget": length,
                         "evals_to_match_modnas": evaluations_to_match(mean, target) if np.isfinite(target) else None,
                         "modnas_hv": target, "hv_at_budget": float(mean[-1])})  # fmt: skip
        if device in panel_devices:
            panels[device] = series
    hlines = {d: {"modnas": float(np.mean(modnas[d]))} for d in panels if d in modnas}
    fig, _ = plots.curves(panels, hlines, "evaluations of the true objectives", "HV")
    files = plots.save(fig, out / "nb201-hv-vs-evals")
    table = pd.DataFrame(rows)
    md = ["| device | " + " | ".join(_ordered_labels(traces)) + " |", "|---|" + "---|" * len(traces)]
    for device in MODNAS_DEVICES:
        cells = []
        for label in _ordered_labels(traces):
            row = table[(table.device == device) & (table.method == label)]
            if row.empty:
                cells.append("-")
            else:
                value = row.iloc[0]["evals_to_match_modnas"]
                cells.append(f"> {int(row.iloc[0]['budget'])}" if value is None or pd.isna(value) else str(int(value)))
        md.append(f"| {device} | " + " | ".join(cells) + " |")
    stem = out / "nb201-evals-to-match-modnas"
    atomic_write_text(stem.with_suffix(".csv"), table.to_csv(index=False))
    atomic_write_text(stem.with_suffix(".md"), "\n".join(md) + "\n")
    tex = ["\\begin{tabular}{l" + "r" * len(traces) + "}", "\\toprule",
           "device & " + " & ".join(style_for(m).label for m in _ordered_labels(traces)) + " \\\\", "\\midrule"]  # fmt: skip
    tex += [line.strip("| ").replace(" | ", " & ").replace("_", "\\_").replace(">", "$>$") + " \\\\" for line in md[2:]]
    tex += ["\\bottomrule", "\\end{tabular}"]
    atomic_write_text(stem.with_suffix(".tex"), "\n".join(tex) + "\n")
    return Drawn(files + [stem.with_suffix(s) for s in (".csv", ".md", ".tex")], {"panels": panels, "table": table})


ABLATION_FIELDS = {
    "grad_combine": "gradient combination",
    "estimator": "estimator",
    "hypernet": "hypernetwork",
    "accuracy": "accuracy source",
}


def ablation_groups(logs: RunLogs, experiment: str = "nb201-ablations") -> dict[str, dict[str, list[float]]]:
    """field -> value -> mean HV over devices per seed, for runs that differ from the base in that field only."""
    runs = logs.search_runs(experiment)
    if not runs:
        return {}
    base = next((r for r in runs if r.label == "base"), runs[0]).result["config"]
    groups: dict[str, dict[str, list[float]]] = {}
    for run in runs:
        config = run.result["config"]
        differing = {k for k in config if k not in ("seed",) and config[k] != base[k]}
        for name in ABLATION_FIELDS:
            value = str(config[name])
            if name == "estimator" and differing - {"accuracy"} == {"estimator"} and "accuracy" in differing:
                value += f" (accuracy: {config['accuracy']})"  # reinmax/gdas need a differentiable accuracy
            elif not differing <= {name}:
                continue
            groups.setdefault(name, {}).setdefault(value, []).append(float(run.result["hv_mean"]))
    return {name: groups[name] for name in ABLATION_FIELDS if name in groups}


def draw_ablations(logs: RunLogs, bench, out: Path) -> Drawn:
    _require(logs, ["nb201-ablations"])
    groups = ablation_groups(logs)
    bars = {ABLATION_FIELDS[f]: {v: mean_ci(vs)[:2] for v, vs in values.items()} for f, values in groups.items()}
    fig, _ = plots.grouped_bars(bars, "mean HV over 19 devices", "NB201 ablations (quick preset)")
    files = plots.save(fig, out / "nb201-ablations")
    long = pd.DataFrame([{"switch": f, "setting": v, "hv_mean": x} for f, per in groups.items() for v, xs in per.items() for x in xs])
    summary = summarise(long, "switch", "setting", "hv_mean")
    files += write_table(summary, "switch", "setting", out / "nb201-ablations-table", caption="Ablations: mean HV")
    return Drawn(files, {"groups": groups})


def draw_three_objectives(logs: RunLogs, bench, out: Path, devices=("fpga", "eyeriss", "pixel2")) -> Drawn:
    _require(logs, ["nb201-3obj"])
    runs = logs.search_runs("nb201-3obj")
    objectives = runs[0].objectives
    from paper_figs.style import FULL_WIDTH_IN, apply_style, plt

    apply_style()
    fig = plt.figure(figsize=(FULL_WIDTH_IN, 2.6))
    for position, device in enumerate(devices, start=1):
        task = bench.task(device, objectives=objectives)
        ax = fig.add_subplot(1, len(devices), position, projection="3d")
        front = task.true_front
        ax.scatter(*front.T, color=style_for("true-front").color, s=3, alpha=0.4, label="True front")
        found = task.objectives_of(runs[0].result["indices"][device])
        ax.scatter(*found.T, color=style_for("modnas").color, marker="o", s=10, label="MODNAS")
        ax.set_xlabel("error (norm.)")
        ax.set_ylabel("latency (norm.)")
        ax.set_zlabel(f"{objectives[2]} (norm.)")
        ax.set_title(device)
    fig.axes[0].legend(loc="upper left", frameon=False)
    files = plots.save(fig, out / "nb201-3obj")
    long = pd.DataFrame([{"device": d, "method": "modnas", "hv": r.result["hv"][d]} for r in runs for d in r.result["hv"]])
    long = pd.concat([long, pd.DataFrame([{"device": d, "method": "true-front",
                                           "hv": bench.task(d, objectives=objectives).hv_true} for d in MODNAS_DEVICES])])  # fmt: skip
    summary = summarise(long, "device", "method", "hv")
    files += write_table(summary, "device", "method", out / "nb201-3obj-hv-table", row_order=MODNAS_DEVICES,
                         caption=f"3-D HV ({', '.join(objectives)})")  # fmt: skip
    return Drawn(files, {"summary": summary, "objectives": objectives})


def draw_metapredictor(logs: RunLogs, bench, out: Path) -> Drawn:
    _require(logs, [MODNAS_EXPERIMENT])
    runs = logs.search_runs(MODNAS_EXPERIMENT, "modnas")
    zero_shot = runs[0].result["predictor"]["zero_shot"]  # the predictor is shared by all seeds of a preset
    bars = {stat.capitalize(): {d: (zero_shot[d][stat], 0.0) for d in TEST_DEVICES if d in zero_shot}
            for stat in ("spearman", "kendall")}  # fmt: skip
    fig, _ = plots.grouped_bars(bars, "rank correlation", "MetaPredictor: zero-shot latency ranking")
    files = plots.save(fig, out / "metapredictor-zero-shot")
    long = pd.DataFrame([{"device": d, "statistic": s, "value": zero_shot[d][s]} for d in zero_shot for s in ("spearman", "kendall")])
    summary = summarise(long, "device", "statistic", "value")
    files += write_table(summary, "device", "statistic", out / "metapredictor-zero-shot-table", caption="Zero-shot rank correlation")
    return Drawn(files, {"zero_shot": zero_shot})


def draw_search_cost(logs: RunLogs, bench, out: Path) -> Drawn:
    _require(logs, [MODNAS_EXPERIMENT, "nb201-baselines"])
    rows = []
    for run in logs.search_runs(MODNAS_EXPERIMENT, "modnas"):
        rows.append({"method": "modnas", "seed": run.seed, "evaluations": 0, "seconds": float(run.result["seconds"])})
    per_seed: dict[tuple[str, int], dict] = {}
    for run in _final_baseline_runs(logs, BASELINE_EXPERIMENTS):
        entry = per_seed.setdefault((run.label, run.seed), {"evaluations": 0, "seconds": 0.0, "devices": set()})
        entry["evaluations"] += int(run.result["budget"])
        entry["seconds"] += float(run.result.get("wall_s", 0.0))
        entry["devices"].add(run.device)
    for (label, seed), entry in per_seed.items():
        if entry["devices"] >= set(MODNAS_DEVICES):
            rows.append({"method": label, "seed": seed, "evaluations": entry["evaluations"], "seconds": entry["seconds"]})
    table = pd.DataFrame(rows)
    labels = _ordered_labels(set(table["method"]))
    bars = {
        "true-objective evaluations (19 devices)": {m: mean_ci(table[table.method == m]["evaluations"])[:2] for m in labels},
        "wall-clock [s] (19 devices)": {m: mean_ci(table[table.method == m]["seconds"])[:2] for m in labels},
    }
    fig, _ = plots.grouped_bars(bars, "", "Search cost to cover all 19 devices")
    files = plots.save(fig, out / "search-cost")
    long = table.melt(id_vars=["method", "seed"], value_vars=["evaluations", "seconds"], var_name="cost")
    summary = summarise(long, "method", "cost", "value")
    files += write_table(summary, "method", "cost", out / "search-cost-table", row_order=labels, higher_is_better=False,
                         caption="MODNAS evaluates no device objective beyond its training oracles")  # fmt: skip
    return Drawn(files, {"table": table})


def draw_surrogate_fidelity(logs: RunLogs, bench, out: Path, spaces=None) -> Drawn:
    """Held-out Spearman of every latency surrogate (and the zero-shot hardware-conditioned ones)."""
    from surrogates.fidelity import fidelity_table

    table = fidelity_table(spaces=spaces)
    shown = table[table["model"].isin(["per-device latency", "hardware-conditioned, zero-shot device"])]
    groups = {}
    for space, rows in shown.groupby("space", sort=False):
        groups[space] = {
            ("zero-shot " if model.startswith("hardware") else "") + subject: (value, 0.0)
            for model, subject, value in zip(rows["model"], rows["subject"], rows["spearman"])
        }
    fig, axes = plots.grouped_bars(groups, "held-out Spearman", "Surrogate fidelity (latency)")
    for ax in axes.flat:
        ax.axhline(0.95, color="#666666", linestyle=":", linewidth=0.8)
        ax.tick_params(axis="x", labelsize=4)
    files = plots.save(fig, out / "surrogate-fidelity")
    long = table.rename(columns={"spearman": "value"}).assign(row=table["space"] + " / " + table["subject"])
    summary = summarise(long.assign(model=table["model"]), "row", "model", "value")
    files += write_table(summary, "row", "model", out / "surrogate-fidelity-table", caption="Held-out Spearman")
    return Drawn(files, {"table": table})
