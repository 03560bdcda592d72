"""Learner answers: every exercise of every notebook judged like a teacher, at the notebook's own inputs.

The three notebooks are executed once (papermill, two worker processes), and notebook 02 also at three
other allowed values of its parameters cell, with ``GDLA_RECORD_CHECKS`` set: every ``gh.check_*`` call
then saves what the notebook passed it (gdla_helpers.checks, "Recording"). An exercise is found by its
check call (the check's name and the answer's variable, ``my_x`` or ``my_x_solution``), never by cell
index, so cells may move. To reuse records made earlier, set ``GDLA_EXERCISE_RECORDS`` to their folder
(one sub-folder per run: 01, 02, 03, 02@1, 02@2, 02@3). The runs at other parameter values execute only the cells
their exercises depend on (``_exercises_only``).

ROWS holds, per exercise, answers as a learner writes them (Python expressions evaluated next to the
recorded inputs) with the verdict and a fragment of the line the check must print: at least 3 right
answers in other forms (hand-rounded, float32, NumPy, a list, another formula) and at least 3 typical
mistakes, each named by its own hint. Beside them: answers that are not real numbers (never ✅), no
check writes to stderr or raises on any row, no ❌ line contains the answer (to 2 or more significant
digits) or the solution cell's expression, and a deliberately loosened policy turns rows red.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import math
import os
import pickle
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import torch

import gdla_helpers as gh
from gdla_helpers import checks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = Path(os.environ.get("GDLA_EXERCISE_NOTEBOOKS", ROOT / "notebooks"))  # another folder: other notebooks
sys.path.insert(0, str(Path(__file__).resolve().parent))
FILES = {"01": "01_tensors_and_autograd.ipynb", "02": "02_matrix_inverse_gd.ipynb", "03": "03_svd_gd.ipynb"}
# Notebook 02's exercises take their M (and tol) from the parameters cell: also judged at three other
# allowed values (the ranges of gdla_helpers.lessons), as the learner may set them. These runs execute only
# the cells the exercises depend on; "02@0" does so at the defaults, to show that this records the same inputs.
OTHER_02 = {"02@0": {}, "02@1": {"n": 3, "seed": 0}, "02@2": {"kind": "condition", "n": 6, "kappa": 50.0, "seed": 1},
            "02@3": {"n": 8, "seed": 7, "tol": 1e-4}}
RUNS = {**{k: (FILES[k], {}) for k in FILES}, **{k: (FILES["02"], p) for k, p in OTHER_02.items()}}
EXECUTIONS = {"02": (FILES["02"], {}), "02@": (FILES["02"], {}), "01": (FILES["01"], {}), "03": (FILES["03"], {})}
PARAMETRISED = {"check_inverse_gradient", "check_step_scaling", "check_inverse"}  # inputs from 02's parameters cell
TIMEOUT = 600


# --- executing the notebooks once, recording their check calls ---------------------------------------

def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell defines, names it reads), from its syntax (IPython magics make it read everything)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), {"*"}
    defined, read, local = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Lambda, ast.FunctionDef)):
            local |= {a.arg for a in node.args.args + node.args.kwonlyargs}
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.AugAssign, ast.Subscript, ast.Attribute)) and isinstance(
                getattr(node, "target", getattr(node, "value", None)), ast.Name):
            read.add((node.target if isinstance(node, ast.AugAssign) else node.value).id)
    return defined, read - local - (defined - _rebound(tree))


def _rebound(tree) -> set[str]:
    """Names a cell reads before (or while) it assigns them: x += 1, x = f(x), x.attr = ..., x[i] = ..."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            found.add(node.target.id)
        elif isinstance(node, ast.Assign):
            loads = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            stores = {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            found |= loads & stores
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store) and isinstance(
                node.value, ast.Name):
            found.add(node.value.id)
    return found


def _exercises_only(notebook: str, folder: str, checks_: set[str], runs: dict[str, dict]) -> str:
    """One notebook that runs, for each (label, parameters) of `runs` in turn in one kernel, only the code
    cells that the calls of `checks_` depend on: the cells calling them and, transitively, the last cell
    before each that defines a name it reads (the parameters cell, then the parameters as papermill would
    inject them, and the imports come with it). Each part records into folder/label. One kernel instead
    of one per parameter set; test_sliced_runs_record_the_full_runs_inputs shows that at the default
    parameters this records what the whole notebook records."""
    nb = json.loads((NOTEBOOKS / notebook).read_text())
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    names = {i: _names("".join(cells[i]["source"])) for i in code}
    tagged = [i for i in code if "parameters" in cells[i].get("metadata", {}).get("tags", [])]
    keep = {i for i in code if any(f"gh.{name}(" in "".join(cells[i]["source"]) for name in checks_)} | set(tagged)
    todo = list(keep)
    while todo:
        i = todo.pop()
        for name in names[i][1]:
            before = [k for k in code if k < i and (name in names[k][0] or "*" in names[k][1])]
            if before and before[-1] not in keep:
                keep.add(before[-1])
                todo.append(before[-1])
    parts = []
    for label, params in runs.items():
        switch = f"import os\nos.environ[{checks.RECORD_ENV!r}] = {str(Path(folder) / label)!r}"
        injected = "\n".join(f"{k} = {v!r}" for k, v in params.items())
        for i in sorted(keep):
            cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                    "source": cells[i]["source"]}
            parts.append(cell)
            if i in tagged:
                parts.append({**cell, "source": switch + "\n" + injected})
    nb["cells"] = parts
    path = Path(folder) / f"sliced-{notebook}"
    path.write_text(json.dumps(nb))
    return str(path)


