"""check_parameters for lesson 03 at the ends of its ranges (the seed's top end, shapes outside)."""

import pytest

import gdla_helpers as gh

SEED_MAX = 2**63 - 1


@pytest.mark.parametrize("seed", [SEED_MAX, str(SEED_MAX), 0, "7"])
def test_the_largest_seed_is_accepted_exactly(seed):
    _, got, _ = gh.check_parameters("03", shape=(50, 30), seed=seed, rank=5)
    assert got == int(seed) and isinstance(got, int)


@pytest.mark.parametrize("seed", [SEED_MAX + 1, -1, 1.5, "abc"])
def test_seeds_outside_are_refused(seed):
    with pytest.raises(ValueError, match="seed"):
        gh.check_parameters("03", shape=(50, 30), seed=seed, rank=5)


@pytest.mark.parametrize("shape", [[0, 5], [201, 5], (150, 150), "abc", [2.5, 3], [5]])
def test_a_bad_shape_is_named_whole(shape):
    with pytest.raises(ValueError, match=r"shape") as info:
        gh.check_parameters("03", shape=shape, seed=0, rank=5)
    assert repr(shape) in str(info.value), str(info.value)


@pytest.mark.parametrize(("shape", "rank", "expected"), [
    ([3, 3], 5, 3), ("(1, 50)", 5, 1), ([200, 100], 100, 100), ((5, 5), 5, 5)])
def test_shapes_convert_and_rank_adapts(shape, rank, expected, capsys):
    got_shape, _, got_rank = gh.check_parameters("03", shape=shape, seed=0, rank=rank)
    assert isinstance(got_shape, tuple) and got_rank == expected
    assert ("using rank" in capsys.readouterr().out) == (rank > expected)
