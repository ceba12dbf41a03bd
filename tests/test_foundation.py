import pytest
from django.test import override_settings

from integrations.backends import UnknownBackend, get_backend


@pytest.mark.django_db
def test_healthz_checks_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_unknown_api_path_is_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("kind", "setting", "name", "cls"),
    [
        ("fx", "EXCHANGE_RATE_BACKEND", "dummy", "FixedRateBackend"),
        ("sms", "SMS_BACKEND", "console", "ConsoleSMSBackend"),
    ],
)
def test_backend_loader_picks_the_configured_backend(kind, setting, name, cls):
    with override_settings(**{setting: name}):
        assert type(get_backend(kind)).__name__ == cls


def test_backend_loader_accepts_dotted_path_and_rejects_unknown_names():
    with override_settings(SMS_BACKEND="integrations.sms.console.ConsoleSMSBackend"):
        assert type(get_backend("sms")).__name__ == "ConsoleSMSBackend"
    with override_settings(SMS_BACKEND="carrier-pigeon"), pytest.raises(UnknownBackend):
        get_backend("sms")


def test_outside_connections_are_refused_in_tests():
    import socket

    with pytest.raises(OSError, match="non-loopback"), socket.socket() as sock:
        sock.connect(("10.0.0.1", 80))


# The path traversal attempt is logged by django.security with its exception.
@pytest.mark.server_error
def test_local_media_is_served_without_a_bucket(client, db, tmp_path):
    (tmp_path / "media" / "profiles").mkdir(parents=True)
    (tmp_path / "media" / "profiles" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    response = client.get("/media/profiles/a.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get("/media/../bidangil/settings/base.py").status_code in (400, 404)


@pytest.mark.django_db
def test_django_admin_is_for_superusers_only(client):
    from tests.accounts.factories import OrderStaffFactory, UserFactory

    client.force_login(OrderStaffFactory())
    assert client.get("/django-admin/").status_code == 302
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/django-admin/").status_code == 200
