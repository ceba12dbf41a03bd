"""Sweeps: the database is the record of pending work, so what a killed worker or a lost queue dropped is
enqueued again from it; files no row references are deleted."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from bidangil import orphans
from commerce.products import services as products
from community.avatars import services as avatars
from notifications import delivery

from .avatars import generate_avatar
from .leases import LeaseHeld, lease, leased
from .notifications import send_notification
from .products import extract_order_item_names, extract_product

logger = logging.getLogger(__name__)


def requeue_stalled(now=None) -> dict[str, int]:
    """Enqueue again every pending row with no live claim (its job died or was lost); counts per kind."""
    counts = {}
    for kind, stalled_ids, job in (
        ("notifications", delivery.stalled_ids, send_notification),
        ("product_lookups", products.stalled_lookup_ids, extract_product),
        ("item_names", products.stalled_item_order_ids, extract_order_item_names),
        ("avatars", avatars.stalled_request_ids, generate_avatar),
    ):
        ids = stalled_ids(now)
        for pk in ids:
            job(pk)
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
