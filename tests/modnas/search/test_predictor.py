"""The MetaPredictor's cell graph, its differentiability, and a short real training run."""

from __future__ import annotations

import numpy as np
import torch

from benchmarks.nb201.devices import SEARCH_DEVICES
from modnas.search.config import PredictorConfig
from modnas.search.guard import SearchView
from modnas.search.predictor import (
    MetaPredictor,
    cell_adjacency,
    normalised_tables,
    rank_correlations,
    train_meta_predictor,
)


def test_cell_graph_follows_the_nb201_edges():
    a = cell_adjacency()
    assert a.shape == (8, 8) and torch.allclose(a.sum(1), torch.ones(8))
    # op nodes 1..6 are edges 0->1, 0->2, 1->2, 0->3, 1->3, 2->3; the output node is 7
    assert a[1, 0] > 0 and a[2, 0] > 0 and a[4, 0] > 0  # edges leaving the input read it
    assert a[3, 1] > 0 and a[5, 1] > 0  # edges leaving node 1 read the op into node 1 (0->1)
    assert a[6, 2] > 0 and a[6, 3] > 0  # 2->3 reads both ops into node 2
    assert (a[7, 4:7] > 0).all() and a[7, 1:4].sum() == 0  # the output sums the ops into node 3
    assert a[1, 2:].sum() == 0  # nothing flows backwards


def test_predictor_is_differentiable_in_the_architecture():
    torch.manual_seed(0)
    model = MetaPredictor()
    weights = torch.softmax(torch.randn(3, 6, 5), -1).requires_grad_()
    out = model(weights, torch.rand(10))
    assert out.shape == (3,)
    (grad,) = torch.autograd.grad(out.sum(), weights)
    assert grad.abs().sum() > 0


def test_short_training_ranks_search_devices_and_normalises_itself(nb201):
    view = SearchView(nb201, SEARCH_DEVICES)
    model, facts = train_meta_predictor(view, PredictorConfig(steps=150, batch_archs=64))
    holdout = facts["holdout_spearman_search"]
    assert set(holdout) == set(SEARCH_DEVICES)
    assert np.median(list(holdout.values())) > 0.7  # 150 steps already rank real latencies well
    one_hot = torch.as_tensor(nb201.space.index_to_onehot(np.arange(len(nb201))))
    embeddings = torch.as_tensor(nb201.devices.embeddings(["pixel3", "gold_6240"]), dtype=torch.float32)
    valid = nb201.table("error") < 90
    tables = normalised_tables(model.predict_all(one_hot, embeddings), valid)
    assert torch.allclose(tables[:, torch.as_tensor(valid)].min(1).values, torch.zeros(2))
    assert torch.allclose(tables[:, torch.as_tensor(valid)].max(1).values, torch.ones(2))
    # predict_all (graph part shared) equals the plain forward pass
    direct = model(one_hot[:50], embeddings[0])
    torch.testing.assert_close(model.predict_all(one_hot[:50], embeddings[:1])[0], direct)
    correlation = rank_correlations(tables[1].numpy(), nb201.table("latency", device="gold_6240"))
    assert correlation["spearman"] > 0.7 and 0 < correlation["kendall"] < correlation["spearman"]
