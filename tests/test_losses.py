"""Unit tests of gdla_helpers.losses, with PyTorch as the oracle."""

import pytest
import torch
from torch.autograd import gradcheck

import gdla_helpers as gh


def _rand(*shape, dtype=torch.float64, device="cpu", seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=g, dtype=dtype).to(device)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_mse_matches_torch(dtype, device):
    a, b = _rand(3, 5, dtype=dtype, device=device), _rand(3, 5, dtype=dtype, device=device, seed=1)
    got = gh.mse(a, b)
    assert got.dtype == dtype and got.device.type == device
    torch.testing.assert_close(got, torch.nn.functional.mse_loss(a, b))


def test_mse_gradcheck():
    a = _rand(4, 4).requires_grad_()
    b = _rand(4, 4, seed=1)
    assert gradcheck(lambda x: gh.mse(x, b), (a,))


def test_mse_gradient_is_closed_form():
    X, M = _rand(4, 4).requires_grad_(), _rand(4, 4, seed=2)
    gh.mse(X @ M, torch.eye(4, dtype=M.dtype)).backward()
    torch.testing.assert_close(X.grad, 2 / 16 * (X.detach() @ M - torch.eye(4, dtype=M.dtype)) @ M.T)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_relative_residual_matches_definition(dtype, device):
    M = _rand(5, 5, dtype=dtype, device=device) + 2 * torch.eye(5, dtype=dtype, device=device)
    X = _rand(5, 5, dtype=dtype, device=device, seed=3)
    eye = torch.eye(5, dtype=dtype, device=device)
    got = gh.relative_residual(X, M)
    assert got.dtype == dtype and got.device.type == device
    torch.testing.assert_close(got, torch.linalg.matrix_norm(X @ M - eye) / 5**0.5)
    torch.testing.assert_close(gh.relative_residual(X, M, side="right"),
                               torch.linalg.matrix_norm(M @ X - eye) / 5**0.5)
    assert gh.relative_residual(torch.linalg.inv(M), M) < 1e-5


def test_relative_residual_and_error_gradcheck():
    M = _rand(3, 3) + torch.eye(3, dtype=torch.float64)
    X = _rand(3, 3, seed=4).requires_grad_()
    assert gradcheck(lambda x: gh.relative_residual(x, M), (X,))
    assert gradcheck(lambda x: gh.relative_error(x, M), (X,))


def test_relative_error_matches_definition(device):
    a, b = _rand(6, 2, device=device), _rand(6, 2, device=device, seed=5)
    torch.testing.assert_close(gh.relative_error(a, b), torch.linalg.norm(a - b) / torch.linalg.norm(b))
    assert gh.relative_error(b, b) == 0


def test_identity_like_keeps_dtype():
    eye = gh.identity_like(torch.zeros(3, 3, dtype=torch.float32))
    assert eye.dtype == torch.float32 and torch.equal(eye, torch.eye(3))


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: gh.mse(torch.zeros(2, 3), torch.zeros(3, 2)), ValueError, "same shape"),
        (lambda: gh.mse(torch.zeros(3), torch.zeros(1)), ValueError, "broadcasting"),
        (lambda: gh.mse(torch.zeros(2, dtype=torch.int64), torch.zeros(2)), TypeError, ".double()"),
        (lambda: gh.mse([1.0, 2.0], torch.zeros(2)), TypeError, "torch.as_tensor"),
        (lambda: gh.mse(torch.zeros(2), torch.tensor([0.0, float("nan")])), ValueError, "NaN"),
        (lambda: gh.mse(torch.zeros(0), torch.zeros(0)), ValueError, "empty"),
        (lambda: gh.relative_residual(torch.zeros(2, 3), torch.zeros(2, 3)), ValueError, "pinv"),
        (lambda: gh.relative_residual(torch.zeros(2, 2), torch.full((2, 2), float("inf"))),
         ValueError, "NaN or infinite"),
        (lambda: gh.relative_residual(torch.zeros(3, 3), torch.eye(2)), ValueError, "shape"),
        (lambda: gh.relative_residual(torch.zeros(2, 2), torch.eye(2), side="up"), ValueError, "side"),
        (lambda: gh.relative_error(torch.ones(2), torch.zeros(2)), ValueError, "all zeros"),
    ],
)
def test_bad_input_is_explained(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call()


def test_nan_prediction_gives_nan_loss():
    # A diverged iterate is not an input error: the loss must say NaN so that the loop can stop.
    assert torch.isnan(gh.mse(torch.tensor([float("nan")]), torch.zeros(1)))
