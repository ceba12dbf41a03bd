"""Carrier tracking runs: one poll of every shipped order under a lease, and retries of the batches that failed."""

import logging
from collections.abc import Callable

from bidangil import jobs
from bidangil.leases import LeaseHeld, lease
from integrations.carriers import CarrierError

from .services import PollReport, poll_shipments

logger = logging.getLogger(__name__)

LEASE = "tracking.poll"
# Delay before the first retry of a failed batch; Huey then doubles it on each further failure.
RETRY_DELAY_SECONDS = 120


class PollAlreadyRunning(LeaseHeld):
    pass


def run_tracking_poll(on_progress: Callable[[PollReport], None] | None = None) -> PollReport:
    """Poll every shipped order once under a lease, and schedule a retry of the batches that failed.

    The lease is renewed after each batch and expires JOB_CLAIM_SECONDS after the last renewal, so a
    worker killed mid-poll blocks the next polls no longer than that. Raises PollAlreadyRunning when held.
    """

    def progress(report: PollReport) -> None:
        held.renew()
        if on_progress:
            on_progress(report)

    try:
        with lease(LEASE) as held:
            report = poll_shipments(on_progress=progress)
    except LeaseHeld:
        raise PollAlreadyRunning("A tracking poll is already running.") from None
    if report.failed_ids:
        jobs.enqueue("tracking.retry", report.failed_ids, delay=RETRY_DELAY_SECONDS)
    logger.info(
        "Tracking poll: %d of %d polled, %d delivered, %d exceptions, %d errors",
        report.polled,
        report.total,
        report.delivered,
        report.exceptions,
        report.errors,
    )
    return report


@jobs.retry(times=4, delay=RETRY_DELAY_SECONDS * 2, backoff=2)  # a CarrierError retries the batch
def retry_failed(shipment_ids: list[int]) -> PollReport:
    """Poll again the shipments of batches the carrier failed; raises CarrierError while it still fails."""
    report = poll_shipments(shipment_ids=shipment_ids)
    if report.failed_ids:
        raise CarrierError(f"Carrier still failing for {len(report.failed_ids)} shipments.")
    return report
