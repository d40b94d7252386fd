"""The shape of the code the issue "One home for every rule" asked for: views read and render
(aggregates on QuerySets or in archive/stats.py, paginators in archive/paging.py), and no module of
the import service or the parser grows past what one reader can hold (a data table may)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VIEW_MODULES = ("archive/views.py", "archive/search/views.py")
AGGREGATES = {"Count", "Sum", "Avg", "Min", "Max", "StdDev", "Variance", "Aggregate", "RawSQL"}
QUERY_WORK = {"annotate", "aggregate", "raw", "extra", "cursor"}
MAX_LINES = 600
TABLES = {"archive/parsing/delegations.py"}  # the table of delegations: data, not logic


def inline_query_work(source: str, name: str) -> list[str]:
    """Where a module imports an aggregate or a paginator, or calls annotate/aggregate/raw/extra/
    cursor: "archive/views.py:98: aggregate()"."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if node.module.startswith("django.db.models") and alias.name in AGGREGATES:
                    found.append(f"{name}:{node.lineno}: imports {alias.name}")
                if node.module == "django.core.paginator" or "Paginator" in alias.name:
                    found.append(f"{name}:{node.lineno}: imports {alias.name} from {node.module}")
        elif isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id.endswith("Paginator") for b in node.bases
        ):
            found.append(f"{name}:{node.lineno}: defines a paginator {node.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_WORK:
            found.append(f"{name}:{node.lineno}: {node.func.attr}()")
    return found


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_views_compute_no_aggregates_and_build_no_paginators(module):
    path = ROOT / module
    assert inline_query_work(path.read_text(encoding="utf-8"), module) == []


def test_the_check_sees_an_aggregate_and_a_paginator_built_in_a_view():
    source = (
        "from django.core.paginator import Paginator\n"
        "from django.db.models import Count, Max, Min\n"
        "def home(request):\n"
        "    span = Meeting.objects.aggregate(first=Min('date'), last=Max('date'))\n"
        "    rows = Citation.objects.values_list('number').annotate(n=Count('id'))\n"
        "    return Paginator(rows, 25).get_page(1)\n"
    )
    found = inline_query_work(source, "views.py")
    assert "views.py:1: imports Paginator from django.core.paginator" in found
    assert {"views.py:2: imports Count", "views.py:2: imports Max", "views.py:2: imports Min"} <= set(found)
    assert "views.py:4: aggregate()" in found
    assert "views.py:5: annotate()" in found


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(ROOT).as_posix()
        for d in ("archive/importing", "archive/parsing")
        for p in (ROOT / d).glob("*.py")
    ),
)
def test_no_module_of_the_importer_or_the_parser_over_600_lines(path):
    if path in TABLES:
        pytest.skip("a data table may be long")
    lines = len((ROOT / path).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path}: {lines} lines"


def test_every_name_callers_import_from_archive_importing_is_there():
    """Management commands, admin, alerts, fetching, tests and benchmarks import these from the
    package, whichever of its modules now holds them."""
    import archive.importing as importing

    used = set()
    for path in [*ROOT.glob("archive/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/*.py")]:
        if "importing" in path.relative_to(ROOT).parts[:2]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and (
                node.module == "archive.importing" or (node.level == 1 and node.module == "importing")
            ):
                used.update(alias.name for alias in node.names)
    assert {"import_paths", "import_resolutions", "relink_citations", "Writer", "correct_meeting"} <= used
    assert [name for name in sorted(used) if not hasattr(importing, name)] == []
    assert set(importing.__all__) <= set(dir(importing))
