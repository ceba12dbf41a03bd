import ipaddress
import logging
import shutil
import socket

import pytest
from django.conf import settings
from django.core.cache import cache
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.test import APIClient

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_loopback(address):
    """The suite must never reach past this machine: only loopback and unix sockets may be connected."""
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            if host != "localhost":
                raise OSError(f"test tried to connect to non-loopback host {host!r}") from None
            return
        if not ip.is_loopback:
            raise OSError(f"test tried to connect to non-loopback address {host}")


def _guarded_connect(self, address):
    _check_loopback(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_loopback(address)
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


def pytest_collection_modifyitems(items):
    """Transactional tests must restore the migration data (groups, site root, content types) they flush.

    pytest-django runs them after the others; mixing serialized and plain flushes would re-create content
    types under new ids and break the next restore, so every `transaction=True` test also asks for
    `serialized_rollback=True`.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")


class _TracebackRecorder(logging.Handler):
    """Keeps every log record at ERROR or above that carries a traceback (a 500, a crashed job, a logged exception)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        if record.exc_info:
            self.records.append(record)


@pytest.fixture(scope="session")
def _traceback_recorder(django_test_environment):
    recorder = _TracebackRecorder()
    root = logging.getLogger()
    root.addHandler(recorder)  # after Django configured logging, which would have dropped it
    yield recorder
    root.removeHandler(recorder)


@pytest.fixture(autouse=True)
def _no_server_traceback(request, _traceback_recorder):
    """The server log of the suite has no traceback: a test that provokes one on purpose is marked server_error."""
    start = len(_traceback_recorder.records)
    yield
    logged = _traceback_recorder.records[start:]
    del _traceback_recorder.records[start:]
    if logged and not request.node.get_closest_marker("server_error"):
        lines = [f"{record.name}: {record.getMessage()} ({record.exc_info[0].__name__})" for record in logged]
        pytest.fail("traceback(s) in the server log:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture(autouse=True)
def _channel_layer(request, settings):
    """Sockets opened inside the test process use the in-memory layer; the tests marked `redis` keep the Redis
    layer, whose fan-out from a separate worker process they check."""
    if settings.REDIS_URL and not request.node.get_closest_marker("redis"):
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    """Each test starts with an empty cache (throttles, tokens) and its own media folders."""
    cache.clear()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    yield
    cache.clear()
    shutil.rmtree(tmp_path / "media", ignore_errors=True)
    shutil.rmtree(tmp_path / "private", ignore_errors=True)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    from tests.accounts.factories import UserFactory

    return UserFactory()


@pytest.fixture
def client_for():
    """Makes an API client signed in as the given user: client_for(user)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        client.user = user
        return client

    return make


@pytest.fixture
def user_client(client_for, user):
    return client_for(user)


@pytest.fixture
def staff_user(db):
    from tests.accounts.factories import OrderStaffFactory

    return OrderStaffFactory()


@pytest.fixture
def staff_client(client_for, staff_user):
    return client_for(staff_user)


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}; redis: {'yes' if settings.REDIS_URL else 'no'}"


@pytest.fixture
def schema(client, db):
    """The OpenAPI document as served, generated with drf-spectacular's warnings counted."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()
