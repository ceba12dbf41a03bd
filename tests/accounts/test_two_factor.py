"""TOTP two-factor sign-in for the admins (django-otp), mandatory for order staff under STAFF_2FA_REQUIRED."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/verify/"


def code_for(device, offset=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


def test_order_staff_must_set_up_totp_before_using_the_admin(required):
    staff = OrderStaffFactory()
    client = signed_in(staff)

    response = client.get("/admin/account/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)

    page = client.get(response["Location"])
    assert page.status_code == 200
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert secret.encode() and device.config_url.startswith("otpauth://totp/")

    wrong = client.post(
        SETUP, {"token": "000000" if code_for(device) != "000000" else "111111", "next": "/admin/account/"}
    )
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # the back-off has passed

    done = client.post(SETUP, {"token": code_for(device), "next": "/admin/account/"})
    assert done.status_code == 302
    assert done["Location"] == "/admin/account/"
    assert client.get("/admin/account/").status_code == 200


def test_superusers_are_held_to_it_too_and_in_the_django_admin(required):
    client = signed_in(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/django-admin/")["Location"].startswith(SETUP)


def test_editors_are_not_forced(required):
    assert signed_in(EditorFactory()).get("/admin/").status_code == 200


def test_without_the_setting_nobody_is_forced(settings):
    settings.STAFF_2FA_REQUIRED = False

    assert signed_in(OrderStaffFactory()).get("/admin/").status_code == 200


def test_a_confirmed_device_asks_for_a_code_each_session(settings):
    settings.STAFF_2FA_REQUIRED = False  # opted in: a device is enough
    editor = EditorFactory()
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    client = signed_in(editor)

    response = client.get("/admin/")
    assert response["Location"].startswith(VERIFY)

    assert client.post(VERIFY, {"token": "12345", "next": "/admin/"}).status_code == 200  # malformed
    assert client.get("/admin/").status_code == 302

    response = client.post(VERIFY, {"token": code_for(device), "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert signed_in(editor).get("/admin/").status_code == 302  # a new session asks again


def test_wrong_codes_are_slowed_down():
    editor = EditorFactory()
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    client = signed_in(editor)
    wrong = "000000" if code_for(device) != "000000" else "111111"

    client.post(VERIFY, {"token": wrong})
    response = client.post(VERIFY, {"token": code_for(device), "next": "/admin/"})

    assert response.status_code == 200  # refused during the back-off after a wrong code
    assert client.get("/admin/").status_code == 302


def test_next_is_kept_on_this_site():
    editor = EditorFactory()
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)

    response = signed_in(editor).post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/admin/"


def test_customers_cannot_reach_the_two_factor_pages():
    client = signed_in(UserFactory())

    for path in (SETUP, VERIFY):
        assert client.get(path)["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.exists()


def test_customer_pages_are_not_gated(required):
    assert signed_in(OrderStaffFactory()).get("/api/v1/me/").status_code == 200


def test_production_settings_require_it():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bidangil.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "bidangil.example",
    }
    env.pop("STAFF_2FA_REQUIRED", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.STAFF_2FA_REQUIRED)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)

    assert result.stdout.strip() == "True", result.stderr
    assert settings.STAFF_2FA_REQUIRED is False  # the test and dev default


def test_the_staff_api_wants_the_second_factor_too(required):
    from rest_framework.test import APIClient

    staff = OrderStaffFactory()
    token_client = APIClient()
    token_client.force_authenticate(staff)
    response = token_client.get("/api/v1/staff/orders/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"

    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    session = signed_in(staff)
    assert session.get("/api/v1/staff/orders/").status_code == 403
    session.post(VERIFY, {"token": code_for(device), "next": "/admin/"})
    assert session.get("/api/v1/staff/orders/").status_code == 200
