"""A tiny local HTTP server for faking providers and shops at the HTTP edge (127.0.0.1 only)."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: object  # email.message.Message: case-insensitive lookups
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    handler: object = None  # callable(Recorded) -> (status, headers, body)


class FakeHTTPServer:
    def __init__(self):
        self.routes: dict[tuple[str, str], Route | list[Route]] = {}
        self.requests: list[Recorded] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(self.command, self.path, self.headers, self.rfile.read(length))
                fake.requests.append(recorded)
                route = fake._route_for(self.command, self.path.split("?")[0])
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    if route.delay:
                        time.sleep(route.delay)
                    if route.handler:
                        status, headers, body = route.handler(recorded)
                    else:
                        status, headers, body = route.status, route.headers, route.body
                if isinstance(body, (dict, list)):
                    body = json.dumps(body).encode()
                    headers = {"Content-Type": "application/json", **headers}
                elif isinstance(body, str):
                    body = body.encode()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def _route_for(self, method, path):
        route = self.routes.get((method, path))
        if isinstance(route, list):  # a sequence of answers, the last one repeats
            return route.pop(0) if len(route) > 1 else route[0]
        return route

    def add(self, method: str, path: str, *answers: Route, **kwargs) -> None:
        self.routes[(method, path)] = list(answers) if answers else Route(**kwargs)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
