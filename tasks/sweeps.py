"""Sweeps: the database is the record of pending work, so what a killed worker or a lost queue dropped is
enqueued again from it; files no row references are deleted."""

from huey import crontab

from bidangil import jobs, orphans
from tasks.periodic import periodic


@periodic(crontab(minute="*"), name="sweeps.pending-work")
def sweep_pending_work() -> dict[str, int] | None:
    return jobs.requeue_stalled()


@periodic(crontab(minute="41"), name="sweeps.orphaned-files")
def sweep_orphaned_files() -> int | None:
    """Hourly: delete media files no row references (uploads killed mid-request, replaced avatars)."""
    return orphans.sweep()
