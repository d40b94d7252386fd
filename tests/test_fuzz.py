"""Short fuzz runs (CI): the parser and the citation finder on arbitrary text and on mutated real
record fragments. Each input parses with its properties holding, or raises the documented
ParseError. The long run is ``python bench/fuzz.py`` (100,000 inputs)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from .conftest import require_shared
from .fuzzing import TARGETS


@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz(name):
    require_shared()
    strategy, check = TARGETS[name]

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy())
    def run(text):
        check(text)

    run()
