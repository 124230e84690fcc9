"""The layers of ARCHITECTURE.md, checked from the code's own imports: every import in
``chaosbench/`` points down, the core names none of the shipped plug-ins, and no two core
modules import each other in a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "chaosbench"
# bottom to top; the package's own top-level modules (__init__, __main__) may import all
LAYERS = ("base", "numerics", "catalogue", "harness", "reporting", "cli")
PLUGINS = ("systems", "forecasters", "metrics")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Absolute names of every module ``path`` imports (function-level imports too)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(target)
            found += [f"{target}.{alias.name}" for alias in node.names]  # submodules
    return found


def _layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chaosbench" and parts[1] in LAYERS else None


CORE = sorted(p for layer in LAYERS for p in (PACKAGE / layer).glob("*.py"))


def test_every_layer_is_a_package_that_says_what_it_may_import():
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text()))
        assert doc and "import" in doc, f"chaosbench/{layer}/__init__.py must say what it imports"
    loose = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__", "_version"}
    assert not loose, f"modules outside every layer: {sorted(loose)}"


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_and_never_at_the_plugins(path):
    own = LAYERS.index(_layer(_module_name(path)))
    for target in _imports(path):
        top = target.split(".")
        assert top[0] not in PLUGINS, f"{path.name} imports the plug-in package {target}"
        assert not (top[0] == "chaosbench" and len(top) > 1 and top[1] in PLUGINS), (
            f"{path.name} imports the shipped plug-in {target}: the core must load plug-ins "
            "through the entry point"
        )
        layer = _layer(target)
        if layer is not None:
            assert LAYERS.index(layer) <= own, (
                f"{_module_name(path)} (layer {LAYERS[own]}) imports {target} (layer {layer}), "
                "a layer above it"
            )


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (module -> modules it imports), or ``None``."""
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt, trail + [nxt])):
                return found
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name, [name])):
            return found
    return None


def test_no_import_circle_among_core_modules():
    names = {_module_name(p): p for p in CORE}
    graph = {
        name: {t for t in _imports(p) if t in names and t != name} for name, p in names.items()
    }
    circle = _circle(graph)
    assert circle is None, f"import circle: {' -> '.join(circle)}"
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # control
    assert _circle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_checker_sees_an_upward_import(tmp_path):
    """The control: a numerics module that imports the harness is caught."""
    layer = tmp_path / "chaosbench" / "numerics"
    layer.mkdir(parents=True)
    bad = layer / "_bad.py"
    bad.write_text("from ..harness._plan import run_id\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        with pytest.raises(AssertionError, match="a layer above it"):
            test_imports_point_down_and_never_at_the_plugins(bad)
    finally:
        ROOT = saved


def test_no_module_of_the_package_or_its_plugins_is_over_400_lines():
    modules = [*PACKAGE.rglob("*.py"), *(ROOT / "forecasters").glob("*.py")]
    modules += (ROOT / "metrics").glob("*.py")
    long = {
        str(p.relative_to(ROOT)): n for p in modules if (n := len(p.read_text().splitlines())) > 400
    }
    assert not long, f"modules over 400 lines (split them by concept): {long}"
