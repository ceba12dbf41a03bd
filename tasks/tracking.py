"""Carrier tracking: a periodic poll of every shipped order, and retries of batches the carrier failed."""

import logging
from dataclasses import asdict

from django.conf import settings
from huey.contrib.djhuey import db_task

from bidangil import jobs
from commerce.shipping import tracking
from tasks.periodic import periodic

logger = logging.getLogger(__name__)


def interval_minutes() -> int:
    return max(1, int(getattr(settings, "TRACKING_POLL_INTERVAL_MINUTES", 120)))


def is_poll_due(dt) -> bool:
    """Huey's periodic check, every minute: true once per TRACKING_POLL_INTERVAL_MINUTES (counted from midnight)."""
    minutes = dt.toordinal() * 1440 + dt.hour * 60 + dt.minute
    return minutes % interval_minutes() == 0


@periodic(is_poll_due, name="tracking.poll")
def poll_tracking() -> dict:
    """Every TRACKING_POLL_INTERVAL_MINUTES: ask the carrier about every shipped order."""
    try:
        report = tracking.run_tracking_poll()
    except tracking.PollAlreadyRunning:
        logger.info("Tracking poll skipped: the previous one is still running.")
        return {"skipped": True}
    return asdict(report)


@jobs.register("tracking.retry")
@db_task(**jobs.huey_retry(tracking.retry_failed), name="tracking.retry")
def retry_tracking(shipment_ids: list[int]) -> dict:
    """Poll again the shipments of batches the carrier failed; its CarrierError makes Huey retry with backoff."""
    return asdict(tracking.retry_failed(shipment_ids))
