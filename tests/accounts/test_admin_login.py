"""Only admin users get a session from the admin logins, and only they are mailed the admin's reset link."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from tests.accounts.factories import PASSWORD, EditorFactory, OrderStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(path, user):
    client = Client()
    response = client.post(path, {"username": user.email, "password": PASSWORD})
    return client, response


@pytest.mark.parametrize("factory", [EditorFactory, OrderStaffFactory])
def test_staff_and_editors_sign_in_to_wagtail(factory):
    client, response = sign_in("/admin/login/", factory())

    assert response.status_code == 302
    assert SESSION_KEY in client.session


@pytest.mark.parametrize("make", [UserFactory, lambda: UserFactory(is_staff=True)])
def test_customers_get_no_session_from_the_wagtail_login(make):
    client, response = sign_in("/admin/login/", make())

    assert response.status_code == 200
    assert "didn&#x27;t match" in response.content.decode()  # the same answer as a wrong password
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "make, allowed",
    [(lambda: UserFactory(is_staff=True, is_superuser=True), True), (EditorFactory, False), (UserFactory, False)],
)
def test_only_superusers_sign_in_to_the_django_admin(make, allowed):
    client, response = sign_in("/django-admin/login/", make())

    assert (response.status_code == 302) is allowed
    assert (SESSION_KEY in client.session) is allowed


def test_admin_password_reset_mails_only_admin_users():
    customer, editor = UserFactory(), EditorFactory()

    for user in (customer, editor):
        response = Client().post("/admin/password_reset/", {"email": user.email})
        assert response.status_code == 302  # the same "check your mail" page for everyone

    assert [message.to for message in mail.outbox] == [[editor.email]]


def test_admin_password_reset_is_limited_per_client_and_per_address():
    editor, other = EditorFactory(), EditorFactory()
    statuses = [
        Client(REMOTE_ADDR=f"10.0.2.{number}").post("/admin/password_reset/", {"email": editor.email}).status_code
        for number in range(6)
    ]
    assert statuses == [302] * 5 + [429]  # one address from many clients

    client = Client(REMOTE_ADDR="10.0.3.1")
    statuses = [client.post("/admin/password_reset/", {"email": f"x{n}@example.com"}).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]  # one client for many addresses

    assert Client(REMOTE_ADDR="10.0.3.2").post("/admin/password_reset/", {"email": other.email}).status_code == 302
    assert len(mail.outbox) == 6
