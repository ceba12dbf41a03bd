"""SSRF-safe fetching of shop pages that members paste.

Every URL (and every redirect) is parsed, its host resolved once, and every resolved address checked
before any connection; the connection is then made to that checked address (Host header and TLS SNI
carry the name), so a DNS answer that changes between check and use cannot redirect us inward.
Refused: other schemes, userinfo, loopback, private, link-local, multicast, reserved, unspecified,
shared and other non-global addresses, IPv4-mapped/compatible IPv6, 6to4/Teredo/NAT64 embedding a
non-public IPv4, and cloud metadata endpoints. Responses must be HTML, at most 2 MB, within 10 s in all:
the socket timeout bounds each wait, and at the deadline the socket is shut down whatever read is blocked
(a server that trickles its headers or body a byte at a time cannot hold a worker past the deadline).
"""

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

TIMEOUT_SECONDS = 10
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2000
TOO_SLOW = "Page took too long to load."
HTML_TYPES = ("text/html", "application/xhtml+xml")
USER_AGENT = "Mozilla/5.0 (compatible; BidangilBot/1.0; +https://bidangil.co)"

BLOCKED_NAMES = {"localhost", "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"}
BLOCKED_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa")
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# Hosts written as numbers (inet_aton forms: 2130706433, 0x7f.1, 0177.0.0.1, 127.1) are read as addresses here.
NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.IGNORECASE)


class FetchError(Exception):
    """The page could not be fetched (network error, HTTP error, too big, not HTML)."""


class FetchRefused(FetchError):
    """The URL points somewhere we never connect to; raised before any connection is made."""


