"""Break what tests/test_grading.py's hub test guards, to show that it fails (a pytest plugin, not a test).

    GDLA_GRADING_FAULT=other-exchange PYTHONPATH=tests python -m pytest -p _grading_faults tests/test_grading.py -k hub
    GDLA_GRADING_FAULT=no-hidden-tests ...  # the hidden asserts replaced by `pass`: a wrong answer scores
    GDLA_GRADING_FAULT=one-name ...         # no naming line: every student is the servers' OS user
    GDLA_GRADING_FAULT=no-reset ...         # the course folder does not undo the naming line for the instructor

other-exchange: the students' servers are given settings naming another exchange folder than the
instructor's (an image built with a wrong path): their Fetch finds nothing. (Leaving the setting out
is no fault on one machine: everyone then shares nbgrader's default folder.)
Each fault changes only what the test is given (the hub's settings, the course folder's config, the
generated source), never the test's assertions; each run must fail.
"""

from __future__ import annotations

import os

import pytest

FAULTS = ("other-exchange", "no-hidden-tests", "one-name", "no-reset")


def pytest_configure(config):
    fault = os.environ.get("GDLA_GRADING_FAULT", "")
    if fault not in FAULTS:
        raise pytest.UsageError(f"GDLA_GRADING_FAULT must be one of {FAULTS}, not {fault!r}")


@pytest.fixture(autouse=True)
def _fault(monkeypatch):
    import assignments
    import test_grading

    fault = os.environ["GDLA_GRADING_FAULT"]
    settings = test_grading.hub_nbgrader_config
    if fault == "other-exchange":
        import test_jupyterhub

        config = test_jupyterhub._config

        def servers_elsewhere(tmp, port, environment=None):
            other = tmp / "other-exchange"
            other.mkdir(mode=0o777, exist_ok=True)
            (tmp / "etc-jupyter-servers").mkdir(exist_ok=True)
            (tmp / "etc-jupyter-servers" / "nbgrader_config.py").write_text(settings(other), encoding="utf-8")
            return config(tmp, port, {**(environment or {}), "JUPYTER_CONFIG_PATH": str(tmp / "etc-jupyter-servers")})
        monkeypatch.setattr(test_jupyterhub, "_config", servers_elsewhere)
    elif fault == "one-name":
        monkeypatch.setattr(test_grading, "hub_nbgrader_config",
                            lambda exchange: settings(exchange).split("if os.environ")[0])
    elif fault == "no-reset":
        source = assignments.config_source
        monkeypatch.setattr(assignments, "config_source",
                            lambda exchange=None: source(exchange).replace('c.CourseDirectory.student_id = "*"', ""))
    elif fault == "no-hidden-tests":
        notebook = assignments.assignment_notebook

        def neutered(*args, **kwargs):
            nb, exercises = notebook(*args, **kwargs)
            for cell in nb.cells:
                if assignments.HIDDEN_BEGIN in cell.source:
                    head, rest = cell.source.split(assignments.HIDDEN_BEGIN)
                    cell.source = f"{head}{assignments.HIDDEN_BEGIN}\npass\n{assignments.HIDDEN_END}"
            return nb, exercises
        monkeypatch.setattr(assignments, "assignment_notebook", neutered)
