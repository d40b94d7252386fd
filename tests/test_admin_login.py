"""The admin's login form is throttled: the attack that tried 100 wrong passwords in 40 s from one
address (each costing ~0.4 s of CPU to hash) is refused after ADMIN_LOGIN_RATE tries with HTTP 429
and Retry-After, before any password is hashed; one user name tried from many addresses is
refused after ADMIN_LOGIN_USER_RATE tries."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import backends
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "a long pass phrase 3"  # noqa: S105


@pytest.fixture(autouse=True)
def fresh_counters():
    caches[settings.RATELIMIT_USE_CACHE].clear()
    yield
    caches[settings.RATELIMIT_USE_CACHE].clear()


@pytest.fixture
def editor():
    return User.objects.create_superuser("editor", "editor@example.org", PASSWORD)


@pytest.fixture
def hashed(monkeypatch):
    """How many times a password was checked against the database's hash."""
    calls = []
    check = backends.ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return check(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(backends.ModelBackend, "authenticate", counting)
    return calls


def per_period(rate: str) -> int:
    return int(rate.split("/")[0])


def try_password(client: Client, password: str, username: str = "editor"):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})


def test_a_hundred_wrong_passwords_from_one_address_are_refused_past_the_rate(editor, hashed):
    client = Client(REMOTE_ADDR="203.0.113.7")
    allowed = per_period(settings.ADMIN_LOGIN_RATE)
    statuses = [try_password(client, f"guess {n}").status_code for n in range(100)]
    assert statuses[:allowed] == [200] * allowed  # the form again, with its error
    assert set(statuses[allowed:]) == {429}
    assert len(hashed) == allowed  # refused tries never reach the password hasher
    refused = try_password(client, PASSWORD)
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "_auth_user_id" not in client.session
    # Another address is not held back by this one, and the right password logs in.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert try_password(other, PASSWORD).status_code == 302
    assert other.get(reverse("admin:index")).status_code == 200


def test_one_user_name_tried_from_many_addresses_is_refused_past_its_rate(editor, hashed):
    allowed = per_period(settings.ADMIN_LOGIN_USER_RATE)
    statuses = [try_password(Client(REMOTE_ADDR=f"192.0.2.{n}"), f"guess {n}").status_code for n in range(allowed + 10)]
    assert statuses[:allowed] == [200] * allowed
    assert set(statuses[allowed:]) == {429}
    assert len(hashed) == allowed
    # Other names from a fresh address are still let through to the form.
    assert try_password(Client(REMOTE_ADDR="192.0.2.250"), "guess", username="someone").status_code == 200


def test_the_login_form_itself_is_not_counted(editor):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(3 * per_period(settings.ADMIN_LOGIN_RATE)):
        assert client.get(reverse("admin:login")).status_code == 200
    assert try_password(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "variant", [" editor", "editor ", "\teditor", "ｅｄｉｔｏｒ", "ｅditor", "editor\u00a0", "EDITOR"]
)
def test_spellings_of_one_user_name_share_its_count(editor, hashed, variant, settings):
    """Django's login strips and NFKC-normalises the name: each of these logs in as "editor" (or
    tries to), so each counts against "editor" and none opens a fresh count."""
    settings.ADMIN_LOGIN_USER_RATE = "3/h"  # a few hashed tries per case are enough
    allowed = per_period(settings.ADMIN_LOGIN_USER_RATE)
    for n in range(allowed):
        assert try_password(Client(REMOTE_ADDR=f"192.0.2.{n}"), f"guess {n}").status_code == 200
    refused = try_password(Client(REMOTE_ADDR="198.51.100.77"), PASSWORD, username=variant)
    assert refused.status_code == 429
    assert len(hashed) == allowed
