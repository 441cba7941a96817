"""Search configurations: plain frozen dataclasses, two presets, and JSON round-trips.

    >>> from modnas.search.config import preset
    >>> config = preset("quick", seed=1).replace(estimator="score")
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from benchmarks.errors import QueryError
from benchmarks.nb201.devices import MODNAS_DEVICES, SEARCH_DEVICES

# The choices of each switch (kept here, free of torch, so the CLI can list them cheaply).
ESTIMATORS = ("reinmax", "gdas", "score", "exact")
GRAD_COMBINE = ("mgd", "mean", "sequential")
HYPERNETS = ("bank", "mlp", "random")
ACCURACY_SOURCES = ("table", "predictor", "supernet")
# nb201-surrogate: the same space and protocol with XGBoost surrogates standing in for the tables
SEARCH_BENCHMARKS = ("nb201", "nb201-surrogate")
LATENCY_SOURCES = ("predictor", "table")
COSINE_MODES = ("off", "detached", "live")
OBJECTIVES = ("latency", "params", "energy")  # after error; energy needs the optional HW-NAS-Bench file


@dataclass(frozen=True)
class PredictorConfig:
    """The MetaPredictor and its training (see modnas.search.predictor)."""

    hidden: int = 100
    steps: int = 1500
    batch_archs: int = 256  # cells per step, each paired with every search device
    lr: float = 1e-3
    target: str = "minmax"  # or "raw" (the original's MSE on milliseconds)
    seed: int = 0
    holdout: float = 0.1  # fraction of cells kept out of training to report fidelity on search devices


@dataclass(frozen=True)
class AccuracyPredictorConfig:
    hidden: int = 200
    steps: int = 3000
    batch: int = 512
    lr: float = 1e-3
    seed: int = 0
    holdout: float = 0.1


@dataclass(frozen=True)
class SupernetConfig:
    """The weight-sharing supernet and its SGD optimiser (the original's CIFAR-10 settings by default)."""

    dataset: str = "cifar10"  # or "digits" (scikit-learn's bundled 8x8 digits; tests, CPU smoke runs)
    data_dir: str | None = None
    channels: int = 16
    cells_per_stage: int = 5
    batch_size: int = 256
    train_portion: float = 0.5
    lr: float = 0.025  # scaled by the number of devices when weight gradients are averaged (as the original)
    lr_min: float = 0.001
    momentum: float = 0.9
    weight_decay: float = 0.0027
    grad_clip: float = 5.0
    max_steps_per_epoch: int | None = None  # cap on weight steps per epoch (smoke runs); None = a full pass
    # The original never cleared the supernet's gradients after the architecture step, so those
    # validation-batch gradients were added into the next weight step. True reproduces that defect.
    leak_valid_grads: bool = False


@dataclass(frozen=True)
class SearchConfig:
    benchmark: str = "nb201"
    dataset: str = "cifar10"
    objectives: tuple[str, ...] = ("error", "latency")
    search_devices: tuple[str, ...] = SEARCH_DEVICES
    eval_devices: tuple[str, ...] = MODNAS_DEVICES
    seed: int = 0
    estimator: str = "exact"
    grad_combine: str = "mgd"
    grad_unit_norm: bool = True
    hypernet: str = "bank"
    accuracy: str = "table"
    latency: str = "predictor"
    epochs: int = 12
    steps_per_epoch: int = 50  # table/predictor objectives; a supernet epoch is a pass over its train split
    prefs_per_device: int = 8  # preferences drawn per device per step (the original: 1)
    arch_lr: float = 3e-3
    scale_arch_lr: bool = True  # multiply arch_lr by the number of search devices (the original does)
    arch_betas: tuple[float, float] = (0.5, 0.999)
    arch_weight_decay: float = 0.0
    arch_lr_schedule: str = "constant"  # or "cosine" (to 0 over the epochs, as the original)
    tau_max: float = 10.0  # GDAS temperature, annealed linearly to tau_min over the epochs
    tau_min: float = 1.0
    score_samples: int = 8  # architectures per preference for the score-function estimator
    cosine: str = "off"  # the -w cos(loss, r) term: off | detached (the original: no gradient) | live
    cosine_weight: float = 0.01
    pretrain_steps: int = 200
    n_rays: int = 24
    ray_input: str = "simplex"  # how 2-objective rays are fed: simplex (r / sum r) | raw (the original's)
    eval_every: int = 1  # epochs between HV logs (the last epoch is always evaluated)
    # torch intra-op threads during the search (restored afterwards); the table searches run many
    # tiny ops, where extra threads only add synchronisation. None leaves torch's setting alone.
    threads: int | None = 1
    n_keys: int = 50
    n_bins: int = 101
    mlp_hidden: int = 128
    predictor: PredictorConfig = field(default_factory=PredictorConfig)
    accuracy_predictor: AccuracyPredictorConfig = field(default_factory=AccuracyPredictorConfig)
    supernet: SupernetConfig = field(default_factory=SupernetConfig)

    def replace(self, **changes) -> SearchConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SearchConfig:
        data = dict(data)
        nested = {"predictor": PredictorConfig, "accuracy_predictor": AccuracyPredictorConfig, "supernet": SupernetConfig}
        for name, kind in nested.items():
            if name in data and isinstance(data[name], dict):
                data[name] = kind(**data[name])
        for name in ("objectives", "search_devices", "eval_devices", "arch_betas"):
            if name in data:
                data[name] = tuple(data[name])
        unknown = set(data) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise QueryError(f"unknown search config keys {sorted(unknown)}")
        return cls(**data)

    def validate(self) -> SearchConfig:
        choices = {
            "estimator": (self.estimator, ESTIMATORS),
            "grad_combine": (self.grad_combine, GRAD_COMBINE),
            "hypernet": (self.hypernet, HYPERNETS),
            "accuracy": (self.accuracy, ACCURACY_SOURCES),
            "latency": (self.latency, LATENCY_SOURCES),
            "cosine": (self.cosine, COSINE_MODES),
            "ray_input": (self.ray_input, ("simplex", "raw")),
            "arch_lr_schedule": (self.arch_lr_schedule, ("constant", "cosine")),
        }
        for name, (value, valid) in choices.items():
            if value not in valid:
                raise QueryError(f"unknown {name} {value!r}; valid: {', '.join(valid)}")
        if self.benchmark not in SEARCH_BENCHMARKS:
            raise QueryError(f"the search runs on {' or '.join(SEARCH_BENCHMARKS)}; got benchmark {self.benchmark!r}")
        others = self.objectives[1:]
        if (
            self.objectives[:1] != ("error",)
            or not others
            or not set(others) <= set(OBJECTIVES)
            or len(set(others)) != len(others)
        ):
            raise QueryError(
                f"objectives are error followed by distinct ones of {', '.join(OBJECTIVES)} "
                f"(e.g. error,latency; error,latency,params; error,latency,energy; error,energy); "
                f"got {','.join(self.objectives)}"
            )
        if self.hypernet == "bank" and len(self.objectives) != 2:
            raise QueryError("the bank hypernetwork reads only r0 (2 objectives); use hypernet 'mlp' for 3 objectives")
        table_sources = [n for n, s in (("accuracy", self.accuracy), ("latency", self.latency)) if s == "table"]
        table_sources = [n for n in table_sources if n == "accuracy" or "latency" in self.objectives]
        if "energy" in self.objectives:
            table_sources.append("energy")  # energy has no predictor
        if self.estimator in ("reinmax", "gdas") and table_sources:
            alternative = (
                "energy has no predictor" if "energy" in table_sources else f"or the 'predictor' source with {self.estimator}"
            )
            raise QueryError(
                f"{' and '.join(table_sources)} from the table is not differentiable: use estimator 'exact' or "
                f"'score' with it ({alternative})"
            )
        if self.accuracy == "supernet" and self.estimator not in ("reinmax", "gdas"):
            raise QueryError("the supernet's loss is only available for sampled architectures: use reinmax or gdas")
        if self.cosine == "live" and self.estimator == "score":
            raise QueryError("a live cosine term needs differentiable losses; with 'score' use cosine off or detached")
        if self.ray_input == "raw" and len(self.objectives) != 2:
            raise QueryError("raw circle rays exist for 2 objectives only")
        if self.grad_combine == "sequential" and self.accuracy == "supernet":
            raise QueryError("sequential hypernetwork updates are implemented for table/predictor objectives")
        leaked = set(self.search_devices) & (set(self.eval_devices) - set(SEARCH_DEVICES))
        if leaked and self.search_devices == SEARCH_DEVICES:
            raise QueryError(f"held-out devices {sorted(leaked)} cannot be search devices")
        return self


# Quick: tables and predictors on a CPU in well under a minute. The exact estimator optimises the
# expected scalarised objective over all 15625 cells; latency comes from the MetaPredictor, so the
# zero-shot devices are reached through their embedding alone, as in the paper.
QUICK = SearchConfig()

# Paper: the original NB201 search (automl/MODNAS search_nb201_mgd.py): ReinMax, the supernet on
# CIFAR-10 (batch 256, 100 epochs, train portion 0.5), MetaPredictor latency, MGD over the 13 devices
# with unit-norm gradients, Adam lr 3e-4 x 13, betas (0.5, 0.999), weight decay 0.09, one preference
# per device per step, the bank hypernetwork. The cosine term is live here (its intended effect);
# cosine='detached' reproduces the original, where it had no gradient.
PAPER = SearchConfig(
    estimator="reinmax",
    accuracy="supernet",
    latency="predictor",
    epochs=100,
    prefs_per_device=1,
    arch_lr=3e-4,
    arch_weight_decay=0.09,
    arch_lr_schedule="cosine",
    cosine="live",
    cosine_weight=0.01,
    threads=None,
    supernet=SupernetConfig(),
)

PRESETS = {"quick": QUICK, "paper": PAPER}


def preset(name: str, **changes) -> SearchConfig:
    try:
        base = PRESETS[name]
    except KeyError:
        raise QueryError(f"unknown preset {name!r}; valid: {', '.join(PRESETS)}") from None
    return base.replace(**changes)
