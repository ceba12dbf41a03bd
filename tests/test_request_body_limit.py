"""A request body over REQUEST_BODY_MAX_BYTES is answered 413 as it arrives, by `manage.py serve` and by gunicorn.

Raw sockets, because the point is what the server does while the client is still sending: a declared length
over the limit is refused with the headers, a chunked body (no length at all) at the first chunk over it, and
the server's memory stays flat under parallel oversized uploads.
"""

import contextlib
import json
import select
import socket
import threading
import time
from pathlib import Path

import pytest

from tests import live_server

pytestmark = pytest.mark.django_db  # the module fixture copies the test database, which must exist

LIMIT = 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture(
    scope="module",
    params=[
        ("bidangil.settings.dev", "serve"),
        ("bidangil.settings.production", "serve"),
        ("bidangil.settings.production", "gunicorn"),
    ],
    ids=["embedded", "production-daphne", "production-gunicorn"],
)
def served(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The embedded default, and production settings (real providers named, plain HTTP behind the proxy) under
    `manage.py serve` and under the web service's gunicorn. Yields the address and the process serving requests."""
    from tests.test_deploy_checks import REAL_PROVIDERS

    settings_module, server = request.param
    environment = {}
    if settings_module.endswith("production"):
        environment = {
            **REAL_PROVIDERS,
            "SECRET_KEY": "live-body-limit-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
        }
        environment.pop("DATABASE_URL")
    tmp = tmp_path_factory.mktemp("body-limit")
    with live_server.serve(
        tmp,
        django_db_blocker,
        server=server,
        DJANGO_SETTINGS_MODULE=settings_module,
        REQUEST_BODY_MAX_BYTES=str(LIMIT),
        **environment,
    ) as (host, process, _):
        yield host, worker_pid(process.pid) if server == "gunicorn" else process.pid


def worker_pid(master: int) -> int:
    """gunicorn's one worker process, the one reading requests, once it is up."""
    children = Path(f"/proc/{master}/task/{master}/children")
    for _ in range(100):
        if children.exists() and children.read_text().split():
            return int(children.read_text().split()[0])
        time.sleep(0.1)
    raise AssertionError("gunicorn started no worker")


def upload(host: str, headers: str, body_bytes: int, *, chunked: bool, content_type: str) -> tuple[int, dict, int]:
    """POST `body_bytes` of body in 64 KiB pieces, reading the answer as soon as there is one.

    Returns (status, JSON body, bytes sent before the answer).
    """
    address, port = host.split(":")
    sock = socket.create_connection((address, int(port)), timeout=30)
    sent = 0
    try:
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {body_bytes}"
        sock.sendall(
            f"POST /api/v1/auth/login/ HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\n"
            f"{framing}\r\n{headers}\r\n".encode()
        )
        piece = b"x" * CHUNK
        if chunked:
            piece = b"%x\r\n" % CHUNK + piece + b"\r\n"
        while sent < body_bytes and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(piece)
            except OSError:  # the server closed its side: the answer is already here
                break
            sent += CHUNK
        else:
            if chunked and sent >= body_bytes:  # all sent with no answer yet: end the body
                with contextlib.suppress(OSError):  # the server answered and closed meanwhile
                    sock.sendall(b"0\r\n\r\n")
        response = read_response(sock)
    finally:
        sock.close()
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body or b"{}"), sent


def read_response(sock: socket.socket) -> bytes:
    """The whole answer: the head, then as many body bytes as it declares (they may come in later packets)."""
    response = b""
    while b"\r\n\r\n" not in response or len(response.split(b"\r\n\r\n", 1)[1]) < _length(response):
        data = sock.recv(65536)
        if not data:
            break
        response += data
    return response


def _length(response: bytes) -> int:
    for line in response.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def test_a_declared_length_over_the_limit_is_refused_before_any_body(served):
    host, _ = served
    address, port = host.split(":")
    with socket.create_connection((address, int(port)), timeout=10) as sock:
        sock.sendall(
            f"POST /api/v1/auth/login/ HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {50 * LIMIT}\r\nExpect: 100-continue\r\n\r\n".encode()
        )
        response = read_response(sock)
    assert response.startswith(b"HTTP/1.1 413 ")  # no "100 Continue" first
    assert json.loads(response.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "too_large"


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data; boundary=x"])
def test_a_chunked_body_is_refused_at_the_limit(served, content_type):
    host, _ = served
    status, body, sent = upload(host, "", 20 * LIMIT, chunked=True, content_type=content_type)
    assert status == 413 and body["error"]["code"] == "too_large"
    assert sent < 10 * LIMIT  # answered while the client was still sending


def test_a_body_under_the_limit_reaches_the_application(served):
    host, _ = served
    status, body, _ = upload(host, "", LIMIT - CHUNK, chunked=False, content_type="application/json")
    assert status == 400 and body["error"]["code"] != "too_large"  # the API read it: not JSON
    status, body, _ = upload(host, "", LIMIT - CHUNK, chunked=True, content_type="application/json")
    assert status == 400 and body["error"]["code"] != "too_large"


def rss_kib(pid: int, field: str = "VmHWM") -> int:
    """Peak (VmHWM) or current (VmRSS) resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory use from /proc")
def test_memory_stays_flat_under_parallel_oversized_uploads(served):
    host, pid = served
    upload(host, "", LIMIT // 2, chunked=False, content_type="multipart/form-data; boundary=x")  # warm up
    time.sleep(0.5)
    before = rss_kib(pid)
    results = []

    def oversized(index):
        # Multipart is the expensive kind: Twisted would read it into memory to parse it.
        results.append(
            upload(host, "", 64 * LIMIT, chunked=index % 2 == 0, content_type="multipart/form-data; boundary=x")[0]
        )

    threads = [threading.Thread(target=oversized, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [413] * 6
    grown_mib = (rss_kib(pid) - before) / 1024
    assert grown_mib < 16, f"the server's peak memory grew by {grown_mib:.0f} MiB"


@pytest.mark.parametrize("path", ["/api/v1/auth/login/", "/api/login/"])
def test_a_json_body_over_djangos_memory_bound_is_a_json_413(client, path):
    # Under REQUEST_BODY_MAX_BYTES but over DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses to read it into memory.
    body = json.dumps({"email": "x" * (3 * 1024 * 1024), "password": "x"})
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_form_over_djangos_memory_bound_is_a_413(client):
    response = client.post("/admin/login/", {"username": "x" * (3 * 1024 * 1024), "password": "x"})
    assert response.status_code == 413


def test_djangos_other_400s_answer_json_on_the_api(client):
    response = client.get("/api/v1/posts/", HTTP_HOST="evil.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
