"""`manage.py poll_tracking`: the periodic tracking poll, once, in the foreground."""

from django.core.management.base import BaseCommand, CommandError

from tasks.tracking import PollAlreadyRunning, run_tracking_poll


class Command(BaseCommand):
    help = "Poll the carrier for every shipped order once and print progress (n of N, delivered, exceptions, errors)."

    def handle(self, *args, **options):
        def progress(report):
            done = report.polled + len(report.failed_ids)
            self.stdout.write(
                f"{done} of {report.total}, {report.delivered} delivered, "
                f"{report.exceptions} exceptions, {report.errors} errors"
            )

        try:
            report = run_tracking_poll(on_progress=progress)
        except PollAlreadyRunning as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {report.polled} of {report.total} polled, {report.new_events} new scans, "
                f"{report.delivered} delivered, {report.exceptions} exceptions, {report.errors} errors"
                + (f"; {len(report.failed_ids)} shipments queued for a retry" if report.failed_ids else "")
            )
        )
