"""Readers for bench/load_test.py (which starts locust with this file; not run on its own).

Each simulated reader browses and searches at random, with a pause between pages. The URLs come
from the plan load_test.py writes (LOAD_TEST_PLAN, real URLs from the database); every request's
page type, time and outcome is written to LOAD_TEST_RESULTS when the run stops, so load_test.py
computes exact percentiles.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["LOAD_TEST_PLAN"]).read_text(encoding="utf-8"))
WAIT = tuple(float(x) for x in os.environ.get("LOAD_TEST_WAIT", "0.5,2").split(","))
RESULTS: list[tuple[str, float, int, str]] = []
# Several app nodes (load_test.py --nodes): each reader keeps to one, the readers spread in turn.
NODES = itertools.cycle(os.environ["LOAD_TEST_HOSTS"].split(",")) if os.environ.get("LOAD_TEST_HOSTS") else None


@events.request.add_listener
def record(name, response_time, response, exception, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    RESULTS.append((name, response_time, status, "" if exception is None else str(exception)))


@events.test_stop.add_listener
def write_results(**_kwargs):
    Path(os.environ["LOAD_TEST_RESULTS"]).write_text(json.dumps(RESULTS), encoding="utf-8")


class Reader(FastHttpUser):
    wait_time = between(*WAIT)

    def __init__(self, environment):
        if NODES is not None:
            self.host = next(NODES)
        super().__init__(environment)

    def open(self, name: str, url: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {url}")
            elif b"</html>" not in response.content:
                response.failure(f"incomplete page for {url}")

    def pick(self, kind: str) -> None:
        self.open(kind, random.choice(PLAN[kind]))

    @task(1)
    def home(self):
        self.open("home", "/")

    @task(1)
    def lists(self):
        self.pick("lists")

    @task(3)
    def meeting(self):
        self.pick("meeting")

    @task(4)
    def statement(self):
        self.pick("statement")

    @task(2)
    def country(self):
        self.pick("country")

    @task(2)
    def speaker(self):
        self.pick("speaker")

    @task(2)
    def resolution(self):
        self.pick("resolution")

    @task(5)
    def search(self):
        self.pick("search")
