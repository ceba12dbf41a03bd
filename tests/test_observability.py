import json
import os
import subprocess
import sys

import pytest
import sentry_sdk
from django.core.files.storage import default_storage
from django.db import OperationalError
from huey.contrib.djhuey import HUEY
from sentry_sdk.transport import Transport

from bidangil import health
from integrations.sentry import init_sentry
from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory
from tests.commerce.factories import requested_order

pytestmark = pytest.mark.django_db

DEPENDENCIES = {"database", "cache", "channel_layer", "queue", "storage"}


# --- /healthz -----------------------------------------------------------------------------------------


def test_healthz_reports_each_dependency(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(DEPENDENCIES, "ok")}


def _broken_database(monkeypatch, settings):
    def cursor():
        raise OperationalError("server has gone away")

    monkeypatch.setattr(health.connection, "cursor", cursor)


def _broken_queue(monkeypatch, settings):
    def queue_size():
        raise ConnectionError("queue storage unreachable")

    monkeypatch.setattr(HUEY.storage, "queue_size", queue_size)


def _broken_storage(monkeypatch, settings):
    def exists(name):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(default_storage, "exists", exists)


def _broken_cache(monkeypatch, settings):
    monkeypatch.setattr(health.cache, "get", lambda key: None)


def _broken_channel_layer(monkeypatch, settings):
    # A Redis channel layer on a port nothing listens on.
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:9"]}}
    }
    channel_layers.backends.clear()


BREAK = {
    "database": _broken_database,
    "cache": _broken_cache,
    "channel_layer": _broken_channel_layer,
    "queue": _broken_queue,
    "storage": _broken_storage,
}


@pytest.mark.parametrize(
    ("dependency", "expected"),
    [
        ("database", "error: OperationalError"),
        ("cache", "error: RuntimeError"),
        ("channel_layer", "error: ConnectionError"),
        ("queue", "error: ConnectionError"),
        ("storage", "error: OSError"),
    ],
)
def test_healthz_is_503_when_one_dependency_fails(client, monkeypatch, settings, dependency, expected):
    from channels.layers import channel_layers

    BREAK[dependency](monkeypatch, settings)
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"][dependency] == expected
    assert {name for name, value in body["checks"].items() if value == "ok"} == DEPENDENCIES - {dependency}


# --- /metrics -----------------------------------------------------------------------------------------


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


def test_metrics_for_staff_sessions(client):
    requested_order()
    client.force_login(OrderStaffFactory())
    client.get("/healthz")
    first = client.get("/metrics")
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/plain")
    text = first.content.decode()
    assert _metric(text, 'bidangil_orders{status="requested"}') == 1
    assert _metric(text, 'bidangil_orders{status="shipped"}') == 0
    assert _metric(text, "bidangil_huey_pending_jobs") >= 0
    counted = _metric(text, 'bidangil_http_requests_total{method="GET",status="200"}')
    client.get("/healthz")
    again = client.get("/metrics").content.decode()
    assert _metric(again, 'bidangil_http_requests_total{method="GET",status="200"}') == counted + 2
    assert "bidangil_http_request_duration_seconds_bucket" in again


def test_metrics_for_editors_too(client):
    client.force_login(EditorFactory())
    assert client.get("/metrics").status_code == 200


def test_metrics_with_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200
    assert b"bidangil_orders" in response.content


@pytest.mark.parametrize(
    ("token_setting", "header"),
    [
        ("s3cret-scrape-token", None),
        ("s3cret-scrape-token", "Bearer wrong-token"),
        ("s3cret-scrape-token", "Basic czNjcmV0LXNjcmFwZS10b2tlbg=="),
        ("", "Bearer "),
        ("", "Bearer anything"),
    ],
)
def test_metrics_refused_without_staff_or_token(client, settings, token_setting, header):
    settings.METRICS_TOKEN = token_setting
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"
    assert b"bidangil_orders" not in response.content


