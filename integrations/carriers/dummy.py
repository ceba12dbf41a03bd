"""Offline carrier for `make run` and tests: each poll moves a parcel one scan further, up to delivered.

The position on the timeline is derived from the scans already stored for the tracking number, so the
timeline survives restarts and works the same whether the poll runs in the web process, the worker or
`manage.py poll_tracking`. Numbers ending in 9 take a detour through a customs delay (an exception).
"""

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from datetime import timedelta

from django.utils import timezone

from . import TrackEvent, TrackResult

TIMELINE = [
    ("PU", "Picked up", "Incheon, KR"),
    ("DP", "Departed FedEx hub", "Incheon, KR"),
    ("AR", "Arrived at FedEx hub", "Memphis, TN, US"),
    ("IT", "In transit", "Memphis, TN, US"),
    ("OD", "On FedEx vehicle for delivery", "Local FedEx station"),
    ("DL", "Delivered", "Destination"),
]
EXCEPTION_STEP = ("CD", "Clearance delay: customs needs the invoice", "Memphis, TN, US")
TRANSIT_DAYS = 5


def timeline_for(number: str) -> list[tuple[str, str, str]]:
    if number.endswith("9"):
        return [*TIMELINE[:3], EXCEPTION_STEP, *TIMELINE[3:]]
    return TIMELINE


class DummyCarrierBackend:
    max_batch_size = 30

    def session(self):
        return nullcontext(self.track)

    def track(
        self, numbers: Sequence[str], recorded: Mapping[str, Sequence[TrackEvent]] | None = None
    ) -> list[TrackResult]:
        recorded = recorded or {}
        return [self._advance(number, recorded.get(number, ())) for number in dict.fromkeys(numbers)]

    @staticmethod
    def _advance(number: str, events: Sequence[TrackEvent]) -> TrackResult:
        timeline = timeline_for(number)
        events = list(events)
        if len(events) < len(timeline):
            code, description, location = timeline[len(events)]
            # Strictly after the previous scan, so (time, code) never collides.
            now = timezone.now().replace(microsecond=0)
            if events and now <= events[-1].occurred_at:
                now = events[-1].occurred_at + timedelta(seconds=1)
            events.append(TrackEvent(now, code, description, location))
        latest = events[-1]
        return TrackResult(
            tracking_number=number,
            status_code=latest.code,
            status_description=latest.description,
            estimated_delivery_at=events[0].occurred_at + timedelta(days=TRANSIT_DAYS),
            delivered_at=latest.occurred_at if latest.code == "DL" else None,
            events=list(reversed(events)),  # newest first, as FedEx sends them
        )
