"""One look for every figure: a colour-blind-safe palette and a fixed colour + marker per method.

Colours are the Okabe-Ito palette (distinguishable under the common colour-vision deficiencies),
extended with greys; markers differ too, so series stay apart in greyscale print.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # figures are files; never open a window
import matplotlib.pyplot as plt  # noqa: E402

COLUMN_WIDTH_IN = 3.4  # a single paper column
FULL_WIDTH_IN = 7.0

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}


@dataclass(frozen=True)
class MethodStyle:
    label: str
    color: str
    marker: str
    linestyle: str = "-"


METHOD_STYLES: dict[str, MethodStyle] = {
    "true-front": MethodStyle("True front", OKABE_ITO["black"], "", "--"),
    "modnas": MethodStyle("MODNAS", OKABE_ITO["vermillion"], "o"),
    "modnas-e": MethodStyle("MODNAS-E", OKABE_ITO["orange"], "D"),
    "rhpn": MethodStyle("RHPN", "#999999", "x", ":"),
    "rs": MethodStyle("RS", "#666666", "v", ":"),
    "help": MethodStyle("HELP", OKABE_ITO["purple"], "P"),
    "ls": MethodStyle("LS", OKABE_ITO["yellow"], "<"),
    "morea": MethodStyle("MOREA", OKABE_ITO["green"], "s"),
    "nsga2": MethodStyle("NSGA-II", OKABE_ITO["blue"], "^"),
    "ehvi": MethodStyle("EHVI", OKABE_ITO["sky_blue"], "*"),
    "parego": MethodStyle("ParEGO", "#8C564B", "h"),
}
_FALLBACK_COLORS = ["#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77", "#AA4499", "#882255"]
_FALLBACK_MARKERS = ["p", "d", "1", "2", "3", "4", "8"]


def style_for(method: str) -> MethodStyle:
    """The method's fixed style; unknown methods (ablation variants) get a stable fallback."""
    if method in METHOD_STYLES:
        return METHOD_STYLES[method]
    slot = sum(method.encode()) % len(_FALLBACK_COLORS)
    return MethodStyle(method, _FALLBACK_COLORS[slot], _FALLBACK_MARKERS[slot])


def apply_style() -> None:
    plt.rcParams.update(
        {
            "font.size": 7,
            "axes.titlesize": 7,
            "axes.labelsize": 7,
            "legend.fontsize": 6,
            "xtick.labelsize": 6,
            "ytick.labelsize": 6,
            "lines.linewidth": 1.0,
            "lines.markersize": 3.5,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "savefig.dpi": 200,
            "savefig.bbox": "tight",
            "pdf.fonttype": 42,  # embeddable TrueType text in PDFs
        }
    )
