"""The rest of the SVD battery (issue 5): torch.rand 50×30 and 200×100, seeds 1 to 9, against torch.linalg.svd.

tests/test_svd.py runs the source's five matrices and seed 0 of each size with every unit test; the
other nine seeds of each run here, as a stage of their own ("SVD battery" in the timing table): the
pure method needs ~3 000 iterations per 50×30 matrix (about 1 to 3 s each), a benchmark-sized loop.
"""

import pytest
from test_svd import _rand, ascent_matches_torch, factorize_matches_torch

SEEDS = range(1, 10)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_factorize_matches_torch_200x100(seed):
    factorize_matches_torch(_rand((200, 100), seed))


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_ascent_matches_torch_50x30(seed):
    ascent_matches_torch(_rand((50, 30), seed))
