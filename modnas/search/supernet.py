"""The NB201 weight-sharing supernet (search cell), and the image data it trains on.

The network follows the NAS-Bench-201 search model: a 3x3 stem, three stages of N search cells with
16, 32 and 64 channels (for C=16) joined by residual reduction blocks, then BN-ReLU, global pooling
and a linear classifier. A search cell has 4 nodes; node j sums the 6 edges' mixed ops from the
nodes before it. Ops are in `benchmarks.nb201.space.OPS` order. As in the original, the weights are
entangled: `nor_conv_1x1` has no kernel of its own but uses the centre tap of the same edge's
`nor_conv_3x3` kernel.

A mixed op computes sum_o w_o op_o(x) for the sampled one-hot w. When w carries no gradient (the
weight step) only the chosen op is run, since the others are multiplied by zero.

Data: `cifar10_splits` reads CIFAR-10 through torchvision where a user has it installed (with a
local copy); `digits_splits` uses scikit-learn's bundled 8x8 handwritten digits (1797 real images,
no download), which the tests train on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from benchmarks.errors import DataUnavailableError, QueryError
from benchmarks.nb201.space import EDGES, OPS


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out, kernel, stride, affine):
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out, affine=affine, track_running_stats=affine),
        )


class MixedOp(nn.Module):
    """The 5 candidate ops of one edge, with the 1x1 convolution sharing the 3x3 kernel's centre."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv3 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        # The search cells' BN has no affine parameters and no running statistics (as in NB201 search).
        self.bn3 = nn.BatchNorm2d(channels, affine=False, track_running_stats=False)
        self.bn1 = nn.BatchNorm2d(channels, affine=False, track_running_stats=False)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def op(self, index: int, x: torch.Tensor) -> torch.Tensor:
        name = OPS[index]
        if name == "none":
            return torch.zeros_like(x)
        if name == "skip_connect":
            return x
        if name == "nor_conv_1x1":
            return self.bn1(F.conv2d(F.relu(x), self.conv3.weight[:, :, 1:2, 1:2]))
        if name == "nor_conv_3x3":
            return self.bn3(self.conv3(F.relu(x)))
        return self.pool(x)

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        if not weights.requires_grad:
            chosen = torch.nonzero(weights).flatten().tolist()
            return sum(weights[i] * self.op(i, x) for i in chosen)
        return sum(weights[i] * self.op(i, x) for i in range(len(OPS)))


class SearchCell(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.edges = nn.ModuleList(MixedOp(channels) for _ in EDGES)

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        for target in (1, 2, 3):
            nodes.append(
                sum(self.edges[e](nodes[source], weights[e]) for e, (source, into) in enumerate(EDGES) if into == target)
            )
        return nodes[-1]


class ResidualReduction(nn.Module):
    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2, affine=True)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, affine=True)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.conv_b(self.conv_a(x))


class NB201Supernet(nn.Module):
    def __init__(self, channels: int = 16, cells_per_stage: int = 5, n_classes: int = 10, in_channels: int = 3):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
        layers: list[nn.Module] = []
        c = channels
        for stage in range(3):
            if stage:
                layers.append(ResidualReduction(c, 2 * c))
                c *= 2
            layers.extend(SearchCell(c) for _ in range(cells_per_stage))
        self.layers = nn.ModuleList(layers)
        self.last = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU())
        self.classifier = nn.Linear(c, n_classes)

    def forward(self, images: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """Logits of one architecture (weights: (6, 5) one-hot, shared by every cell) on a batch."""
        x = self.stem(images)
        for layer in self.layers:
            x = layer(x, weights) if isinstance(layer, SearchCell) else layer(x)
        x = self.last(x).mean(dim=(2, 3))
        return self.classifier(x)


# --- data -------------------------------------------------------------------------------------


@dataclass
class ImageSplits:
    """Train and validation halves of a training set (the original splits CIFAR-10 train 50/50)."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    valid_x: torch.Tensor
    valid_y: torch.Tensor
    n_classes: int
    augment: bool  # random crop + horizontal flip on training batches (CIFAR-10)


def _split(x: np.ndarray, y: np.ndarray, train_portion: float, n_classes: int, augment: bool) -> ImageSplits:
    cut = int(np.floor(train_portion * len(x)))
    x, y = torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y, dtype=torch.int64)
    return ImageSplits(x[:cut], y[:cut], x[cut:], y[cut:], n_classes, augment)


def digits_splits(train_portion: float = 0.5) -> ImageSplits:
    """scikit-learn's 8x8 digits, standardised and repeated to 3 channels (real images, shipped with sklearn)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0
    images = (images - images.mean()) / images.std()
    x = np.repeat(images[:, None, :, :], 3, axis=1)
    return _split(x, digits.target, train_portion, 10, augment=False)


def cifar10_splits(data_dir: str | None, train_portion: float = 0.5) -> ImageSplits:
    """CIFAR-10 train set from a local torchvision copy (`data_dir`), normalised with its channel statistics."""
    try:
        import torchvision
    except ImportError:
        raise DataUnavailableError(
            "the supernet's CIFAR-10 data needs torchvision (pip install torchvision) and a local copy "
            "(--data-dir); the tests use supernet dataset 'digits' instead"
        ) from None
    if not data_dir:
        raise DataUnavailableError("set the supernet data_dir to a folder holding torchvision's CIFAR-10 copy")
    try:
        data = torchvision.datasets.CIFAR10(root=data_dir, train=True, download=False)
    except RuntimeError as exc:
        raise DataUnavailableError(f"no CIFAR-10 under {data_dir!r} ({exc})") from None
    x = data.data.astype(np.float32).transpose(0, 3, 1, 2) / 255.0
    mean = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)[None, :, None, None]
    std = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32)[None, :, None, None]
    return _split((x - mean) / std, np.asarray(data.targets), train_portion, 10, augment=True)


DATASETS = {"digits": lambda cfg: digits_splits(cfg.train_portion), "cifar10": lambda cfg: cifar10_splits(cfg.data_dir, cfg.train_portion)}


def load_splits(config) -> ImageSplits:
    try:
        return DATASETS[config.dataset](config)
    except KeyError:
        raise QueryError(f"unknown supernet dataset {config.dataset!r}; valid: {', '.join(DATASETS)}") from None


def augment_batch(x: torch.Tensor, generator: torch.Generator, pad: int = 4) -> torch.Tensor:
    """Random crop with zero padding and random horizontal flip, drawn from `generator`."""
    n, c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=generator)
    flip = torch.rand(n, generator=generator) < 0.5
    columns = torch.arange(w).expand(n, w)
    columns = torch.where(flip[:, None], columns.flip(-1), columns)  # a flip reverses the column order
    rows = (dy[:, None] + torch.arange(h))[:, None, :, None]
    cols = (dx[:, None] + columns)[:, None, None, :]
    return padded[torch.arange(n)[:, None, None, None], torch.arange(c)[None, :, None, None], rows, cols]
