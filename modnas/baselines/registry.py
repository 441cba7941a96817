"""The method registry: names on the CLI and in experiment files -> how to build each method.

Two kinds of method:

- `optimizer`: a black-box optimiser with the ask/tell interface (`modnas.baselines.optimizer`),
  run for a budget of true-objective evaluations: rs, ls, morea, nsga2, ehvi, parego.
- `proposal`: a method that names a fixed set of architectures, one per preference ray, without
  evaluating anything; it is scored on that set: help (MetaD2A candidates + a latency predictor),
  rhpn and modnas-e (the search core's MetaHypernetwork: untrained / averaged over seed runs).

A name of the form `package.module:Attribute` loads an Optimizer subclass from elsewhere (a user's
own optimiser in an experiment file). Such a class may set `settings_class` to a dataclass of its
settings; without one it takes no settings.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.errors import UnknownNameError
from modnas.baselines import settings as settings_module


class UnknownMethodError(UnknownNameError):
    kind = "method"


@dataclass(frozen=True)
class Method:
    name: str
    kind: str  # "optimizer" | "proposal"
    settings_class: type
    build: Callable  # optimizer: the Optimizer class; proposal: fn(bench, task, settings, seed) -> indices
    description: str


@dataclass(frozen=True)
class _NoSettings:
    """A plugin optimiser without a settings_class takes no settings."""


def _optimizer(name: str, class_path: str, description: str) -> Method:
    return Method(name, "optimizer", settings_module.SETTINGS[name], _lazy(class_path), description)


def _proposal(name: str, function_path: str, description: str) -> Method:
    return Method(name, "proposal", settings_module.SETTINGS[name], _lazy(function_path), description)


def _lazy(path: str) -> Callable:
    # Import botorch/pymoo/torch only when a method that needs them is built: `rs` should not pay for them.
    module, attribute = path.split(":")

    def build(*args, **kwargs):
        return getattr(importlib.import_module(module), attribute)(*args, **kwargs)

    return build


METHODS: dict[str, Method] = {
    "rs": _optimizer("rs", "modnas.baselines.blackbox:RandomSearch", "random search without replacement"),
    "ls": _optimizer("ls", "modnas.baselines.blackbox:LocalSearch", "Pareto local search, one-edge moves"),
    "morea": _optimizer("morea", "modnas.baselines.blackbox:MOREA", "multi-objective regularised evolution"),
    "nsga2": _optimizer("nsga2", "modnas.baselines.nsga2:NSGA2", "pymoo NSGA-II, integer encoding"),
    "ehvi": _optimizer("ehvi", "modnas.baselines.bo:EHVI", "botorch qLogEHVI on a one-hot GP, pool search"),
    "parego": _optimizer("parego", "modnas.baselines.bo:ParEGO", "botorch ParEGO (Chebyshev + qLogEI), pool"),
    "help": _proposal(
        "help", "modnas.baselines.help:help_architectures",
        "best MetaD2A candidate meeting each ray's latency constraint (predicted latency)",
    ),
    "rhpn": _proposal(
        "rhpn", "modnas.baselines.hypernetwork:rhpn_architectures",
        "untrained MetaHypernetwork (search core), argmax per ray",
    ),
    "modnas-e": _proposal(
        "modnas-e", "modnas.baselines.hypernetwork:modnas_ensemble_architectures",
        "MetaHypernetwork logits averaged over MODNAS seed runs (search core), argmax per ray",
    ),
}  # fmt: skip

BLACK_BOX_METHODS = tuple(name for name, m in METHODS.items() if m.kind == "optimizer")


def get_method(name: str) -> Method:
    """The registered method `name`, or an Optimizer class named `module:Attribute`."""
    if ":" in name:
        return _plugin(name)
    try:
        method = METHODS[name]
    except KeyError:
        raise UnknownMethodError(name, list(METHODS), "(baselines; or give module:OptimizerClass)") from None
    return method


def _plugin(path: str) -> Method:
    from modnas.baselines.optimizer import Optimizer

    module_name, _, attribute = path.partition(":")
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise UnknownMethodError(path, list(METHODS), f"(could not load it: {exc})") from None
    if not (isinstance(target, type) and issubclass(target, Optimizer)):
        raise UnknownMethodError(path, list(METHODS), "(it is not a modnas.baselines.optimizer.Optimizer subclass)")
    settings_class = getattr(target, "settings_class", _NoSettings)
    return Method(path, "optimizer", settings_class, target, target.__doc__ or "")
