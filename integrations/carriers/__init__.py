"""Carrier providers (tracking, rates, shipments and labels): one interface, a real FedEx backend and an offline
dummy twin. The domain passes plain data in (`ParcelSpec`), never its models.

`integrations.backends.get_backend("carriers")` returns the configured backend (`CARRIER_BACKEND`).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


class CarrierError(Exception):
    """The carrier could not answer a whole request (HTTP error, timeout, unreadable body).

    Per-number problems (unknown tracking number, …) are not exceptions: they come back in
    `TrackResult.error` so the rest of the batch is still used.
    """


class CarrierRefused(CarrierError):
    """The carrier answered that the request itself is wrong (an address, a weight, a missing field): retrying the
    same data cannot help. The message is the carrier's, for staff to correct the parcel or the address."""


class Status:
    """What a carrier status code means for the order (see `status_category`)."""

    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    UNKNOWN = "unknown"


# FedEx Track API status / scan codes (the dummy backend speaks the same codes).
FEDEX_CATEGORIES = {
    "DL": Status.DELIVERED,
    "OD": Status.OUT_FOR_DELIVERY,
    "OC": Status.LABEL_CREATED,
    # Moving through the network.
    **dict.fromkeys(
        [
            "IT",
            "IX",
            "AR",
            "AF",
            "DP",
            "PU",
            "PX",
            "FD",
            "AA",
            "AC",
            "AD",
            "AP",
            "CC",
            "EA",
            "EO",
            "OF",
            "PF",
            "PL",
            "PM",
            "SF",
            "TR",
            "CP",
            "HP",
            "LO",
            "RR",
        ],
        Status.IN_TRANSIT,
    ),  # fmt: skip
    # Something needs attention: delivery exception, shipment exception, cancelled, clearance delay,
    # delay, returning to shipper, hold at location by exception, not delivered.
    **dict.fromkeys(["DE", "SE", "CA", "CD", "DY", "RS", "RC", "DD", "CH"], Status.EXCEPTION),
}


def status_category(code: str) -> str:
    """Map a carrier status code to a `Status` value; unknown codes count as in transit once scanned."""
    if not code:
        return Status.UNKNOWN
    return FEDEX_CATEGORIES.get(code.upper(), Status.IN_TRANSIT)


@dataclass(frozen=True)
class TrackEvent:
    """One scan: when (timezone-aware), the carrier's code, its description and where."""

    occurred_at: datetime
    code: str
    description: str
    location: str = ""


@dataclass
class TrackResult:
    """What the carrier knows about one tracking number, or why it could not say (`error`)."""

    tracking_number: str
    status_code: str = ""
    status_description: str = ""
    estimated_delivery_at: datetime | None = None
    delivered_at: datetime | None = None
    events: list[TrackEvent] = field(default_factory=list)
    error: str = ""

    @property
    def category(self) -> str:
        return status_category(self.status_code)


@dataclass(frozen=True)
class PostalAddress:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    phone: str = ""
    line2: str = ""
    state: str = ""


@dataclass(frozen=True)
class Commodity:
    """One customs line of the parcel."""

    description: str
    quantity: int
    unit_value_cents: int  # USD
    hs_code: str = ""
    origin_country: str = "KR"


@dataclass(frozen=True)
class ParcelSpec:
    """A measured parcel to price or ship: sides in cm, weight in grams."""

    reference: str  # printed on the label (the order number)
    weight_g: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    shipper: PostalAddress
    recipient: PostalAddress
    commodities: tuple[Commodity, ...] = ()

    @property
    def declared_value_cents(self) -> int:
        return sum(line.quantity * line.unit_value_cents for line in self.commodities)


@dataclass(frozen=True)
class RateQuote:
    """What the carrier charges us for the parcel."""

    amount_cents: int
    currency: str
    service: str


@dataclass(frozen=True)
class ShipmentLabel:
    """A shipment created at the carrier: its tracking number and the label to print (PDF bytes)."""

    tracking_number: str
    label_pdf: bytes
    service: str


class CarrierBackend(Protocol):
    """A carrier. `track` answers every number it was given, in any order, one result each."""

    max_batch_size: int

    def rate(self, parcel: ParcelSpec) -> RateQuote | None:
        """The carrier's price for the parcel, or None when this carrier gives none (the rate table applies)."""
        ...

    def create_shipment(self, parcel: ParcelSpec) -> ShipmentLabel:
        """Book the shipment and get its label; CarrierRefused for bad data, CarrierError when unreachable."""
        ...

    def track(
        self, numbers: Sequence[str], recorded: Mapping[str, Sequence[TrackEvent]] | None = None
    ) -> list[TrackResult]:
        """`recorded` holds the scans already stored per number (the offline carrier replays from them)."""
        ...

    def session(self) -> AbstractContextManager[Callable[..., list[TrackResult]]]:
        """A `track` for many calls in a row (one poll), sharing one HTTP connection and token."""
        ...


# Tracking number formats per carrier. FedEx Express/Ground numbers are 12 or 15 digits, SmartPost/
# Ground 96-prefixed ones 20 or 22 digits (the 34-digit barcode form is not accepted: staff type the
# number printed on the label).
TRACKING_NUMBER_FORMATS = {
    "fedex": (re.compile(r"[0-9]{12}|[0-9]{15}|[0-9]{20}|[0-9]{22}"), _lazy("12, 15, 20 or 22 digits")),
}


def normalize_tracking_number(carrier: str, number: str) -> str:
    """Strip spaces and dashes staff copy from labels; raises ValueError when the format is wrong."""
    if carrier not in TRACKING_NUMBER_FORMATS:
        raise ValueError(
            _("Unknown carrier %(carrier)r; choose one of: %(choices)s.")
            % {"carrier": carrier, "choices": ", ".join(sorted(TRACKING_NUMBER_FORMATS))}
        )
    pattern, description = TRACKING_NUMBER_FORMATS[carrier]
    cleaned = re.sub(r"[\s-]", "", number or "")
    if not pattern.fullmatch(cleaned):
        raise ValueError(
            _("A %(carrier)s tracking number is %(format)s.") % {"carrier": carrier, "format": description}
        )
    return cleaned
