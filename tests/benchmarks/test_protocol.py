"""The evaluation protocol: golden true-front HVs, each cross-checked by an independent brute-force computation."""

import numpy as np
import pytest
from pymoo.indicators.gd import GD
from pymoo.indicators.gd_plus import GDPlus
from pymoo.indicators.igd import IGD
from pymoo.indicators.igd_plus import IGDPlus

from benchmarks import protocol
from benchmarks.errors import QueryError
from benchmarks.nb201.devices import MODNAS_DEVICES

# True-front HV per device, NB201 / CIFAR-10, (error, latency), protocol of the module docstring.
GOLDEN_HV_TRUE = {
    "1080ti_1": 0.9458177824793474,
    "1080ti_32": 0.9696897317857013,
    "1080ti_256": 0.9424668613903642,
    "silver_4114": 0.9736201151513284,
    "silver_4210r": 0.9689698474974556,
    "samsung_a50": 0.9925333584439316,
    "pixel3": 0.9839582507170798,
    "essential_ph_1": 0.9813381024940798,
    "samsung_s7": 0.9832822698271717,
    "titanx_1": 0.9568133262406538,
    "titanx_32": 0.9504049411981194,
    "titanx_256": 0.948827298830512,
    "gold_6240": 0.9727342275438182,
    "titan_rtx_256": 0.9663460492874753,
    "gold_6226": 0.9618145969415178,
    "fpga": 0.9742008354637609,
    "pixel2": 0.9832386757168584,
    "raspi4": 0.9828912514441354,
    "eyeriss": 0.9811059934432285,
}
GOLDEN_HV_TRUE_3D = {"fpga": 0.9622105854960583, "pixel3": 0.9709378427057087, "1080ti_1": 0.934122121115138}
TOLERANCE = 1e-12  # same data, same arithmetic: only summation-order noise is allowed


def brute_force_hv_2d(points, ref):
    """Exact 2-D HV by a sweep over *all* points (no Pareto filter, no moocore)."""
    points = points[(points < ref).all(axis=1)]
    order = np.lexsort((points[:, 1], points[:, 0]))
    area, best_f2 = 0.0, ref[1]
    xs = np.append(points[order, 0], ref[0])
    for i, j in enumerate(order):
        best_f2 = min(best_f2, points[j, 1])
        area += (xs[i + 1] - xs[i]) * (ref[1] - best_f2)
    return area


def brute_force_hv_3d(points, ref):
    """Exact 3-D HV by slicing along f3: sum of slab thickness x 2-D HV of the points below the slab."""
    points = points[(points < ref).all(axis=1)]
    levels = np.unique(np.append(points[:, 2], ref[2]))
    volume = 0.0
    for low, high in zip(levels[:-1], levels[1:]):
        below = points[points[:, 2] <= low]
        volume += (high - low) * brute_force_hv_2d(below[:, :2], ref[:2])
    return volume


def brute_force_nondominated(points):
    """O(n^2) dominance check."""
    le = (points[:, None, :] <= points[None, :, :]).all(axis=2)
    lt = (points[:, None, :] < points[None, :, :]).any(axis=2)
    dominated = (le & lt).any(axis=0)
    return ~dominated


@pytest.mark.parametrize("device", MODNAS_DEVICES)
def test_true_front_hv_is_golden_and_matches_brute_force(nb201, device):
    task = nb201.task(device)
    assert task.hv_true == pytest.approx(GOLDEN_HV_TRUE[device], rel=TOLERANCE, abs=0)
    valid = np.flatnonzero(task.valid_mask)
    points = task.objectives_of(valid)
    assert task.hv_true == pytest.approx(brute_force_hv_2d(points, np.array([1.0, 1.0])), rel=1e-12)
    # the front: no front point is dominated by any point of the space, every other point is dominated by a front point
    front = task.true_front
    assert not ((points[:, None, :] <= front[None]).all(-1) & (points[:, None, :] < front[None]).any(-1)).any()
    others = points[~np.isin(valid, task.front_indices)]
    dominated = ((front[:, None, :] <= others[None]).all(-1) & (front[:, None, :] < others[None]).any(-1)).any(0)
    assert dominated.all()


def test_true_front_hv_agrees_with_the_reference_figures(nb201):
    """DESIGN.md: per-device range 0.943 (1080ti_256) .. 0.993 (samsung_a50), mean 0.969."""
    values = {d: nb201.task(d).hv_true for d in MODNAS_DEVICES}
    assert min(values, key=values.get) == "1080ti_256" and max(values, key=values.get) == "samsung_a50"
    assert np.mean(list(values.values())) == pytest.approx(0.969, abs=5e-4)
    assert values["samsung_a50"] == pytest.approx(0.993, abs=1e-3)
    assert values["1080ti_256"] == pytest.approx(0.943, abs=1e-3)


