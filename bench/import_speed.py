"""How long importing the whole shared 2020 folder takes, and that a second import changes nothing.

    python bench/import_speed.py [PATH]      # default ../shared/data/unsc-2020

Runs against a fresh SQLite database in a temporary directory (or DATABASE_URL if set), through
the same service `manage.py import_records` uses, and prints: seconds for the first import,
meetings/statements written, seconds for the re-import and what it changed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    target = argv[0] if argv else str(ROOT.parent / "shared" / "data" / "unsc-2020")
    tmp = tempfile.mkdtemp(prefix="import-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from archive.importing import import_paths
    from archive.models import Meeting, Statement

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    first = import_paths([target])
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = import_paths([target])
    second_s = time.perf_counter() - started
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")
    print(
        f"first import: {first_s:.1f} s; {first.count('created')} meetings created, "
        f"{first.count('skipped')} duplicate sources skipped, {first.statements_written} statements; "
        f"errors {len(first.errors)}"
    )
    print(
        f"re-import: {second_s:.1f} s; {second.count('unchanged')} unchanged, {second.count('replaced')} replaced, "
        f"{second.count('created')} created, {second.statements_written} statements written"
    )
    print(f"archive: {Meeting.objects.count()} meetings, {Statement.objects.count()} statements")
    return 0 if not first.errors and second.statements_written == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
