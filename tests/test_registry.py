"""Registries: versioned ids, aliases, duplicates and unknown ids, malformed entries."""

import sys
import types

import jax.numpy as jnp
import pytest

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.base._registry import Registry


def test_bare_name_resolves_to_newest_version():
    registry = Registry("thing")
    registry.register("widget-v1")(1)
    registry.register("widget-v2", aliases=("Widget",))(2)
    assert registry.get("widget") == 2
    assert registry.get("widget-v1") == 1
    assert registry.get("Widget") == 2


def test_duplicate_registration_raises():
    registry = Registry("thing")
    registry.register("widget-v1")(1)
    with pytest.raises(cb.DuplicateIdError, match="already registered.*widget-v2"):
        registry.register("widget-v1")(2)


def test_unknown_id_lists_close_matches():
    with pytest.raises(cb.UnknownIdError) as info:
        cb.get_system("lorenz36")
    message = str(info.value)
    assert "unknown system 'lorenz36'" in message
    assert "lorenz63" in message.split("Known")[0]  # a close match, before the full list
    assert "rossler-v1" in message  # the known names


def test_malformed_id_is_refused():
    with pytest.raises(cb.RegistryError, match="malformed id"):
        cb.register_system("Not An Id")


def test_malformed_forecaster_says_what_is_missing():
    class NoForecast(cb.AbstractForecaster):
        def fit(self, key, train):
            return ()

    with pytest.raises(cb.MalformedForecasterError, match="forecast.*abstract"):
        cb.register_forecaster("test_no_forecast-v1")(NoForecast)

    class Plain:
        def fit(self, key, train):
            return ()

    with pytest.raises(cb.MalformedForecasterError, match="missing method forecast"):
        cb.register_forecaster("test_plain-v1")(Plain)

    class BadSignature(cb.AbstractForecaster):
        def fit(self, key, train):
            return ()

        def forecast(self, fitted):
            return fitted

    with pytest.raises(cb.MalformedForecasterError, match="must take"):
        cb.register_forecaster("test_bad_signature-v1")(BadSignature)
    assert "test_bad_signature-v1" not in cb.list_forecasters()


def test_malformed_system_is_refused():
    class NoCitation(cb.AbstractSystem):
        default_initial_condition = (1.0,)

        def vector_field(self, t, y, args):
            return -y

    with pytest.raises(cb.MalformedSystemError, match="citation"):
        cb.register_system("test_no_citation-v1")(NoCitation)

    class NoField(cb.AbstractSystem):
        default_initial_condition = (1.0,)
        citation = "somebody"

    with pytest.raises(cb.MalformedSystemError, match="vector_field"):
        cb.register_system("test_no_field-v1")(NoField)


def test_system_instance_api():
    system = cb.get_system("lorenz63-v1", rho=20.0)
    assert system.rho == 20.0 and system.dimension == 3
    assert "Lorenz" in system.aliases
    dy = system.vector_field(0.0, system.initial_condition, None)
    assert dy.shape == (3,) and jnp.all(jnp.isfinite(dy))


def _system_in_module(monkeypatch, **module_attributes):
    """A well-formed system class whose module (a fresh one) has ``module_attributes``."""
    module = types.ModuleType("test_family_module")
    vars(module).update(module_attributes)
    monkeypatch.setitem(sys.modules, module.__name__, module)

    class Decay(cb.AbstractSystem):
        default_initial_condition = (1.0,)
        citation = "test"

        def vector_field(self, t, y, args):
            return -y

    Decay.__module__ = module.__name__
    return Decay


def test_system_family_comes_from_its_module(monkeypatch):
    cls = _system_in_module(monkeypatch, FAMILY="test_family")
    try:
        assert cb.register_system("test_family_decay-v1")(cls) is cls
        assert cls.family == "test_family"
        assert cb.get_system("test_family_decay").family == "test_family"
    finally:
        _api.systems._entries.pop("test_family_decay-v1", None)
    assert cb.get_system("lorenz63").family == "lorenz_like"
    assert cb.get_system("MackeyGlass").family == "delay"


@pytest.mark.parametrize(
    "attributes, message",
    [
        ({}, r"declares no FAMILY: add a module-level FAMILY = "),
        ({"FAMILY": "Lorenz Like"}, r"FAMILY = 'Lorenz Like': it must be a short lower-case"),
        ({"FAMILY": 3}, r"FAMILY = 3: it must be"),
    ],
    ids=["missing", "not-snake-case", "not-a-string"],
)
def test_system_without_a_valid_family_is_refused(monkeypatch, attributes, message):
    cls = _system_in_module(monkeypatch, **attributes)
    with pytest.raises(cb.MalformedSystemError, match=message):
        cb.register_system("test_no_family-v1")(cls)
    assert "test_no_family-v1" not in cb.list_systems()
