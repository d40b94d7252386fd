"""E-mail alerts: following a saved search, a delegation, a speaker or a resolution by e-mail.

* **Double opt-in.** ``subscribe()`` stores an unconfirmed subscription and mails a link carrying a
  signed token (``django.core.signing``, valid ``CONFIRM_DAYS``); nothing else is ever sent to an
  address until that link is followed (``confirm()``).
* **Once.** Each subscription remembers the highest statement id already considered
  (``last_statement_id``, set to the newest statement when it is confirmed). ``send_alerts()``
  takes the newest id at its start as the ceiling and, address by address in one transaction
  each, lists for every subscription the statements in between, moves the marks up to the ceiling
  and sends one message: a statement is never listed twice (a crash re-sends at most the message
  in flight), and what arrives during a run waits for the next. One subscription or address that
  fails is reported and skipped; the others are sent. A saved search is matched in the index, so
  its mark stops below the first statement the index does not hold yet (an import's index update
  skipped or killed): such statements wait, and are listed once the index has them.
* **One-click unsubscribe.** Every message carries a signed link per followed item and one for the
  whole address, and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from archive.importing import settled_statement_id
from archive.models import Delegation, Resolution, Speaker, Statement, Subscription
from archive.search import query as ql
from archive.search.matching import matching_ids

log = logging.getLogger(__name__)

CONFIRM_SALT = "archive.alerts.confirm"
UNSUBSCRIBE_SALT = "archive.alerts.unsubscribe"
UNSUBSCRIBE_ALL_SALT = "archive.alerts.unsubscribe-all"
CONFIRM_DAYS = 7
MAX_LISTED = 50  # statements listed per followed item in one message (then a link to all)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")  # line breaks included: targets go into mail headers


class NotFollowable(ValueError):
    """What was asked to be followed does not exist or cannot be read."""


@dataclass(frozen=True)
class Followed:
    kind: str
    target: str
    label: str  # "S/RES/2334 (2016)", "France", "Vassily Nebenzia", "the search “ceasefire”"
    path: str  # the page it stands for


def followed(kind: str, target: str) -> Followed:
    """What ``kind``/``target`` stand for; raises NotFollowable (before anything is stored: the
    target goes into mail headers, where a line break is an error)."""
    target = target.strip()
    if CONTROL_CHARACTERS.search(target):
        raise NotFollowable("What is followed cannot contain line breaks or other control characters.")
    if kind == "delegation":
        delegation = Delegation.objects.filter(key=target).first()
        if delegation is None:
            raise NotFollowable(f"No delegation {target!r} in the archive.")
        return Followed(kind, target, delegation.name, delegation.get_absolute_url())
    if kind == "speaker":
        speaker = Speaker.objects.slug_or_merged(target).first()  # a merged slug: follow the survivor
        if speaker is None:
            raise NotFollowable(f"No speaker {target!r} in the archive.")
        return Followed(kind, speaker.slug, speaker.name, speaker.get_absolute_url())
    if kind == "resolution":
        # A resolution may be followed before any statement cites it (it then has no row yet).
        if not re.fullmatch(r"[0-9]{1,5}", target) or int(target) == 0:
            raise NotFollowable(f"{target!r} is not a resolution number.")
        number = int(target)
        resolution = Resolution.objects.filter(number=number).first()
        label = resolution.symbol if resolution else f"S/RES/{number}"
        return Followed(kind, str(number), label, reverse("archive:resolution-detail", args=[number]))
    if kind == "search":
        if not target:
            raise NotFollowable("Type a search to follow.")
        try:
            ql.parse(target)
        except ql.QueryError as exc:
            raise NotFollowable(f"The search cannot be read: {exc}") from exc
        return Followed(
            kind, target, f"the search “{target}”", reverse("archive:search") + "?" + urlencode({"q": target})
        )
    raise NotFollowable(f"Unknown kind of alert {kind!r}.")


def describe(subscription: Subscription) -> Followed:
    """What a stored subscription follows (named plainly when it no longer exists)."""
    try:
        return followed(subscription.kind, subscription.target)
    except NotFollowable:
        return Followed(subscription.kind, subscription.target, f"{subscription.kind} {subscription.target}", "/")


def normalise_email(email: str) -> str:
    """Lower case, so one reader is one address (mail systems ignore case in practice)."""
    return email.strip().lower()


def deliverable(email: str) -> str:
    """The address, normalised, if a message can be addressed to it; else NotFollowable. An
    address Django's validator takes may still not be writable in a header (a domain label over 63
    characters once in IDNA form): refused at sign-up, before anything is stored."""
    email = normalise_email(email)
    try:
        sanitize_address(email, settings.DEFAULT_CHARSET)
    except (ValueError, UnicodeError) as exc:
        raise NotFollowable(f"Mail cannot be sent to that address ({exc}).") from exc
    return email


def newest_statement_id() -> int:
    return Statement.objects.aggregate(top=Max("pk"))["top"] or 0


def absolute(path: str) -> str:
    return settings.SITE_URL + path


# ------------------------------------------------------------------------------ tokens


def confirm_url(subscription: Subscription) -> str:
    token = signing.dumps(subscription.pk, salt=CONFIRM_SALT)
    return absolute(reverse("alerts:confirm", args=[token]))


def unsubscribe_url(subscription: Subscription) -> str:
    token = signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("alerts:unsubscribe", args=[token]))


def unsubscribe_all_url(email: str) -> str:
    token = signing.dumps(email, salt=UNSUBSCRIBE_ALL_SALT)
    return absolute(reverse("alerts:unsubscribe-all", args=[token]))


def subscription_for(token: str, *, confirming: bool) -> Subscription:
    """The subscription a token names. Raises signing.BadSignature (or SignatureExpired, a
    subclass) for a token that was not made here or is too old, Subscription.DoesNotExist when
    it is gone (unsubscribed)."""
    if confirming:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
    else:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return Subscription.objects.get(pk=pk)


def email_for(token: str) -> str:
    return signing.loads(token, salt=UNSUBSCRIBE_ALL_SALT)


# ------------------------------------------------------------------------------ sign-up


def subscribe(email: str, kind: str, target: str, *, connection=None) -> Subscription:
    """Store the wish and mail the confirmation link (again, if it was asked before and not
    confirmed). A confirmed subscription is left as it is and nothing is sent."""
    what = followed(kind, target)
    subscription, _created = Subscription.objects.get_or_create(
        email=deliverable(email), kind=what.kind, target=what.target
    )
    if subscription.confirmed_at is None:
        context = {"followed": what, "confirm_url": confirm_url(subscription), "days": CONFIRM_DAYS}
        _send(
            subscription.email,
            f"Confirm: follow {what.label} in the Council archive",
            "alerts/mail/confirm",
            context,
            connection=connection,
        )
    return subscription


def confirm(subscription: Subscription) -> Subscription:
    """Start sending: from now on, statements newer than the newest one today."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.last_statement_id = newest_statement_id()
        subscription.save(update_fields=["confirmed_at", "last_statement_id"])
    return subscription


