"""integrations.fetch: the SSRF-safe page fetcher."""

import gzip
import socket
import threading
import time
from contextlib import contextmanager

import pytest

from integrations import fetch
from integrations.fetch import FetchError, FetchRefused, fetch_html

from .realtime_http import FakeHTTPServer, Route

# What our fake DNS answers; any other name is "not found", so no test ever asks real DNS.
FAKE_DNS = {
    "shop.example": ["127.0.0.1"],
    "intranet.example": ["10.1.2.3"],
    "router.example": ["192.168.0.1"],
    "cgnat.example": ["100.64.0.1"],
    "linklocal.example": ["169.254.10.10"],
    "meta.example": ["169.254.169.254"],
    "meta6.example": ["fd00:ec2::254"],
    "ula.example": ["fd12:3456::1"],
    "loop6.example": ["::1"],
    "mapped.example": ["::ffff:10.0.0.1"],
    "mixed.example": ["93.184.216.34", "10.0.0.1"],
    "multicast.example": ["224.0.0.1"],
    "public.example": ["93.184.216.34"],
}


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    lookups = []

    def resolve(host, port):
        lookups.append(host)
        if host not in FAKE_DNS:
            raise FetchError(f"Cannot resolve {host}.")
        return FAKE_DNS[host]

    monkeypatch.setattr(fetch, "resolve", resolve)
    return lookups


@pytest.fixture
def no_connections(monkeypatch):
    """Any socket connection at all fails the test: refusals must happen before connecting."""
    attempts = []

    def forbidden(self, address):
        attempts.append(address)
        raise AssertionError(f"connection attempted to {address}")

    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket.socket, "connect_ex", forbidden)
    return attempts


REFUSED = [
    # schemes and shapes
    "ftp://shop.example/item",
    "file:///etc/passwd",
    "gopher://shop.example/",
    "javascript:alert(1)",
    "//shop.example/item",
    "http://",
    "http://user:pass@shop.example/",
    "http://user@shop.example/",
    "http://shop.example@127.0.0.1/",
    "http://shop.example:0/",
    "http://shop.example:99999/",
    "http://shop.example/\r\nHost: evil",
    # loopback in every spelling
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://0/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://foo.localhost/",
    "http://127.0.0.1.:8000/",
    # private, link-local, shared, multicast, reserved
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.1.1/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://198.18.0.1/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[fe80::1%25eth0]/",
    # IPv6 forms embedding private IPv4
    "http://[2002:0a00:0001::1]/",  # 6to4 of 10.0.0.1
    "http://[2002:7f00:0001::1]/",  # 6to4 of 127.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo, client 10.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    # cloud metadata
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/",
    "http://100.100.100.200/",
    # names resolving inward
    "http://intranet.example/",
    "http://router.example/",
    "http://cgnat.example/",
    "http://linklocal.example/",
    "http://meta.example/",
    "https://meta6.example/",
    "http://ula.example/",
    "http://loop6.example/",
    "http://mapped.example/",
    "http://mixed.example/",
    "http://multicast.example/",
    "http://intranet/",
    "http://printer.internal/",
    "http://nas.local/",
    # malformed numeric hosts
    "http://256.1.1.1/",
    "http://1.2.3.4.5/",
    "http://0x1ffffffff/",
    "http://08.0.0.1/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused_before_any_connection(url, no_connections):
    assert len(REFUSED) >= 30
    with pytest.raises(FetchRefused):
        fetch_html(url)
    assert no_connections == []


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://[::1]/", "http://2130706433/", "http://shop.example/"])
def test_loopback_is_refused_even_when_nothing_else_is(url, settings, no_connections):
    settings.FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(FetchRefused):
        fetch_html(url)


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/", "http://169.254.169.254/", "http://[::ffff:10.0.0.1]/", "http://intranet.example/"]
)
def test_allowing_loopback_for_tests_allows_nothing_else(url, settings, no_connections):
    settings.FETCH_ALLOW_LOOPBACK = True
    with pytest.raises(FetchRefused):
        fetch_html(url)


def test_public_name_is_checked_and_pinned_to_the_resolved_address(fake_dns, monkeypatch):
    opened = []

    class Unreachable:
        def request(self, *args, **kwargs):
            raise OSError("stop here")

        def close(self):
            pass

    def fake_open(target, timeout):
        opened.append(target)
        return Unreachable()

    monkeypatch.setattr(fetch, "_open", fake_open)
    with pytest.raises(FetchError):
        fetch_html("https://public.example/p/1?x=2")
    assert fake_dns == ["public.example"]
    assert (opened[0].ip, opened[0].host, opened[0].port, opened[0].path) == (
        "93.184.216.34",
        "public.example",
        443,
        "/p/1?x=2",
    )


