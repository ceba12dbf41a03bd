"""FedEx REST APIs: Track (≤30 numbers a call), Rate (a quote for a measured parcel) and Ship (the shipment and
its PDF label), all with one OAuth client-credentials token shared through the cache."""

import base64
import binascii
import hashlib
import logging
import time
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial

import httpx2 as httpx
from django.conf import settings
from django.core.cache import cache

from . import CarrierError, CarrierRefused, ParcelSpec, PostalAddress, RateQuote, ShipmentLabel, TrackEvent, TrackResult

logger = logging.getLogger(__name__)

TRACK_PATH = "/track/v1/trackingnumbers"
RATE_PATH = "/rate/v1/rates/quotes"
SHIP_PATH = "/ship/v1/shipments"
TOKEN_PATH = "/oauth/token"
# Seconds shaved off the token lifetime so a token is never used in its last moments.
TOKEN_EXPIRY_MARGIN = 60


class FedExCarrierBackend:
    """Tracks FedEx numbers; network failures raise CarrierError, unknown numbers come back with `error`."""

    max_batch_size = 30  # the Track API's limit per request

    def track(self, numbers: Sequence[str], recorded=None) -> list[TrackResult]:
        with self.session() as track:
            return track(numbers)

    @contextmanager
    def session(self):
        """One HTTP client (kept-alive connection) for every track call of a poll."""
        with httpx.Client(base_url=self._base_url, timeout=self._timeout) as client:
            yield partial(self._track, client)

    def _track(self, client: httpx.Client, numbers: Sequence[str], recorded=None) -> list[TrackResult]:
        numbers = list(dict.fromkeys(numbers))  # one result per distinct number
        results: list[TrackResult] = []
        for start in range(0, len(numbers), self.max_batch_size):
            chunk = numbers[start : start + self.max_batch_size]
            body = self._post_track(client, chunk)
            results.extend(parse_track_response(body, chunk))
        return results

    def rate(self, parcel: ParcelSpec) -> RateQuote:
        payload = {
            "accountNumber": {"value": settings.FEDEX_ACCOUNT_NUMBER},
            "rateRequestControlParameters": {"returnTransitTimes": False},
            "requestedShipment": {
                **self._shipment_basics(parcel),
                "recipient": _party(parcel.recipient),
                "rateRequestType": ["ACCOUNT"],
                "preferredCurrency": "USD",
            },
        }
        with httpx.Client(base_url=self._base_url, timeout=self._timeout) as client:
            body = self._post_api(client, RATE_PATH, payload, "rate")
        return parse_rate_response(body, self._service)

    def create_shipment(self, parcel: ParcelSpec) -> ShipmentLabel:
        payload = {
            "accountNumber": {"value": settings.FEDEX_ACCOUNT_NUMBER},
            "labelResponseOptions": "LABEL",
            "requestedShipment": {
                **self._shipment_basics(parcel),
                "recipients": [_party(parcel.recipient)],
                "shipDatestamp": date.today().isoformat(),
                "packagingType": "YOUR_PACKAGING",
                "shippingChargesPayment": {"paymentType": "SENDER"},
                "labelSpecification": {"imageType": "PDF", "labelStockType": "PAPER_85X11_TOP_HALF_LABEL"},
                "customsClearanceDetail": _customs(parcel),
            },
        }
        with httpx.Client(base_url=self._base_url, timeout=self._timeout) as client:
            # Not idempotent: a request that may have reached FedEx is never sent twice (two shipments).
            body = self._post_api(client, SHIP_PATH, payload, "ship", idempotent=False)
        return parse_ship_response(body, self._service)

    @property
    def _service(self) -> str:
        return getattr(settings, "FEDEX_SERVICE_TYPE", "INTERNATIONAL_PRIORITY")

    def _shipment_basics(self, parcel: ParcelSpec) -> dict:
        return {
            "shipper": _party(parcel.shipper),
            "serviceType": self._service,
            "pickupType": "DROPOFF_AT_FEDEX_LOCATION",
            "requestedPackageLineItems": [
                {
                    "customerReferences": [{"customerReferenceType": "CUSTOMER_REFERENCE", "value": parcel.reference}],
                    "weight": {"units": "KG", "value": float(Decimal(parcel.weight_g) / 1000)},
                    "dimensions": {
                        "length": _whole_cm(parcel.length_cm),
                        "width": _whole_cm(parcel.width_cm),
                        "height": _whole_cm(parcel.height_cm),
                        "units": "CM",
                    },
                }
            ],
        }

    # --- HTTP -------------------------------------------------------------------------------

    @property
    def _base_url(self) -> str:
        return settings.FEDEX_API_URL.rstrip("/")

    @property
    def _timeout(self) -> httpx.Timeout:
        return httpx.Timeout(getattr(settings, "FEDEX_TIMEOUT_SECONDS", 10))

    @property
    def _token_cache_key(self) -> str:
        # Keyed by endpoint and client id so sandbox and production tokens never mix.
        ident = hashlib.sha256(f"{self._base_url} {settings.FEDEX_CLIENT_ID}".encode()).hexdigest()[:16]
        return f"carriers:fedex:token:{ident}"

    def _post_track(self, client: httpx.Client, chunk: list[str]) -> dict:
        payload = {
            "includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": number}} for number in chunk],
        }
        return self._post_api(client, TRACK_PATH, payload, "track")

    def _post_api(self, client: httpx.Client, path: str, payload: dict, what: str, *, idempotent=True) -> dict:
        """POST with the cached token; a 401 (revoked or expired early) fetches a new token, once."""
        token = self._token(client)
        response = self._send(client, path, json=payload, headers=self._headers(token), idempotent=idempotent)
        if response.status_code == 401:
            cache.delete(self._token_cache_key)
            token = self._token(client)
            response = self._send(client, path, json=payload, headers=self._headers(token), idempotent=idempotent)
        return self._json(response, what)

    @staticmethod
    def _headers(token: str) -> dict:
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "X-locale": "en_US"}

    def _token(self, client: httpx.Client) -> str:
        token = cache.get(self._token_cache_key)
        if token:
            return token
        response = self._send(
            client,
            TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": settings.FEDEX_CLIENT_ID,
                "client_secret": settings.FEDEX_CLIENT_SECRET,
            },
        )
        body = self._json(response, "oauth")
        token = body.get("access_token")
        expires_in = body.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int | float):
            raise CarrierError("FedEx OAuth answered without an access token.")
        lifetime = int(expires_in) - TOKEN_EXPIRY_MARGIN
        if lifetime > 0:
            cache.set(self._token_cache_key, token, timeout=lifetime)
        return token

    def _send(self, client: httpx.Client, path: str, *, idempotent: bool = True, **kwargs) -> httpx.Response:
        """POST with retries (exponential backoff) on timeouts, connection errors, 429 and 5xx.

        A request that is not idempotent is retried only when FedEx surely did not act on it (no connection,
        429); after a timeout or a 5xx it might have, so CarrierError says so at once.
        """
        retries = getattr(settings, "FEDEX_RETRIES", 2)
        backoff = getattr(settings, "FEDEX_RETRY_BACKOFF_SECONDS", 0.5)
        for attempt in range(retries + 1):
            try:
                response = client.post(path, **kwargs)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                if not idempotent and not isinstance(exc, httpx.ConnectError):
                    message = f"FedEx {path} did not answer ({problem}); check FedEx before retrying."
                    raise CarrierError(message) from exc
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                problem = f"HTTP {response.status_code}"
                if not idempotent and response.status_code != 429:
                    raise CarrierError(f"FedEx {path} failed ({problem}); check FedEx before retrying.")
            if attempt < retries:
                logger.warning("FedEx %s failed (%s); retry %d of %d", path, problem, attempt + 1, retries)
                time.sleep(backoff * 2**attempt)
        logger.error("FedEx %s failed after %d attempts: %s", path, retries + 1, problem)
        raise CarrierError(f"FedEx {path} failed: {problem}")

    @staticmethod
    def _json(response: httpx.Response, what: str) -> dict:
        if response.status_code in (400, 422):
            raise CarrierRefused(f"FedEx {what} refused the request: {_error_messages(response)}")
        if response.status_code != 200:
            raise CarrierError(f"FedEx {what} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError:
            raise CarrierError(f"FedEx {what} answered something that is not JSON: {response.text[:200]!r}") from None
        if not isinstance(body, dict):
            raise CarrierError(f"FedEx {what} answered JSON that is not an object.")
        return body


# --- Requests and parsing ---------------------------------------------------------------------


def _party(address: PostalAddress) -> dict:
    lines = [line for line in (address.line1, address.line2) if line]
    return {
        "contact": {"personName": address.name, "phoneNumber": address.phone or "0000000000"},
        "address": {
            "streetLines": lines,
            "city": address.city,
            "stateOrProvinceCode": address.state,
            "postalCode": address.postal_code,
            "countryCode": address.country,
        },
    }


def _whole_cm(value) -> int:
    """FedEx takes whole centimetres: a side is rounded up, so the parcel is never declared smaller."""
    return int(Decimal(value).to_integral_value(rounding="ROUND_CEILING"))


def _money(cents: int) -> dict:
    return {"amount": float(Decimal(cents) / 100), "currency": "USD"}


def _customs(parcel: ParcelSpec) -> dict:
    return {
        "dutiesPayment": {"paymentType": "RECIPIENT"},
        "isDocumentOnly": False,
        "totalCustomsValue": _money(parcel.declared_value_cents),
        "commodities": [
            {
                "description": line.description[:450],
                "countryOfManufacture": line.origin_country,
                "quantity": line.quantity,
                "quantityUnits": "PCS",
                "unitPrice": _money(line.unit_value_cents),
                "customsValue": _money(line.unit_value_cents * line.quantity),
                "weight": {"units": "KG", "value": float(Decimal(parcel.weight_g) / 1000 / len(parcel.commodities))},
                **({"harmonizedCode": line.hs_code} if line.hs_code else {}),
            }
            for line in parcel.commodities
        ],
    }


def _error_messages(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        return response.text[:200]
    parts = [str(e.get("message") or e.get("code")) for e in errors if isinstance(e, dict)]
    return "; ".join(parts)[:500] or f"HTTP {response.status_code}"


def _output(body: dict, key: str, what: str) -> list:
    output = body.get("output")
    items = output.get(key) if isinstance(output, dict) else None
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        raise CarrierError(f"FedEx {what} answered without {key}.")
    return items


def parse_rate_response(body: dict, service: str) -> RateQuote:
    """The net charge of the first rate detail, in cents (FedEx sends a decimal amount)."""
    detail = _output(body, "rateReplyDetails", "rate")[0]
    rated = detail.get("ratedShipmentDetails") or []
    if not rated or not isinstance(rated[0], dict):
        raise CarrierError("FedEx rate answered without a rated shipment.")
    currency = str(rated[0].get("currency") or (rated[0].get("shipmentRateDetail") or {}).get("currency") or "")
    try:
        amount = Decimal(str(rated[0]["totalNetCharge"]))
    except (KeyError, InvalidOperation):
        raise CarrierError("FedEx rate answered without a net charge.") from None
    if currency.upper() != "USD" or amount <= 0:
        raise CarrierError(f"FedEx rate answered {amount} {currency}; expected a USD amount.")
    cents = int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return RateQuote(amount_cents=cents, currency="usd", service=str(detail.get("serviceType") or service))


def parse_ship_response(body: dict, service: str) -> ShipmentLabel:
    shipment = _output(body, "transactionShipments", "ship")[0]
    pieces = shipment.get("pieceResponses") or [{}]
    number = str(shipment.get("masterTrackingNumber") or pieces[0].get("trackingNumber") or "")
    documents = [d for d in pieces[0].get("packageDocuments") or [] if isinstance(d, dict)]
    encoded = next((d.get("encodedLabel") for d in documents if d.get("encodedLabel")), None)
    if not number or not encoded:
        raise CarrierError("FedEx ship answered without a tracking number or a label.")
    try:
        label = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CarrierError("FedEx ship answered a label that is not base64.") from None
    if not label.startswith(b"%PDF"):
        raise CarrierError("FedEx ship answered a label that is not a PDF.")
    return ShipmentLabel(tracking_number=number, label_pdf=label, service=str(shipment.get("serviceType") or service))


# --- Track parsing ----------------------------------------------------------------------------


def parse_track_response(body: dict, requested: Sequence[str]) -> list[TrackResult]:
    """One TrackResult per requested number; numbers FedEx did not mention get an error result."""
    output = body.get("output")
    if not isinstance(output, dict) or not isinstance(output.get("completeTrackResults"), list):
        errors = body.get("errors") or []
        message = "; ".join(str(e.get("message") or e.get("code")) for e in errors if isinstance(e, dict))
        raise CarrierError(f"FedEx track answered without results{': ' + message if message else ''}.")

    by_number: dict[str, TrackResult] = {}
    for complete in output["completeTrackResults"]:
        if not isinstance(complete, dict):
            continue
        number = str(complete.get("trackingNumber") or "")
        track_results = complete.get("trackResults") or []
        if not number or not track_results or not isinstance(track_results[0], dict):
            continue
        # Several results for one number happen when FedEx reused it; the first is the most recent.
        by_number[number] = _parse_track_result(number, track_results[0])

    return [by_number.get(n) or TrackResult(tracking_number=n, error="FedEx returned no result.") for n in requested]


def _parse_track_result(number: str, data: dict) -> TrackResult:
    error = data.get("error")
    if isinstance(error, dict) and (error.get("code") or error.get("message")):
        return TrackResult(tracking_number=number, error=f"{error.get('code', '')}: {error.get('message', '')}"[:300])

    latest = data.get("latestStatusDetail") or {}
    status_code = str(latest.get("code") or latest.get("derivedCode") or "")
    description = str(latest.get("description") or latest.get("statusByLocale") or "")

    dates = {
        d.get("type"): _parse_time(d.get("dateTime")) for d in data.get("dateAndTimes") or [] if isinstance(d, dict)
    }
    window = (data.get("estimatedDeliveryTimeWindow") or {}).get("window") or {}
    estimated = dates.get("ESTIMATED_DELIVERY") or _parse_time(window.get("ends")) or _parse_time(window.get("begins"))

    events = []
    for scan in data.get("scanEvents") or []:
        if not isinstance(scan, dict):
            continue
        occurred_at = _parse_time(scan.get("date"))
        code = str(scan.get("eventType") or scan.get("derivedStatusCode") or "")
        if occurred_at is None or not code:
            logger.info("FedEx %s: skipping a scan without time or code: %r", number, scan)
            continue
        events.append(
            TrackEvent(
                occurred_at=occurred_at,
                code=code[:10],
                description=str(scan.get("eventDescription") or scan.get("derivedStatus") or code)[:200],
                location=_location(scan.get("scanLocation")),
            )
        )
    return TrackResult(
        tracking_number=number,
        status_code=status_code[:10],
        status_description=description[:200],
        estimated_delivery_at=estimated,
        delivered_at=dates.get("ACTUAL_DELIVERY"),
        events=events,
    )


def _parse_time(value) -> datetime | None:
    """FedEx sends ISO 8601 with an offset; a time without one is taken as UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _location(data) -> str:
    if not isinstance(data, dict):
        return ""
    parts = [data.get("city"), data.get("stateOrProvinceCode"), data.get("countryCode")]
    return ", ".join(str(p).strip() for p in parts if p and str(p).strip())[:200]
