"""Hypernetwork shapes, preference handling and near-uniform pretraining; the preference sets."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from benchmarks.errors import QueryError
from modnas.search.hypernetwork import BankHypernetwork, MLPHypernetwork, build_hypernetwork, pretrain_uniform
from modnas.search.preferences import circle_points, evaluation_preferences, sample_dirichlet, simplex_points


def test_bank_shapes_bins_and_device_mixing():
    torch.manual_seed(0)
    net = BankHypernetwork()
    assert net.keys.shape == (50, 10) and net.tables.shape == (50, 101, 30)
    prefs = torch.tensor([[0.0, 1.0], [0.304, 0.696], [1.0, 0.0]])
    assert net.bins(prefs).tolist() == [0, 30, 100]
    d = torch.rand(10)
    out = net(prefs, d)
    assert out.shape == (3, 6, 5)
    s = net.device_weights(d[None])
    assert s.shape == (1, 50) and float(s.detach().sum()) == pytest.approx(1.0)
    expected = torch.einsum("k,kj->j", s[0], net.tables[:, 30]).view(6, 5)
    torch.testing.assert_close(out[1], expected)
    # only r0 is read: the same bin gives the same logits whatever r1 is
    torch.testing.assert_close(net(torch.tensor([[0.3, 0.1]]), d), net(torch.tensor([[0.3, 0.9]]), d))
    # different devices, different logits
    assert not torch.allclose(net(prefs, torch.zeros(10)), out)


def test_shape_errors_and_objective_counts():
    net = BankHypernetwork()
    with pytest.raises(QueryError, match=r"\(B, 2\)"):
        net(torch.ones(4, 3) / 3, torch.rand(10))
    with pytest.raises(QueryError, match="hardware embeddings"):
        net(torch.ones(4, 2) / 2, torch.rand(3, 10))
    with pytest.raises(QueryError, match="mlp"):
        build_hypernetwork("bank", 3)
    mlp = build_hypernetwork("mlp", 3)
    assert isinstance(mlp, MLPHypernetwork)
    out = mlp(torch.tensor(simplex_points(3), dtype=torch.float32), torch.rand(10))
    assert out.shape == (28, 6, 5)
    assert build_hypernetwork("random", 3).untrained_init


def test_build_is_seeded_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    a = build_hypernetwork("bank", 2, torch.Generator().manual_seed(5))
    b = build_hypernetwork("bank", 2, torch.Generator().manual_seed(5))
    assert torch.equal(torch.random.get_rng_state(), before)
    assert torch.equal(a.tables, b.tables)


def test_pretraining_makes_logits_near_uniform(nb201):
    embeddings = torch.as_tensor(nb201.devices.embeddings(nb201.devices.names("search")), dtype=torch.float32)
    generator = torch.Generator().manual_seed(0)
    for kind in ("bank", "mlp"):
        net = build_hypernetwork(kind, 2, generator)
        mse = pretrain_uniform(net, embeddings, generator, steps=150)
        assert mse < 1e-3
        with torch.no_grad():
            probs = torch.softmax(net(torch.tensor(evaluation_preferences(2)), embeddings[0]), -1)
        assert (probs - 0.2).abs().max() < 0.05


def test_preference_sets():
    rays = circle_points(24)
    assert rays.shape == (24, 2)
    np.testing.assert_allclose(np.linalg.norm(rays, axis=1), 1.0)
    assert rays[0, 0] == pytest.approx(1.0) and rays[-1, 1] == pytest.approx(1.0)
    simplex = evaluation_preferences(2)
    np.testing.assert_allclose(simplex.sum(1), 1.0)
    np.testing.assert_allclose(simplex[:, 1] / simplex[:, 0], rays[:, 1] / rays[:, 0])  # same trade-offs
    np.testing.assert_allclose(evaluation_preferences(2, ray_input="raw"), rays)
    three = simplex_points(3)
    assert three.shape == (28, 3) and np.allclose(three.sum(1), 1.0) and len(np.unique(three, axis=0)) == 28
    draws = sample_dirichlet(20000, 3, torch.Generator().manual_seed(0))
    assert torch.allclose(draws.sum(1), torch.ones(20000))
    assert draws.min() >= 0
    # Dirichlet(1, 1, 1): each coordinate ~ Beta(1, 2), mean 1/3, variance 1/18
    assert draws.mean(0).sub(1 / 3).abs().max() < 0.01
    assert draws.var(0).sub(1 / 18).abs().max() < 0.003
    again = sample_dirichlet(5, 3, torch.Generator().manual_seed(0))
    assert torch.equal(again, draws[:5])


def test_mlp_preference_code_is_local_so_a_step_at_one_ray_barely_moves_distant_rays(nb201):
    # The property that keeps the MLP from collapsing every ray onto one cell (see the module docstring).
    embeddings = torch.as_tensor(nb201.devices.embeddings(nb201.devices.names("search")), dtype=torch.float32)
    net = build_hypernetwork("mlp", 2, torch.Generator().manual_seed(0))
    net.standardise_embeddings(embeddings)
    code = net.preference_code(torch.tensor([[0.3, 0.7], [0.304, 0.696]]))
    assert code.shape == (2, 101) and torch.allclose(code.sum(1), torch.ones(2))
    assert int(code[0].argmax()) == 30 and code[0, 30] > code[0, 29] > code[0, 27]  # a bump at the nearest bin
    # standardised embeddings: the search devices are centred, constant coordinates map to 0
    device = (embeddings - net.embedding_centre) / net.embedding_spread
    torch.testing.assert_close(device.mean(0), torch.zeros(10), atol=1e-5, rtol=0)
    assert torch.equal(device[:, 9], torch.zeros(13))
    # One SGD step raising logit (edge 0, op 3) at r0 = 0.3: with the lattice code a distant ray (r0 = 0.8)
    # moves by a fraction of that; with a plain ReLU MLP on the raw (r, d) (the earlier form) it moves
    # almost as much as the ray itself, which is how all rays were dragged onto one cell.
    rays = torch.tensor([[0.3, 0.7], [0.8, 0.2]])

    def moved_by_one_step(forward, parameters):
        before = forward(rays).detach()
        optimizer = torch.optim.SGD(parameters, lr=1.0)
        (-forward(rays[:1])[0, 0, 3]).backward()
        optimizer.step()
        return (forward(rays).detach() - before)[:, 0, 3]

    lattice = moved_by_one_step(lambda r: net(r, embeddings[0]), net.parameters())
    torch.manual_seed(0)
    plain = torch.nn.Sequential(
        torch.nn.Linear(12, 128), torch.nn.ReLU(), torch.nn.Linear(128, 128), torch.nn.ReLU(), torch.nn.Linear(128, 30)
    )
    def plain_forward(r):
        return plain(torch.cat([r, embeddings[0].expand(len(r), -1)], 1)).view(-1, 6, 5)

    raw = moved_by_one_step(plain_forward, plain.parameters())
    assert lattice[0] > 0 and lattice[1].abs() < 0.25 * lattice[0]  # measured: 0.19
    assert raw[0] > 0 and raw[1] > 0.9 * raw[0]  # measured: 0.96
    # 3 objectives: a 91-point lattice, every coordinate of r read
    three = build_hypernetwork("mlp", 3)
    assert three.lattice.shape == (91, 3)
    a, b = torch.tensor([[0.2, 0.3, 0.5]]), torch.tensor([[0.2, 0.5, 0.3]])
    assert not torch.allclose(three(a, embeddings[0]), three(b, embeddings[0]))