def forget_unconfirmed() -> int:
    """Delete sign-ups whose confirmation link has expired."""
    cutoff = timezone.now() - dt.timedelta(days=CONFIRM_DAYS)
    deleted, _ = Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    return deleted


# ------------------------------------------------------------------------------ sending


def new_statement_ids(subscription: Subscription, upto: int) -> list[int]:
    """Ids of the statements for this subscription with after < id <= upto, in time order."""
    after = subscription.last_statement_id
    if subscription.kind == "search":
        return [pk for pk in matching_ids(subscription.target, newest_first=False) if after < pk <= upto]
    statements = Statement.objects.filter(pk__gt=after, pk__lte=upto)
    if subscription.kind == "delegation":
        statements = statements.filter(delegation__key=subscription.target).substantive()
    elif subscription.kind == "speaker":
        statements = statements.filter(speaker__slug=subscription.target)
    elif subscription.kind == "resolution":
        statements = statements.citing_resolution(int(subscription.target))
    else:
        raise ValueError(f"subscription {subscription.pk}: unknown kind {subscription.kind!r}")
    return list(statements.order_by("chrono").values_list("pk", flat=True))


@dataclass
class Section:
    followed: Followed
    url: str
    unsubscribe_url: str
    statements: list[Statement]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.statements)


@dataclass
class AlertRun:
    upto: int = 0
    subscriptions: int = 0
    messages: int = 0
    statements: int = 0
    failures: list[str] = field(default_factory=list)
    search_upto: int = 0  # saved searches: below the first statement the index does not hold yet
    not_indexed: int = 0  # statements committed but not in the index yet (they wait)

    def ceiling(self, subscription: Subscription) -> int:
        return self.search_upto if subscription.kind == "search" else self.upto


