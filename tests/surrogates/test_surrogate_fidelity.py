"""Full training of every surrogate (default parameters, seed 0) and its fidelity on held-out
architectures, pinned on the real tables. Where a device misses Spearman 0.95 the reason is its
data, not the model (see the report in surrogates/spaces.py and the issue):

* NB201 essential_ph_1, samsung_s7, pixel2: latency in whole milliseconds over a 3-90 ms range;
  a model trained on 90% of the cells does no better (0.93 / 0.94 / 0.91), so the limit is the
  rounding and measurement noise.
* OFA batch-1 settings and 2080ti_32: launch-bound timings with noise and drift along HELP's
  measurement order (lag-1 autocorrelation of the residuals up to 0.84 on titan_rtx_1).
"""

import numpy as np
import pytest

from surrogates.spaces import SPACES
from surrogates.training import evaluate_space, train_all

pytestmark = pytest.mark.slow

NB201_NOISY_PHONES = {"essential_ph_1": 0.9341, "samsung_s7": 0.9338, "pixel2": 0.8974}
OFA_LAUNCH_BOUND = {"2080ti_1": 0.7661, "2080ti_32": 0.8176, "titan_rtx_1": 0.8796, "titan_xp_1": 0.7993, "v100_1": 0.883}
ZERO_SHOT = {
    "nb201": {"titan_rtx_256": 0.9906, "gold_6226": 0.9511, "fpga": 0.9919, "pixel2": 0.8866, "raspi4": 0.8369, "eyeriss": 0.734},
    "ofa": {"titan_rtx_64": 0.9868},
    "hat-wmt14ende": {"cpu_raspberrypi": 0.9278},
    "hat-wmt14enfr": {"cpu_raspberrypi": 0.9723},
}
PIN = 0.005  # XGBoost is bit-reproducible per platform; allow for other CPUs/BLAS


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("full-surrogates")
    seconds = train_all(seed=0, root=root)
    print(f"training every surrogate: {seconds}")
    return {space: evaluate_space(space, seed=0, root=root) for space in SPACES}


def test_latency_surrogates_reach_spearman_095_where_the_data_allows(reports):
    pinned = {"nb201": NB201_NOISY_PHONES, "ofa": OFA_LAUNCH_BOUND}
    for space, report in reports.items():
        for device, metrics in report["latency"].items():
            expected = pinned.get(space, {}).get(device)
            if expected is None:
                assert metrics["spearman"] >= 0.95, (space, device, metrics)
            else:
                assert metrics["spearman"] == pytest.approx(expected, abs=PIN), (space, device)
            assert metrics["kendall"] < metrics["spearman"] and metrics["mae"] > 0
    assert reports["nb201"]["latency"]["pixel3"]["train_fraction"] == 0.1
    assert reports["nb201"]["latency"]["pixel3"]["n_train"] == 1562
    assert len(reports["nb201"]["latency"]) == 27 and len(reports["ofa"]["latency"]) == 12


def test_zero_shot_and_accuracy_fidelity_are_pinned(reports):
    for space, expected in ZERO_SHOT.items():
        got = {device: m["spearman"] for device, m in reports[space]["zero_shot"].items()}
        assert got == pytest.approx(expected, abs=PIN)
    accuracy = {ds: m["spearman"] for ds, m in reports["nb201"]["accuracy"].items()}
    assert accuracy == pytest.approx({"cifar10": 0.9194, "cifar100": 0.9403, "ImageNet16-120": 0.9433}, abs=PIN)
    # the hardware-conditioned model is about as good as per-device models on the search devices
    search = reports["ofa"]["hardware_search"]
    assert np.mean([m["spearman"] for m in search.values()]) > 0.9
