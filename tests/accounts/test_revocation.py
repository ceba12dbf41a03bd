"""Every password change signs the account out everywhere else (tokens, sessions, sockets); logout and a
ban close sockets too."""

import re

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import UserSession
from tests.accounts.conftest import code_from_mail
from tests.accounts.factories import PASSWORD, EditorFactory, UserFactory
from tests.community.factories import ModeratorFactory
from tests.legacy.conftest import Browser
from tests.notifications.wsutil import communicator

pytestmark = pytest.mark.django_db

NEW = "sunny-Garden-58"


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # The consumer's database_sync_to_async closes "old" connections; on MariaDB that drops the connection
    # holding this test's transaction, which the action run after connecting still needs.
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)


def signed_in_elsewhere(user):
    """Another device: a browser session and an API token, both from a real sign-in."""
    other = APIClient()
    response = other.post("/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return other, response.json()["token"]


def assert_signed_out_elsewhere(user, other, token, keep_session_key=None):
    assert not Token.objects.filter(key=token).exists()
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == (
        [keep_session_key] if keep_session_key else []
    )
    assert other.get("/api/v1/me/").status_code in (401, 403)


def socket_closed_by(action, *, token=None, session=None) -> int:
    """Open a socket, run `action` (sync, its on-commit callbacks executed), return the close code."""

    async def body():
        ws = communicator(token=token, session=session)
        connected, _ = await ws.connect()
        assert connected
        await database_sync_to_async(action)()
        message = await ws.receive_output(timeout=2)
        assert message["type"] == "websocket.close"
        return message["code"]

    return async_to_sync(body)()


def socket_stays_open(action, *, token=None, session=None) -> bool:
    async def body():
        ws = communicator(token=token, session=session)
        connected, _ = await ws.connect()
        assert connected
        await database_sync_to_async(action)()
        stays = await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()
        return stays

    return async_to_sync(body)()


def test_api_password_change_keeps_only_the_callers_session(django_capture_on_commit_callbacks):
    user = UserFactory()
    other, token = signed_in_elsewhere(user)
    me = APIClient()
    me.post("/api/v1/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")

    def change():
        with django_capture_on_commit_callbacks(execute=True):
            body = {"old_password": PASSWORD, "new_password": NEW}
            assert me.post("/api/v1/auth/password/change/", body, format="json").status_code == 200

    assert socket_closed_by(change, token=token) == 4401
    assert_signed_out_elsewhere(user, other, token, keep_session_key=me.session.session_key)
    assert me.get("/api/v1/me/").status_code == 200


def test_api_password_reset_signs_out_everywhere(django_capture_on_commit_callbacks):
    user = UserFactory()
    other, token = signed_in_elsewhere(user)
    APIClient().post("/api/v1/auth/password/reset/", {"email": user.email}, format="json")
    body = {"email": user.email, "code": code_from_mail(user.email), "new_password": NEW}

    def reset():
        with django_capture_on_commit_callbacks(execute=True):
            assert APIClient().post("/api/v1/auth/password/reset/confirm/", body, format="json").status_code == 200

    assert socket_closed_by(reset, session=other.session.session_key) == 4401
    assert_signed_out_elsewhere(user, other, token)


def test_wagtail_account_password_change(django_capture_on_commit_callbacks):
    user = EditorFactory()
    other, token = signed_in_elsewhere(user)
    admin = Client()
    admin.force_login(user)
    body = {
        "name_email-first_name": user.first_name,
        "name_email-last_name": "Kim",
        "name_email-email": user.email,
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
        "password-old_password": PASSWORD,
        "password-new_password1": NEW,
        "password-new_password2": NEW,
    }

    def change():
        with django_capture_on_commit_callbacks(execute=True):
            assert admin.post("/admin/account/", body).status_code == 302

    assert socket_closed_by(change, token=token) == 4401
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert_signed_out_elsewhere(user, other, token, keep_session_key=admin.session.session_key)
    assert admin.get("/admin/").status_code == 200


def test_wagtail_password_reset_confirm(django_capture_on_commit_callbacks):
    user = EditorFactory()
    other, token = signed_in_elsewhere(user)
    client = Client()
    client.post("/admin/password_reset/", {"email": user.email})
    link = re.search(r"/admin/password_reset/confirm/\S+/", mail.outbox[-1].body).group(0)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session-held one

    def reset():
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
            assert response.status_code == 302, response.content

    assert socket_closed_by(reset, token=token) == 4401
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert_signed_out_elsewhere(user, other, token)


@pytest.fixture
def superuser_admin():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _user_edit_body(user, **changes):
    body = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": "Kim",
        "is_active": "on" if user.is_active else "",
        "groups": [],
        **changes,
    }
    return {key: value for key, value in body.items() if value != ""}