def indexed_ceiling(after: int, upto: int) -> tuple[int, int]:
    """(the highest id up to which every statement after ``after`` is in the search index,
    how many after it are not). A saved search is matched in the index, which an import updates
    after its meetings commit (or not at all, when the index was busy or the import was killed):
    its mark must not pass a statement the index does not hold yet, or that statement is never sent."""
    from archive.search.engine import get_backend

    pending = list(Statement.objects.filter(pk__gt=after, pk__lte=upto).order_by("pk").values_list("pk", flat=True))
    if not pending:
        return upto, 0
    indexed = get_backend().indexed_stamps()
    missing = [pk for pk in pending if str(pk) not in indexed]
    return (missing[0] - 1 if missing else upto), len(missing)


def _section(subscription: Subscription, ids: list[int]) -> Section:
    what = describe(subscription)
    shown = ids[:MAX_LISTED]
    by_id = Statement.objects.filter(pk__in=shown).listing().in_bulk()
    return Section(
        what, absolute(what.path), unsubscribe_url(subscription), [by_id[pk] for pk in shown if pk in by_id], len(ids)
    )


def send_alerts(*, connection=None) -> AlertRun:
    """One message per address listing what is new for each confirmed subscription since the
    last run. Each address is one transaction: its subscriptions are locked and read again, their
    marks moved, and only then is the message sent, so a crash re-sends at most the message in
    flight and a run that overlaps another sends nothing twice. A subscription that cannot be worked
    out (its index missing, a query or a row that cannot be read) and an address the mail server
    refuses are reported in ``failures``, named, left for the next run, and the rest are sent."""
    run = AlertRun(upto=settled_statement_id())  # no import in flight holds a lower id
    due = Subscription.objects.confirmed().filter(last_statement_id__lt=run.upto)
    lowest_search_mark = due.filter(kind="search").aggregate(low=Min("last_statement_id"))["low"]
    run.search_upto = run.upto
    if lowest_search_mark is not None:
        run.search_upto, run.not_indexed = indexed_ceiling(lowest_search_mark, run.upto)
    emails = list(due.order_by("email").values_list("email", flat=True).distinct())
    connection = connection or get_connection()
    with connection:
        for email in emails:
            try:
                with transaction.atomic():
                    _send_to(email, due.filter(email=email).select_for_update().order_by("pk"), run, connection)
            # This address only (marks rolled back): the server refused it, or the address cannot be
            # written in a mail header at all (an over-long IDNA label: UnicodeError, a ValueError,
            # as BadHeaderError is).
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                run.failures.append(f"alerts to {email} not sent ({type(exc).__name__}: {exc}); kept for the next run")
    return run


def _send_to(email: str, subscriptions, run: AlertRun, connection) -> None:
    """The alert for one address (inside its transaction): marks first, then the message."""
    sections, done = [], []
    for subscription in subscriptions:
        run.subscriptions += 1
        try:
            with transaction.atomic():  # a failed query leaves the address's transaction usable
                ids = new_statement_ids(subscription, run.ceiling(subscription))
        except Exception as exc:  # one subscription's failure, whatever it is, is reported, not everyone's
            log.exception(
                "alert subscription %s (%s %r) failed", subscription.pk, subscription.kind, subscription.target
            )
            run.failures.append(
                f"subscription {subscription.pk} of {email} ({subscription.kind} {subscription.target!r}): "
                f"{type(exc).__name__}: {exc}"
            )
            continue
        done.append(subscription)
        if ids:
            sections.append(_section(subscription, ids))
    now = timezone.now()
    for subscription in done:
        subscription.last_statement_id = max(subscription.last_statement_id, run.ceiling(subscription))
        if sections:
            subscription.last_sent_at = now
    Subscription.objects.bulk_update(done, ["last_statement_id", "last_sent_at"])
    if sections:
        count = sum(s.total for s in sections)
        context = {"sections": sections, "count": count, "unsubscribe_all_url": unsubscribe_all_url(email)}
        subject = f"Council archive: {count} new statement{'s' if count != 1 else ''}"
        _send(
            email, subject, "alerts/mail/alerts", context, connection=connection, unsubscribe=unsubscribe_all_url(email)
        )
        run.messages += 1
        run.statements += count


def _send(to: str, subject: str, template: str, context: dict, *, connection=None, unsubscribe: str = "") -> None:
    """A multipart message (text and HTML, both from templates; the HTML autoescaped)."""
    context = {**context, "site_url": settings.SITE_URL}
    headers = {}
    if unsubscribe:
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(
        subject,
        render_to_string(f"{template}.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
