"""Sweeps: the database is the record of pending work, so what a killed worker or a lost queue dropped is
enqueued again from it; files no row references are deleted."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bidangil import jobs, orphans
from bidangil.leases import LeaseHeld, lease, leased
from commerce.products import services as products
from community.avatars import services as avatars
from notifications import delivery

logger = logging.getLogger(__name__)


def requeue_stalled(now=None) -> dict[str, int]:
    """Enqueue again every pending row with no live claim (its job died or was lost); counts per kind."""
    counts = {}
    for kind, stalled_ids, job in (
        ("notifications", delivery.stalled_ids, "notifications.send"),
        ("product_lookups", products.stalled_lookup_ids, "products.lookup"),
        ("item_names", products.stalled_item_order_ids, "products.item-names"),
        ("avatars", avatars.stalled_request_ids, "avatars.generate"),
    ):
        ids = stalled_ids(now)
        for pk in ids:
            jobs.enqueue(job, pk)
        counts[kind] = len(ids)
    if any(counts.values()):
        logger.warning("Enqueued again stalled jobs: %s", counts)
    return counts


@db_periodic_task(crontab(minute="*"), name="sweeps.pending-work")
@leased("sweeps.pending-work")
def sweep_pending_work() -> dict[str, int]:
    return requeue_stalled()


@db_periodic_task(crontab(minute="41"), name="sweeps.orphaned-files")
def sweep_orphaned_files() -> int | None:
    """Hourly: delete media files no row references (uploads killed mid-request, replaced avatars)."""
    try:
        with lease("sweeps.orphaned-files") as held:
            return len(orphans.delete_orphaned_files(on_progress=held.renew))
    except LeaseHeld:
        logger.info("Orphaned-file sweep skipped: the previous one is still running.")
        return None