def test_metrics_refused_to_customers(client):
    client.force_login(UserFactory())
    response = client.get("/metrics")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_wrong_token_is_refused_even_in_a_staff_session(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    client.force_login(OrderStaffFactory())
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess").status_code == 401


# --- Sentry -------------------------------------------------------------------------------------------


class RecordingTransport(Transport):
    """Keeps envelopes instead of sending them: the suite never reaches Sentry."""

    envelopes: list = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


@pytest.fixture
def sentry_reset():
    yield
    sentry_sdk.init()  # no DSN: an inactive client again


def test_sentry_is_not_initialised_without_a_dsn(settings, monkeypatch):
    settings.SENTRY_DSN = ""

    def refuse(*args, **kwargs):
        raise AssertionError("sentry_sdk.init called without a DSN")

    monkeypatch.setattr(sentry_sdk, "init", refuse)
    assert init_sentry() is False
    assert not sentry_sdk.get_client().is_active()


def test_sentry_reports_errors_when_a_dsn_is_set(settings, sentry_reset):
    settings.SENTRY_DSN = "https://publickey@sentry.example/42"
    settings.SENTRY_ENVIRONMENT = "staging"
    RecordingTransport.envelopes.clear()
    assert init_sentry(transport=RecordingTransport) is True
    client = sentry_sdk.get_client()
    assert client.is_active()
    assert client.options["environment"] == "staging"
    assert not client.options.get("send_default_pii")
    assert "django" in client.integrations
    try:
        raise ValueError("broken parcel scale")
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush()
    events = [item.payload.json for env in RecordingTransport.envelopes for item in env.items if item.type == "event"]
    assert events and events[0]["exception"]["values"][0]["value"] == "broken parcel scale"


# --- JSON logs ----------------------------------------------------------------------------------------


def test_production_logs_are_json(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bidangil.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "bidangil.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("LOG_FORMAT", None)
    code = "import django, logging; django.setup(); logging.getLogger('commerce').warning('poll of %d done', 3)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "poll of 3 done"
    assert record["level"] == "WARNING" and record["logger"] == "commerce" and record["time"]


def test_client_errors_flagged_by_django_are_one_line_without_a_traceback(client):
    """A foreign Host header is the client's error: a 400 and one log line, not a stack in the server log."""
    import io
    import logging

    from bidangil.logs import WithoutTraceback

    (handler,) = [
        handler
        for handler in logging.getLogger("django.security").handlers
        if any(isinstance(f, WithoutTraceback) for f in handler.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = client.get("/healthz", HTTP_HOST="evil.example")
    finally:
        handler.setStream(previous)

    assert response.status_code == 400
    assert "Invalid HTTP_HOST header" in stream.getvalue()
    assert "Traceback" not in stream.getvalue()


@pytest.fixture(scope="module")
def two_gunicorn_workers(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests import live_server

    with live_server.serve(
        tmp_path_factory.mktemp("gunicorn"),
        django_db_blocker,
        server="gunicorn",
        WEB_CONCURRENCY="2",
        METRICS_TOKEN="scrape-token",
    ) as (host, process, _):
        yield host, process


def test_metrics_count_the_requests_of_every_gunicorn_worker(two_gunicorn_workers):
    """Under gunicorn a scrape reaches one worker; it answers with the requests all of them served."""
    import glob
    import urllib.request

    host, process = two_gunicorn_workers
    files = f"/dev/shm/bidangil-metrics-{process.pid}/counter_*.db"
    served = 0
    while len(glob.glob(files)) < 2 and served < 400:  # until both workers have answered some
        urllib.request.urlopen(f"http://{host}/api/v1/regions/").read()
        served += 1
    assert len(glob.glob(files)) == 2
    for _ in range(3):  # whichever worker answers the scrape
        scrape = urllib.request.Request(f"http://{host}/metrics", headers={"Authorization": "Bearer scrape-token"})
        text = urllib.request.urlopen(scrape).read().decode()
        assert _metric(text, 'bidangil_http_requests_total{method="GET",status="200"}') >= served
