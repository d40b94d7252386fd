"""One JSON line per request on the ``archive.requests`` logger, and this process's request counts.

A line: time, method, path (no query string; at most MAX_PATH characters), status, duration in
ms, user-agent (at most MAX_USER_AGENT characters), ``db``: the replica a reading page used, or
"default" when it fell back to the primary (null for the requests that use no replica: writes, the
admin, alerts, a client just after it wrote, a page that read nothing, or no replicas set), and
``slow`` past SLOW_REQUEST_MS. No client address. Lines
are written when REQUEST_LOG is on; slow requests are counted either way (shown by /readyz).
The load balancer's probes are not counted and are logged only when they fail.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time

logger = logging.getLogger("archive.requests")

MAX_PATH = 200
MAX_USER_AGENT = 120

_counts = {"requests": 0, "slow_requests": 0}
_counts_lock = threading.Lock()


def ms_since(started: float) -> float:
    """Milliseconds since ``started`` (a time.monotonic()), to 0.1 ms."""
    return round((time.monotonic() - started) * 1000, 1)


def count(duration_ms: float, slow_ms: float) -> bool:
    """Count one request; True when it was slow."""
    slow = duration_ms > slow_ms
    with _counts_lock:
        _counts["requests"] += 1
        _counts["slow_requests"] += slow
    return slow


def counts() -> dict[str, int]:
    """Requests and slow requests this process has served since it started (probes left out)."""
    with _counts_lock:
        return dict(_counts)


def line(
    *, method: str, path: str, status: int, duration_ms: float, user_agent: str, database: str | None, slow: bool
) -> str:
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "method": method[:10],
        "path": path[:MAX_PATH],
        "status": status,
        "ms": duration_ms,
        "user_agent": user_agent[:MAX_USER_AGENT],
        "db": database,
        "slow": slow,
    }
    return json.dumps(entry, ensure_ascii=False)


def write(text: str, *, slow: bool) -> None:
    logger.log(logging.WARNING if slow else logging.INFO, text)
