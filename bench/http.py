"""The hot endpoints under load: req/s and p50/p99 at concurrency 16, as ratios to bare views, on two servers.

Each server serves `bench.settings` (production settings with the bench's URLs: a bare Django view and a bare DRF
view beside the site) from the same database, one after the other in this run: the production web service
(gunicorn, deploy/gunicorn.conf.py, WEB_CONCURRENCY workers) and one daphne process (`manage.py serve`, the
embedded default's server). wrk drives each URL for BENCH_SECONDS on 127.0.0.1, in BENCH_ROUNDS passes over all
the URLs (the median pass counts). Queries per request are counted
in this process at page size 1 and 50. The data is the demo data in a throw-away database (a temporary SQLite
file, or `test_<name>` on MariaDB), or with BENCH_DATA=bulk the DATABASE_URL database as `manage.py seed_bulk`
left it.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = 16
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BULK = os.environ.get("BENCH_DATA", "demo") == "bulk"
BASELINES = {"bare Django view": "/bench/django/", "bare DRF view": "/bench/drf/"}


@dataclass
class Endpoint:
    name: str
    path: str  # with {post}, {order}; the page size is appended for lists
    auth: str = ""  # "", "member" or "staff"
    page_param: str = ""  # lists: the page size query parameter
    largest: int = 50  # the largest page the endpoint serves, up to 50
    results: dict = field(default_factory=dict)  # server -> (req/s, p50 ms, p99 ms)
    queries: tuple = ("", "")


ENDPOINTS = [
    Endpoint("v1 feed (20)", "/api/v1/posts/?page_size=20", page_param="page_size"),
    Endpoint("legacy post list (20)", "/api/posts/?size=20", page_param="size"),
    Endpoint("post detail", "/api/v1/posts/{post}/"),
    Endpoint("post comments (20)", "/api/v1/posts/{post}/comments/?page_size=20", page_param="page_size"),
    Endpoint("my orders (20)", "/api/v1/orders/?page_size=20", auth="member", page_param="page_size"),
    Endpoint("order detail", "/api/v1/orders/{order}/", auth="member"),
    Endpoint("Wagtail pages API (20)", "/api/cms/v2/pages/?limit=20", page_param="limit", largest=20),
    Endpoint("staff order list (20)", "/api/v1/staff/orders/?page_size=20", auth="staff", page_param="page_size"),
]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"mysql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"


def _fixtures() -> tuple[dict, dict]:
    """The URL values (a post with comments, one of the member's orders) and a token per role."""
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from commerce.orders.models import Order
    from community.models import PostPage

    post = PostPage.objects.live().annotate(n=Count("post_comments")).order_by("-n").first()
    member_id = Order.objects.values("user").annotate(n=Count("pk")).order_by("-n")[0]["user"]
    order = Order.objects.filter(user_id=member_id).order_by("-pk").first()
    staff = User.objects.filter(is_staff=True, is_superuser=False, groups__name="Order staff").first()
    tokens = {
        role: Token.objects.get_or_create(user=user)[0].key
        for role, user in (("member", User.objects.get(pk=member_id)), ("staff", staff))
    }
    return {"post": post.slug, "order": order.number}, tokens


def _count_queries(endpoints: list[Endpoint], values: dict, tokens: dict) -> None:
    client = Client()
    for endpoint in endpoints:
        counts = []
        for size in (1, endpoint.largest):
            path = endpoint.path.format(**values)
            if endpoint.page_param:
                path = re.sub(rf"{endpoint.page_param}=\d+", f"{endpoint.page_param}={size}", path)
            headers = {"Authorization": f"Token {tokens[endpoint.auth]}"} if endpoint.auth else {}
            client.get(path, headers=headers)  # once first: per-process lookups (content types, site) are cached
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{endpoint.name}: {path} answered {response.status_code}")
            counts.append(len(queries))
            if not endpoint.page_param:
                counts.append(len(queries))
                break
        endpoint.queries = (counts[0], f"{counts[1]}" + (f" ({endpoint.largest})" if endpoint.largest != 50 else ""))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVERS = {
    "gunicorn": lambda port: [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
    ],  # fmt: skip
    "daphne": lambda port: [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
}


class Server:
    def __init__(self, name: str, database_url: str, folder: Path):
        self.name, self.port = name, _free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "HUEY_EMBEDDED": "false",
            "GUNICORN_MAX_REQUESTS": "0",
            "MEDIA_ROOT": settings.MEDIA_ROOT,  # where load_demo put the images
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)),
        }
        env.pop("DATABASE_REPLICA_URL", None)
        self.log = open(folder / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            SERVERS[name](self.port), cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while subprocess.run(["curl", "-sf", "-o", "/dev/null", self.url("/bench/django/")]).returncode:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{name} did not start: see {folder / name}.log")
            time.sleep(0.3)

    def warm(self, path: str, token: str) -> None:
        """One request alone first: whatever the first request builds (renditions, caches) is built once."""
        headers = ["-H", f"Authorization: Token {token}"] if token else []
        status = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "60", *headers, self.url(path)],
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        if status != "200":
            raise SystemExit(f"{self.name}: {path} answered {status}; its log:\n{self.log_tail()}")

    def log_tail(self) -> str:
        """The end of the server's log without its 2xx access lines: the answers that failed and their errors."""
        self.log.flush()
        lines = Path(self.log.name).read_text(errors="replace").splitlines()
        return "\n".join(line for line in lines if not re.search(r'" 2\d\d \d+$', line))[-3000:]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # daphne may not stop on SIGTERM while the loop is busy
            self.process.kill()
            self.process.wait()
        self.log.close()


