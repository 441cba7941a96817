"""Mean +- 95% CI tables, written as CSV, Markdown and LaTeX with the best entry per row in bold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.io import atomic_write_text


def mean_ci(values) -> tuple[float, float, int]:
    """Mean and 95% CI half-width (1.96 std / sqrt(n), sample std; 0 for a single value)."""
    array = np.asarray(list(values), dtype=np.float64)
    n = array.size
    half = 1.96 * array.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
    return float(array.mean()), float(half), n


def summarise(long: pd.DataFrame, row: str, column: str, value: str) -> pd.DataFrame:
    """From long data (one row per run) to one row per (row, column) with mean, ci95 and n."""
    records = []
    for (r, c), group in long.groupby([row, column], sort=False):
        mean, half, n = mean_ci(group[value])
        records.append({row: r, column: c, "mean": mean, "ci95": half, "n": n})
    return pd.DataFrame.from_records(records)


def best_per_row(summary: pd.DataFrame, row: str, column: str, higher_is_better: bool = True) -> dict:
    best = {}
    for r, group in summary.groupby(row, sort=False):
        index = group["mean"].idxmax() if higher_is_better else group["mean"].idxmin()
        best[r] = summary.loc[index, column]
    return best


def write_table(
    summary: pd.DataFrame,
    row: str,
    column: str,
    stem: Path,
    row_order=None,
    column_order=None,
    higher_is_better: bool = True,
    digits: int = 4,
    caption: str = "",
) -> list[Path]:
    """Write `<stem>.csv` (tidy numbers), `<stem>.md` and `<stem>.tex` (mean +- CI, best per row bold)."""
    stem = Path(stem)
    row_order = list(row_order) if row_order is not None else list(dict.fromkeys(summary[row]))
    column_order = list(column_order) if column_order is not None else list(dict.fromkeys(summary[column]))
    best = best_per_row(summary, row, column, higher_is_better)
    cells = {(r[row], r[column]): r for _, r in summary.iterrows()}

    def cell(r, c, bold_open, bold_close, pm):
        if (r, c) not in cells:
            return "-"
        entry = cells[(r, c)]
        text = f"{entry['mean']:.{digits}f}"
        if entry["n"] > 1:
            text += f" {pm} {entry['ci95']:.{digits}f}"
        return f"{bold_open}{text}{bold_close}" if best.get(r) == c else text

    md = ["| " + " | ".join([row, *column_order]) + " |", "|" + "---|" * (len(column_order) + 1)]
    for r in row_order:
        md.append("| " + " | ".join([str(r), *(cell(r, c, "**", "**", "±") for c in column_order)]) + " |")
    tex = [
        "\\begin{table}[t]",
        "\\centering",
        "\\small",
        f"\\begin{{tabular}}{{l{'r' * len(column_order)}}}",
        "\\toprule",
        " & ".join([_tex(row), *(_tex(c) for c in column_order)]) + " \\\\",
        "\\midrule",
    ]
    for r in row_order:
        tex.append(" & ".join([_tex(r), *(cell(r, c, "\\textbf{", "}", "$\\pm$") for c in column_order)]) + " \\\\")
    tex += ["\\bottomrule", "\\end{tabular}"]
    if caption:
        tex.append(f"\\caption{{{_tex(caption)}}}")
    tex.append("\\end{table}")
    paths = [stem.with_suffix(".csv"), stem.with_suffix(".md"), stem.with_suffix(".tex")]
    atomic_write_text(paths[0], summary.to_csv(index=False))
    atomic_write_text(paths[1], "\n".join(md) + "\n")
    atomic_write_text(paths[2], "\n".join(tex) + "\n")
    return paths


def _tex(text) -> str:
    return str(text).replace("\\", "\\textbackslash{}").replace("_", "\\_").replace("%", "\\%").replace("&", "\\&")
