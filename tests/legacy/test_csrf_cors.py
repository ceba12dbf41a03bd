"""CSRF across sign-in (the client keeps its mount-time token), CORS for the client origin, LEGACY_API off."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from tests.accounts.factories import PASSWORD

from .conftest import ORIGIN, Browser

pytestmark = pytest.mark.django_db


def test_the_token_fetched_before_login_keeps_working_after_login(member):
    browser = Browser()
    token = browser.mount()
    cookie_before = browser.client.cookies["csrftoken"].value

    # loginUser() uses a freshly fetched token; the context then keeps it for every later POST.
    response = browser.post("/api/login/", {"useremail": member.email, "userpassword": PASSWORD}, token=token)
    assert response.status_code == 200
    assert browser.client.cookies["csrftoken"].value == cookie_before
    assert browser.client.session.session_key  # the session itself is new (login() cycles its key)

    response = browser.post("/api/validate_nickname/", {"nickname": "fresh_one"}, token=token)
    assert response.status_code == 200, response.content


def test_login_cycles_the_session_key(member):
    browser = Browser()
    browser.mount()
    browser.get("/api/session_ping/")
    browser.client.session.save()
    before = browser.client.session.session_key

    browser.post("/api/login/", {"useremail": member.email, "userpassword": PASSWORD})

    assert browser.client.session.session_key != before


@pytest.mark.parametrize("token", [False, "x" * 64, "forged-token"])
def test_signed_in_writes_without_the_right_token_are_403(member_browser, token):
    response = member_browser.post("/api/community/update_profile/", {"nickname": "hijacked"}, token=token)

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    member_browser.user.profile.refresh_from_db()
    assert member_browser.user.profile.nickname != "hijacked"


def test_a_token_from_another_browser_is_refused(member_browser):
    stranger = Browser()
    stolen = stranger.mount()

    response = member_browser.post("/api/submit_order/", {"orders": []}, token=stolen)

    assert response.status_code == 403


def test_anonymous_send_code_from_a_browser_needs_the_token_or_our_origin(browser):
    url, body = "/api/send_code/", {"email": "a@example.com"}
    assert browser.client.post(url, body, format="json").status_code == 403  # cookie, no token, no Origin
    assert browser.post(url, body, token=False).status_code == 200  # our Origin
    assert browser.client.post(url, body, format="json", HTTP_X_CSRFTOKEN=browser.token).status_code == 200


def test_verify_code_from_a_foreign_origin_is_refused(browser):
    response = browser.client.post(
        "/api/verify_code/",
        {"email": "a@example.com", "code": "123456"},
        format="json",
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/api/login/", "/api/community/post/", "/webhook/stripe_payment"])
def test_cors_preflight_allows_the_client_origin_with_credentials(api_client, path):
    response = api_client.options(
        path,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-csrftoken",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "x-csrftoken"} <= allowed


def test_cors_does_not_allow_other_origins(api_client):
    response = api_client.get("/api/session_ping/", HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


def test_cookies_are_samesite_lax(browser, member):
    browser.login(member.email)

    assert browser.client.cookies["sessionid"]["samesite"] == "Lax"
    assert browser.client.cookies["csrftoken"]["samesite"] == "Lax"


def _reload_urls():
    import bidangil.urls

    clear_url_caches()
    importlib.reload(bidangil.urls)
    clear_url_caches()


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/csrf_token/"),
        ("post", "/api/login/"),
        ("get", "/api/posts/"),
        ("get", "/api/profile_info/"),
        ("post", "/api/community/post/"),
        ("post", "/webhook/stripe_payment"),
        ("get", "/api/summarize_reliable/"),
    ],
)
def test_legacy_api_off_removes_every_path(api_client, settings, method, path):
    assert getattr(api_client, method)(path).status_code != 404
    try:
        with override_settings(LEGACY_API=False):
            _reload_urls()
            # (Without the route, APPEND_SLASH may first redirect to the Wagtail page tree, which 404s too.)
            assert getattr(api_client, method)(path, follow=True).status_code == 404
            assert api_client.get("/api/v1/auth/csrf/").status_code == 200  # the v1 API stays
    finally:
        _reload_urls()
    assert getattr(api_client, method)(path).status_code != 404


def test_legacy_api_off_removes_the_avatar_socket():
    import notifications.routing

    try:
        with override_settings(LEGACY_API=False):
            importlib.reload(notifications.routing)
            paths = [str(p.pattern) for p in notifications.routing.websocket_urlpatterns]
            assert paths == ["ws/notifications/"]
    finally:
        importlib.reload(notifications.routing)
    assert "ws/avatars/" in [str(p.pattern) for p in notifications.routing.websocket_urlpatterns]