def wrk(url: str, token: str = "", seconds: int = SECONDS, warm_up: bool = False) -> tuple[float, float, float]:
    """(req/s, p50 ms, p99 ms) of `wrk` at CONCURRENCY for `seconds`; non-2xx answers fail the bench."""
    command = ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk {url}: errors\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    if warm_up:
        return rate, 0, 0
    if not rate:
        raise SystemExit(f"wrk {url}: no request answered\n{output}")
    return rate, _ms(output, "50%"), _ms(output, "99%")


def _ms(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def _measure(servers: list, values: dict, tokens: dict, baselines: dict) -> None:
    """Each URL on each server in turn, after a one-second warm-up, so both see the same machine load; the whole
    pass ROUNDS times, each figure the round with the median rate (a shared machine's CPU speed drifts by tens of
    per cent from one minute to the next: one slow stretch does not decide a ratio)."""
    urls = [(baselines.setdefault(name, {}), path, "") for name, path in BASELINES.items()]
    urls += [(e.results, e.path.format(**values), tokens[e.auth] if e.auth else "") for e in ENDPOINTS]
    runs: dict[tuple[int, str], list] = {}
    for round_ in range(ROUNDS):
        for results, path, token in urls:
            for server in servers:
                try:
                    if round_ == 0:
                        server.warm(path, token)
                        wrk(server.url(path), token, seconds=1, warm_up=True)
                    rounds = runs.setdefault((id(results), server.name), [])
                    rounds.append(wrk(server.url(path), token))
                except SystemExit as failed:
                    raise SystemExit(f"{failed.code}\n{server.name}'s log:\n{server.log_tail()}") from None
                results[server.name] = sorted(rounds)[len(rounds) // 2]  # (rate, p50, p99): the median rate


def _explain() -> tuple[bool, str]:
    """bench/explain.py's check of every query plan of the hot endpoints, on this data."""
    from bench.explain import PlanError, check_plans

    try:
        report = check_plans()
    except PlanError as failed:
        return False, f"FAIL: {failed}"
    return True, f"every query through an index ({sum(report.checked.values())} queries explained)"


def _table(baselines: dict) -> list[str]:
    names = list(SERVERS)
    header = (
        f"{'endpoint':<24} {'daphne r/s':>10} {'gunicorn r/s':>12} {'× daphne':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'÷ Django':>8} {'÷ DRF':>6} {'q@1':>4} {'q@50':>8}"
    )
    lines = [header, "-" * len(header)]
    django = baselines["bare Django view"]["gunicorn"][0]
    drf = baselines["bare DRF view"]["gunicorn"][0]
    rows = [(name, results, ("", "")) for name, results in baselines.items()]
    rows += [(e.name, e.results, e.queries) for e in ENDPOINTS]
    for name, results, queries in rows:
        daphne, gunicorn = (results[server] for server in names[::-1])
        lines.append(
            f"{name:<24} {daphne[0]:>10.0f} {gunicorn[0]:>12.0f} {gunicorn[0] / daphne[0]:>7.1f}× "
            f"{gunicorn[1]:>7.1f} {gunicorn[2]:>7.1f} {gunicorn[0] / django:>8.3f} {gunicorn[0] / drf:>6.3f} "
            f"{queries[0]!s:>4} {queries[1]!s:>8}"
        )
    return lines


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    folder = Path(tempfile.mkdtemp(prefix="bench-http-"))
    if not BULK:
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(folder / "bench.sqlite3")
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)
    baselines = {}
    try:
        values, tokens = _fixtures()
        _count_queries(ENDPOINTS, values, tokens)
        explained, explain = _explain()
        connection.close()  # SQLite: the servers get the file to themselves
        servers = []
        try:
            for name in SERVERS:
                servers.append(Server(name, _database_url(), folder))
            _measure(servers, values, tokens, baselines)
        finally:
            for server in servers:
                server.stop()
    finally:
        if not BULK:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        shutil.rmtree(folder, ignore_errors=True)
    workers = os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1))
    redis = "yes" if settings.REDIS_URL else "no"
    print(
        f"data: {'seed_bulk' if BULK else 'demo'} on {connection.vendor}; redis: {redis}; "
        f"wrk -c{CONCURRENCY} {SECONDS}s per URL, median of {ROUNDS} rounds; gunicorn: {workers} workers; "
        "daphne: 1 process"
    )
    print("\n".join(_table(baselines)))
    print(f"EXPLAIN check: {explain}")
    if not explained:
        raise SystemExit("the EXPLAIN check failed")
