"""Offline carrier for `make run` and tests: each poll moves a parcel one scan further, up to delivered.

It quotes no rates (the staff rate table prices the parcel) and books shipments locally: a random 12-digit
tracking number and a one-page PDF label drawn with ReportLab.

The position on the timeline is derived from the scans already stored for the tracking number, so the
timeline survives restarts and works the same whether the poll runs in the web process, the worker or
`manage.py poll_tracking`. Numbers ending in 9 take a detour through a customs delay (an exception).
"""

import io
import secrets
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from datetime import timedelta

from django.utils import timezone
from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas

from . import ParcelSpec, PostalAddress, ShipmentLabel, TrackEvent, TrackResult

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


def _address_lines(address: PostalAddress) -> list[str]:
    city = " ".join(part for part in (address.city, address.state, address.postal_code) if part)
    return [line for line in (address.name, address.line1, address.line2, city, address.country) if line]


def label_pdf(parcel: ParcelSpec, tracking_number: str) -> bytes:
    """A one-page label: sender, recipient, weight, reference and the tracking number."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A6, invariant=True, pageCompression=0)
    _, height = A6
    y = height - 30
    page.setFont("Helvetica-Bold", 11)
    page.drawString(20, y, "TEST LABEL - not valid for shipping")
    for title, lines in (("From", _address_lines(parcel.shipper)), ("To", _address_lines(parcel.recipient))):
        y -= 22
        page.setFont("Helvetica-Bold", 9)
        page.drawString(20, y, title)
        page.setFont("Helvetica", 9)
        for line in lines:
            y -= 12
            page.drawString(30, y, line[:60])
    y -= 24
    page.drawString(20, y, f"{parcel.weight_g} g · {parcel.length_cm}×{parcel.width_cm}×{parcel.height_cm} cm")
    y -= 12
    page.drawString(20, y, f"Ref {parcel.reference}")
    page.setFont("Helvetica-Bold", 14)
    page.drawString(20, 30, f"TRK {tracking_number}")
    page.showPage()
    page.save()
    return buffer.getvalue()


class DummyCarrierBackend:
    max_batch_size = 30

    def session(self):
        return nullcontext(self.track)

    def rate(self, parcel: ParcelSpec) -> None:
        return None  # the staff rate table prices the parcel

    def create_shipment(self, parcel: ParcelSpec) -> ShipmentLabel:
        number = f"{secrets.randbelow(9 * 10**11) + 10**11}"  # 12 digits, as FedEx Express
        return ShipmentLabel(tracking_number=number, label_pdf=label_pdf(parcel, number), service="DUMMY")

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
