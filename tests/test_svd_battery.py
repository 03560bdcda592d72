"""The rest of the SVD battery (issue 5): torch.rand 50×30 and 200×100, seeds 1 to 9, against torch.linalg.svd.

tests/test_svd.py runs the source's five matrices and seed 0 of each size with every unit test; the
other nine seeds of each run here, as a stage of their own ("SVD battery" in the timing table): the
pure method needs ~3 000 iterations per 50×30 matrix (about 1 to 3 s each), a benchmark-sized loop.
"""

import pytest
from test_svd import _oracle_check, _rand

import gdla_helpers as gh

SEEDS = range(1, 10)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_factorize_matches_torch_200x100(seed):
    M = _rand((200, 100), seed)
    result = gh.svd_factorize(M)
    assert result.converged and not result.diverged, result.message
    _oracle_check(result, M)
    assert gh.compare_svd(result.U, result.S, result.V, M)["worst"] <= 1e-6


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_ascent_matches_torch_50x30(seed):
    M = _rand((50, 30), seed)
    result = gh.svd_ascent(M)
    assert result.converged, result.message
    _oracle_check(result, M)