@pytest.fixture
def shop(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    with FakeHTTPServer() as server:
        yield server


HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_fetches_html_from_the_checked_address_with_the_name_as_host(shop, fake_dns):
    shop.add("GET", "/item", body="<title>신라면</title>", headers=HTML)
    page = fetch_html(f"http://shop.example:{shop.port}/item?id=7")
    assert "신라면" in page.text
    assert fake_dns == ["shop.example"]  # resolved once
    assert shop.requests[0].headers["Host"] == f"shop.example:{shop.port}"
    assert shop.requests[0].path == "/item?id=7"


def test_decodes_declared_korean_charsets(shop):
    shop.add(
        "GET",
        "/euc",
        body="<meta charset='euc-kr'><title>신라면</title>".encode("euc-kr"),
        headers={"Content-Type": "text/html"},
    )
    assert "신라면" in fetch_html(f"{shop.url}/euc").text


def test_follows_up_to_three_redirects_each_rechecked(shop):
    shop.add("GET", "/a", status=302, headers={"Location": "/b"})
    shop.add("GET", "/b", status=301, headers={"Location": f"http://shop.example:{shop.port}/c"})
    shop.add("GET", "/c", status=307, headers={"Location": "/d"})
    shop.add("GET", "/d", body="<p>ok</p>", headers=HTML)
    page = fetch_html(f"{shop.url}/a")
    assert page.url.endswith("/d")
    assert "ok" in page.text


def test_a_fourth_redirect_is_refused(shop):
    for a, b in [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")]:
        shop.add("GET", f"/{a}", status=302, headers={"Location": f"/{b}"})
    shop.add("GET", "/e", body="<p>never</p>", headers=HTML)
    with pytest.raises(FetchError, match="redirects"):
        fetch_html(f"{shop.url}/a")
    assert [r.path for r in shop.requests] == ["/a", "/b", "/c", "/d"]


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:192.168.0.1]/",
        "http://intranet.example/",
        "file:///etc/passwd",
        "http://user:pw@shop.example/",
    ],
)
def test_redirect_to_an_internal_address_is_refused(shop, location):
    shop.add("GET", "/r", status=302, headers={"Location": location})
    with pytest.raises(FetchRefused):
        fetch_html(f"{shop.url}/r")
    assert len(shop.requests) == 1


@pytest.mark.parametrize("content_type", ["application/json", "image/png", "text/plain", ""])
def test_only_html_is_accepted(shop, content_type):
    shop.add("GET", "/x", body="{}", headers={"Content-Type": content_type} if content_type else {})
    with pytest.raises(FetchError, match="HTML"):
        fetch_html(f"{shop.url}/x")


def test_pages_over_2_mb_are_refused(shop):
    shop.add("GET", "/big", body=b"<p>" + b"a" * (2 * 1024 * 1024 + 10), headers={"Content-Type": "text/html"})
    with pytest.raises(FetchError, match="2 MB"):
        fetch_html(f"{shop.url}/big")


def test_compressed_pages_are_capped_after_inflating(shop):
    bomb = gzip.compress(b"<p>" + b"a" * (3 * 1024 * 1024))
    shop.add("GET", "/bomb", body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="2 MB"):
        fetch_html(f"{shop.url}/bomb")
    small = gzip.compress("<title>좋아요</title>".encode())
    shop.add("GET", "/gz", body=small, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})
    assert "좋아요" in fetch_html(f"{shop.url}/gz").text


def test_slow_pages_time_out(shop, monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 0.3)
    shop.add("GET", "/slow", body="<p>late</p>", headers=HTML, delay=1.0)
    with pytest.raises(FetchError):
        fetch_html(f"{shop.url}/slow")


@contextmanager
def trickling_server(head: bytes, body: bytes):
    """A raw HTTP server that sends `head` at once and then `body` one byte every 50 ms."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(head)
                for byte in body:
                    if stop.wait(0.05):
                        break
                    conn.sendall(bytes([byte]))
            except OSError:
                pass  # the client hung up: what the test wants

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@pytest.mark.parametrize(
    ("head", "body"),
    [
        pytest.param(b"HTTP/1.1 200 OK\r\n", b"Content-Type: text/html\r\n" * 20 + b"\r\n<p>x</p>", id="headers"),
        pytest.param(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 60\r\n\r\n", b"a" * 60, id="body"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n", b"a" * 60, id="no-length"
        ),
    ],
)
def test_the_deadline_holds_across_slow_reads(settings, monkeypatch, head, body):
    """Every byte arrives well within the socket timeout, yet the whole fetch stops at the deadline."""
    settings.FETCH_ALLOW_LOOPBACK = True
    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 0.5)
    with trickling_server(head, body) as url:
        started = time.monotonic()
        with pytest.raises(FetchError, match="too long"):
            fetch_html(url)
        assert time.monotonic() - started < 1.5  # the trickle would take 3 s


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_errors_are_fetch_errors(shop, status):
    shop.add("GET", "/e", status=status, body="<p>no</p>", headers=HTML)
    with pytest.raises(FetchError, match=str(status)):
        fetch_html(f"{shop.url}/e")


def test_unresolvable_names_are_fetch_errors(no_connections):
    with pytest.raises(FetchError, match="resolve"):
        fetch_html("http://no-such-shop.example/")


def test_sequence_of_answers(shop):
    shop.add("GET", "/s", Route(status=500, body="x"), Route(body="<p>y</p>", headers=HTML))
    with pytest.raises(FetchError):
        fetch_html(f"{shop.url}/s")
    assert "y" in fetch_html(f"{shop.url}/s").text
