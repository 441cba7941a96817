"""Drawing primitives on plain data (dicts and arrays); the registry feeds them from run logs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from paper_figs.style import COLUMN_WIDTH_IN, FULL_WIDTH_IN, apply_style, plt, style_for


def save(fig, stem: Path) -> list[Path]:
    """Write `<stem>.png` and `<stem>.pdf` (atomically: a temp name, then rename)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in (".png", ".pdf"):
        final = stem.with_suffix(suffix)
        temp = final.with_name(f".{final.name}.part{suffix}")
        fig.savefig(temp)
        temp.replace(final)
        paths.append(final)
    plt.close(fig)
    return paths


def _finish_panels(fig, axes, n_used: int, legend_height: float) -> None:
    """Hide unused panels; one legend for all panels below them."""
    for ax in list(axes.flat)[n_used:]:
        ax.set_visible(False)
    handles, labels = _legend_entries(axes)
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, legend_height, 1, 1))


def _legend_entries(axes):
    """Each label once, across all panels (a panel may lack a series)."""
    entries = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    return list(entries.values()), list(entries)


def radar(series: dict[str, dict[str, float]], devices: list[str], test_devices, title: str, ylabel: str):
    """One polygon per method over the device axes; zero-shot test devices are starred and coloured."""
    apply_style()
    angles = np.linspace(0, 2 * np.pi, len(devices), endpoint=False)
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN * 1.3, COLUMN_WIDTH_IN * 1.3), subplot_kw={"polar": True})
    for method, values in series.items():
        style = style_for(method)
        radii = np.array([values.get(d, np.nan) for d in devices])
        closed_angles, closed_radii = np.append(angles, angles[0]), np.append(radii, radii[0])
        ax.plot(closed_angles, closed_radii, color=style.color, linestyle=style.linestyle, marker=style.marker,
                label=style.label)  # fmt: skip
    labels = [f"{d}*" if d in test_devices else d for d in devices]
    ax.set_xticks(angles)
    ax.set_xticklabels(labels)
    ax.set_rlabel_position(np.degrees(angles[1] / 2))  # radial tick labels between two device axes
    for tick, device in zip(ax.get_xticklabels(), devices):
        if device in test_devices:
            tick.set_color("#D55E00")
            tick.set_fontweight("bold")
    finite = np.array([v for s in series.values() for v in s.values() if np.isfinite(v)])
    if finite.size:
        low, high = finite.min(), finite.max()
        pad = 0.05 * (high - low or 1.0)
        ax.set_ylim(low - pad, high + pad)
    ax.set_title(f"{title}\n(* zero-shot test device)", pad=14)
    ax.set_ylabel(ylabel, labelpad=18)
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.0), frameon=False)
    return fig, ax


def pareto_panels(panels: dict[str, dict[str, np.ndarray]], xlabel: str, ylabel: str, ncols: int = 3):
    """Per device: point sets per method in normalised objective space (the true front as a step line)."""
    apply_style()
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(FULL_WIDTH_IN, 2.0 * nrows), squeeze=False)
    for ax, (device, series) in zip(axes.flat, panels.items()):
        for method, points in series.items():
            style = style_for(method)
            points = np.asarray(points)
            if method == "true-front":
                order = np.argsort(points[:, 0])
                ax.step(points[order, 0], points[order, 1], where="post", color=style.color,
                        linestyle=style.linestyle, label=style.label)  # fmt: skip
            else:
                ax.scatter(points[:, 0], points[:, 1], color=style.color, marker=style.marker, s=12,
                           label=style.label, alpha=0.85)  # fmt: skip
        ax.set_title(device)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    _finish_panels(fig, axes, len(panels), legend_height=0.05)
    return fig, axes


def curves(panels: dict[str, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]], hlines: dict[str, dict[str, float]],
           xlabel: str, ylabel: str, ncols: int = 2):  # fmt: skip
    """Per panel: mean curves with a shaded 95% band per method, and horizontal reference lines."""
    apply_style()
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(FULL_WIDTH_IN, 2.1 * nrows), squeeze=False)
    for ax, (panel, series) in zip(axes.flat, panels.items()):
        for method, (x, mean, half) in series.items():
            style = style_for(method)
            ax.plot(x, mean, color=style.color, linestyle=style.linestyle, label=style.label)
            ax.fill_between(x, np.clip(mean - half, 0, 1), np.clip(mean + half, 0, 1), color=style.color, alpha=0.15,
                            linewidth=0)  # fmt: skip
        for method, level in hlines.get(panel, {}).items():
            style = style_for(method)
            ax.axhline(level, color=style.color, linestyle="--", label=f"{style.label} (0 evaluations)")
        ax.set_xscale("log")
        lows = [np.min(m) for _, m, _ in series.values()] + list(hlines.get(panel, {}).values())
        if lows:
            ax.set_ylim(max(0.0, min(lows) - 0.02), 1.0)
        ax.set_title(panel)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    _finish_panels(fig, axes, len(panels), legend_height=0.06)
    return fig, axes


def grouped_bars(groups: dict[str, dict[str, tuple[float, float]]], ylabel: str, title: str = ""):
    """Groups of bars (mean, CI half-width) — ablations, correlations, costs."""
    apply_style()
    n_groups = len(groups)
    widths = [max(len(bars), 3) for bars in groups.values()]  # panels as wide as their bar count
    fig, axes = plt.subplots(1, n_groups, figsize=(max(FULL_WIDTH_IN, 0.16 * sum(widths)), 2.2), squeeze=False,
                             gridspec_kw={"width_ratios": widths})  # fmt: skip
    for ax, (group, bars) in zip(axes.flat, groups.items()):
        names = list(bars)
        means = [bars[n][0] for n in names]
        halves = [bars[n][1] for n in names]
        colors = [style_for(n).color for n in names]
        ax.bar(range(len(names)), means, yerr=halves, color=colors, capsize=2)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([style_for(n).label for n in names], rotation=30, ha="right")
        ax.set_title(group)
        ax.set_ylabel(ylabel)
        finite = [m for m in means if np.isfinite(m)]
        if finite:
            low, high = min(finite), max(finite)
            ax.set_ylim(low - 0.2 * (high - low or abs(low) * 0.05 or 0.05), high + 0.2 * (high - low or 0.05))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig, axes
