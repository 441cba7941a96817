"""The NB201 weight-sharing supernet on real images (scikit-learn's bundled digits)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from benchmarks.nb201.space import OPS
from modnas.search.supernet import MixedOp, NB201Supernet, augment_batch, digits_splits


def _one_hot(ops):
    return F.one_hot(torch.tensor(ops), len(OPS)).float()


def test_conv1x1_is_the_centre_of_the_conv3x3_kernel():
    torch.manual_seed(0)
    edge = MixedOp(4)
    x = torch.randn(2, 4, 6, 6)
    conv1x1 = torch.zeros(5)
    conv1x1[OPS.index("nor_conv_1x1")] = 1.0
    edge(x, conv1x1).sum().backward()
    grad = edge.conv3.weight.grad
    assert grad[:, :, 1, 1].abs().sum() > 0
    mask = torch.ones(3, 3, dtype=torch.bool)
    mask[1, 1] = False
    assert grad[:, :, mask].abs().sum() == 0  # only the centre tap is shared with the 1x1 op
    # and the 1x1 op is a real 1x1 convolution with that centre tap
    expected = edge.bn1(F.conv2d(F.relu(x), edge.conv3.weight[:, :, 1:2, 1:2]))
    torch.testing.assert_close(edge.op(OPS.index("nor_conv_1x1"), x), expected)


def test_mixed_op_runs_only_chosen_ops_without_gradient_and_all_with():
    edge = MixedOp(3)
    x = torch.randn(1, 3, 4, 4)
    hard = _one_hot(4)
    torch.testing.assert_close(edge(x, hard), edge.pool(x))
    soft = torch.full((5,), 0.2, requires_grad=True)
    out = edge(x, soft)
    (grad,) = torch.autograd.grad(out.sum(), soft)
    assert grad[OPS.index("none")] == 0 and grad[OPS.index("skip_connect")] == x.sum()


def test_supernet_learns_digits_in_a_few_steps():
    torch.manual_seed(0)
    data = digits_splits()
    assert data.train_x.shape[1:] == (3, 8, 8) and len(data.train_x) + len(data.valid_x) == 1797
    net = NB201Supernet(channels=8, cells_per_stage=1)
    arch = _one_hot([3, 3, 1, 3, 2, 1])
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x, y = data.train_x[:256], data.train_y[:256]
    first = F.cross_entropy(net(x, arch), y).item()
    for _ in range(15):
        loss = F.cross_entropy(net(x, arch), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.6 * first  # real images, real learning
    net.eval()
    with torch.no_grad():
        accuracy = (net(data.valid_x, arch).argmax(1) == data.valid_y).float().mean()
    assert accuracy > 0.3  # well above the 10% of chance on held-out digits


def test_augmentation_crops_and_flips_deterministically():
    x = torch.arange(2 * 3 * 5 * 5, dtype=torch.float32).view(2, 3, 5, 5)
    a = augment_batch(x, torch.Generator().manual_seed(0), pad=2)
    b = augment_batch(x, torch.Generator().manual_seed(0), pad=2)
    assert a.shape == x.shape and torch.equal(a, b)
    no_shift = augment_batch(x, torch.Generator().manual_seed(0), pad=0)
    for image, original in zip(no_shift, x):
        assert torch.equal(image, original) or torch.equal(image, original.flip(-1))
