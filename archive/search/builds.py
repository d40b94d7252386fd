"""Index builds on disk, for every engine: a new index is built in a sibling folder of the live
path, swapped in atomically, and the folder it replaced discarded.

A build that dies (SIGKILL, a power cut) must leave nothing running and nothing that lasts:
- each build folder is held by its process through a lock file beside it (``fcntl.flock``, which
  the kernel releases when the process dies, however it dies); the next rebuild removes every
  sibling folder nobody holds and that is not the live index (``clean_leftovers``);
- worker processes (Whoosh's multiprocessing writer) call ``die_with_parent`` first, so they are
  killed with the process that started them instead of waiting on its queue for ever.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

# Open lock files of the builds this process holds, by build folder.
_held: dict[Path, int] = {}
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _lock_path(directory: Path) -> Path:
    return directory.with_name(f".{directory.name}.building")


def new_build_dir(live: Path) -> Path:
    """A new empty folder beside ``live``, held by this process until ``release`` or its death."""
    parent = live.parent
    parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        candidate = parent / f"{live.name}.{stamp}-{n}"
        if candidate.exists() or _lock_path(candidate).exists():
            continue
        fd = os.open(_lock_path(candidate), os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # taken before the folder exists: no cleaner sees it unheld
        candidate.mkdir()
        _held[candidate] = fd
        return candidate
    raise OSError(f"cannot make a build directory beside {live}")


def release(directory: Path | None) -> None:
    """This process no longer holds ``directory`` (it is live now, or gone)."""
    if directory is None or directory not in _held:
        return
    fd = _held.pop(directory)
    _lock_path(directory).unlink(missing_ok=True)
    os.close(fd)


def swap_in(live: Path, directory: Path) -> Path | None:
    """Make ``directory`` the live index in one step; returns the directory it replaced.

    The live path is a symbolic link to a sibling directory, replaced with ``os.replace``
    (atomic on POSIX). A live path that is still a plain directory (an older layout) is moved
    aside first."""
    old: Path | None = None
    if live.is_symlink():
        old = Path(os.path.realpath(live))
    elif live.exists():
        old = live.with_name(f"{live.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}")
        live.rename(old)
    link = live.with_name(f".{live.name}.link-{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(directory.name if directory.parent == live.parent else directory)
    os.replace(link, live)
    release(directory)
    return old


def _remove(directory: Path) -> None:
    """Remove a folder; files another process removed first (two discards at once) are not errors."""

    def gone_already(function, path, exc_info) -> None:
        if not isinstance(exc_info[1], FileNotFoundError):
            raise exc_info[1]

    shutil.rmtree(directory, onerror=gone_already)


def discard(directory: Path | None) -> None:
    if directory is not None and directory.exists() and not directory.is_symlink():
        _remove(directory)
    release(directory)


def _held_elsewhere(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def clean_leftovers(live: Path) -> list[Path]:
    """Remove what dead builds left beside ``live``: build folders no living process holds (a
    killed rebuild's partial index, or the index a killed swap replaced), their lock files and
    stray swap links. Returns the folders removed."""
    parent = live.parent
    if not parent.is_dir():
        return []
    current = Path(os.path.realpath(live)) if live.is_symlink() else None
    removed = []
    for path in sorted(parent.glob(f"{live.name}.*")):
        if path == current or path in _held or path.is_symlink() or not path.is_dir():
            continue
        lock = _lock_path(path)
        if _held_elsewhere(lock):
            continue
        _remove(path)
        lock.unlink(missing_ok=True)
        removed.append(path)
    for lock in parent.glob(f".{live.name}.*.building"):
        folder = parent / lock.name[1 : -len(".building")]
        if not folder.exists() and not _held_elsewhere(lock):
            lock.unlink(missing_ok=True)
    for link in parent.glob(f".{live.name}.link-*"):
        pid = link.name.rsplit("-", 1)[-1]
        if link.is_symlink() and not (pid.isdigit() and alive(int(pid))):
            link.unlink()
    return removed


def alive(pid: int) -> bool:
    """Whether the process ``pid`` of this host is running."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def die_with_parent(parent_pid: int) -> None:
    """Called first in a worker process: end it when ``parent_pid`` (the process that started it)
    dies. On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere a thread watches
    the parent. If the parent is already gone, exit now."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    else:

        def watch() -> None:
            while os.getppid() == parent_pid:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
    if os.getppid() != parent_pid:
        os._exit(1)
