"""`manage.py poll_tracking`: the periodic tracking poll, once, in the foreground."""

import logging

from django.core.management.base import BaseCommand, CommandError

from bidangil.progress import command_progress
from commerce.shipping.tracking import PollAlreadyRunning, run_tracking_poll

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Poll the carrier for every shipped order once (a progress bar on a terminal, the counts in the log)."

    def handle(self, *args, **options):
        with command_progress(self.stdout, "Polling tracking", logger=logger) as progress:

            def on_progress(report):
                progress.update(
                    report.polled + len(report.failed_ids),
                    total=report.total,
                    delivered=report.delivered,
                    exceptions=report.exceptions,
                    errors=report.errors,
                )

            try:
                report = run_tracking_poll(on_progress=on_progress)
            except PollAlreadyRunning as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report.polled} of {report.total} polled, {report.new_events} new scans, "
                f"{report.delivered} delivered, {report.exceptions} exceptions, {report.errors} errors"
                + (f"; {len(report.failed_ids)} shipments queued for a retry" if report.failed_ids else "")
            )
        )
