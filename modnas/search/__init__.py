"""The MODNAS search core on NAS-Bench-201 (hypernetwork, estimators, MetaPredictor, MGD, search loop).

    >>> from modnas.search import preset, run_search
    >>> result = run_search(preset("quick", seed=0))
    >>> result.hv_mean

The names below load on first use, so importing the package (e.g. for the CLI) does not import torch.
"""

from __future__ import annotations

from importlib import import_module

_API = {
    "PRESETS": "modnas.search.config",
    "SearchConfig": "modnas.search.config",
    "SupernetConfig": "modnas.search.config",
    "PredictorConfig": "modnas.search.config",
    "preset": "modnas.search.config",
    "SearchResult": "modnas.search.run",
    "architectures_for": "modnas.search.run",
    "hypernet_logits": "modnas.search.run",
    "load_hypernetwork": "modnas.search.run",
    "load_result": "modnas.search.run",
    "run_search": "modnas.search.run",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'modnas.search' has no attribute {name!r}")