@dataclass
class FetchedPage:
    url: str
    status: int
    content_type: str
    text: str


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (the one DNS lookup per request; tests replace this function)."""
    if getattr(settings, "FETCH_OFFLINE", False):
        raise FetchError(f"Cannot resolve {host} (offline).")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"Cannot resolve {host}.") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def _parse_numeric_ipv4(host: str) -> ipaddress.IPv4Address:
    """inet_aton semantics: 1-4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the rest."""
    parts = host.rstrip(".").split(".")
    numbers = []
    for part in parts:
        if part.lower().startswith("0x"):
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                raise FetchRefused(f"Malformed address {host!r}.")
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        raise FetchRefused(f"Malformed address {host!r}.")
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64 or ip in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def check_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    """Raise FetchRefused unless `ip` is a public unicast address (loopback too when FETCH_ALLOW_LOOPBACK)."""
    if ip in METADATA_ADDRESSES:
        raise FetchRefused(f"Address {ip} is a cloud metadata endpoint.")
    if ip.is_loopback and settings.FETCH_ALLOW_LOOPBACK:
        return
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped or (ip in IPV4_COMPATIBLE and int(ip) > 1):
            raise FetchRefused(f"Address {ip} embeds an IPv4 address.")
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            check_address(embedded)
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
        or not ip.is_global
    ):
        raise FetchRefused(f"Address {ip} is not a public address.")


@dataclass
class Target:
    scheme: str
    host: str  # as sent in Host / SNI (IDNA-encoded, no brackets)
    port: int
    path: str
    ip: str  # the checked address we connect to

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str) -> Target:
    """Parse, resolve once and check a URL; raise FetchRefused for anything we must not connect to."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        raise FetchRefused("URL missing or too long.")
    if any(ch in url for ch in "\r\n\t\x00 \\"):
        raise FetchRefused("URL contains forbidden characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused("Malformed URL.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused("Only http and https URLs can be fetched.")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise FetchRefused("URLs with credentials are not fetched.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused("URL has no host.")
    port = port or (443 if scheme == "https" else 80)
    if port == 0:
        raise FetchRefused("Port 0 is not a port.")

    if "%" in host:
        raise FetchRefused("Scoped IPv6 addresses are not fetched.")
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = None
    if addresses is None:
        if NUMERIC_HOST.match(host):
            addresses = [_parse_numeric_ipv4(host)]
        elif NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
            # A numeric top-level label is never a shop: some resolvers would read it as an address.
            raise FetchRefused(f"Malformed address {host!r}.")
        else:
            try:
                host = host.encode("idna").decode("ascii").lower()
            except UnicodeError as exc:
                raise FetchRefused("Malformed host name.") from exc
            if host in BLOCKED_NAMES or host.endswith(BLOCKED_SUFFIXES) or "." not in host:
                raise FetchRefused(f"Host {host} is internal.")
            addresses = []
            for found in resolve(host, port):
                try:
                    addresses.append(ipaddress.ip_address(found.split("%")[0]))
                except ValueError as exc:
                    raise FetchRefused("Host resolved to something that is not an address.") from exc
            if not addresses:
                raise FetchError(f"Cannot resolve {host}.")
    # Every address must be public, not just the first: no mixing a public record with an internal one.
    for ip in addresses:
        check_address(ip)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=scheme, host=host, port=port, path=path, ip=str(addresses[0]))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address while verifying the certificate for the host name (SNI)."""

    def __init__(self, ip: str, port: int, server_hostname: str, timeout: float):
        super().__init__(ip, port, timeout=timeout, context=ssl.create_default_context())
        self.server_hostname = server_hostname

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.server_hostname)


def _open(target: Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target.ip, target.port, target.host, timeout)
    return http.client.HTTPConnection(target.ip, target.port, timeout=timeout)


def _cut_at(deadline: float, connection: http.client.HTTPConnection, expired: threading.Event) -> threading.Timer:
    """At the deadline, set `expired` and shut the connection's socket down, which ends any blocked read."""

    def cut():
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's, also under TLS

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    timer.daemon = True
    timer.start()
    return timer


def _read_capped(response, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > MAX_BYTES:
        raise FetchError("Page is larger than 2 MB.")
    encoding = (response.getheader("Content-Encoding") or "identity").lower()
    decoder = None
    if encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    elif encoding != "identity":
        raise FetchError(f"Unsupported content encoding {encoding}.")
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise FetchError(TOO_SLOW)
        chunk = response.read1(64 * 1024)  # what has arrived, not a wait for 64 KB
        if not chunk:
            break
        if decoder is not None:
            # max_length bounds what one chunk may inflate to (decompression bombs).
            chunk = decoder.decompress(chunk, MAX_BYTES + 1 - len(body))
            if decoder.unconsumed_tail:
                raise FetchError("Page is larger than 2 MB.")
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise FetchError("Page is larger than 2 MB.")
    return bytes(body)


def _charset(content_type: str, body: bytes) -> str:
    match = re.search(r"charset=[\"']?([\w-]+)", content_type, re.IGNORECASE) or re.search(
        rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.IGNORECASE
    )
    name = match.group(1) if match else "utf-8"
    name = name.decode("ascii", "ignore") if isinstance(name, bytes) else name
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def fetch_html(url: str) -> FetchedPage:
    """GET an HTML page through the SSRF checks; follows at most 3 redirects, each re-checked."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for _ in range(MAX_REDIRECTS + 1):
        target = check_url(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(TOO_SLOW)
        connection = _open(target, timeout=remaining)
        expired = threading.Event()
        watchdog = _cut_at(deadline, connection, expired)
        try:
            connection.request(
                "GET",
                target.path,
                headers={
                    "Host": target.host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                    "Accept-Encoding": "gzip, deflate",
                    "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8",
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            if expired.is_set():  # the headers ended because the socket was cut
                raise FetchError(TOO_SLOW)
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError("Redirect without a Location.")
                url = urljoin(url, location.strip())
                continue
            if response.status >= 400:
                raise FetchError(f"Shop answered {response.status}.")
            content_type = response.getheader("Content-Type") or ""
            if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
                raise FetchError("Not an HTML page.")
            body = _read_capped(response, deadline)
            if expired.is_set():  # the body ended because the socket was cut, not because it was complete
                raise FetchError(TOO_SLOW)
            return FetchedPage(
                url=url,
                status=response.status,
                content_type=content_type,
                text=body.decode(_charset(content_type, body), errors="replace"),
            )
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set():
                raise FetchError(TOO_SLOW) from exc
            raise FetchError(f"Could not fetch the page: {exc.__class__.__name__}.") from exc
        finally:
            watchdog.cancel()
            connection.close()
    raise FetchError("Too many redirects.")
