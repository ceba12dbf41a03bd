"""A local stand-in for the FedEx OAuth, Track, Rate and Ship APIs, for tests and `make bench` (never used by the
site).

    with FakeFedEx() as fedex:
        settings.FEDEX_API_URL = fedex.url
        fedex.set_result("123456789012", status="DL", scans=[fedex.scan("DL", "Delivered", "2025-01-03T10:00Z")])
        fedex.fail_next(500)            # the next track call answers HTTP 500
        ...
        fedex.track_calls              # how many track requests arrived
        fedex.rate_cents = 4_250       # what the Rate API quotes; fedex.rate_requests / ship_requests: the bodies

Numbers that were not programmed answer an in-transit result with three scans (deterministic). Planned failures
(`fail_next`, `respond_next`, `delay_next`) apply to the next Track, Rate or Ship call, whichever comes first. Rate
and Ship check the fields FedEx requires and answer FedEx's 400 validation errors when one is missing.
"""

import base64
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

NOT_FOUND = {
    "code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
    "message": "Tracking number cannot be found. Please correct the tracking number and try again.",
}


class FakeFedEx:
    def __init__(self, *, client_id: str = "", client_secret: str = "", token_lifetime: int = 3600):
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.results: dict[str, dict] = {}
        self.valid_tokens: set[str] = set()
        self.token_calls = 0
        self.track_calls = 0
        self.track_requests: list[list[str]] = []  # numbers of each track call, in arrival order
        self._planned: list[tuple] = []  # (status, body bytes, delay seconds) for the next API calls
        self.rate_cents = 4_250
        self.rate_calls = self.ship_calls = 0  # requests that arrived (also those answered by a plan)
        self.rate_requests: list[dict] = []
        self.ship_requests: list[dict] = []
        self.label_pdf = b"%PDF-1.4\n% fake FedEx label\n%%EOF\n"
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- programming ------------------------------------------------------------------------

    @staticmethod
    def scan(code, description, date, city="Memphis", state="TN", country="US") -> dict:
        return {
            "date": date,
            "eventType": code,
            "eventDescription": description,
            "derivedStatusCode": code,
            "scanLocation": {"city": city, "stateOrProvinceCode": state, "countryCode": country},
        }

    def set_result(self, number, *, status="IT", description=None, scans=None, estimated=None, delivered=None):
        """What FedEx knows about `number` from now on (scans newest first, as FedEx sends them)."""
        dates = []
        if estimated:
            dates.append({"type": "ESTIMATED_DELIVERY", "dateTime": estimated})
        if delivered:
            dates.append({"type": "ACTUAL_DELIVERY", "dateTime": delivered})
        self.results[number] = {
            "trackingNumberInfo": {"trackingNumber": number, "carrierCode": "FDXE"},
            "latestStatusDetail": {"code": status, "derivedCode": status, "description": description or status},
            "dateAndTimes": dates,
            "scanEvents": scans if scans is not None else [],
        }

    def set_not_found(self, number):
        self.results[number] = {"trackingNumberInfo": {"trackingNumber": number}, "error": NOT_FOUND}

    def fail_next(self, status=500, *, times=1, body=b'{"errors":[{"code":"SYSTEM.UNAVAILABLE.EXCEPTION"}]}'):
        self._planned.extend([(status, body, 0)] * times)

    def respond_next(self, body: bytes, status=200):
        self._planned.append((status, body, 0))

    def delay_next(self, seconds: float, *, times=1):
        self._planned.extend([(None, None, seconds)] * times)

    def revoke_tokens(self):
        """Every issued token stops working (FedEx answers 401), as after a credential rotation."""
        self.valid_tokens.clear()

    def default_result(self, number: str) -> dict:
        return {
            "trackingNumberInfo": {"trackingNumber": number, "carrierCode": "FDXE"},
            "latestStatusDetail": {"code": "IT", "derivedCode": "IT", "description": "In transit"},
            "dateAndTimes": [{"type": "ESTIMATED_DELIVERY", "dateTime": "2025-01-06T18:00:00+00:00"}],
            "scanEvents": [
                self.scan("AR", "Arrived at FedEx location", "2025-01-02T06:00:00+00:00"),
                self.scan("DP", "Left FedEx origin facility", "2025-01-01T20:00:00+09:00", "Incheon", "", "KR"),
                self.scan("PU", "Picked up", "2025-01-01T15:00:00+09:00", "Incheon", "", "KR"),
            ],
        }

    # --- server -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeFedEx":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path == "/oauth/token":
                    fake._token(self, raw)
                elif self.path == "/track/v1/trackingnumbers":
                    fake._track(self, raw)
                elif self.path == "/rate/v1/rates/quotes":
                    fake._rate(self, raw)
                elif self.path == "/ship/v1/shipments":
                    fake._ship(self, raw)
                else:
                    fake._send(self, 404, {"errors": [{"code": "NOT.FOUND.ERROR"}]})

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- handlers ---------------------------------------------------------------------------

    @staticmethod
    def _send(handler, status, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def _token(self, handler, raw):
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        with self._lock:
            self.token_calls += 1
            if form.get("grant_type") != "client_credentials" or (
                self.client_id
                and (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret)
            ):
                return self._send(handler, 401, {"errors": [{"code": "NOT.AUTHORIZED.ERROR"}]})
            token = f"fake-token-{next(self._counter)}"
            self.valid_tokens.add(token)
        self._send(handler, 200, {"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime})

    def _planned_or_unauthorized(self, handler) -> bool:
        """Answer a planned response, or 401 for a bad token; True when the call was answered."""
        with self._lock:
            planned = self._planned.pop(0) if self._planned else None
            authorized = handler.headers.get("Authorization", "").removeprefix("Bearer ") in self.valid_tokens
        if planned:
            status, body, delay = planned
            if delay:
                time.sleep(delay)
            if status is not None:
                self._send(handler, status, body)
                return True
        if not authorized:
            self._send(handler, 401, {"errors": [{"code": "NOT.AUTHORIZED.ERROR"}]})
            return True
        return False

    def _track(self, handler, raw):
        with self._lock:
            self.track_calls += 1
        if self._planned_or_unauthorized(handler):
            return
        try:
            numbers = [i["trackingNumberInfo"]["trackingNumber"] for i in json.loads(raw)["trackingInfo"]]
        except (ValueError, KeyError, TypeError):
            return self._send(handler, 400, {"errors": [{"code": "INVALID.INPUT.EXCEPTION"}]})
        with self._lock:
            self.track_requests.append(numbers)
        if len(numbers) > 30:
            return self._send(handler, 400, {"errors": [{"code": "TRACKING.TRACKINGNUMBERS.EXCEEDED"}]})
        complete = [
            {"trackingNumber": n, "trackResults": [self.results.get(n) or self.default_result(n)]} for n in numbers
        ]
        self._send(handler, 200, {"transactionId": "fake", "output": {"completeTrackResults": complete}})

    @staticmethod
    def validation_errors(shipment: dict, *, recipient_key: str) -> list[dict]:
        """The checks FedEx makes that matter here: both addresses, a weight and the service."""
        errors = []
        parties = [("SHIPPER", shipment.get("shipper"))]
        recipient = shipment.get(recipient_key)
        parties.append(("RECIPIENT", recipient[0] if isinstance(recipient, list) and recipient else recipient))
        for name, party in parties:
            address = (party or {}).get("address") or {}
            if not address.get("countryCode") or not address.get("postalCode") or not address.get("streetLines"):
                errors.append({"code": f"{name}.ADDRESS.INVALID", "message": f"{name.title()} address is incomplete."})
        packages = shipment.get("requestedPackageLineItems") or []
        if not packages or not (packages[0].get("weight") or {}).get("value"):
            errors.append({"code": "PACKAGE.WEIGHT.MISSING", "message": "Weight is missing."})
        if not shipment.get("serviceType"):
            errors.append({"code": "SERVICE.TYPE.MISSING", "message": "Service type is missing."})
        return errors

    def _read_shipment(self, handler, raw, requests: list, recipient_key: str) -> dict | None:
        with self._lock:
            if requests is self.ship_requests:
                self.ship_calls += 1
            else:
                self.rate_calls += 1
        if self._planned_or_unauthorized(handler):
            return None
        try:
            body = json.loads(raw)
            shipment = body["requestedShipment"]
        except (ValueError, KeyError, TypeError):
            self._send(handler, 400, {"errors": [{"code": "INVALID.INPUT.EXCEPTION", "message": "Invalid input."}]})
            return None
        with self._lock:
            requests.append(body)
        errors = self.validation_errors(shipment, recipient_key=recipient_key)
        if errors:
            self._send(handler, 400, {"transactionId": "fake", "errors": errors})
            return None
        return shipment

    def _rate(self, handler, raw):
        shipment = self._read_shipment(handler, raw, self.rate_requests, "recipient")
        if shipment is None:
            return
        amount = self.rate_cents / 100
        detail = {
            "serviceType": shipment["serviceType"],
            "ratedShipmentDetails": [
                {"rateType": "ACCOUNT", "totalNetCharge": amount, "currency": "USD", "shipmentRateDetail": {}}
            ],
        }
        self._send(handler, 200, {"transactionId": "fake", "output": {"rateReplyDetails": [detail]}})

    def _ship(self, handler, raw):
        shipment = self._read_shipment(handler, raw, self.ship_requests, "recipients")
        if shipment is None:
            return
        number = f"{794600000000 + len(self.ship_requests)}"
        piece = {
            "trackingNumber": number,
            "packageDocuments": [
                {"contentType": "LABEL", "docType": "PDF", "encodedLabel": base64.b64encode(self.label_pdf).decode()}
            ],
        }
        transaction = {
            "serviceType": shipment["serviceType"],
            "masterTrackingNumber": number,
            "pieceResponses": [piece],
        }
        self._send(handler, 200, {"transactionId": "fake", "output": {"transactionShipments": [transaction]}})
