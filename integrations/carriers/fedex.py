"""FedEx Track API (REST): OAuth client-credentials token shared through the cache, ≤30 numbers a call."""

import hashlib
import logging
import time
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial

import httpx2 as httpx
from django.conf import settings
from django.core.cache import cache

from . import CarrierError, TrackEvent, TrackResult

logger = logging.getLogger(__name__)

TRACK_PATH = "/track/v1/trackingnumbers"
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
        token = self._token(client)
        response = self._send(client, TRACK_PATH, json=payload, headers=self._headers(token))
        if response.status_code == 401:
            # The cached token was revoked or expired early: fetch a new one, once.
            cache.delete(self._token_cache_key)
            token = self._token(client)
            response = self._send(client, TRACK_PATH, json=payload, headers=self._headers(token))
        return self._json(response, "track")

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

    def _send(self, client: httpx.Client, path: str, **kwargs) -> httpx.Response:
        """POST with retries (exponential backoff) on timeouts, connection errors, 429 and 5xx."""
        retries = getattr(settings, "FEDEX_RETRIES", 2)
        backoff = getattr(settings, "FEDEX_RETRY_BACKOFF_SECONDS", 0.5)
        for attempt in range(retries + 1):
            try:
                response = client.post(path, **kwargs)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                problem = f"HTTP {response.status_code}"
            if attempt < retries:
                logger.warning("FedEx %s failed (%s); retry %d of %d", path, problem, attempt + 1, retries)
                time.sleep(backoff * 2**attempt)
        logger.error("FedEx %s failed after %d attempts: %s", path, retries + 1, problem)
        raise CarrierError(f"FedEx {path} failed: {problem}")

    @staticmethod
    def _json(response: httpx.Response, what: str) -> dict:
        if response.status_code != 200:
            raise CarrierError(f"FedEx {what} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError:
            raise CarrierError(f"FedEx {what} answered something that is not JSON: {response.text[:200]!r}") from None
        if not isinstance(body, dict):
            raise CarrierError(f"FedEx {what} answered JSON that is not an object.")
        return body


# --- Parsing ----------------------------------------------------------------------------------


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
