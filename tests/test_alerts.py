"""E-mail alerts end to end against a real SMTP server on localhost (aiosmtpd), with Django's SMTP
backend: sign-up with CSRF, double opt-in, send_alerts once per new statement and one message per
address, one-click unsubscribe, the sign-up rate limit. Real records of ../shared imported as the
site imports them."""

from __future__ import annotations

import io
import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from archive.alerts import service as alerts_service
from archive.importing import import_paths
from archive.models import Meeting, Statement, Subscription
from archive.search import service as search_service
from archive.search import upkeep

from .conftest import require_shared

pytestmark = pytest.mark.django_db
READER = "reader@example.org"


class Inbox:
    """What the SMTP server received: (recipients, parsed message) in order."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refused: set[str] = set()  # recipients the server answers 550

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address in self.refused:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[list[str], EmailMessage]]:
        taken, self.received = self.received, []
        return taken


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(settings):
    """A real SMTP server on localhost; Django's SMTP backend sends to it."""
    received = Inbox()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield received
    controller.stop()


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()  # the sign-up rate limit counts in the cache
    yield
    cache.clear()


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def record(symbol_number: str) -> str:
    return str(require_shared() / "meetings" / "text" / f"S_PV.{symbol_number}_E.txt")


def imported(*numbers: str) -> list[Statement]:
    before = set(Meeting.objects.values_list("pk", flat=True))
    assert import_paths([record(n) for n in numbers]).errors == []
    return list(Statement.objects.exclude(meeting_id__in=before))


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def sign_up(client: Client, email: str, kind: str, target: str):
    form = client.get("/alerts/follow/", {"kind": kind, "target": target})
    assert form.status_code == 200
    return client.post(
        "/alerts/follow/",
        {"csrfmiddlewaretoken": csrf_token(form), "email": email, "kind": kind, "target": target},
    )


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link(message: EmailMessage, prefix: str) -> str:
    """The path of the first link in the text part that starts with ``prefix``."""
    site = django_settings.SITE_URL
    found = re.search(re.escape(site + prefix) + r"\S+", text_of(message))
    assert found, f"no {prefix} link in: {text_of(message)}"
    return found.group(0).removeprefix(site)


def confirm(client: Client, message: EmailMessage) -> None:
    path = link(message, "/alerts/confirm/")
    page = client.get(path)
    assert page.status_code == 200
    done = client.post(path, {"csrfmiddlewaretoken": csrf_token(page)})
    assert done.status_code == 200 and b"Alert confirmed" in done.content


def subscribed(client: Client, inbox: Inbox, email: str, kind: str, target: str) -> None:
    """Sign up and confirm through the confirmation mail."""
    assert sign_up(client, email, kind, target).status_code == 200
    [(to, message)] = inbox.take()
    assert to == [email]
    confirm(client, message)


def listed_urls(message: EmailMessage) -> list[str]:
    return re.findall(r"^  (https?://\S+/meetings/\S+?)\r?$", text_of(message), flags=re.M)


