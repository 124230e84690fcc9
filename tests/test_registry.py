"""Registries: versioned ids, aliases, duplicates and unknown ids, malformed entries."""

import importlib.util
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


def _import_as(monkeypatch, name: str, path):
    """Import ``path`` as module ``name``, the way a plug-in loader does (in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def test_the_same_code_registered_twice_is_one_entry(tmp_path, monkeypatch):
    """One plug-in loaded twice (one file under two module names, or an identical copy)
    registers once; other code under a registered id is refused, naming both files."""
    source = "class Widget:\n    size = 1\n\n\nclass Gadget:\n    size = 1\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, copy = tmp_path / "a" / "widgets.py", tmp_path / "b" / "widgets.py"
    first.write_text(source)
    copy.write_text(source)
    registry = Registry("thing")
    one = _import_as(monkeypatch, "widgets", first).Widget
    registry.register("widget-v1")(one)
    for again in (
        _import_as(monkeypatch, "pkg.widgets", first),
        _import_as(monkeypatch, "widgets_copy", copy),
    ):
        assert registry.register("widget-v1")(again.Widget) is again.Widget
    assert registry.get("widget") is one and registry.ids() == ["widget-v1"]
    # another class of the same file is not the same code
    with pytest.raises(cb.DuplicateIdError, match="already registered; bump.*widget-v2"):
        registry.register("widget-v1")(_import_as(monkeypatch, "widgets", first).Gadget)
    copy.write_text(source.replace("size = 1", "size = 2", 1))
    with pytest.raises(cb.DuplicateIdError) as info:
        registry.register("widget-v1")(_import_as(monkeypatch, "widgets_changed", copy).Widget)
    message = str(info.value)
    assert f"registered by {first} and again by {copy}, whose code differs" in message
    assert "load it once" in message and "'widget-v2'" in message


def test_unknown_id_shows_close_matches_only():
    with pytest.raises(cb.UnknownIdError) as info:
        cb.get_system("lorenz36")
    message = str(info.value)
    assert "unknown system 'lorenz36'. Did you mean: " in message
    assert "lorenz63" in message  # a close match
    assert "rossler-v1" not in message  # not every known id
    n = len(cb.list_systems())
    assert f"`chaosbench list systems` lists all {n}" in message
    with pytest.raises(cb.UnknownIdError) as info:
        cb.get_forecaster("zzzzzz")
    assert "Did you mean" not in str(info.value) and "chaosbench list forecasters" in str(
        info.value
    )


def test_an_empty_registry_says_how_to_fill_it():
    """``import chaosbench`` registers nothing: a script that forgot ``load_plugins`` is
    told so, not that the catalogue has 0 systems."""
    with pytest.raises(cb.UnknownIdError, match=r"no systems are registered.*load_plugins"):
        Registry("system").resolve("lorenz63")


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
