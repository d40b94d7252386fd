"""A rebuild of the search index killed with SIGKILL leaves nothing running and nothing that lasts:
its Whoosh worker processes die with it (they used to wait on their job queue for ever, 125-200 MB
each), and the next rebuild removes the partial index folder it left.

The rebuild runs as a real subprocess over real 2020 records, in a database and index folder of its
own (a SQLite file: what is under test is processes and folders, not the database), and kills
itself at a known point: once both workers are running and documents are in flight."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, require_shared

KILL_AT = 250  # documents read: two batches of 100 handed to the two workers, a third being read

KILL_MID_BUILD = f"""
import json, multiprocessing, os, signal
from archive.search import upkeep
from archive.search.engine import get_backend
read = []
def progress(n):
    read.append(n)
    if len(read) == {KILL_AT}:
        live = get_backend().index_path
        print(json.dumps({{"workers": [p.pid for p in multiprocessing.active_children()],
                          "folders": sorted(p.name for p in live.parent.iterdir())}}), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
upkeep.rebuild(progress=progress, procs=2)
"""
COUNT = """
from archive.models import Statement
from archive.search.engine import get_backend
print(len(get_backend().indexed_stamps()), Statement.objects.count())
"""


def counts(env: dict[str, str]) -> tuple[int, int]:
    """(statements in the index, statements in the database), from a fresh process."""
    last = manage(env, "shell", "--command", COUNT).stdout.strip().splitlines()[-1]
    indexed, stored = map(int, last.split())
    return indexed, stored


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def running(pid: int) -> bool:
    """Alive and not a zombie (a dead worker reparented to a PID 1 that does not reap)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "Z" not in state.split()[1]


@pytest.fixture(params=["whoosh", "tantivy"])
def rebuild_env(request, tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLITE_TEST_NAME", "DATABASE_URL", "DATABASE_REPLICA_URLS")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'rebuild.sqlite3'}",
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
        ARCHIVE_VAR_DIR=str(tmp_path),
        SEARCH_ENGINE=request.param,
        PYTHONUNBUFFERED="1",
    )
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "import_records", str(require_shared() / "meetings" / "text"), "--no-progress")
    manage(env, "rebuild_search_index", "--no-progress")  # a live index, for the killed one to leave alone
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_rebuild_leaves_no_worker_and_the_next_rebuild_removes_its_folder(rebuild_env):
    engine = rebuild_env["SEARCH_ENGINE"]
    folder = Path(rebuild_env["SEARCH_INDEX_DIR"])
    live_before = os.path.realpath(folder / engine)

    # Output to a file, not a pipe: workers that outlive it would hold a pipe open.
    out = folder.parent / "killed.out"
    with out.open("w") as stdout:
        killed = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "--command", KILL_MID_BUILD],
            env=rebuild_env,
            cwd=ROOT,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            timeout=300,
        )
    assert killed.returncode == -9, out.read_text()[-3000:]
    seen = json.loads(out.read_text().strip().splitlines()[-1])
    if engine == "whoosh":
        assert len(seen["workers"]) == 2  # the multiprocessing writer's workers were running
    deadline = time.monotonic() + 15
    while any(running(pid) for pid in seen["workers"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    outlived = [pid for pid in seen["workers"] if running(pid)]
    for pid in outlived:  # not left behind by the test when it fails
        os.kill(pid, 9)
    assert not outlived, "workers outlived the killed rebuild"

    # The killed build's folder is still there; searches go on against the live index meanwhile.
    partial = [name for name in seen["folders"] if name.startswith(f"{engine}.")]
    assert len(partial) == 2  # the live target and the killed build
    assert os.path.realpath(folder / engine) == live_before
    indexed, stored = counts(rebuild_env)
    assert indexed == stored > KILL_AT

    rebuilt = manage(rebuild_env, "rebuild_search_index", "--no-progress")
    killed_build = next(name for name in partial if str(folder / name) != live_before)
    assert f"Removed {folder / killed_build}" in rebuilt.stderr
    remaining = sorted(p.name for p in folder.iterdir())
    assert remaining == sorted([engine, os.path.basename(os.path.realpath(folder / engine))])
    indexed, stored = counts(rebuild_env)
    assert indexed == stored