def send_alerts() -> str:
    out = io.StringIO()
    call_command("send_alerts", stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------------------ acceptance


def test_a_follower_of_resolution_2334_gets_one_mail_after_the_import_that_cites_it(inbox, browser):
    imported("8698", "8700")
    assert not Statement.objects.filter(citations__number=2334).exists()
    subscribed(browser, inbox, READER, "resolution", "2334")
    assert sign_up(browser, "unconfirmed@example.org", "resolution", "2334").status_code == 200
    assert len(inbox.take()) == 1  # its confirmation, never followed

    send_alerts()
    assert inbox.take() == []  # nothing new yet

    new = imported("8708")
    citing = sorted(
        (s for s in Statement.objects.filter(citations__resolution__number=2334).distinct().listing()),
        key=lambda s: s.chrono,
    )
    assert citing and {s.pk for s in citing} <= {s.pk for s in new}
    assert send_alerts().startswith(f"Sent 1 message listing {len(citing)} statement")
    [(to, message)] = inbox.take()
    assert to == [READER]
    assert message.get_content_type() == "multipart/alternative"
    expected = [django_settings.SITE_URL + s.get_absolute_url() for s in citing]
    assert listed_urls(message) == expected
    assert f"{len(citing)} new statement" in message["Subject"]
    html = html_of(message)
    for statement in citing:
        assert f'href="{django_settings.SITE_URL}{statement.get_absolute_url()}"' in html
        assert escape(statement.speaker_name) in html
    assert message["List-Unsubscribe"].strip().startswith(f"<{django_settings.SITE_URL}/alerts/unsubscribe-all/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    send_alerts()
    assert inbox.take() == []  # never twice


# ------------------------------------------------------------------------------ sign-up and confirmation


def test_nothing_is_sent_before_confirmation(inbox, browser):
    imported("8698")
    assert sign_up(browser, READER, "delegation", "fra").status_code == 200
    [(_, confirmation)] = inbox.take()
    assert "Confirm" in confirmation["Subject"] and "/alerts/confirm/" in text_of(confirmation)
    assert "/alerts/confirm/" in html_of(confirmation)
    assert Subscription.objects.get(email=READER).confirmed_at is None
    imported("8700")
    assert Statement.objects.filter(delegation__key="fra", meeting__slug="8700").exists()
    send_alerts()
    assert inbox.take() == []
    confirm(browser, confirmation)
    send_alerts()
    assert inbox.take() == []  # confirmed now: only what is newer than the confirmation


def test_sign_up_needs_a_csrf_token_a_valid_address_and_something_that_exists(inbox, browser):
    imported("8698")
    assert browser.post("/alerts/follow/", {"email": READER, "kind": "delegation", "target": "fra"}).status_code == 403
    assert sign_up(browser, "not an address", "delegation", "fra").status_code == 400
    token = csrf_token(browser.get("/alerts/follow/", {"kind": "delegation", "target": "fra"}))
    refused = browser.post(
        "/alerts/follow/", {"csrfmiddlewaretoken": token, "email": READER, "kind": "delegation", "target": "nowhere"}
    )
    assert refused.status_code == 400 and b"No delegation" in refused.content
    assert browser.get("/alerts/follow/", {"kind": "delegation", "target": "nowhere"}).status_code == 404
    assert browser.get("/alerts/follow/", {"kind": "search", "target": "-Libya"}).status_code == 404
    assert inbox.take() == [] and not Subscription.objects.exists()
    bad = browser.get("/alerts/confirm/not-a-token/")
    assert bad.status_code == 404 and b"not valid" in bad.content


def test_subscriptions_in_the_admin(inbox, browser, admin_client):
    imported("8698")
    subscribed(browser, inbox, READER, "delegation", "fra")
    listing = admin_client.get("/admin/archive/subscription/?q=reader")
    assert listing.status_code == 200 and READER in listing.content.decode()
    subscription = Subscription.objects.get()
    assert admin_client.get(f"/admin/archive/subscription/{subscription.pk}/change/").status_code == 200


def test_signing_up_again_sends_no_second_alert_and_reveals_nothing(inbox, browser):
    imported("8698")
    subscribed(browser, inbox, READER, "delegation", "fra")
    again = sign_up(browser, READER.upper().replace("EXAMPLE.ORG", "Example.org"), "delegation", "fra")
    assert again.status_code == 200 and b"Check your e-mail" in again.content
    assert inbox.take() == [] and Subscription.objects.count() == 1


def test_sign_up_is_rate_limited_per_client(inbox, browser):
    imported("8698")
    limit = int(django_settings.ALERT_SIGNUP_RATE.split("/")[0])  # "10/h" unless the environment says
    statuses = [sign_up(browser, f"r{i}@example.org", "delegation", "fra").status_code for i in range(limit + 1)]
    assert statuses[:limit] == [200] * limit and statuses[limit] == 429
    assert len(inbox.take()) == limit


def test_one_mailbox_gets_a_bounded_number_of_confirmation_mails_from_any_client(inbox):
    """The per-client limit alone let anyone with several addresses flood one mailbox."""
    imported("8698")
    limit = int(django_settings.ALERT_CONFIRMATIONS_PER_ADDRESS.split("/")[0])
    targets = ["fra", "chn", "usa", "gbr", "rus", "deu", "bel", "est", "idn", "nig", "vnm", "zaf"]
    assert limit < len(targets)
    statuses = [
        sign_up(
            Client(REMOTE_ADDR=f"192.0.2.{n}"),
            "Victim@Example.org" if n % 2 else "victim@example.org ",
            "delegation",
            t,
        ).status_code
        for n, t in enumerate(targets[: limit + 2])
    ]
    assert statuses[:limit] == [200] * limit and set(statuses[limit:]) == {429}
    assert [to for to, _ in inbox.take()] == [["victim@example.org"]] * limit
    assert sign_up(Client(REMOTE_ADDR="192.0.2.99"), "other@example.org", "delegation", "fra").status_code == 200


# A domain label over 63 characters once written in IDNA: Django's validator takes it, a mail
# header cannot carry it (UnicodeError in sanitize_address).
UNWRITABLE = "a@ä" + "b" * 62 + ".com"


def test_an_address_no_mail_can_be_sent_to_is_refused_at_sign_up(inbox, browser):
    imported("8698")
    response = sign_up(browser, UNWRITABLE, "delegation", "fra")
    assert response.status_code == 400 and b"Mail cannot be sent to that address" in response.content
    assert not Subscription.objects.exists() and inbox.take() == []


def test_a_stored_address_no_mail_can_be_sent_to_does_not_stop_the_others(inbox, browser):
    """Stored before sign-up checked it (or by hand): reported and kept, the others are sent."""
    imported("8698")
    subscribed(browser, inbox, READER, "delegation", "fra")
    before = Subscription.objects.get(email=READER).last_statement_id
    Subscription.objects.create(
        email=UNWRITABLE, kind="delegation", target="fra", confirmed_at=timezone.now(), last_statement_id=before
    )
    Subscription.objects.create(
        email="zz@example.org", kind="delegation", target="fra", confirmed_at=timezone.now(), last_statement_id=before
    )
    imported("8700")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("send_alerts", stdout=io.StringIO(), stderr=err)
    assert f"alerts to {UNWRITABLE} not sent" in err.getvalue()
    assert sorted(to[0] for to, _ in inbox.take()) == [READER, "zz@example.org"]
    assert Subscription.objects.get(email=UNWRITABLE).last_statement_id == before


# ------------------------------------------------------------------------------ grouping and unsubscribing


def test_one_message_per_address_with_a_section_per_followed_item(inbox, browser):
    imported("8698")
    subscribed(browser, inbox, READER, "delegation", "fra")
    subscribed(browser, inbox, READER, "delegation", "chn")
    subscribed(browser, inbox, "other@example.org", "delegation", "fra")
    new = imported("8700")
    french = [
        s
        for s in new
        if s.delegation and s.delegation.key == "fra" and not (s.role == "president" and not s.national_capacity)
    ]
    chinese = [
        s
        for s in new
        if s.delegation and s.delegation.key == "chn" and not (s.role == "president" and not s.national_capacity)
    ]
    assert french and chinese
    send_alerts()
    received = dict((to[0], message) for to, message in inbox.take())
    assert sorted(received) == ["other@example.org", READER]
    site = django_settings.SITE_URL
    by_chrono = sorted(french, key=lambda s: s.chrono), sorted(chinese, key=lambda s: s.chrono)
    assert listed_urls(received[READER]) == [site + s.get_absolute_url() for s in by_chrono[0] + by_chrono[1]]
    assert listed_urls(received["other@example.org"]) == [site + s.get_absolute_url() for s in by_chrono[0]]
    assert text_of(received[READER]).count("Stop following") == 2


def test_one_click_unsubscribe(inbox, browser):
    imported("8698")
    subscribed(browser, inbox, READER, "delegation", "fra")
    subscribed(browser, inbox, READER, "delegation", "chn")
    imported("8700")
    send_alerts()
    [(_, message)] = inbox.take()
    # The link in the text: a page with one button (a link scanner's GET changes nothing).
    section = link(message, "/alerts/unsubscribe/")
    assert browser.get(section).status_code == 200 and Subscription.objects.count() == 2
    assert browser.post(section).status_code == 200  # no CSRF token needed: the signed link is the check
    assert Subscription.objects.count() == 1
    # List-Unsubscribe-Post (RFC 8058): the mail client POSTs to the header's address.
    header = message["List-Unsubscribe"].strip().strip("<>").removeprefix(django_settings.SITE_URL)
    answer = browser.post(header, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and not Subscription.objects.exists()
    imported("8708")
    send_alerts()
    assert inbox.take() == []


def test_a_saved_search_alert(inbox, browser, search_index):
    imported("8698")
    upkeep.rebuild()
    q = "humanitarian country:France"
    subscribed(browser, inbox, READER, "search", q)
    new = {s.pk for s in imported("8700")}  # the import brings the index up to date
    matches = []
    outcome, page = search_service.search(q, sort="oldest"), 1
    while True:
        matches += [h.statement for h in outcome.hits]
        if page >= outcome.pages:
            break
        page += 1
        outcome = search_service.search(q, sort="oldest", page=page)
    expected = [s for s in matches if s.pk in new]
    assert expected
    send_alerts()
    [(_, message)] = inbox.take()
    assert listed_urls(message) == [django_settings.SITE_URL + s.get_absolute_url() for s in expected]
    send_alerts()
    assert inbox.take() == []


# ------------------------------------------------------------------------------ failures


def marks(*emails: str) -> list[int]:
    return [Subscription.objects.get(email=e, kind="delegation").last_statement_id for e in emails]


def test_one_bad_subscription_or_refused_address_does_not_stop_the_others(inbox, browser, search_index):
    imported("8698")
    upkeep.rebuild()
    for email in ("a@example.org", "b@example.org", "c@example.org", "z@example.org"):
        subscribed(browser, inbox, email, "delegation", "fra")
    before = Statement.objects.latest("pk").pk
    # Rows stored before sign-up checked them, or edited in the admin: the search that made Whoosh
    # raise TimeError on every run, a resolution that is no number, a kind that does not exist.
    bad = [
        Subscription.objects.create(
            email="b@example.org", kind=kind, target=target, confirmed_at=timezone.now(), last_statement_id=before
        )
        for kind, target in [("search", "peace date:0001"), ("resolution", "abc"), ("bogus", "x")]
    ]
    inbox.refused.add("c@example.org")
    imported("8700")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="4 alert"):
        call_command("send_alerts", stdout=out, stderr=err)
    assert sorted(to[0] for to, _ in inbox.take()) == ["a@example.org", "b@example.org", "z@example.org"]
    upto = Statement.objects.latest("pk").pk
    assert marks("a@example.org", "b@example.org", "c@example.org", "z@example.org") == [upto, upto, before, upto]
    for subscription in bad:  # named on stderr, left for the next run
        assert (
            f"subscription {subscription.pk} of b@example.org ({subscription.kind} {subscription.target!r})"
            in err.getvalue()
        )
        subscription.refresh_from_db()
        assert subscription.last_statement_id == before
    assert "alerts to c@example.org not sent (SMTPRecipientsRefused" in err.getvalue()
    assert "; 4 failed (listed on stderr)." in out.getvalue()
    # The server takes c's mail again: c gets it, once; nobody else gets anything twice.
    inbox.refused.clear()
    with pytest.raises(CommandError, match="3 alert"):
        call_command("send_alerts", stdout=io.StringIO(), stderr=io.StringIO())
    assert [to for to, _ in inbox.take()] == [["c@example.org"]]


def test_overlapping_runs_send_nothing_twice(inbox, browser, monkeypatch):
    """Two runs at once (a slow run and the next cron): each address's marks are read again under
    a lock and moved before its message goes, so the second run skips what the first has done."""
    imported("8698")
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        subscribed(browser, inbox, email, "delegation", "fra")
    imported("8700")
    send, overlapped = alerts_service._send, []

    def send_while_another_run_starts(*args, **kwargs):
        send(*args, **kwargs)
        if not overlapped:  # once: the second run's own messages go as usual
            overlapped.append("running")
            overlapped[0] = alerts_service.send_alerts()

    monkeypatch.setattr(alerts_service, "_send", send_while_another_run_starts)
    first = alerts_service.send_alerts()
    assert sorted(to[0] for to, _ in inbox.take()) == ["a@example.org", "b@example.org", "c@example.org"]
    assert first.messages + overlapped[0].messages == 3


class Killed(BaseException):
    """The process dying (SIGKILL, a lost machine): nothing of the run goes on."""


def test_a_crash_after_sending_resends_at_most_the_message_in_flight(inbox, browser, monkeypatch):
    imported("8698")
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        subscribed(browser, inbox, email, "delegation", "fra")
    before = Statement.objects.latest("pk").pk
    imported("8700")
    upto = Statement.objects.latest("pk").pk
    send = alerts_service._send

    def send_then_die_on_b(to, *args, **kwargs):
        send(to, *args, **kwargs)
        if to == "b@example.org":
            raise Killed  # the server has b's message; its transaction never commits

    monkeypatch.setattr(alerts_service, "_send", send_then_die_on_b)
    with pytest.raises(Killed):
        alerts_service.send_alerts()
    assert [to[0] for to, _ in inbox.take()] == ["a@example.org", "b@example.org"]
    assert marks("a@example.org", "b@example.org", "c@example.org") == [upto, before, before]
    monkeypatch.undo()
    send_alerts()
    assert [to[0] for to, _ in inbox.take()] == ["b@example.org", "c@example.org"]  # b's once more, a's never
    send_alerts()
    assert inbox.take() == []


def test_a_search_alert_waits_for_statements_the_index_does_not_hold_yet(inbox, browser, search_index, monkeypatch):
    """Statements committed but not yet indexed (the import's index update skipped while the index
    was busy, or not reached before a crash) are not passed over: the saved search's mark stays
    below them until the index holds them, and the run that follows lists them."""
    imported("8698")
    upkeep.rebuild()
    q = "humanitarian country:France"
    subscribed(browser, inbox, READER, "search", q)
    monkeypatch.setattr(upkeep, "index_meetings", lambda ids: 0)  # the index update is skipped
    new = {s.pk for s in imported("8700")}
    monkeypatch.undo()
    report = send_alerts()
    assert inbox.take() == []
    assert "not yet in the search index" in report
    assert Subscription.objects.get(email=READER).last_statement_id < min(new)
    upkeep.repair()  # what the documented recovery does
    send_alerts()
    [(_, message)] = inbox.take()
    expected = [pk for pk in alerts_service.matching_ids(q, newest_first=False) if pk in new]
    assert expected
    assert listed_urls(message) == [
        django_settings.SITE_URL + s.get_absolute_url()
        for s in Statement.objects.filter(pk__in=expected).order_by("chrono")
    ]
