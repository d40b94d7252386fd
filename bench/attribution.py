"""Attribution that researchers count on, measured on a whole folder (the shared 2020 one by default).

    python bench/attribution.py [PATH ...] [--database-url URL] [--sample 50]

Imports the folder into a fresh SQLite database in a temporary folder (or --database-url) through
the service `manage.py import_records` uses, then prints what issue "One person, one delegation,
one agenda item" asks to count:

- speakers: how many pages, how many named "unknown" (must be 0), statements shown as
  "Representative of X" (no name printed), the automatic merges (a random --sample of them to check
  by hand, with their evidence);
- roles: statements per role, committee chairs with their country and the body they chair, the
  President's statements in national capacity (corpus meetings apart), title kinds, rule 37/39;
- votes: every "adopted ... as resolution N" in statement text (found here by a plain pattern,
  independent of the parser) against the resolutions that have a stored vote; written procedure;
- agenda items: meetings with one canonical item, without one, and the distinct titles printed;
- stored counts: `check_counts` (every stored count recomputed) must find no difference.

Exit status 1 when a count the issue fixes at zero is not zero.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data" / "unsc-2020"

# An adoption as the chair announces it, in any reader's text: "... adopted [unanimously] as
# resolution 2510 (2020)". Deliberately simpler than archive/parsing/votes.py: a cross-check.
# Only resolutions of the meeting's own year count (a speaker may recall "the text adopted as
# resolution 2334 (2016)").
ADOPTED = re.compile(r"\badopted\b[^.]{0,40}?\bas\s+resolution\s+(\d{1,4})\s*\((\d{4})\)", re.I | re.S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(SHARED)])
    parser.add_argument("--database-url", help="an empty database (default: SQLite in a temporary folder)")
    parser.add_argument("--sample", type=int, default=50, help="automatic merges to print for a check by hand")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="attribution-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/attribution.sqlite3"
    os.environ.setdefault("ARCHIVE_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.core.management import CommandError, call_command
    from django.db.models import Count

    from archive.importing import import_paths, merge_report
    from archive.models import Meeting, Resolution, Speaker, Statement

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = import_paths(args.paths)
    print(f"imported {', '.join(args.paths)} in {time.perf_counter() - started:.0f} s: {summary.errors or 'no errors'}")
    failures: list[str] = []

    # ---------------------------------------------------------------- speakers
    statements = Statement.objects.all()
    unknown = Speaker.objects.filter(name__iregex=r"^\s*unknown\s*$").count()
    print("\n== speakers")
    print(f"speaker pages: {Speaker.objects.count()}")
    print(f"speakers named 'unknown': {unknown}")
    print(
        f"statements with no name printed (shown as 'Representative of X'): {statements.filter(speaker=None).count()}"
    )
    nameless = Counter(statements.filter(speaker=None).values_list("role", flat=True))
    print("  of them by role: " + ", ".join(f"{role} {n}" for role, n in nameless.most_common()))
    merges = list(merge_report())
    print(f"name forms joined to a person by the rule (automatic merges): {len(merges)}")
    rng = random.Random(args.seed)
    for form in rng.sample(merges, min(args.sample, len(merges))):
        print(f"  {form.speaker}: {form.form!r} ({'by hand' if form.by_hand else form.evidence})")
    if unknown:
        failures.append(f"{unknown} speakers named 'unknown'")

    # ---------------------------------------------------------------- roles
    print("\n== roles")
    for row in statements.values("role").annotate(n=Count("pk")).order_by("-n"):
        print(f"  {row['role']:<16}{row['n']:>6}")
    chairs = statements.filter(role="committee-chair").select_related("delegation")
    print(f"committee chairs: {chairs.count()}, with a State as delegation: "
          f"{sum(1 for c in chairs if c.delegation and c.delegation.is_state)}")  # fmt: skip
    for chair in chairs:
        print(f"  {chair.speaker_label} ({chair.delegation}): {chair.chaired_body[:90]}")
    national = statements.filter(national_capacity=True)
    print(
        f"President's statements in national capacity: {national.count()}, "
        f"of them in corpus meetings: {national.filter(meeting__source_kind='corpus').count()} "
        f"(President turns in corpus meetings: {statements.filter(role='president', meeting__source_kind='corpus').count()})"
    )
    print(
        "title kinds: "
        + ", ".join(
            f"{k} {n}"
            for k, n in Counter(statements.exclude(title_kind="").values_list("title_kind", flat=True)).most_common()
        )
    )
    print(
        "invited under: "
        + ", ".join(
            f"rule {k} {n}"
            for k, n in Counter(
                statements.exclude(invited_under="").values_list("invited_under", flat=True)
            ).most_common()
        )
    )

    # ---------------------------------------------------------------- votes
    print("\n== adoptions and votes")
    announced: dict[int, str] = {}
    for meeting_slug, date, text in statements.values_list("meeting__slug", "meeting__date", "text").iterator():
        for match in ADOPTED.finditer(text):
            if date is not None and int(match.group(2)) == date.year:
                announced.setdefault(int(match.group(1)), meeting_slug)
    stored = {r.number: r for r in Resolution.objects.filter(number__in=announced)}
    without = sorted(n for n in announced if n not in stored or not stored[n].vote)
    print(f"resolutions announced as adopted in statement text: {len(announced)}; with a stored vote: "
          f"{len(announced) - len(without)}; without: {without or 'none'}")  # fmt: skip
    written = [r for r in Resolution.objects.exclude(vote={}) if r.vote.get("procedure") == "written"]
    print(f"adopted by written procedure: {len(written)}, linked to their letter: "
          f"{sum(1 for r in written if r.adopting_meeting_id)}")  # fmt: skip
    if without:
        failures.append(f"adoptions without a vote: {without}")

    # ---------------------------------------------------------------- agenda items
    print("\n== agenda items")
    meetings = Meeting.objects.all()
    filed = meetings.exclude(agenda_item=None)
    print(f"meetings: {meetings.count()}; under one canonical agenda item: {filed.count()}; distinct titles as printed: "
          f"{meetings.values('agenda_as_printed').distinct().count()}; items used: {filed.values('agenda_item').distinct().count()}")  # fmt: skip
    for meeting in meetings.filter(agenda_item=None):
        print(f"  not filed: {meeting.symbol} {meeting.agenda_as_printed!r}")

    # ---------------------------------------------------------------- stored counts
    print("\n== stored counts")
    try:
        call_command("check_counts")
    except CommandError as error:
        print(error)
        failures.append("check_counts found differences")
    print("\n" + ("every count above that must be zero is zero" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