def test_superuser_setting_a_users_password_in_wagtail(superuser_admin, django_capture_on_commit_callbacks):
    user = UserFactory()
    other, token = signed_in_elsewhere(user)
    body = _user_edit_body(user, password1=NEW, password2=NEW)

    def edit():
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_admin.post(f"/admin/users/edit/{user.pk}/", body)
            assert response.status_code == 302, response.content

    assert socket_closed_by(edit, token=token) == 4401
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert_signed_out_elsewhere(user, other, token)


def test_superuser_deactivating_a_user_in_wagtail(superuser_admin, django_capture_on_commit_callbacks):
    user = UserFactory()
    other, token = signed_in_elsewhere(user)
    body = _user_edit_body(user, is_active="")

    def edit():
        with django_capture_on_commit_callbacks(execute=True):
            assert superuser_admin.post(f"/admin/users/edit/{user.pk}/", body).status_code == 302

    assert socket_closed_by(edit, token=token) == 4401
    user.refresh_from_db()
    assert not user.is_active
    assert_signed_out_elsewhere(user, other, token)


def test_editing_other_fields_keeps_the_user_signed_in(superuser_admin):
    user = UserFactory()
    other, token = signed_in_elsewhere(user)

    assert (
        superuser_admin.post(f"/admin/users/edit/{user.pk}/", _user_edit_body(user, first_name="Minho")).status_code
        == 302
    )

    assert Token.objects.filter(key=token).exists()
    assert other.get("/api/v1/me/").status_code == 200


def test_django_admin_password_change(django_capture_on_commit_callbacks):
    user = UserFactory(is_staff=True, is_superuser=True)
    other, token = signed_in_elsewhere(user)
    admin = Client()
    admin.force_login(user)
    body = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}

    def change():
        with django_capture_on_commit_callbacks(execute=True):
            assert admin.post("/django-admin/password_change/", body).status_code == 302

    assert socket_closed_by(change, token=token) == 4401
    assert_signed_out_elsewhere(user, other, token, keep_session_key=admin.session.session_key)
    assert admin.get("/django-admin/").status_code == 200


def test_api_logout_closes_the_sockets_of_that_sign_in_only(django_capture_on_commit_callbacks):
    user = UserFactory()
    phone, token = signed_in_elsewhere(user)
    laptop, _ = signed_in_elsewhere(user)  # the same token (one per account), another session

    def log_out_laptop_session():
        with django_capture_on_commit_callbacks(execute=True):
            laptop.post("/api/v1/auth/logout/")

    assert socket_stays_open(log_out_laptop_session, session=phone.session.session_key)
    assert SESSION_KEY not in laptop.session

    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    def log_out_token():
        with django_capture_on_commit_callbacks(execute=True):
            assert token_client.post("/api/v1/auth/logout/").status_code == 204

    assert socket_closed_by(log_out_token, token=token) == 4401


def test_legacy_logout_closes_the_sockets_of_its_session(django_capture_on_commit_callbacks):
    user = UserFactory()
    browser = Browser()
    browser.login(user.email)
    session_key = browser.client.session.session_key

    def log_out():
        with django_capture_on_commit_callbacks(execute=True):
            assert browser.post("/api/logout/").status_code == 200

    assert socket_closed_by(log_out, session=session_key) == 4401
    assert not UserSession.objects.filter(session_key=session_key).exists()


def test_ban_closes_the_members_sockets(django_capture_on_commit_callbacks):
    from community.services import set_member_banned

    user = UserFactory()
    _, token = signed_in_elsewhere(user)

    def ban():
        with django_capture_on_commit_callbacks(execute=True):
            set_member_banned(actor=ModeratorFactory(), user=user, banned=True)

    assert socket_closed_by(ban, token=token) == 4401


def test_sessions_record_their_user():
    user = UserFactory()
    client, _ = signed_in_elsewhere(user)

    assert UserSession.objects.get(session_key=client.session.session_key).user == user
