"""The dysts-catalogue systems AnishchenkoAstakhov … Laser match the catalogue's metadata.

For each system (by its dysts alias): the alias resolves to the registered id, the
parameters equal the catalogue's key for key, the default initial condition has the
catalogue's length, and the vector field at it has shape ``(dim,)`` and is finite.
Dynamics (boundedness, λ_max) are checked by the facts computation, not here.
"""

import json
import re
from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

import systems  # noqa: F401  (registers the systems)
from chaosbench import get_system
from chaosbench._api import systems as registry

CATALOGUE = Path(__file__).parents[2] / "shared/reference/chaotic_attractors.json"

ALIASES = (
    "AnishchenkoAstakhov", "Arneodo", "ArnoldBeltramiChildress", "ArnoldWeb",
    "AtmosphericRegime", "BeerRNN", "BelousovZhabotinsky", "BickleyJet", "Blasius",
    "BlinkingRotlet", "BlinkingVortex", "Bouali", "Bouali2", "BurkeShaw", "CaTwoPlus",
    "CaTwoPlusQuasiperiodic", "CellCycle", "CellularNeuralNetwork", "ChenLee", "Chua",
    "CircadianRhythm", "CoevolvingPredatorPrey", "Colpitts", "Coullet", "Dadras", "DequanLi",
    "DoubleGyre", "DoublePendulum", "Duffing", "ExcitableCell", "Finance", "FluidTrampoline",
    "ForcedBrusselator", "ForcedFitzHughNagumo", "ForcedVanDerPol", "GenesioTesi",
    "GlycolyticOscillation", "GuckenheimerHolmes", "Hadley", "HastingsPowell", "HenonHeiles",
    "HindmarshRose", "Hopfield", "HyperBao", "HyperCai", "HyperJha", "HyperLorenz", "HyperLu",
    "HyperPang", "HyperQi", "HyperWang", "HyperXu", "HyperYan", "HyperYangChen",
    "InteriorSquirmer", "IsothermalChemical", "ItikBanksTumor", "JerkCircuit",
    "KawczynskiStrizhak", "Laser",
)  # fmt: skip


@pytest.fixture(scope="module")
def catalogue():
    if not CATALOGUE.exists():
        pytest.skip(f"reference catalogue not found at {CATALOGUE}")
    return json.loads(CATALOGUE.read_text())


def _expected_id(alias: str) -> str:
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", alias)
    snake = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", snake)
    version = 2 if get_system(alias).phase_indices else 1  # v2: phases observed as sin, cos
    return f"{snake.lower()}-v{version}"


@pytest.mark.parametrize("alias", ALIASES)
def test_alias_resolves_to_id(alias):
    assert registry.resolve(alias) == _expected_id(alias)
    assert get_system(alias).id == _expected_id(alias)


@pytest.mark.parametrize("alias", ALIASES)
def test_parameters_match_catalogue(alias, catalogue):
    assert get_system(alias).parameters == catalogue[alias]["parameters"]


@pytest.mark.parametrize("alias", ALIASES)
def test_initial_condition_matches_catalogue(alias, catalogue):
    system = get_system(alias)
    expected = catalogue[alias]["initial_conditions"]
    assert system.dimension == len(expected)
    np.testing.assert_allclose(np.asarray(system.initial_condition), expected, rtol=0, atol=0)


@pytest.mark.parametrize("alias", ALIASES)
def test_vector_field_shape_and_finite(alias):
    system = get_system(alias)
    y0 = system.initial_condition
    dy = system.vector_field(jnp.asarray(0.0), y0, None)
    assert dy.shape == (system.dimension,)
    assert dy.dtype == jnp.float64
    assert bool(jnp.all(jnp.isfinite(dy)))
