"""Helpers keep the dtype and device of their inputs (CPU always; CUDA when a GPU is present)."""

import pytest
import torch

import gdla_helpers as gh

DTYPES = [torch.float32, torch.float64]


@pytest.mark.parametrize("dtype", DTYPES)
def test_minimize_keeps_dtype_and_device(dtype, device):
    x = torch.tensor([3.0, -2.0], dtype=dtype, device=device, requires_grad=True)
    history = gh.minimize(lambda: (x**2).sum(), [x], lr=0.25, tol=1e-8, max_iter=200)
    assert history.converged and x.dtype == dtype and x.device.type == device


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("solver", [gh.inverse_gd, gh.pinv_gd, gh.newton_schulz])
def test_inverse_solvers_keep_dtype_and_device(solver, dtype, device):
    M = gh.matrix_with_condition(4, 5.0, seed=1, dtype=dtype).to(device)
    X, _ = solver(M, tol=1e-4)
    assert X.dtype == dtype and X.device.type == device
    assert gh.relative_residual(X, M) <= 1e-3


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", [gh.svd_factorize, gh.svd_ascent])
def test_svd_methods_keep_dtype_and_device(method, dtype, device):
    M = torch.rand(6, 4, generator=torch.Generator().manual_seed(0), dtype=dtype).to(device)
    result = method(M, max_iter=100)  # the dtype and device, not convergence (test_svd checks that)
    for factor in (result.U, result.S, result.V):
        assert factor.dtype == dtype and factor.device.type == device


def test_generated_data_keeps_the_requested_dtype():
    assert gh.matrix_with_condition(3, 2.0, dtype=torch.float32).dtype == torch.float32
    assert gh.make_topic_matrix(dtype=torch.float32).matrix.dtype == torch.float32
