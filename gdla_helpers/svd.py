"""The SVD by gradient descent (notebook 03), in three modules by idea, gathered here.

- ``svd_source``: the source's recipe (its matrices, loss and optimisers) and its shipped baseline.
- ``svd_methods``: the two methods that work (the hybrid ``svd_factorize``, the pure ``svd_ascent``).
- ``svd_measures``: the error measures and the fair comparison with torch.linalg.svd.
``SVDResult`` (what every SVD run returns) is a ``gd.History`` with the factors U, S, V.
"""

from __future__ import annotations

from .gd import SVDResult
from .svd_measures import compare_svd, low_rank, sort_svd, svd_errors
from .svd_methods import svd_ascent, svd_factorize
from .svd_source import (
    SOURCE_MATRICES,
    load_source_baseline,
    source_matrices,
    source_svd,
    source_svd_loss,
)

__all__ = [
    "SVDResult",
    "source_matrices",
    "source_svd_loss",
    "source_svd",
    "sort_svd",
    "svd_factorize",
    "svd_ascent",
    "svd_errors",
    "compare_svd",
    "low_rank",
    "load_source_baseline",
]
_ = SOURCE_MATRICES  # re-exported for scripts: from gdla_helpers.svd import SOURCE_MATRICES
