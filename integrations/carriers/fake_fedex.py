"""A local stand-in for the FedEx OAuth and Track APIs, for tests and `make bench` (never used by the site).

    with FakeFedEx() as fedex:
        settings.FEDEX_API_URL = fedex.url
        fedex.set_result("123456789012", status="DL", scans=[fedex.scan("DL", "Delivered", "2025-01-03T10:00Z")])
        fedex.fail_next(500)            # the next track call answers HTTP 500
        ...
        fedex.track_calls              # how many track requests arrived

Numbers that were not programmed answer an in-transit result with three scans (deterministic).
"""

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
        self._planned: list[tuple] = []  # (status, body bytes, delay seconds) for the next track calls
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

    def _track(self, handler, raw):
        with self._lock:
            self.track_calls += 1
            planned = self._planned.pop(0) if self._planned else None
            authorized = handler.headers.get("Authorization", "").removeprefix("Bearer ") in self.valid_tokens
        if planned:
            status, body, delay = planned
            if delay:
                time.sleep(delay)
            if status is not None:
                return self._send(handler, status, body)
        if not authorized:
            return self._send(handler, 401, {"errors": [{"code": "NOT.AUTHORIZED.ERROR"}]})
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
