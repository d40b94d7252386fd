"""Shared test helpers: where the real records are."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UNSC_2020 = SHARED / "data" / "unsc-2020"
SAMPLE = ROOT / "sample"
# What `import_records` takes from the sample (its resolutions/ go to `load_resolutions`).
SAMPLE_RECORDS = [str(SAMPLE / "records"), str(SAMPLE / "corpus-2020")]
FIXTURES = ROOT / "tests" / "fixtures"


def require_shared() -> Path:
    """The shared data folder; in CI its absence is a failure, elsewhere a skip."""
    if not UNSC_2020.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the shared data at {SHARED}")
        pytest.skip(f"shared data not found at {SHARED}")
    return UNSC_2020


@pytest.fixture
def unsc_2020() -> Path:
    return require_shared()


@functools.cache
def parsed(path: Path):
    """parse_path, once per file per test session (the parsed meetings are immutable)."""
    from archive.parsing import parse_path

    return tuple(parse_path(path))
