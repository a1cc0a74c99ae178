"""The layout docs/architecture.md draws: no module imports another that imports it back,
and modules stay small enough to read. The app layers themselves are an import-linter
contract (pyproject's [tool.importlinter]) that `./dev test` runs before pytest."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("dashboard", "analytics", "conversations", "personas", "mlops", "core", "stack")

# A module past this many lines mixes concerns; split it by what it is about.
MAX_LINES = 450


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that reach each other through imports (Tarjan's strongly
    connected components, iterative so a deep chain does not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def test_no_module_imports_one_that_imports_it_back(graph):
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_a_circle(tmp_path, monkeypatch):
    """The check itself: two modules importing each other are reported as one group."""
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("from circle import second\n")
    (package / "second.py").write_text("def late():\n    from circle import first\n")
    (package / "third.py").write_text("from circle import first\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles(grimp.build_graph("circle")) == [["circle.first", "circle.second"]]


def test_the_layers_let_nothing_import_the_pages(graph):
    """Only dashboard (pages, project config) may import dashboard: an app below it that
    did would pull the whole site into a worker."""
    for package in ("analytics", "conversations", "personas", "mlops", "core", "stack"):
        offending = graph.find_illegal_dependencies_for_layers(layers=["dashboard", package])
        assert not offending, f"{package} imports dashboard: {offending}"


def source_files() -> list[Path]:
    files = [ROOT / "manage.py"]
    for package in (*PACKAGES, "benchmarks"):
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return files


def test_modules_stay_readable_in_one_sitting():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in source_files()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_template_comments_never_reach_the_page():
    """Django's {# #} ends at the line's end: one left open runs onto the page as text."""
    open_comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == []
