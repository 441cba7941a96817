"""The accuracy plug-in, exercised with a small *real* evaluator: each OFA encoding is turned into an
MLP that is trained and tested on scikit-learn's handwritten digits (real data shipped with it).
Its numbers are digit-classification accuracies of that MLP, nothing to do with ImageNet."""

import warnings

import numpy as np
import pytest

import surrogates
from surrogates import accuracy
from surrogates.accuracy import AccuracyEvaluator, AccuracyEvaluatorError


class DigitsMLPEvaluator:
    name = "digits-mlp-proxy"
    space = "ofa"
    dataset = "sklearn-digits"

    def __init__(self):
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        self.split = train_test_split(X / 16.0, y, test_size=0.3, random_state=0, stratify=y)
        self.calls = 0

    @staticmethod
    def hidden_layers(encoding) -> tuple[int, ...]:
        """One hidden layer per stage that runs more than 2 blocks; width 4 x the stage's summed expand ratios."""
        e = np.asarray(encoding[20:40]).reshape(5, 4)
        depths = np.asarray(encoding[40:45])
        layers = tuple(int(4 * e[s].sum()) for s in range(5) if depths[s] > 2)
        return layers or (int(4 * e[0].sum()),)

    def accuracy_of(self, encoding) -> float:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from threadpoolctl import threadpool_limits

        X_train, X_test, y_train, y_test = self.split
        model = MLPClassifier(self.hidden_layers(encoding), max_iter=40, random_state=0)
        # one BLAS thread: on a shared 2-core machine threaded BLAS made a fit 15x slower
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        return 100.0 * model.score(X_test, y_test)

    def evaluate(self, encodings):
        self.calls += len(encodings)
        return np.array([self.accuracy_of(row) for row in encodings])


@pytest.fixture(scope="module")
def evaluator():
    return DigitsMLPEvaluator()


def test_a_real_evaluator_plugs_into_the_ofa_surrogate(ofa_surrogate, quick_store, evaluator):
    assert isinstance(evaluator, AccuracyEvaluator)
    bench = surrogates.load("ofa-surrogate", root=quick_store, rounds_scale=0.1, pool=4, pool_seed=5, accuracy=evaluator)
    assert bench.metrics == ("latency", "accuracy", "error") and bench.dataset == "sklearn-digits"
    acc = bench.table("accuracy")
    assert acc.shape == (4,) and ((acc > 80) & (acc <= 100)).all()  # an MLP reads digits well
    # cross-check one value against a direct, independent run of the same model
    assert acc[0] == pytest.approx(DigitsMLPEvaluator().accuracy_of(bench.pool[0]))
    assert np.allclose(bench.table("error"), 100 - acc)
    calls = evaluator.calls
    assert np.array_equal(bench.predict(bench.pool[[2, 2, 0]], "accuracy"), acc[[2, 2, 0]])
    assert evaluator.calls == calls  # memoised: nothing evaluated twice
    task = bench.task("titan_rtx_64")
    assert task.benchmark == "ofa-surrogate" and task.dataset == "sklearn-digits" and 0 < task.hv_true <= 1
    assert bench.provenance["accuracy"] == {"name": "digits-mlp-proxy", "dataset": "sklearn-digits"}


def test_registration_and_validation(quick_store, evaluator):
    accuracy.register(evaluator)
    try:
        bench = surrogates.load("ofa-surrogate", root=quick_store, rounds_scale=0.1, pool=2, pool_seed=1)
        assert bench.accuracy.name == "digits-mlp-proxy"
    finally:
        accuracy.unregister("ofa")
    assert accuracy.registered("ofa") is None

    class NotAnEvaluator:
        name = "x"

    with pytest.raises(AccuracyEvaluatorError, match="lacks space, dataset, evaluate"):
        accuracy.check_evaluator(NotAnEvaluator(), "ofa")
    with pytest.raises(AccuracyEvaluatorError, match="scores space 'ofa', not 'hat-wmt14ende'"):
        accuracy.check_evaluator(evaluator, "hat-wmt14ende")

    class Broken(DigitsMLPEvaluator):
        def evaluate(self, encodings):
            return np.full(len(encodings), 140.0)  # not a percentage

    wrapped = accuracy.MemoisedEvaluator(Broken(), "ofa")
    with pytest.raises(AccuracyEvaluatorError, match=r"in \[0, 100\]"):
        wrapped.evaluate(np.zeros((2, 46)))
