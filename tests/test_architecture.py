"""The shape of the library: packages by concern, imports only downward, no cycles, a thin command line."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "sitegen"

# Lowest first: a module may import from its own layer and the layers below, never from one above.
LAYERS = [
    {"errors", "digests", "workers", "job", "urls", "i18n"},  # shared contracts
    {"sources"},  # reading files: encodings, YAML with lines, schema messages
    {"config"},  # 1. sites.yaml into a typed Cluster
    {"content"},  # 2. pages, the profile, Markdown
    {"review", "submissions"},  # 2. the review gate (三审); submissions to other sites' columns (信息报送)
    {"assemble"},  # 3. columns, tags, aggregations
    {"disclosure"},  # 3. 政府信息公开 plan, catalogue, report
    {"traditional"},  # 4. 繁體 pages converted from the Simplified ones (OpenCC), their links kept Traditional
    {"outputs"},  # 4. the output registry and its producers
    {"incremental"},  # fingerprints, manifest, ledger
    {"write"},  # 5. produce and publish
    {"search"},  # 6. Pagefind indexes
    {"plan", "build"},  # the orchestrators
    {"serve", "deploy", "scaffold", "starter", "owners", "check", "figures"},  # commands built on them
    {"cli", "__init__"},  # the command line
]
LAYER = {name: i for i, names in enumerate(LAYERS) for name in names}


def modules() -> dict[str, Path]:
    return {".".join(p.relative_to(REPO).with_suffix("").parts): p for p in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    """Return the top-level name a module belongs to: its package, or itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imports(path: Path) -> set[str]:
    """Return the sitegen modules a file imports at run time (imports only for type checking excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                     for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in checking_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen"):
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules() else node.module for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sitegen")}
    return found


def test_every_module_belongs_to_a_layer():
    assert {unit(m) for m in modules()} - {"sitegen"} <= set(LAYER)


@pytest.mark.parametrize("module", [m for m in modules() if m != "sitegen.__init__"])
def test_no_module_imports_from_a_layer_above_its_own(module):
    here = LAYER[unit(module)]
    upward = sorted(m for m in imports(modules()[module]) if m != "sitegen" and LAYER[unit(m)] > here)
    assert not upward, f"{module} (layer {here}) imports {upward}"


def test_modules_import_each_other_without_cycles():
    graph = {m: {i for i in imports(p) if i in modules()} for m, p in modules().items()}
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(node):], node]))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*path, node])
        done.add(node)

    for module in sorted(graph):
        visit(module, [])


def test_at_most_a_dozen_modules_live_directly_in_the_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_every_package_says_in_one_line_what_it_is():
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "\n" not in doc, f"{init.parent.name}/__init__.py needs a one-line docstring"


def test_only_the_command_line_uses_click_and_rich():
    for module, path in modules().items():
        if module.startswith("sitegen.cli."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        used |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not used & {"click", "rich"}, module
