"""The package's layers: every module's imports, read from its source (at the top and inside
functions), go to its own layer or a lower one, and no two modules import each other, by any
path. Inside a function only an optional heavy dependency may be imported (listed in LAZY),
so ``import neurosim`` stays light; no import hides a cycle there.

The layers, lowest first (the picture in README's "Architecture"):"""

import ast
import fnmatch
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "neurosim"

LAYERS = [
    # plain values, checks, limits; the Numba kernels (numpy and numba only)
    ("core", ["neurosim._core", "neurosim._core.*", "neurosim._kernels", "neurosim._kernels.*"]),
    # the catalog: TOML files to frozen parameter classes
    ("params", ["neurosim.catalog"]),
    # result types and their files (a loader table each result type registers into)
    ("results", ["neurosim.result"]),
    # inputs and the single-neuron drivers (a model's entry points at them)
    ("single", ["neurosim.stimulus", "neurosim._single", "neurosim._single.*"]),
    # the model registry: every model described once
    ("models", ["neurosim.registry"]),
    # what runs and reads models: simulate, analysis, neurons with shape, ions, classic units
    ("simulate", ["neurosim._simulate", "neurosim.analysis", "neurosim.morphology",
                  "neurosim.cable", "neurosim.ions", "neurosim.ion_dynamics",
                  "neurosim.classic", "neurosim.dynamics", "neurosim.inference"]),
    # networks as data, then what runs them (the Numba engine, plasticity, sweeps)
    ("network", ["neurosim.network", "neurosim.network._spec", "neurosim.network._result"]),
    ("engines", ["neurosim.network._numba", "neurosim.plasticity", "neurosim.reflex",
                 "neurosim._sweep", "neurosim.phase", "neurosim.nest_engine"]),
    # results in the field's data standards (neo, pynwb, h5py on first use)
    ("formats", ["neurosim.formats", "neurosim.formats.*"]),
    # Brian2 (the only layer that imports brian2 at its top)
    ("brian2", ["neurosim.networks", "neurosim.networks.*"]),
    # the snntorch bridge (torch) and its saved reports
    ("bridge", ["neurosim.snn_report", "neurosim.bridge", "neurosim.bridge.*"]),
    # pictures and the command line (matplotlib)
    ("app", ["neurosim.plot", "neurosim.plot.*", "neurosim.figures", "neurosim.cli",
             "neurosim.__main__"]),
    # the package itself: the public names, and the engines it wires in
    ("facade", ["neurosim"]),
]

# what a function may import on first use: optional or heavy dependencies, and neurosim's
# modules that hold one (the Numba kernels, Brian2, torch, matplotlib), so that `import
# neurosim` and the command line load none of them until they are needed
LAZY = {
    "brian2", "torch", "snntorch", "matplotlib", "dask", "distributed", "pandas", "sklearn",
    "scipy", "numba", "sbi", "tqdm", "nest", "nir", "ipywidgets", "IPython",
    "neurosim._kernels", "neurosim.networks",
    "neurosim.bridge", "neurosim.plot", "neurosim.figures",
}


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(SRC.rglob("*.py"))}


def layer_of(module: str) -> int:
    for k, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(module, pat) for pat in patterns):
            return k
    raise AssertionError(f"{module} is in no layer of tests/test_layers.py")


def _imports(module: str):
    """(target, line, inside a function) for each import in the module's source; a relative
    import resolves to the module it names where that is a module, else its package. Imports
    under ``if TYPE_CHECKING:`` are not run and are left out."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and getattr(child.test, "id", "") == "TYPE_CHECKING":
                continue
            if isinstance(child, ast.Import):
                out.extend((a.name, child.lineno, local) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[:len(base) - (child.level - 1)]
                    base = ".".join(base + ([child.module] if child.module else []))
                else:
                    base = child.module
                for a in child.names:
                    sub = f"{base}.{a.name}"
                    out.append((sub if sub in MODULES else base, child.lineno, local))
            visit(child, local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                     ast.Lambda)))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return out


GRAPH = {m: _imports(m) for m in MODULES}


def _lazy_ok(target: str, module: str = "") -> bool:
    """Whether a function of ``module`` may import ``target``: a heavy dependency, but not a
    module of its own heavy subpackage (that is loaded already: no reason but a cycle)."""
    def inside(name, ok):
        return name == ok or name.startswith(ok + ".")

    return any(inside(target, ok) and not inside(module, ok) for ok in LAZY)


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_and_functions_import_only_heavy_dependencies(module):
    assert _problems(module) == []


def _problems(module):
    here = layer_of(module)
    out = []
    for target, line, local in GRAPH[module]:
        where = f"{MODULES[module].relative_to(SRC.parent)}:{line} imports {target}"
        if target.split(".")[0] == "neurosim":
            if target not in MODULES:
                out.append(f"{where}: no such module")
            elif layer_of(target) > here:
                out.append(f"{where}: up from {LAYERS[here][0]} to "
                           f"{LAYERS[layer_of(target)][0]}")
        if local and not _lazy_ok(target, module):
            out.append(f"{where} inside a function: not a heavy dependency (import it at the "
                       "top; see LAZY)")
    return out


def test_no_module_imports_itself_by_any_path():
    # Tarjan's strongly connected components of the import graph (every import, top and local)
    edges = {m: {t for t, _, _ in GRAPH[m] if t in MODULES and t != m} for m in MODULES}
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(MODULES):
        if v not in index:
            connect(v)
    assert cycles == []


def test_the_walker_sees_an_upward_import_and_a_cycle(tmp_path, monkeypatch):
    # the checks above can fail: a low module importing a high one, inside a function
    src = tmp_path / "neurosim"
    src.mkdir()
    (src / "__init__.py").write_text("from . import catalog\n")
    (src / "catalog.py").write_text("def f():\n    from . import registry\n")
    (src / "registry.py").write_text("from . import catalog\n")
    monkeypatch.setattr(__import__(__name__), "SRC", src)
    modules = {_name(p): p for p in sorted(src.rglob("*.py"))}
    monkeypatch.setattr(__import__(__name__), "MODULES", modules)
    imports = _imports("neurosim.catalog")
    assert imports == [("neurosim.registry", 2, True)]
    assert layer_of("neurosim.registry") > layer_of("neurosim.catalog")
    assert not _lazy_ok("neurosim.registry")
    assert _lazy_ok("neurosim.networks._spec", "neurosim.network")
    assert not _lazy_ok("neurosim.bridge._recurrent", "neurosim.bridge._models")
