"""The dysts-catalogue systems LidDrivenCavityFlow … ZhouChen match the catalogue.

For each system (by its dysts alias): the alias resolves to the snake_case id, the
parameters and initial condition equal the catalogue's entry, and the vector field at
the initial condition is finite with one component per state variable. No integration
here; dynamics (boundedness, λ_max against dysts' estimates) were checked when the
systems were added.
"""

import json
import re
from pathlib import Path

import jax.numpy as jnp
import pytest

import chaosbench
import systems  # noqa: F401  (registers the systems)

CATALOGUE = Path(__file__).parents[2] / "shared/reference/chaotic_attractors.json"

ALIASES = (
    "LidDrivenCavityFlow LiuChen Lorenz84 LorenzBounded LorenzCoupled LorenzStenflo LuChen "
    "LuChenCheng MacArthur MooreSpiegel MultiChua NewtonLiepnik NoseHoover NuclearQuadrupole "
    "OscillatingFlow PanXuZhou PehlivanWei Qi QiChen RabinovichFabrikant RayleighBenard "
    "RikitakeDynamo Rucklidge Sakarya SaltonSea SanUmSrisuchinwong ShimizuMorioka SprottA "
    "SprottB SprottC SprottD SprottE SprottF SprottG SprottH SprottI SprottJ SprottJerk SprottK "
    "SprottL SprottM SprottMore SprottN SprottO SprottP SprottQ SprottR SprottS SprottTorus "
    "StickSlipOscillator SwingingAtwood ThomasLabyrinth Torus Tsucs2 TurchinHanski VallisElNino "
    "WangSun WindmiReduced YuWang YuWang2 ZhouChen"
).split()


@pytest.fixture(scope="module")
def catalogue():
    if not CATALOGUE.exists():
        pytest.skip(f"reference catalogue not found at {CATALOGUE}")
    return json.loads(CATALOGUE.read_text())


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize("alias", ALIASES)
def test_alias_resolves_to_id(alias):
    system = chaosbench.get_system(alias)
    version = 2 if system.phase_indices else 1  # v2: phases observed as sin, cos
    assert system.id == f"{_snake(alias)}-v{version}"
    assert alias in system.aliases


@pytest.mark.parametrize("alias", ALIASES)
def test_parameters_match_catalogue(alias, catalogue):
    assert chaosbench.get_system(alias).parameters == catalogue[alias]["parameters"]


@pytest.mark.parametrize("alias", ALIASES)
def test_initial_condition_matches_catalogue(alias, catalogue):
    system = chaosbench.get_system(alias)
    expected = catalogue[alias]["initial_conditions"]
    assert system.dimension == len(expected)
    assert [float(v) for v in system.initial_condition] == [float(v) for v in expected]


@pytest.mark.parametrize("alias", ALIASES)
def test_vector_field_shape_and_finite(alias):
    system = chaosbench.get_system(alias)
    y0 = system.initial_condition
    dy = system.vector_field(jnp.asarray(0.0, y0.dtype), y0, None)
    assert dy.shape == (system.dimension,)
    assert dy.dtype == jnp.float64
    assert bool(jnp.all(jnp.isfinite(dy)))