def _execute(label: str, notebook: str, params: dict, folder: str) -> tuple[str, int, str, float]:
    """One run in a worker process: its kernel records into folder/label (label "02@": the runs of OTHER_02)."""
    import _papermill_worker

    os.environ[checks.RECORD_ENV] = str(Path(folder) / label)
    out = str(Path(folder) / f"{label}.ipynb")
    if label == "02@":
        source = _exercises_only(notebook, folder, PARAMETRISED, OTHER_02)
    else:
        source = str(NOTEBOOKS / notebook)
    code, seconds, error = _papermill_worker.run(source, out, params, str(NOTEBOOKS), TIMEOUT)
    return label, code, error, seconds


@cache
def _records_folder() -> tuple[str, dict]:
    """(folder, {label: error text}) — the records of every run in RUNS."""
    given = os.environ.get("GDLA_EXERCISE_RECORDS")
    if given:
        return given, {}
    import _papermill_worker

    folder = tempfile.mkdtemp(prefix="gdla-exercises-")
    errors = {}
    env = os.environ.copy()
    os.environ.pop(checks.RECORD_ENV, None)
    try:
        with ProcessPoolExecutor(2, initializer=_papermill_worker.start) as pool:
            jobs = [pool.submit(_execute, label, nb, params, folder) for label, (nb, params) in EXECUTIONS.items()]
            seconds = {}
            for job in jobs:
                label, code, error, seconds[label] = job.result()
                if code:
                    errors[label] = error
        import conftest  # the project's conftest.py: its REPORT lines end the run's summary

        conftest.REPORT.append("learner answers: notebooks run (s) " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    finally:
        os.environ.clear()
        os.environ.update(env)
    return folder, errors


def _stem(source: str | None) -> str:
    return re.sub(r"_solution$", "", source or "")


@cache
def records() -> dict[tuple[str, str], dict]:
    """{(run label, check): {"inputs": the exercise's record, "solution": the solution's answer}}."""
    folder, _ = _records_folder()
    found: dict[tuple[str, str], dict] = {}
    for label in RUNS:
        for path in sorted((Path(folder) / label).glob("*.pkl")):
            with open(path, "rb") as file:
                record = pickle.load(file)  # noqa: S301 (records this test session wrote)
            entry = found.setdefault((label, record["check"]), {"inputs": None, "solution": None, "stem": None})
            source = record["answer_source"] or ""
            if source.endswith("_solution"):
                if entry["solution"] is None:
                    entry["solution"] = record
            elif entry["inputs"] is None and record["answer"] is None:
                entry["inputs"], entry["stem"] = record, _stem(source)
    for entry in found.values():  # an exercise without a blank scaffold call: judge at the solution's inputs
        entry["inputs"] = entry["inputs"] or entry["solution"]
    return found


def _namespace(label: str, check: str) -> tuple[dict, dict]:
    """(the recorded arguments by name, a namespace for the rows' expressions)."""
    entry = records().get((label, check))
    if entry is None:
        folder, errors = _records_folder()
        pytest.fail(f"{label}: no call of gh.{check} was recorded (the run's error, if any: "
                    f"{errors.get(label, errors.get(label.split('@')[0] + '@' if '@' in label else label, 'none'))[-500:]})")
    args = {k: checks._unpack(v) for k, v in entry["inputs"]["args"].items()}
    space = {"torch": torch, "math": math, "np": np, "gh": gh, **args}
    if entry["solution"] is not None:
        space["solution"] = checks._unpack(entry["solution"]["answer"])
    space["complexified"] = _complexified
    SETUP.get(check, lambda s: None)(space)
    return args, space


def _complexified(answer):
    """The right answer with an imaginary part added: its real part is right, the answer is not."""
    if isinstance(answer, str):
        return complex(0.0, 1.0)
    if isinstance(answer, (tuple, list)):
        return type(answer)(_complexified(a) for a in answer)
    return torch.as_tensor(answer) + 0.5j


# --- what each exercise needs next to its recorded inputs --------------------------------------------

def _setup_fresh(s):
    w0 = s["w"].detach().clone()

    def loop(reset=None, step=0.0, clone=True):
        """The exercise's loop as a learner writes it: reset 'before' or 'between' backward() and reading."""
        w = w0.clone().requires_grad_()
        grads = []
        for _ in range(s["steps"]):
            if reset == "before":
                w.grad = None
            s["loss_fn"](w).backward()
            if reset == "between":
                w.grad.zero_()
            grads.append(w.grad.clone() if clone else w.grad)
            if step:
                with torch.no_grad():
                    w -= step * w.grad
        return grads

    s["loop"] = loop
    point = w0.clone().requires_grad_()
    (s["g"],) = torch.autograd.grad(s["loss_fn"](point), point)


def _setup_inverse(s):
    s["n"] = s["M"].shape[0]
    s["I"] = torch.eye(s["n"], dtype=torch.float64)
    s["Xd"] = s["X"].detach().to(torch.float64) if "X" in s else None
    if "X" in s:
        Xr = s["Xd"].clone().requires_grad_()
        gh.mse(s["M"] @ Xr, s["I"]).backward()
        s["by_autograd"] = Xr.grad


def _setup_minimize(s):
    _setup_inverse(s)
    M, n = s["M"], s["n"]

    def minimized(metric=True, tol=s["tol"] / 10):
        """Exercise 4's run (the tuned heavy ball of gh.inverse_params), with or without metric=."""
        X = torch.zeros(n, n, dtype=torch.float64, requires_grad=True)
        lr, beta = gh.inverse_params(M)
        gh.minimize(lambda: gh.inverse_loss(X, M, "right"), [X], lr=lr, momentum=beta, tol=tol, max_iter=50_000,
                    metric=(lambda p: gh.relative_residual(p[0].detach(), M, side="right").item()) if metric else None)
        return X.detach()

    s["minimized"] = minimized


def _setup_faster(s):
    counts = {k: math.inf if v is None else v for k, v in s["measured"].items()}
    s["best"] = min(counts, key=counts.get)
    s["other"] = max(counts, key=counts.get)


def _setup_pair(s):
    M = s["M"]
    s["svd"] = torch.linalg.svd(M, full_matrices=False)

    def power(steps=200):
        v = torch.ones(M.shape[1], dtype=torch.float64)
        for _ in range(steps):
            v = M.T @ (M @ v)
            v = v / torch.linalg.vector_norm(v)
        return M @ v / torch.linalg.vector_norm(M @ v), v

    s["power"] = power
    s["u"], s["v"] = power()


def _setup_smallest_rank(s):
    s["S"] = torch.linalg.svdvals(s["M"])
    s["printed"] = [round(x, 4) for x in s["S"].tolist()]  # as section 1 prints them
    s["rel"] = [float(torch.sqrt((s["S"][k:] ** 2).sum() / (s["S"] ** 2).sum())) for k in range(len(s["S"]) + 1)]


def _setup_topics(s):
    s["n_topics"] = len(set(s["word_topic"].tolist()))


SETUP = {"check_fresh_gradient": _setup_fresh, "check_inverse_gradient": _setup_inverse,
         "check_inverse": _setup_minimize, "check_faster_momentum": _setup_faster,
         "check_top_singular_pair": _setup_pair, "check_smallest_rank": _setup_smallest_rank,
         "check_word_topics": _setup_topics}

RIGHT, WRONG = True, False
GRAD = "2 / n**2 * M.T @ (M @ Xd - I)"
# (answer as a learner writes it, verdict, a fragment of the printed line)
ROWS: dict[tuple[str, str], list[tuple[str, bool, str]]] = {
    ("01", "check_dot_product"): [
        ("(a * b).sum()", RIGHT, "correct"),
        ("float((a * b).sum())", RIGHT, "correct"),
        ("sum(x * y for x, y in zip(a.tolist(), b.tolist()))", RIGHT, "correct"),
        ("np.dot(a.numpy(), b.numpy())", RIGHT, "correct"),
        ("int((a * b).sum())", RIGHT, "correct"),
        ("a * b", WRONG, "vector of products"),
        ("(a + b).sum()", WRONG, "adds the entries"),
        ("a.sum() * b.sum()", WRONG, "product of the two sums"),
        ("(a * b)[:-1].sum()", WRONG, "one product is missing"),
        ("(a * b)[1:].sum()", WRONG, "one product is missing"),
    ],
    ("01", "check_shape"): [
        ("tuple(expected)", RIGHT, "correct"),
        ("list(expected)", RIGHT, "correct"),
        ("torch.Size(expected)", RIGHT, "correct"),
        ("torch.zeros(expected)", RIGHT, "correct"),
        ("tuple(float(d) for d in expected)", RIGHT, "correct"),
        ("tuple(expected[-2:])", WRONG, "batch dimensions are missing"),
        ("(4, 1, 2, 7)", WRONG, "batch dimensions are not"),
        ("(4, 3, 2, 5, 7)", WRONG, "inner size"),
        ("(4, 3, 7, 2)", WRONG, "swapped"),
        ("'(4, 3, 2, 7)'", WRONG, "tuple of whole numbers"),
    ],
    ("01", "check_fresh_gradient"): [
        ("loop('before')", RIGHT, "correct"),
        ("[g, g, g]", RIGHT, "correct"),
        ("[x.numpy() for x in loop('before')]", RIGHT, "correct"),
        ("[x.tolist() for x in loop('before')]", RIGHT, "correct"),
        ("torch.stack(loop('before'))", RIGHT, "correct"),
        ("[x.double() for x in loop('before')]", RIGHT, "correct"),
        ("loop()", WRONG, "piled up"),
        ("loop('between')", WRONG, "all zero"),
        ("loop('before', step=0.1)", WRONG, "another w"),
        ("[g, None, None]", WRONG, "is None"),
        ("loop('before')[-1]", WRONG, "not the list"),
        ("loop('before')[:2]", WRONG, "holds 2 gradients"),
        ("loss_fn(w.detach())", WRONG, "single number"),
    ],
    ("01", "check_derivative"): [
        ("math.cos(x**2) * 2 * x", RIGHT, "correct"),
        ("-1.88", RIGHT, "rounded to 3 significant digits"),
        ("-1.885", RIGHT, "rounded to 3 significant digits"),
        ("torch.tensor(2 * x * math.cos(x * x))", RIGHT, "correct"),
        ("np.float32(2 * x * math.cos(x**2))", RIGHT, "correct"),
        ("torch.autograd.functional.jacobian(f, torch.tensor(x, dtype=torch.float64))", RIGHT, "correct"),
        ("math.cos(x**2)", WRONG, "inner layer's derivative is missing"),
        ("2 * x * math.cos(x)", WRONG, "not at the inner value"),
        ("math.sin(x**2)", WRONG, "itself, not its slope"),
        ("-2 * x * math.cos(x**2)", WRONG, "sign is flipped"),
        ("x * math.cos(x**2)", WRONG, "factor 2 is missing"),
        ("math.cos(x)", WRONG, "outer derivative alone"),
        ("2 * x", WRONG, "inner layer's derivative alone"),
        ("-1.89", WRONG, "2 significant digits only"),
        ("lambda t: math.cos(t**2) * 2 * t", WRONG, "a formula"),
    ],
    ("01", "check_jacobian"): [
        ("torch.autograd.functional.jacobian(f, x)", RIGHT, "correct"),
        ("[[2 * x[0].item() * x[1].item(), x[0].item() ** 2], [3.0, math.cos(x[1].item())]]", RIGHT, "correct"),
        ("torch.autograd.functional.jacobian(f, x).numpy()", RIGHT, "correct"),
        ("torch.autograd.functional.jacobian(f, x.double())", RIGHT, "correct"),
        ("torch.autograd.functional.jacobian(f, x).T", WRONG, "transpose"),
        ("torch.autograd.functional.jacobian(f, x).flatten()", WRONG, "one flat list"),
        ("torch.autograd.functional.jacobian(f, x).sum(0)", WRONG, "summed outputs"),
        ("torch.autograd.functional.jacobian(f, torch.zeros(2))", WRONG, "Jacobian at 0"),
        ("torch.autograd.functional.jacobian(f, x) + torch.tensor([[0.0, 0.0], [0.0, 1.0]])", WRONG, "entries are off"),
    ],
    ("01", "check_step_limit"): [
        ("2 / 6", RIGHT, "correct"),
        ("0.333", RIGHT, "rounded to 3 significant digits"),
        ("1 / 3", RIGHT, "correct"),
        ("torch.tensor(2 / 6)", RIGHT, "correct"),
        ("np.float32(1 / 3)", RIGHT, "correct"),
        ("1 / 6", WRONG, "best step"),
        ("6", WRONG, "curvature f″ itself"),
        ("3", WRONG, "coefficient of x²"),
        ("2 / 3", WRONG, "coefficient of x² for the curvature"),
        ("5 / 6", WRONG, "minimiser"),
        ("-2 / 6", WRONG, "positive"),
        ("0.33", WRONG, "2 significant digits only"),
        ("(0, 2 / 6)", WRONG, "range of steps"),
    ],
    ("02", "check_inverse_gradient"): [
        (GRAD, RIGHT, "correct"),
        (f"({GRAD}).float()", RIGHT, "correct"),
        (f"({GRAD}).numpy()", RIGHT, "correct"),
        (f"({GRAD}).tolist()", RIGHT, "correct"),
        ("by_autograd", RIGHT, "correct"),
        ("2 * M.T @ (M @ Xd - I) / M.numel()", RIGHT, "correct"),
        ("2 / n**2 * (Xd @ M - I) @ M.T", WRONG, "gradient of the other loss"),
        ("2 / n**2 * (M @ Xd - I) @ M.T", WRONG, "wrong side of the residual"),
        ("2 / n**2 * M.T @ (Xd @ M - I)", WRONG, "wrong order"),
        ("2 / n**2 * M @ (M @ Xd - I)", WRONG, "where its transpose belongs"),
        ("1 / n**2 * M.T @ (M @ Xd - I)", WRONG, "factor 2 is missing"),
        ("2 * M.T @ (M @ Xd - I)", WRONG, "mean's division is missing"),
        ("M.T @ (M @ Xd - I)", WRONG, "both the factor 2"),
        ("2 / n * M.T @ (M @ Xd - I)", WRONG, "divides by n"),
        ("2 / n**2 * M.T @ M @ Xd", WRONG, "identity is missing"),
        (f"-({GRAD})", WRONG, "sign is flipped"),
        (f"({GRAD}).flatten()", WRONG, "shape"),
        ("torch.full_like(Xd, float('nan'))", WRONG, "NaN"),
    ],
    ("02", "check_step_scaling"): [
        ("1 / 9", RIGHT, "correct"),
        ("0.111", RIGHT, "rounded to 3 significant digits"),
        ("(1 / 3) ** 2", RIGHT, "correct"),
        ("torch.tensor(1 / scale**2)", RIGHT, "correct"),
        ("np.float32(1 / 9)", RIGHT, "correct"),
        ("(torch.linalg.svdvals(M)[0] / torch.linalg.svdvals(scale * M)[0]).item() ** 2", RIGHT, "correct"),
        ("1 / 3", WRONG, "shrinks like σ_max"),
        ("3", WRONG, "upside down"),
        ("9", WRONG, "upside down"),
        ("1", WRONG, "does change"),
        ("1 / 27", WRONG, "too fast"),
        ("0.11", WRONG, "2 significant digits only"),
    ],
    ("02", "check_faster_momentum"): [
        ("best", RIGHT, "correct"),
        ("best.upper()", RIGHT, "correct"),
        ("f'  {best} '", RIGHT, "correct"),
        ("best.capitalize()", RIGHT, "correct"),
        ("other", WRONG, "you predicted"),
        ("'nesterov'", WRONG, "not one of the settings"),
        ("measured[best]", WRONG, "label of a setting"),
        ("[best]", WRONG, "label of a setting"),
    ],
    ("02", "check_inverse"): [
        ("torch.linalg.inv(M)", RIGHT, "correct"),
        ("torch.linalg.inv(M).float()", RIGHT, "correct"),
        ("torch.linalg.inv(M).numpy()", RIGHT, "correct"),
        ("torch.linalg.solve(M, I)", RIGHT, "correct"),
        ("minimized()", RIGHT, "correct"),
        ("solution", RIGHT, "correct"),
        ("M", WRONG, "M itself"),
        ("M.T", WRONG, "transpose of M"),
        ("I", WRONG, "the identity"),
        ("1 / M", WRONG, "each entry"),
        ("torch.linalg.inv(M) + 0.1 * I", WRONG, "not converged yet"),
        ("minimized(metric=False)", WRONG, "stop on the loss"),
        ("torch.full_like(M, float('nan'))", WRONG, "NaN"),
        ("torch.linalg.inv(M).flatten()", WRONG, "matrix"),
        ("torch.zeros_like(M)", WRONG, "no step was taken"),
    ],
    ("02", "check_pseudo_inverse"): [
        ("torch.linalg.pinv(M)", RIGHT, "correct"),
        ("torch.linalg.pinv(M).float()", RIGHT, "correct"),
        ("torch.linalg.pinv(M).numpy()", RIGHT, "correct"),
        ("torch.linalg.lstsq(M, torch.eye(M.shape[0], dtype=M.dtype)).solution", RIGHT, "correct"),
        ("solution", RIGHT, "correct"),
        ("M.T", WRONG, "transpose of M"),
        ("torch.linalg.pinv(M) + torch.ones(M.shape[1], 1, dtype=M.dtype) @ torch.linalg.svd(M).U[:, -1:].T",
         WRONG, "extra part"),
        ("torch.zeros(M.shape[1], M.shape[0], dtype=M.dtype)", WRONG, "no step was taken"),
        ("gh.pinv_gd(M, X0=torch.zeros(M.shape[1], M.shape[0], dtype=M.dtype), max_iter=3)[0]", WRONG, "to tolerance"),
        ("torch.full((M.shape[1], M.shape[0]), float('nan'))", WRONG, "NaN"),
        ("M", WRONG, "matrix"),
    ],
    ("03", "check_svd_reconstruction"): [
        ("(U * S) @ V.T", RIGHT, "correct"),
        ("U @ torch.diag(S) @ V.T", RIGHT, "correct"),
        ("((U * S) @ V.T).float()", RIGHT, "correct"),
        ("((U * S) @ V.T).numpy()", RIGHT, "correct"),
        ("((U * S) @ V.T).tolist()", RIGHT, "correct"),
        ("torch.einsum('ik,k,jk->ij', U, S, V)", RIGHT, "correct"),
        ("U @ torch.diag(S) @ V", WRONG, "not by Vᵀ"),
        ("U @ V.T", WRONG, "S is missing"),
        ("(U @ V.T) * S", WRONG, "columns of the product"),
        ("U * S", WRONG, "U·diag(S) alone"),
        ("M", WRONG, "M itself"),
        ("torch.full_like(M, float('nan'))", WRONG, "NaN"),
    ],
    ("03", "check_top_singular_pair"): [
        ("(u, v)", RIGHT, "correct"),
        ("(svd.U[:, 0], svd.Vh[0])", RIGHT, "correct"),
        ("(-svd.U[:, 0], -svd.Vh[0])", RIGHT, "correct"),
        ("[u.float(), v.float()]", RIGHT, "correct"),
        ("(u.numpy(), v.numpy())", RIGHT, "correct"),
        ("u", WRONG, "expected a tuple"),
        ("(v, u)", WRONG, "swapped"),
        ("(3 * u, v)", WRONG, "length 1"),
        ("(-u, v)", WRONG, "wrong sign"),
        ("(svd.U[:, 0], svd.Vh[:, 0])", WRONG, "column of Vh"),
        ("(svd.U[:, 1], svd.Vh[1])", WRONG, "not the top one"),
        ("power(1)", WRONG, "not the top pair yet"),
    ],
    ("03", "check_smallest_rank"): [  # A's relative errors for k = 0 … 4: 1, 0.303, 0.116, 0.048, 0
        ("solution", RIGHT, "correct"),
        ("next(k for k in range(len(S) + 1) if torch.sqrt((S[k:] ** 2).sum()) / torch.linalg.matrix_norm(M) < target)",
         RIGHT, "correct"),
        ("(torch.sqrt((S**2).flip(0).cumsum(0).flip(0) / (S**2).sum()) >= target).sum()", RIGHT, "correct"),
        ("next(k for k in range(5) if math.sqrt(sum(x**2 for x in printed[k:]) / sum(x**2 for x in printed)) < 0.2)",
         RIGHT, "correct"),
        ("np.argmax(np.array(rel) < target)", RIGHT, "correct"),
        ("float(solution)", RIGHT, "correct"),
        ("torch.tensor([solution])", RIGHT, "correct"),
        ("np.argmax(np.array(rel[1:]) < target)", WRONG, "counted from 0"),
        ("next(k for k in range(len(S) + 1) if torch.sqrt((S[:k] ** 2).sum()) / torch.linalg.matrix_norm(M) < target)",
         WRONG, "part you keep"),
        ("next(k for k in range(len(S) + 1) if torch.sqrt((S[k:] ** 2).sum()) < target)", WRONG, "absolute error"),
        ("max(k for k in range(len(S) + 1) if rel[k] < target)", WRONG, "largest k"),
        ("rel[solution]", WRONG, "is an error, not a rank"),
        ("torch.sqrt((S[solution:] ** 2).sum()).item()", WRONG, "is an error, not a rank"),
        ("100 * rel[solution]", WRONG, "is an error, not a rank"),
        ("torch.tensor(rel)", WRONG, "one per k"),
        ("solution + 0.5", WRONG, "not a whole number"),
        ("len(S) + 1", WRONG, "not a rank"),
    ],
    ("03", "check_word_topics"): [
        ("solution", RIGHT, "correct"),
        ("solution.tolist()", RIGHT, "correct"),
        ("solution.numpy()", RIGHT, "correct"),
        ("(solution + 1) % n_topics", RIGHT, "correct"),
        ("word_topic", RIGHT, "correct"),
        ("[0] * len(word_topic)", WRONG, "same group"),
        ("solution.float()", WRONG, "whole-number label"),
        ("solution[:-1]", WRONG, "one per word"),
        ("torch.where(solution == solution[0], solution, (solution[0] + 1) % n_topics)", WRONG, "groups"),
        ("torch.cat([(solution[:1] + 1) % n_topics, solution[1:]])", WRONG, "different group"),
    ],
}
# Answers that are not made of real numbers: ❌ for every exercise that asks for numbers, with a line
# that says what the answer is (never ✅, never raised, nothing on stderr).
NOT_REAL = [("complexified(solution)", "complex"), ("complex(1.0, 0.0)", "complex"), ("torch.tensor([1.0 + 2.0j])", "complex"), ("'0.5'", "text"),
            ("float('nan')", "NaN"), ("float('inf')", "NaN"), ("True", "truth value"), ("[[1.0], [2.0, 3.0]]", ""),
            ("object()", ""), ("{'a': 1}", ""), ("[None]", "")]
NUMBER_CHECKS = {key for key in ROWS if key[1] not in ("check_faster_momentum", "check_shape", "check_word_topics",
                                                        "check_top_singular_pair")}


def _labels_of(notebook: str, check: str) -> list[str]:
    if notebook == "02" and check in PARAMETRISED:
        return ["02", *(k for k in OTHER_02 if k != "02@0")]
    return [notebook]


@pytest.mark.parametrize("check", sorted(PARAMETRISED))
def test_sliced_runs_record_the_full_runs_inputs(check):
    """At the default parameters, the notebook cut down to its exercises' cells passes the same inputs."""
    full, sliced = records()[("02", check)], records().get(("02@0", check))
    assert sliced is not None, f"the sliced run recorded no call of {check}"
    for key in ("inputs", "solution"):
        a, b = full[key]["args"], sliced[key]["args"]
        assert a.keys() == b.keys()
        for name in a:
            x, y = checks._unpack(a[name]), checks._unpack(b[name])
            same = torch.equal(x, y) if isinstance(x, torch.Tensor) else x == y
            assert same, f"{check}: {name} differs between the whole notebook and its sliced copy"
    assert torch.equal(torch.as_tensor(checks._unpack(full["solution"]["answer"])),
                       torch.as_tensor(checks._unpack(sliced["solution"]["answer"])))


def _judge(label: str, check: str, expression: str):
    """(verdict, stdout, stderr) of the check on the answer `expression`, with the recorded inputs."""
    args, space = _namespace(label, check)
    answer = eval(expression, space)  # noqa: S307 (the table above)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            verdict = getattr(gh, check)(answer, **args)
    return verdict, out.getvalue(), err.getvalue() + "".join(str(w.message) for w in caught)


def _rows():
    for (notebook, check), rows in ROWS.items():
        for label in _labels_of(notebook, check):
            for expression, ok, fragment in rows:
                yield pytest.param(label, check, expression, ok, fragment, id=f"{label}-{check}-{expression[:40]}")


@pytest.mark.parametrize(("label", "check", "expression", "ok", "fragment"), list(_rows()))
def test_learner_answer(label, check, expression, ok, fragment):
    verdict, out, err = _judge(label, check, expression)
    assert not err, f"{check} wrote to stderr (or warned): {err!r}"
    assert out.count("\n") == 1 and out.startswith(checks.PASS if ok else checks.FAIL), (
        f"{label} {check}({expression}): expected {'✅' if ok else '❌'}, printed {out!r}")
    assert verdict.ok is ok
    assert fragment in out, f"{check}({expression}): expected {fragment!r} in {out!r}"


def _not_real():
    for notebook, check in sorted(NUMBER_CHECKS):
        for expression, fragment in NOT_REAL:
            yield pytest.param(notebook, check, expression, fragment, id=f"{notebook}-{check}-{expression}")


@pytest.mark.parametrize(("label", "check", "expression", "fragment"), list(_not_real()))
def test_an_answer_not_made_of_real_numbers_is_never_approved(label, check, expression, fragment):
    verdict, out, err = _judge(label, check, expression)
    assert not err, f"{check} wrote to stderr (or warned): {err!r}"
    assert not verdict.ok and out.startswith(checks.FAIL) and out.count("\n") == 1, out
    assert fragment in out, f"expected {fragment!r} in {out!r}"


def test_every_exercise_has_its_rows():
    """Every check call of every notebook (found by its call, wherever its cell is) has >= 3 right forms and
    >= 3 mistakes; each mistake row is named by a hint of its own."""
    calls = set()
    for notebook, name in FILES.items():
        cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
        for cell in cells:
            source = "".join(cell["source"])
            for check in re.findall(r"gh\.(check_\w+)\(", source):
                if check != "check_parameters":
                    calls.add((notebook, check))
    assert calls == set(ROWS), f"exercises without rows: {calls - set(ROWS)}; rows of no exercise: {set(ROWS) - calls}"
    for key, rows in ROWS.items():
        right = [r for r in rows if r[1]]
        wrong = [r for r in rows if not r[1]]
        assert len(right) >= 3 and len(wrong) >= 3, f"{key}: {len(right)} right forms, {len(wrong)} mistakes"


@pytest.mark.parametrize("key", sorted(ROWS), ids="-".join)
def test_each_mistake_gets_its_own_line(key):
    """Mistakes with different fragments print different hints."""
    notebook, check = key
    hints = {}
    for expression, ok, fragment in ROWS[key]:
        if not ok:
            _, out, _ = _judge(notebook, check, expression)
            hints.setdefault(fragment, set()).add(out.split("Hint:")[-1].strip())
    seen = {}
    for fragment, texts in hints.items():
        for text in texts:
            assert seen.setdefault(text, fragment) == fragment or fragment in ("upside down",), (
                f"{key}: the mistakes {seen[text]!r} and {fragment!r} get the same hint {text!r}")


# --- no ❌ line gives the answer away ------------------------------------------------------------------

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _significant(text: str) -> int:
    digits = text.lstrip("-−").split("e")[0].replace(".", "").lstrip("0")
    return len(digits)


def _gives_number(line: str, expected: float, own: float | None) -> str | None:
    """A number in line that is the expected value to 2 or more significant digits (the learner's own
    number, echoed back, excepted)."""
    for match in NUMBER.finditer(line):
        text = match.group(0).replace("−", "-")
        value = float(text)
        digits = _significant(text)
        if digits < 2 or not math.isfinite(value) or (own is not None and math.isclose(value, own, rel_tol=1e-9)):
            continue
        if expected != 0 and float(f"{expected:.{digits}g}") == value:
            return text
    return None


def _solution_expressions(notebook: str) -> list[str]:
    """The right-hand sides `my_x_solution = EXPR` of the notebook's solution cells, without spaces."""
    found = []
    for cell in json.loads((NOTEBOOKS / FILES[notebook]).read_text())["cells"]:
        for match in re.finditer(r"^\w+_solution = (.+?)(?:\s+#.*)?$", "".join(cell["source"]), re.M):
            found.append(re.sub(r"\s", "", match.group(1)))
    return found


@pytest.mark.parametrize("key", sorted(ROWS), ids="-".join)
def test_no_line_gives_the_answer(key):
    notebook, check = key
    entry = records().get((notebook, check))
    assert entry and entry["solution"], f"{key}: no solution call recorded"
    right = checks._unpack(entry["solution"]["answer"])
    expected = None
    with contextlib.suppress(checks._NotReal, TypeError):
        value = checks._real(right)
        expected = float(value) if value.numel() == 1 else None
    solutions = [s for s in _solution_expressions(notebook) if len(s) >= 4]
    for expression, ok, _ in ROWS[key] + [(e, False, "") for e, _ in NOT_REAL]:
        if ok:
            continue
        _, out, _ = _judge(notebook, check, expression)
        args, space = _namespace(notebook, check)
        own = None
        with contextlib.suppress(Exception):
            own_value = checks._real(eval(expression, space))  # noqa: S307
            own = float(own_value) if own_value.numel() == 1 else None
        if expected is not None:
            given = _gives_number(out, expected, own)
            assert given is None, f"{check}({expression}) prints {given}, the answer to 2+ digits: {out!r}"
        if isinstance(right, str):
            assert checks._words(right) not in checks._words(out.split("Hint:")[-1]), f"the hint names the answer: {out!r}"
        flat = re.sub(r"\s", "", out)
        leaked = [s for s in solutions if s in flat and s not in re.sub(r"\s", "", expression)]  # not its own echo
        assert not leaked, f"{check}({expression}): the line holds the solution's expression {leaked}: {out!r}"


def test_the_answer_detector_catches_a_leak():
    assert _gives_number("❌ x: write 0.333 here.", 1 / 3, None) == "0.333"
    assert _gives_number("❌ x: the answer is about −1.9.", -1.88452, None) == "-1.9"
    assert _gives_number("❌ x: your -1.89 is close.", -1.88452, -1.89) is None
    assert _gives_number("❌ x: n² = 16 entries.", 1 / 3, None) is None


def test_a_broken_check_turns_rows_red(monkeypatch):
    """Loosen the policy (every number 'right' within 50 %) and the table catches it: mistakes approved."""
    monkeypatch.setattr(checks, "_hand_tolerance", lambda x: 0.5 * abs(float(x)))
    red = []
    for notebook, check in (("01", "check_step_limit"), ("01", "check_derivative")):
        for expression, ok, fragment in ROWS[(notebook, check)]:
            verdict, out, _ = _judge(notebook, check, expression)
            if verdict.ok is not ok or fragment not in out:
                red.append(expression)
    assert len(red) >= 4, f"a loosened policy should turn rows red, only these were: {red}"
