"""The public API of gdla_helpers is pinned: renaming a name must keep the old one as an alias."""

import inspect
import re

import gdla_helpers as gh

# Every public name, as notebooks use them (gh.NAME). Add new names here; never remove one.
PUBLIC_API = {
    # losses
    "mse", "relative_error", "relative_residual", "identity_like",
    # plotting
    "COLORS", "plot_losses", "plot_matrix", "plot_function_and_derivative", "style",
    # checks
    "check_shape",
    "check_dot_product", "check_derivative", "check_fresh_gradient", "check_jacobian",  # 01
    "check_step_limit",  # 01 (checks_01)
    # data (notebook 01)
    "TopicData", "make_topic_matrix", "make_indicator_matrix",
    # graph + its figure (notebook 01)
    "autograd_graph", "plot_autograd_graph",
    # gd (notebook 02)
    "History", "DivergenceError", "minimize", "largest_stable_lr", "best_lr", "heavy_ball_params",
    "gd_rate", "heavy_ball_rate", "predict_quadratic",
    # matrices and inverse (notebook 02)
    "random_orthogonal", "matrix_with_singular_values", "matrix_with_condition",
    "METHODS", "inverse_loss", "inverse_gradient", "inverse_curvature", "inverse_params",
    "predict_iterations", "inverse_gd", "pinv_gd", "newton_schulz",
    "plot_convergence", "plot_matrix_frames", "plot_iterations_vs_kappa",
    "check_inverse_gradient", "check_largest_stable_lr", "check_iteration_prediction",
    "check_inverse", "check_pseudo_inverse",
    "same_count", "count_heavy_ball_iterations", "heavy_ball_behaviour",  # counting (notebook 02)
    "REGIONS", "MomentumMap", "momentum_map", "heavy_ball_region", "direction_errors", "pick_directions",
    "plot_momentum_map",  # the momentum picture (notebook 02)
    "check_step_scaling", "check_faster_momentum",  # notebook 02's predict-first checks (checks_02)
    # svd (notebook 03)
    "SVDResult", "source_matrices", "source_svd_loss", "source_svd", "sort_svd", "svd_factorize",
    "svd_ascent", "svd_errors", "compare_svd", "low_rank", "load_source_baseline",
    "check_svd_reconstruction", "check_rank_k_error", "check_smallest_rank", "check_top_singular_pair",
    "check_word_topics",
    "plot_heatmaps",
    # lessons (every notebook's parameters cell)
    "check_parameters",
    # randomized and datasets (notebook 03)
    "randomized_svd", "load_svd_cost",
    "Corpus", "load_photo", "load_pydoc_topics", "plot_pictures",
}
# Public names that learners never meet in a notebook: the manifest that scripts and tests read.
NOT_IN_NOTEBOOKS = {"identity_like"}


def test_public_api_is_pinned():
    assert set(gh.__all__) == PUBLIC_API, (
        "gh.__all__ changed: add new names to PUBLIC_API; a renamed name must stay as an alias"
    )
    assert len(gh.__all__) == len(set(gh.__all__)), "a name is exported twice"
    for name in PUBLIC_API:
        assert hasattr(gh, name), f"gh.{name} is missing"


def test_public_functions_are_documented():
    for name in gh.__all__:
        obj = getattr(gh, name)
        if not callable(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        assert doc.splitlines() and doc.splitlines()[0].strip(), f"{name} has no one-line summary"
        if name not in NOT_IN_NOTEBOOKS:  # small utilities and the manifest skip the pointer
            assert "Introduced in notebook" in doc or "Related to notebook" in doc, (
                f"{name}'s docstring must say where it is introduced (tests/test_provenance.py checks it)")


def test_import_prints_nothing_and_changes_no_default(fresh_interpreter):
    """A fresh `import gdla_helpers` keeps plotly's renderer and torch's float32 default, and prints nothing
    (conftest.py's fresh_interpreter: one new process, shared with tests/test_datasets.py)."""
    fresh = fresh_interpreter
    assert fresh.import_out is not None, f"importing gdla_helpers failed: {fresh.err}"
    assert fresh.import_out == "" and fresh.import_err == "", (
        f"importing gdla_helpers must print nothing; it printed {fresh.import_out!r} and {fresh.import_err!r}")
    status = fresh.out.splitlines()[0] if fresh.out else ""
    assert "renderer kept: True" in status, f"gdla_helpers changed the plotly renderer ({status!r})"
    assert "default dtype: torch.float32" in status, f"gdla_helpers changed torch's default dtype ({status!r})"


def test_a_kernel_skips_the_last_garbage_collection_at_exit(fresh_interpreter):
    """gdla_helpers._exit freezes the heap at exit, which cuts a torch kernel's shutdown from 1-2 s to
    0.3 s; a handler registered before the import (so run after it) reports what was frozen."""
    fresh = fresh_interpreter
    assert fresh.returncode == 0, fresh.err
    frozen = re.search(r"objects frozen at exit: (\d+)", fresh.err)
    assert frozen, f"the fresh interpreter did not report its exit ({fresh.err[-300:]!r})"
    assert int(frozen.group(1)) > 100_000, (
        f"only {frozen.group(1)} objects were frozen at exit: gdla_helpers._exit must register gc.freeze "
        "with atexit, or every kernel that used torch spends 1-2 s in a last garbage collection")