def test_task_carries_its_protocol_constants(nb201):
    task = nb201.task("pixel3")
    assert task.ref_point == (1.0, 1.0) and task.n_filtered == 15625 - 341
    error = nb201.table("error")
    latency = nb201.table("latency", device="pixel3")
    keep = error < 90
    assert task.lower == (error[keep].min(), latency[keep].min())
    assert task.upper == (error[keep].max(), latency[keep].max())
    normalised = task.objectives_of(np.flatnonzero(keep))
    assert normalised.min() == 0.0 and normalised.max() == 1.0


@pytest.mark.parametrize("device", ["fpga", "pixel3", "1080ti_1"])
def test_three_objective_true_front_hv(nb201, device):
    task = nb201.task(device, objectives=("error", "latency", "params"))
    assert task.ref_point == (1.0, 1.0, 1.0)
    assert task.hv_true == pytest.approx(GOLDEN_HV_TRUE_3D[device], rel=TOLERANCE, abs=0)
    assert task.hv_true == pytest.approx(brute_force_hv_3d(task.true_front, np.ones(3)), rel=1e-12)
    points = task.objectives_of(np.flatnonzero(task.valid_mask))
    mask = brute_force_nondominated(points[protocol.pareto_mask(points) | (np.arange(len(points)) % 50 == 0)])
    assert mask.sum() >= len(task.front_indices)  # the brute-force front of a superset keeps every front point


def test_other_datasets(nb201):
    assert nb201.task("pixel3", dataset="cifar100").hv_true == pytest.approx(0.9715494048278809, rel=TOLERANCE)
    assert nb201.task("pixel3", dataset="ImageNet16-120").hv_true == pytest.approx(0.946233241796756, rel=TOLERANCE)


def test_pareto_mask_against_brute_force():
    rng = np.random.default_rng(0)
    for dims in (2, 3):
        points = np.round(rng.random((300, dims)), 1)  # rounding creates ties and duplicates
        assert np.array_equal(protocol.pareto_mask(points), brute_force_nondominated(points))


def test_indicators_against_pymoo(nb201):
    task = nb201.task("eyeriss")
    rng = np.random.default_rng(1)
    evaluation = task.evaluate(rng.choice(np.flatnonzero(task.valid_mask), 40, replace=False))
    points = task.objectives_of(list(evaluation.nondominated))
    front = task.true_front
    assert evaluation.gd == pytest.approx(GD(front)(points), rel=1e-12)
    assert evaluation.gd_plus == pytest.approx(GDPlus(front)(points), rel=1e-12)
    assert evaluation.igd == pytest.approx(IGD(front)(points), rel=1e-12)
    assert evaluation.igd_plus == pytest.approx(IGDPlus(front)(points), rel=1e-12)
    assert evaluation.hv == pytest.approx(brute_force_hv_2d(points, np.ones(2)), rel=1e-12)


def test_the_true_front_scores_perfectly(nb201):
    task = nb201.task("fpga")
    evaluation = task.evaluate(list(task.front_indices))
    assert evaluation.hv == pytest.approx(task.hv_true, rel=1e-12)
    assert evaluation.gd == evaluation.igd == evaluation.gd_plus == evaluation.igd_plus == 0.0


def test_random_architectures_score_well_below_the_front(nb201):
    """DESIGN.md: 24 random architectures give a mean HV of about 0.86."""
    rng = np.random.default_rng(0)
    values = [nb201.task(d).hv(rng.choice(15625, 24, replace=False)) for d in MODNAS_DEVICES]
    assert 0.80 < np.mean(values) < 0.90


def test_degenerate_architectures_add_nothing(nb201):
    task = nb201.task("fpga")
    degenerate = np.flatnonzero(~task.valid_mask)[:5]
    assert task.hv(degenerate) == 0.0
    assert task.hv(np.append(degenerate, 6111)) == task.hv([6111])


def test_bad_tasks_are_rejected(nb201):
    with pytest.raises(QueryError, match="at least two distinct objectives"):
        nb201.task("fpga", objectives=("error",))
    with pytest.raises(QueryError, match="empty set"):
        nb201.task("fpga").evaluate([])
    with pytest.raises(QueryError, match="no architecture has error"):
        nb201.task("fpga", max_error=1.0)
