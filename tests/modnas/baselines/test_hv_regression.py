"""Regression pins: HV of seeded baseline runs at budget 100 on the real tables.

A change to a method, its settings, the driver or the protocol that moves a result fails here. The
tolerance is 1e-9 absolute: the runs are deterministic on one platform (seeded numpy / pymoo), so only
floating-point summation noise across platforms is allowed. Re-pin deliberately, with a reason.
(MODNAS quick's own pin lives in tests/modnas/search/test_quick_search.py.)
"""

import pytest

from modnas.baselines.run import run_baseline

TOLERANCE = 1e-9
GOLDEN = {
    ("rs", "fpga"): 0.9076463768156812,
    ("rs", "pixel3"): 0.9398288926569098,
    ("ls", "fpga"): 0.909765026110886,
    ("ls", "pixel3"): 0.9778272902058901,
    ("morea", "fpga"): 0.9649490712297829,
    ("morea", "pixel3"): 0.9668003531267737,
    ("nsga2", "fpga"): 0.9637097484832048,
    ("nsga2", "pixel3"): 0.964719032335443,
}


@pytest.mark.parametrize(("method", "device"), sorted(GOLDEN))
def test_seeded_baseline_hv_is_pinned(nb201, method, device):
    result = run_baseline(nb201, method, device, 100, seed=0)
    assert result.hv == pytest.approx(GOLDEN[(method, device)], abs=TOLERANCE)
    assert result.hv < nb201.task(device).hv_true
