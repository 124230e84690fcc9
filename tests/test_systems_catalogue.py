"""Every system of the dysts catalogue is registered under its dysts name and matches the
catalogue's metadata; the family modules partition the systems, and each family's members
are what its name says.

The alias list is the vendored catalogue itself (``helpers.dysts_names``): a system added
to the catalogue copy without a registered class fails here. For each dysts name: the
name resolves to a registered id (snake_case of the name, ``-v2`` where phases are
observed as sin, cos), the parameters equal the catalogue's key for key (up to the
documented deviations), the default initial condition equals the catalogue's, and the
vector field there has one finite float64 component per state variable. No integration
here: dynamics (boundedness, λ_max against dysts' estimates) are checked by the facts
table (``test_system_table.py``).
"""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench import systems
from chaosbench.base._api import systems as registry
from helpers import all_systems, dysts_catalogue, dysts_names

# Registered ids that are not snake_case of their dysts name, each with its reason.
RENAMED = {
    "Lorenz": "lorenz63-v1",  # the 1963 model, beside Lorenz-84 and Lorenz-96
    "Lorenz96": "lorenz96_dysts-v1",  # dysts' 4-site form; lorenz96-v1 is n = 10
}

# Deliberate departures from the catalogue's parameters, each with its reason.
DEVIATIONS: dict[str, dict[str, float]] = {
    # dysts' τ = 16 is not chaotic under our integrator (λ_max = −0.0005 ± 0.0001);
    # τ = 17 is the standard chaotic case (Farmer 1982), used throughout reservoir computing.
    "MackeyGlass": {"tau": 17.0},
}


def _expected_id(name: str) -> str:
    if name in RENAMED:
        return RENAMED[name]
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    snake = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", snake)
    version = 2 if cb.get_system(name).phase_indices else 1  # v2: phases observed as sin, cos
    return f"{snake.lower()}-v{version}"


def test_expected_id_rule():
    """The naming rule itself, on names with acronyms and digits (known answers)."""
    assert _expected_id("CellularNeuralNetwork") == "cellular_neural_network-v1"
    assert _expected_id("BeerRNN") == "beer_rnn-v1"
    assert _expected_id("YuWang2") == "yu_wang2-v1"
    assert _expected_id("Duffing") == "duffing-v2"  # its forcing phase is observed as sin, cos


@pytest.mark.parametrize("name", dysts_names)
def test_name_resolves_to_id(name):
    assert registry.resolve(name) == _expected_id(name)
    system = cb.get_system(name)
    assert system.id == _expected_id(name)
    assert name in system.aliases


@pytest.mark.parametrize("name", dysts_names)
def test_parameters_match_catalogue(name):
    expected = {**dysts_catalogue()[name]["parameters"], **DEVIATIONS.get(name, {})}
    assert cb.get_system(name).parameters == expected


def test_deviations_are_real():
    """Each documented deviation differs from the catalogue (drop it if dysts catches up)."""
    for name, changed in DEVIATIONS.items():
        for key, value in changed.items():
            assert dysts_catalogue()[name]["parameters"][key] != value


@pytest.mark.parametrize("name", dysts_names)
def test_initial_condition_matches_catalogue(name):
    system = cb.get_system(name)
    expected = dysts_catalogue()[name]["initial_conditions"]
    assert system.dimension == len(expected)
    np.testing.assert_array_equal(np.asarray(system.initial_condition), expected)


@pytest.mark.parametrize("name", dysts_names)
def test_vector_field_shape_and_finite(name):
    system = cb.get_system(name)
    y0 = system.initial_condition
    dy = system.vector_field(jnp.asarray(0.0, y0.dtype), y0, None)
    assert dy.shape == (system.dimension,)
    assert dy.dtype == jnp.float64
    assert bool(jnp.all(jnp.isfinite(dy)))


# ---------------------------------------------------------------------------------------
# Families


def _family_modules():
    return [
        importlib.import_module(f"chaosbench.systems.{m.name}")
        for m in pkgutil.iter_modules(systems.__path__)
        if m.name.startswith("_")
    ]


def test_every_family_module_declares_its_family_and_is_named_for_it():
    modules = _family_modules()
    assert len(modules) >= 10
    for module in modules:
        assert module.__name__ == f"chaosbench.systems._{module.FAMILY}", module.__name__


def _defined_systems(module) -> set[type]:
    """The concrete system classes defined in ``module`` (bases are named ``Abstract...``)."""
    return {
        c
        for c in vars(module).values()
        if inspect.isclass(c)
        and issubclass(c, cb.AbstractSystem)
        and c.__module__ == module.__name__
        and not c.__name__.lstrip("_").startswith("Abstract")
    }


def test_family_modules_partition_the_built_in_systems():
    """The families read from the files: each family module's systems are exactly the
    registered built-in systems that report its file's name as their family. A system
    class written in a family module but never registered, a built-in system defined
    outside the family modules, or a module whose FAMILY names another family fails."""
    by_file = {
        Path(module.__file__).stem.removeprefix("_"): _defined_systems(module)
        for module in _family_modules()
    }
    assert all(by_file.values()), {f for f, classes in by_file.items() if not classes}
    package = "chaosbench.systems"
    built_in = [i for i in all_systems if registry.get(i).__module__.startswith(package)]
    by_registry: dict[str, set[type]] = {}
    for system_id in built_in:
        cls = registry.get(system_id)
        by_registry.setdefault(cls.family, set()).add(cls)
    assert by_registry == by_file
    assert sum(map(len, by_file.values())) == len(built_in)  # one class per id


def test_families_mean_what_they_say():
    """What a family's name promises, checked on each member's own definition: a jerk
    system is one third-order equation (3 states); hyperchaos needs two positive
    exponents, the zero one along the flow and a contracting one (4 states or more); a
    forced oscillator carries its forcing phase (observed as sin, cos); a delay equation
    is integrated as one (:class:`AbstractDelaySystem`)."""
    from chaosbench.systems._delay import AbstractDelaySystem

    promises = {
        "jerk": lambda s: s.dimension == 3,
        "hyperchaotic": lambda s: s.dimension >= 4,
        "forced": lambda s: len(s.phase_indices) > 0,
        "delay": lambda s: isinstance(s, AbstractDelaySystem),
    }
    members = {family: [] for family in promises}
    for system_id in all_systems:
        system = cb.get_system(system_id)
        if system.family in promises:
            members[system.family].append(system_id)
            assert promises[system.family](system), (system_id, system.family)
    assert all(len(ids) >= 4 for ids in members.values()), members
    # and no system outside the delay family is integrated as a delay equation
    for system_id in all_systems:
        if issubclass(registry.get(system_id), AbstractDelaySystem):
            assert registry.get(system_id).family == "delay", system_id


def test_families_agree_with_dysts_flags():
    """dysts flags delay systems and Hamiltonian ones: ours sit in the matching families.

    Passive tracers in a two-dimensional incompressible flow are Hamiltonian (the stream
    function is their Hamiltonian; Aref 1984), so dysts' Hamiltonian flags also cover
    chaotic-advection systems of the ``fluid`` family.
    """
    catalogue = dysts_catalogue()
    delay = {n for n in catalogue if catalogue[n].get("delay")}
    assert delay == {n for n in catalogue if cb.get_system(n).family == "delay"}
    assert len(delay) == 6
    for name in (n for n in catalogue if catalogue[n].get("hamiltonian")):
        assert cb.get_system(name).family in ("hamiltonian", "fluid"), name
