"""Hypernetwork-side baselines, built on the search core (`modnas.search`).

- `rhpn`: the MetaHypernetwork at random initialisation, never pretrained nor searched (the search
  core's `build_hypernetwork("random", ...)`, seeded), read out like MODNAS: the argmax op per edge
  for each evaluation preference (`modnas.search.preferences.evaluation_preferences`) on the
  device's hardware embedding. It shows what the hypernetwork's structure alone gives.
- `modnas-e`: the logits of several finished MODNAS search runs (their `logits.npz`, one per seed)
  averaged per device and preference, then the argmax op per edge. The runs are named by the
  `search_runs` setting (directories written by `modnas-bench search nb201 --out DIR`).

Both are `proposal` methods: they evaluate nothing and are scored on the architectures they name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.errors import ModnasBenchError
from modnas.baselines.settings import SettingsError


class SearchRunError(ModnasBenchError):
    """A search-run directory given to modnas-e is missing, incomplete or does not match the others."""


def rhpn_architectures(bench, task, settings, seed: int) -> np.ndarray:
    import torch

    from modnas.search.hypernetwork import build_hypernetwork
    from modnas.search.preferences import evaluation_preferences
    from modnas.search.run import architectures_for

    hypernet = build_hypernetwork("random", task.n_objectives, generator=torch.Generator().manual_seed(int(seed)))
    preferences = evaluation_preferences(task.n_objectives, settings.n_rays, settings.ray_input)
    embedding = bench.devices.embedding(task.device)[None, :]
    return np.asarray(architectures_for(hypernet, bench.space, embedding, preferences)[0], dtype=np.int64)


def modnas_ensemble_architectures(bench, task, settings, seed: int) -> np.ndarray:
    """Argmax of the mean logits over `settings.search_runs` (deterministic: `seed` is not used)."""
    if not settings.search_runs:
        raise SettingsError(
            "modnas-e averages the logits of finished MODNAS searches: give search_runs: [DIR, ...], "
            "each DIR written by `modnas-bench search nb201 --seed S --out DIR`"
        )
    logits, preferences = [], None
    for run in settings.search_runs:
        path = Path(run) / "logits.npz"
        try:
            with np.load(path) as stored:
                devices = [str(d) for d in stored["devices"]]
                run_logits, run_preferences = stored["logits"], stored["preferences"]
        except (OSError, KeyError, ValueError) as exc:
            raise SearchRunError(f"{path} is not the logits file of a finished search ({exc})") from None
        if task.device not in devices:
            raise SearchRunError(
                f"search run {run} did not evaluate device {task.device!r}; it has {', '.join(devices)}"
            )
        if preferences is not None and not np.allclose(preferences, run_preferences):
            raise SearchRunError(f"search run {run} was evaluated on other preferences than {settings.search_runs[0]}")
        preferences = run_preferences
        logits.append(run_logits[devices.index(task.device)])  # (rays, 6, 5)
    return np.asarray(bench.space.onehot_to_index(np.mean(logits, axis=0)), dtype=np.int64)
