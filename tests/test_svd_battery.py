"""The rest of the SVD battery (issue 5): torch.rand 50×30 and 200×100 against torch.linalg.svd, and the
scan that picked gh.svd_ascent's default momentum.

tests/test_svd.py runs the source's five matrices and seed 0 of each size with every unit test
(svd_factorize; svd_ascent on the source's five only); the other seeds run here, as a stage of their
own ("SVD battery" in the timing table): svd_factorize on 200×100 seeds 1 to 9, svd_ascent on 50×30
seeds 0 to 9. The pure method needs ~3 000 iterations per 50×30 matrix (about 1 to 3 s each), a
benchmark-sized loop.
The momentum scan is here for the same reason: 24 runs of svd_ascent, the 50×30 ones up to ~1 s each.
"""

import pytest
import torch
from test_svd import SOURCE, _rand, ascent_matches_torch, factorize_matches_torch

import gdla_helpers as gh

SEEDS = range(1, 10)
PURE_SEEDS = range(10)  # seed 0 too: tests/test_svd.py runs svd_ascent on the source's five only


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_factorize_matches_torch_200x100(seed):
    factorize_matches_torch(_rand((200, 100), seed))


@pytest.mark.slow
@pytest.mark.parametrize("seed", PURE_SEEDS)
def test_ascent_matches_torch_50x30(seed):
    ascent_matches_torch(_rand((50, 30), seed))


@pytest.mark.slow
def test_ascent_momentum_is_the_scans_best():
    """Notebook 03 says 0.993 has the fewest iterations in total on the source's five and three rand 50×30."""
    mats = [*SOURCE.values()] + [torch.rand(50, 30, generator=torch.Generator().manual_seed(s), dtype=torch.float64)
                                 for s in range(3)]
    total = {beta: sum(gh.svd_ascent(M, momentum=beta).iterations for M in mats) for beta in (0.99, 0.993, 0.995)}
    assert total[0.993] < min(total[0.99], total[0.995]), total
