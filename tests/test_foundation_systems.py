"""The foundation systems: chaotic (λ_max > 0) and bounded, with computed facts."""

import numpy as np
import pytest

import chaosbench as cb
from chaosbench import sampling_interval
from helpers import FOUNDATION_SYSTEMS


@pytest.mark.parametrize("system_id", FOUNDATION_SYSTEMS)
def test_chaotic_and_bounded(system_id):
    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    assert facts["finite"]
    assert facts["max_lyapunov"] > 0
    # clearly above zero: at least 3 standard errors of the estimate over initial conditions
    assert facts["max_lyapunov"] > 3 * facts["max_lyapunov_stderr"]
    assert facts["max_abs"] < 1e4
    assert len(facts["lyapunov_spectrum"]) == system.dimension
    # 100 points per period, or per 5 Lyapunov times where that is shorter (Thomas)
    assert facts["dt"] == pytest.approx(sampling_interval(facts["period"], facts["max_lyapunov"]))
    assert np.all(np.asarray(facts["std"]) > 0)


def test_lorenz96_dimension_is_configurable():
    assert cb.get_system("lorenz96").dimension == 10
    assert cb.get_system("lorenz96", n=40).dimension == 40


def test_alias_resolves_to_same_system():
    assert cb.get_system("Lorenz").id == "lorenz63-v1"
    assert cb.get_system("lorenz63").parameters == {"sigma": 10.0, "rho": 28.0, "beta": 2.667}
