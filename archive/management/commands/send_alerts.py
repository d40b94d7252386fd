"""python manage.py send_alerts

Sends every confirmed e-mail alert what is new since the last run: one message per address,
each statement once (archive/alerts/service.py). Run it after each import (cron, or after
fetch_records). Also forgets sign-ups never confirmed within a week."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archive.alerts import service


class Command(BaseCommand):
    help = "E-mail what is new to every confirmed alert, once, grouped per address."

    def handle(self, *args, **options) -> None:
        forgotten = service.forget_unconfirmed()
        run = service.send_alerts()
        failed = f"; {len(run.failures)} failed (listed on stderr)" if run.failures else ""
        self.stdout.write(
            f"Sent {run.messages} message{'s' if run.messages != 1 else ''} listing {run.statements} statement"
            f"{'s' if run.statements != 1 else ''} ({run.subscriptions} subscriptions considered, statements up to "
            f"id {run.upto}); {forgotten} unconfirmed sign-up{'s' if forgotten != 1 else ''} forgotten{failed}."
        )
        if run.not_indexed:
            self.stdout.write(
                f"{run.not_indexed} statement{'s are' if run.not_indexed != 1 else ' is'} not yet in the search index: "
                f"saved searches stop before id {run.search_upto + 1} and list them once they are "
                "(manage.py repair_search_index brings the index up to date)."
            )
        for failure in run.failures:
            self.stderr.write(failure)
        if run.failures:
            raise CommandError(
                f"{len(run.failures)} alert(s) could not be worked out or sent; the others were sent, "
                "these are kept for the next run"
            )
