import numpy as np
import pytest

from benchmarks.errors import ArchitectureError
from benchmarks.nb201.space import N_ARCHS, OPS, NB201Space, format_arch, onehot_to_ops, ops_to_onehot, parse_arch

BEST_CIFAR100 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
BEST_CIFAR10 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"


def test_parse_and_format_are_inverse():
    ops = parse_arch(BEST_CIFAR100)
    assert ops == (3, 3, 3, 1, 3, 3)
    assert format_arch(ops) == BEST_CIFAR100


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("|nor_conv_3x3~0|+|conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|", "token 'conv_3x3~0' has unknown op 'conv_3x3'"),
        ("|nor_conv_3x3~0|+|none~0|none~2|+|none~0|none~1|none~2|", "token 'none~2' must read 'none~1'"),
        ("|nor_conv_3x3~0|+|none~0|+|none~0|none~1|none~2|", "node 2 needs 2 inputs, got 1"),
        ("|nor_conv_3x3~0|+|none~0|none~1|", "expected 3 node groups"),
        ("nor_conv_3x3~0+|none~0|none~1|+|none~0|none~1|none~2|", "must look like"),
        ("|none0|+|none~0|none~1|+|none~0|none~1|none~2|", "token 'none0' has unknown op 'none0'"),
    ],
)
def test_malformed_strings_name_the_wrong_token(text, complaint):
    with pytest.raises(ArchitectureError, match="malformed NB201 architecture") as info:
        parse_arch(text)
    assert complaint in str(info.value)
    assert ", ".join(OPS) in str(info.value) or "unknown op" not in complaint


def test_non_string_is_rejected():
    with pytest.raises(ArchitectureError, match="must be a str"):
        parse_arch(42)


def test_round_trips_over_the_whole_space(nb201):
    space = nb201.space
    everything = np.arange(N_ARCHS)
    ops = space.index_to_ops(everything)
    assert np.array_equal(space.ops_to_index(ops), everything)
    assert np.array_equal(space.str_to_index(space.index_to_str(everything)), everything)
    onehot = space.index_to_onehot(everything)
    assert onehot.shape == (N_ARCHS, 6, 5) and np.all(onehot.sum(axis=-1) == 1)
    assert np.array_equal(space.onehot_to_index(onehot), everything)
    # logits decode by argmax per edge
    logits = onehot * 3.0 + np.random.default_rng(0).normal(0, 0.1, onehot.shape)
    assert np.array_equal(space.onehot_to_index(logits), everything)


def test_index_order_is_the_nas_bench_201_order(nb201):
    # Known NAS-Bench-201 entries: the best CIFAR-10 cell is index 6111, the best CIFAR-100 one 9930.
    assert nb201.space.to_indices(BEST_CIFAR10) == 6111
    assert nb201.space.to_indices(BEST_CIFAR100) == 9930
    assert nb201.space.index_to_str(0) == (
        "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
    )


def test_to_indices_accepts_mixed_forms_and_keeps_shape(nb201):
    space = nb201.space
    assert space.to_indices(7).shape == ()
    grid = space.to_indices(np.array([[1, 2], [3, 4]]))
    assert grid.shape == (2, 2)
    strings = space.index_to_str(np.array([[1, 2], [3, 4]]))
    assert np.array_equal(space.to_indices(strings), grid)
    assert np.array_equal(space.to_indices(list(strings.ravel())), grid.ravel())


@pytest.mark.parametrize("bad", [-1, N_ARCHS, [0, 20000]])
def test_out_of_range_indices(nb201, bad):
    with pytest.raises(ArchitectureError, match=rf"out of range; valid indices are 0..{N_ARCHS - 1}"):
        nb201.space.to_indices(bad)


def test_non_integer_indices(nb201):
    with pytest.raises(ArchitectureError, match="must be integers"):
        nb201.space.to_indices(np.array([1.5]))
    with pytest.raises(ArchitectureError, match="must be integers"):
        nb201.space.to_indices(np.array([True]))


def test_op_matrix_validation(nb201):
    with pytest.raises(ArchitectureError, match="6 entries"):
        nb201.space.ops_to_index(np.zeros(5, dtype=int))
    with pytest.raises(ArchitectureError, match="0..4"):
        nb201.space.ops_to_index(np.full(6, 5))
    with pytest.raises(ArchitectureError, match=r"shape \(\.\.\., 6, 5\)"):
        onehot_to_ops(np.zeros((6, 4)))
    assert np.array_equal(onehot_to_ops(ops_to_onehot([0, 1, 2, 3, 4, 0])), [0, 1, 2, 3, 4, 0])


def test_space_rejects_incomplete_tables():
    with pytest.raises(ArchitectureError, match="shape"):
        NB201Space(np.zeros((10, 6)))
    with pytest.raises(ArchitectureError, match="exactly once"):
        NB201Space(np.zeros((N_ARCHS, 6)))
    with pytest.raises(ArchitectureError, match="no architecture with index 1"):
        NB201Space.from_strings({BEST_CIFAR100: 0})
