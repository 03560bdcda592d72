"""Lesson 02's parameters: the ends of each range are accepted exactly, just outside is refused."""

import pytest

import gdla_helpers as gh

DEFAULTS = {"n": 4, "seed": 314, "kind": "rand", "kappa": 20.0, "tol": 1e-6}


@pytest.mark.parametrize("change", [{"seed": 0}, {"seed": 2**63 - 1}, {"n": 2}, {"n": 8},
                                    {"n": 64, "kind": "condition", "kappa": 100.0},
                                    {"kappa": 1.0}, {"tol": 1e-10}, {"tol": 1e-3}, {"tol": "1e-4"}])
def test_inside_the_ranges_is_accepted_exactly(change):
    values = DEFAULTS | change
    got = dict(zip(values, gh.check_parameters("02", **values), strict=True))
    expected = values | ({"tol": float(values["tol"])} if isinstance(values["tol"], str) else {})
    assert got == expected and type(got["seed"]) is int


@pytest.mark.parametrize("change", [{"seed": -1}, {"seed": 2**63}, {"n": 1}, {"n": 9}, {"n": 65, "kind": "condition"},
                                    {"kappa": 0.5}, {"kappa": 101}, {"tol": 1e-11}, {"tol": 1e-2},
                                    {"tol": "abc"}, {"kind": "randn"}])
def test_outside_the_ranges_is_one_value_error(change):
    with pytest.raises(ValueError, match=next(iter(change))):
        gh.check_parameters("02", **(DEFAULTS | change))
