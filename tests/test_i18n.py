"""Korean and English end to end: the request's language, the member's saved one, and the recipient's."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from commerce.orders.models import Order
from integrations.sms.console import ConsoleSMSBackend
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.commerce.factories import requested_order

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po"
WRONG_LOGIN = {"email": "nobody@example.com", "password": "wrong-password-1"}


def error_of(response):
    return response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "message", "content_language"),
    [
        ("ko", "이메일 또는 비밀번호가 올바르지 않습니다.", "ko"),
        ("ko-KR,ko;q=0.9,en;q=0.8", "이메일 또는 비밀번호가 올바르지 않습니다.", "ko"),
        ("en-US,en;q=0.9", "Email or password is incorrect.", "en"),
        ("fr", "Email or password is incorrect.", "en"),  # not offered: the default, English
        ("", "Email or password is incorrect.", "en"),
    ],
)
def test_v1_errors_follow_accept_language(header, message, content_language):
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = APIClient().post("/api/v1/auth/login/", WRONG_LOGIN, format="json", **extra)
    assert response.status_code == 400
    assert error_of(response) == {"code": "invalid_credentials", "message": message, "fields": {}}
    assert response["Content-Language"] == content_language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_validation_messages_are_translated():
    response = APIClient().post(
        "/api/v1/auth/login/", {"email": "x@example.com"}, format="json", HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["fields"]["password"] == ["필수 항목입니다."]
    english = APIClient().post("/api/v1/auth/login/", {"email": "x@example.com"}, format="json")
    assert error_of(english)["fields"]["password"] == ["This field is required."]


def _token_client(user, header):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=header)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _session_client(user, header):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=header)
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("sign_in", [_token_client, _session_client], ids=["token", "session"])
@pytest.mark.parametrize(
    ("saved", "header", "expected"),
    [("ko", "en", "해당 주문이 없습니다."), ("en", "ko", "No such order."), ("", "ko", "해당 주문이 없습니다.")],
)
def test_a_saved_language_wins_over_the_header(sign_in, saved, header, expected):
    user = UserFactory(language=saved)
    response = sign_in(user, header).get("/api/v1/orders/BD000000000/")
    assert response.status_code == 404
    assert error_of(response)["message"] == expected
    assert response["Content-Language"] == (saved or header)


@pytest.mark.django_db
def test_me_sets_and_shows_the_language(user):
    client = _token_client(user, "en")
    assert client.get("/api/v1/me/").json()["language"] == ""
    response = client.patch("/api/v1/me/", {"language": "ko"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["language"] == "ko"
    user.refresh_from_db()
    assert user.language == "ko"
    # From now on the member's answers are Korean, whatever the browser says.
    assert error_of(client.get("/api/v1/orders/BD000000000/"))["message"] == "해당 주문이 없습니다."
    assert client.patch("/api/v1/me/", {"language": ""}, format="json").json()["language"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["fr", "KO", "korean", 1, None, ["ko"]])
def test_me_refuses_an_unknown_language_and_writes_nothing(user, value):
    response = _token_client(user, "en").patch(
        "/api/v1/me/", {"language": value, "first_name": "Changed"}, format="json"
    )
    assert response.status_code == 400
    assert "language" in error_of(response)["fields"]
    user.refresh_from_db()
    assert (user.language, user.first_name) == ("", "Jiwoo")


@pytest.mark.django_db
def test_a_korean_customer_gets_korean_mail_when_staff_quote_in_english(
    staff_client, django_capture_on_commit_callbacks
):
    customer = UserFactory(language="ko")
    order = requested_order(customer)
    mail.outbox.clear()
    Notification.objects.all().delete()
    lines = [{"id": item.pk, "unit_price_krw": 13_800} for item in order.items.all()]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/api/v1/staff/orders/{order.number}/quote/",
            {"items": lines, "domestic_shipping_krw": 3_000},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200, response.content
    assert response.json()["status_label"] == "Quoted"  # the staff member reads English
    notification = Notification.objects.get(user=customer)
    assert notification.payload["title"] == f"견적이 준비되었습니다 ({order.number})"
    assert notification.payload["message"].startswith("견적이 준비되었습니다: $")
    [email] = mail.outbox
    assert email.subject == f"비단길: 견적이 준비되었습니다 ({order.number})"
    assert "Jiwoo님, 안녕하세요." in email.body and "결제하시면 상품을 구매해 드립니다." in email.body
    assert "5단계 중 1단계" in email.alternatives[0][0]
    assert "Your quote" not in email.body


@pytest.mark.django_db
def test_notifications_are_stored_in_each_recipients_language(django_capture_on_commit_callbacks):
    korean, english = UserFactory(language="ko"), UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        orders = [requested_order(korean), requested_order(english)]
    titles = {n.user_id: n.payload["title"] for n in Notification.objects.filter(type=Notification.Type.ORDER_STATUS)}
    assert titles == {
        korean.pk: f"주문 요청 접수 ({orders[0].number})",
        english.pk: f"Order request received ({orders[1].number})",
    }
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == sorted(
        [f"비단길: 주문 요청 접수 ({orders[0].number})", f"Bidangil: Order request received ({orders[1].number})"]
    )


@pytest.mark.django_db
def test_sms_is_written_in_the_recipients_language(django_capture_on_commit_callbacks):
    ConsoleSMSBackend.sent.clear()
    customer = UserFactory(language="ko", phone="+12135550100", notify_by_sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        order = requested_order(customer)
    assert Order.objects.get(pk=order.pk).status == Order.Status.REQUESTED
    assert ConsoleSMSBackend.sent == [("+12135550100", "비단길: 주문 요청을 받았습니다. 곧 견적을 보내 드리겠습니다.")]


@pytest.mark.django_db
def test_account_emails_follow_the_language_of_the_request():
    UserFactory(email="reset@example.com")
    response = APIClient().post(
        "/api/v1/auth/password/reset/", {"email": "reset@example.com"}, format="json", HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code in (200, 202, 204), response.content
    [email] = mail.outbox
    assert email.subject.startswith("비단길 비밀번호 재설정 코드는 ") and email.subject.endswith("입니다")
    assert "새 비밀번호와 함께 입력해 주세요." in email.body


def test_every_message_has_a_korean_translation(tmp_path, monkeypatch, settings):
    """Extract the project's strings afresh (as `make messages` does) and check each one is translated."""
    for pattern in ("**/*.py", "**/*.html", "**/*.txt"):
        for source in ROOT.glob(pattern):
            relative = source.relative_to(ROOT)
            if relative.parts[0] in {".venv", "var", "node_modules", "tests", "bench", "deploy", "locale"}:
                continue
            (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp_path / relative)
    extracted = tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    extracted.parent.mkdir(parents=True)
    shutil.copyfile(CATALOGUE, extracted)
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("makemessages", locale=["ko"], verbosity=0)

    catalogue = polib.pofile(str(extracted))
    assert len(catalogue) > 200
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], "Translate these in locale/ko/LC_MESSAGES/django.po (docs/i18n.md)"
    assert fuzzy == [], "Check these fuzzy translations in locale/ko/LC_MESSAGES/django.po (docs/i18n.md)"
    committed = {entry.msgid for entry in polib.pofile(str(CATALOGUE))}
    assert committed == {entry.msgid for entry in catalogue}, "Run `make messages`: the catalogue is out of date"


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "saved"), [("ko-KR,ko;q=0.9", "ko"), ("en-US", "en"), ("", "en")])
def test_a_new_account_keeps_the_language_it_signed_up_in(header, saved):
    body = {"email": "new@example.com", "password": "violet-Harbor-42", "nickname": "새회원"}
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = APIClient().post("/api/v1/auth/signup/", body, format="json", **extra)
    assert response.status_code == 201, response.content
    assert User.objects.get(email="new@example.com").language == saved
    [email] = mail.outbox
    assert ("비단길 인증 코드는" in email.subject) == (saved == "ko")


@pytest.mark.django_db
def test_a_failed_avatar_is_explained_in_the_members_language():
    from community.avatars import services as avatars
    from community.avatars.models import AvatarRequest

    member = UserFactory(language="ko")
    job = AvatarRequest.objects.create(user=member, species="robot", answers=[1, 1, 1, 1])
    avatars.fail(job.pk, "")
    notification = Notification.objects.get(user=member, type=Notification.Type.AVATAR_FAILED)
    assert notification.payload["reason"] == "아바타를 그리지 못했습니다."
    job.refresh_from_db()
    assert job.failure_reason == "The avatar could not be drawn."  # the record stays in the source language
    status = _token_client(member, "en").get("/api/v1/me/avatar/").json()
    assert status["status"] == "failed" and status["reason"] == "아바타를 그리지 못했습니다."
