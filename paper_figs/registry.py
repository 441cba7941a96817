"""Every figure and table of the suite: what it shows, which experiments it reads, how it is drawn.

`make reproduce-<id>` runs the experiments a figure needs (through the runner, skipping complete
runs) and then draws it; `modnas-bench figs make <id>` only draws, from the logs already there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.errors import UnknownNameError
from paper_figs import figures


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    shows: str
    needs: tuple[str, ...]  # experiment names (files experiments/<name>.yaml) whose runs it reads
    draw: Callable
    optional: tuple[str, ...] = ()  # read when present (extra series), never required


class UnknownFigureError(UnknownNameError):
    kind = "figure"


_BASELINES = ("nb201-modnas", "nb201-baselines")
_EXTRA_SERIES = ("nb201-proposals", "nb201-modnas-e")

FIGURES: dict[str, Figure] = {
    f.id: f
    for f in (
        Figure("nb201-hv-radar", "HV (and GD, GD+, IGD, IGD+) per device",
               "one axis per MODNAS device, zero-shot test devices starred; MODNAS, MODNAS-E, RHPN, RS, HELP, the "
               "black-box baselines and the true front", _BASELINES, figures.draw_hv_radar, _EXTRA_SERIES),
        Figure("nb201-pareto", "Pareto fronts on the zero-shot devices",
               "true front, MODNAS's 24-ray architectures and the best black-box baseline's front per test device",
               _BASELINES, figures.draw_pareto),
        Figure("nb201-hv-vs-evals", "HV against evaluations",
               "each black-box baseline's HV after every evaluation, MODNAS's zero-evaluation HV as a line, and the "
               "evaluations each baseline needs to match MODNAS", _BASELINES, figures.draw_hv_vs_evals),
        Figure("nb201-hv-table", "HV table", "mean +- 95% CI over seeds per device and method, best in bold",
               _BASELINES, figures.draw_hv_table, _EXTRA_SERIES),
        Figure("nb201-ablations", "Ablations", "gradient combination, estimator, hypernetwork, accuracy source",
               ("nb201-ablations",), figures.draw_ablations),
        Figure("nb201-3obj", "Three objectives", "error, latency, params: 3-D fronts and 3-D HV per device",
               ("nb201-3obj",), figures.draw_three_objectives),
        Figure("metapredictor-zero-shot", "MetaPredictor zero-shot ranking",
               "Spearman and Kendall rank correlation of predicted latency on the 6 test devices",
               ("nb201-modnas",), figures.draw_metapredictor),
        Figure("surrogate-fidelity", "Surrogate fidelity",
               "held-out Spearman of the XGBoost latency surrogates per device and space, and of the "
               "hardware-conditioned models on held-out devices (trains missing surrogates; runs no search)",
               (), figures.draw_surrogate_fidelity),
        Figure("search-cost", "Search cost", "true-objective evaluations and wall-clock per method for all 19 devices",
               _BASELINES, figures.draw_search_cost, _EXTRA_SERIES),
    )
}  # fmt: skip


def get_figure(figure_id: str) -> Figure:
    try:
        return FIGURES[figure_id]
    except KeyError:
        raise UnknownFigureError(figure_id, FIGURES) from None
