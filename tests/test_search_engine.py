"""One interface for the search engines (archive/search/engine.py): every engine answers every
method callers use, with the same parameters; the engines share code only through engine.py; the
search package's modules import each other without a cycle."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from haystack.backends import BaseSearchBackend
from haystack.backends.whoosh_backend import WhooshSearchBackend

from archive.search.backend import ArchiveWhooshBackend
from archive.search.engine import SearchEngine, get_backend
from archive.search.opensearch_backend import OpenSearchSearchBackend
from archive.search.tantivy_backend import TantivySearchBackend

from .conftest import ROOT, point_search_index_at

PACKAGE = ROOT / "archive" / "search"
ENGINES = [ArchiveWhooshBackend, TantivySearchBackend, OpenSearchSearchBackend]


def interface() -> dict[str, object]:
    """The members of ``SearchEngine``, by name."""
    return {
        name: member
        for name, member in vars(SearchEngine).items()
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }


def module_imports(path: Path) -> set[str]:
    """The archive.search modules ``path`` imports at module level (import time)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:  # from . import x / from .x import y
                found |= (
                    {f"archive.search.{node.module}"}
                    if node.module
                    else {f"archive.search.{a.name}" for a in node.names}
                )
            elif node.module and node.module.startswith("archive.search"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("archive.search")}
    return {name for name in found if (PACKAGE / f"{name.rsplit('.', 1)[-1]}.py").exists()}


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
def test_every_engine_answers_the_whole_interface(engine):
    for name, member in interface().items():
        implemented = getattr(engine, name, None)
        assert implemented is not None, f"{engine.__name__} has no {name}"
        # haystack's own versions raise NotImplementedError or expect haystack's Whoosh schema
        assert implemented is not getattr(BaseSearchBackend, name, None), f"{engine.__name__}.{name} is haystack's"
        assert implemented is not getattr(WhooshSearchBackend, name, None), f"{engine.__name__}.{name} is haystack's"
        if isinstance(member, property) or name == "search":  # search: haystack's signature, and more
            continue
        expected = [(p.name, p.kind) for p in inspect.signature(member).parameters.values()]
        actual = [(p.name, p.kind) for p in inspect.signature(implemented).parameters.values()]
        assert actual == expected, f"{engine.__name__}.{name}{inspect.signature(implemented)}"


def test_the_engine_in_use_is_held_through_the_interface(search_index):
    backend = get_backend()
    assert isinstance(backend, SearchEngine)
    assert backend.index_path == search_index and not backend.has_index()
    assert backend.matching_ids(None) is None and backend.vocabulary() is None and backend.doc_count() == 0


def test_the_engines_share_code_only_through_engine_py():
    engines = {"backend.py", "tantivy_backend.py", "opensearch_backend.py"}
    for name in engines:
        imported = module_imports(PACKAGE / name)
        assert imported <= {f"archive.search.{m}" for m in ("engine", "builds", "spelling", "ranges")}, name
    # What both engines share lives beside the interface, which imports neither engine.
    assert module_imports(PACKAGE / "engine.py") <= {f"archive.search.{m}" for m in ("builds", "spelling", "ranges")}


def test_the_search_package_imports_without_a_cycle():
    graph = {f"archive.search.{p.stem}": module_imports(p) for p in PACKAGE.glob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " -> ".join((*path, module))
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
    assert len(done) == len(graph) > 10


def test_the_search_view_builds_no_query_with_private_helpers():
    """views.py reads the request, calls the service and renders: the query language (chips, the
    canonical query of a "search within" form, symbols) is the service's and the parser's, through
    their public functions."""
    tree = ast.parse((PACKAGE / "views.py").read_text())
    private = sorted(
        {
            f"{node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith("_")
        }
        | {
            f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.name.startswith("_")
        }
    )
    assert private == []
    assert module_imports(PACKAGE / "views.py") <= {"archive.search.service", "archive.search.charts"}


@pytest.mark.django_db
def test_clearing_leaves_an_empty_live_index_and_no_folder_behind(search_index, tmp_path):
    """haystack's clear_index, on either engine: a new empty index swapped in, the one it replaced
    removed (the Whoosh engine used to leave it on disk), a per-model clear refused."""
    from archive.models import Statement
    from archive.search import upkeep

    live = tmp_path / "search_index"
    previous = point_search_index_at(live)  # the engine of ``search_index``, in a folder of its own
    try:
        backend = get_backend()
        assert upkeep.rebuild() == Statement.objects.count() == 0 and backend.has_index()
        built = backend.live_build()
        backend.clear()
        assert backend.has_index() and backend.doc_count() == 0 and backend.live_build() != built
        if isinstance(backend.index_path, str):  # an alias on a server: the index it named is gone
            assert not backend.build_exists(built) and backend.clean_leftovers() == []
        else:
            assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
                [live.name, live.resolve().name]
            )
        with pytest.raises(NotImplementedError):
            backend.clear(models=[Statement])
    finally:
        point_search_index_at(previous)
