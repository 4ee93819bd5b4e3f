"""The layers of the code, read from the import statements (plain ast, nothing is run).

common/ is below everything and imports no package of the project; clusters/ is the base
domain, stakeholders/ builds on it and programmes/ on both; the interfaces (public/, workspace/, api/) and
accounts/ sit above the domain, which never imports them, and the site, the workspace and the
API never import one another; config/ wires everything. No two packages import each other,
whatever their layers.
"""

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {"tests", "bench", "scripts", "migrations", "docs", "static", "templates", ".venv"}

COMMON = {"common"}
DOMAIN = (
    "clusters",
    "stakeholders",
    "programmes",
)  # in order: a later app may import an earlier one
INTERFACES = {"public", "workspace", "api", "accounts"}
# The interfaces users reach (site, workspace, API) share only what lies below them.
PEER_INTERFACES = {"public", "workspace", "api"}


def import_graph(root):
    """Return {(importer, imported): {files}} between the top-level packages under `root`."""
    packages = {
        path.name
        for path in root.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in SKIPPED
    }
    edges = defaultdict(set)
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] not in packages or SKIPPED & set(relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in packages and top != relative.parts[0]:
                    edges[(relative.parts[0], top)].add(str(relative))
    return edges


def layer_breaks(edges):
    """Return a sentence for every import that crosses the layers the wrong way."""
    breaks = []
    for (importer, imported), files in sorted(edges.items()):
        example = sorted(files)[0]
        if importer in COMMON:
            breaks.append(f"common imports {imported} ({example})")
        if importer in DOMAIN and imported in INTERFACES | {"config"}:
            breaks.append(f"domain app {importer} imports interface {imported} ({example})")
        if importer in PEER_INTERFACES and imported in PEER_INTERFACES:
            breaks.append(f"interface {importer} imports interface {imported} ({example})")
        if (
            importer in DOMAIN
            and imported in DOMAIN
            and DOMAIN.index(imported) > DOMAIN.index(importer)
        ):
            breaks.append(f"{importer} imports {imported}, which builds on it ({example})")
    for first, second in itertools.combinations(sorted({p for edge in edges for p in edge}), 2):
        if (first, second) in edges and (second, first) in edges:
            breaks.append(
                f"{first} and {second} import each other "
                f"({sorted(edges[(first, second)])[0]} / {sorted(edges[(second, first)])[0]})"
            )
    return breaks


def test_the_packages_respect_the_layers():
    """No package imports across the layers the wrong way, and no two import each other."""
    edges = import_graph(ROOT)
    assert edges, "no imports found: is ROOT the project?"
    assert layer_breaks(edges) == []


def write_package(root, name, source=""):
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "module.py").write_text(source)


@pytest.mark.parametrize(
    "packages, expected",
    [
        ({"common": "import clusters\n", "clusters": ""}, "common imports clusters"),
        (
            {"clusters": "from public.views import x\n", "public": "", "common": ""},
            "domain app clusters imports interface public",
        ),
        (
            {"clusters": "from stakeholders import models\n", "stakeholders": ""},
            "clusters imports stakeholders, which builds on it",
        ),
        (
            {"public": "import workspace.views\n", "workspace": "from public import forms\n"},
            "public and workspace import each other",
        ),
        (
            {"workspace": "from public.views.programmes import x\n", "public": ""},
            "interface workspace imports interface public",
        ),
    ],
)
def test_the_layer_check_finds_each_kind_of_break(tmp_path, packages, expected):
    """The check itself fails on each kind of wrong import (it is no test that cannot fail)."""
    for name, source in packages.items():
        write_package(tmp_path, name, source)
    breaks = layer_breaks(import_graph(tmp_path))
    assert any(expected in line for line in breaks), breaks


def test_a_legal_import_is_no_break(tmp_path):
    """Interfaces may import the domain, stakeholders may import clusters, all may use common."""
    write_package(tmp_path, "common")
    write_package(tmp_path, "clusters", "from common import text\n")
    write_package(tmp_path, "stakeholders", "from clusters import models\n")
    write_package(tmp_path, "api", "from stakeholders import models\nimport clusters\n")
    assert layer_breaks(import_graph(tmp_path)) == []
