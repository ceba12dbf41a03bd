"""What the original client assumes of the payloads and paths: default avatars, plain-text content, Hangul
slugs, and pre-login POSTs that survive its CSRF token race at mount."""

import pytest

from community.models import PostPage
from community.services import add_comment
from tests.accounts.factories import PASSWORD, UserFactory
from tests.community.factories import make_post

from .conftest import ORIGIN, Browser

pytestmark = pytest.mark.django_db

DEFAULT_AVATAR = "http://testserver/static/community/basic_avatar.png"


# --- default avatar --------------------------------------------------------------------------------


def test_the_default_avatar_is_a_static_png():
    from django.contrib.staticfiles import finders
    from PIL import Image

    with Image.open(finders.find("community/basic_avatar.png")) as image:
        assert image.format == "PNG" and image.size == (128, 128)


def test_members_without_an_avatar_get_the_default_image_everywhere(member_browser, browser, boards):
    author = member_browser.user
    liker = UserFactory()
    post = make_post(author, "share", title="Desk")
    review = make_post(author, "review", title="Great")
    add_comment(author=liker, post=post, body="Nice")
    member_browser.post("/api/post/like/", {"slug": post.slug})
    liker_browser = Browser()
    liker_browser.login(liker.email)
    liker_browser.post("/api/community_profile/like/", {"nickname": author.profile.nickname})

    profile = member_browser.get("/api/community_profile/").json()
    assert profile["avatar"] == DEFAULT_AVATAR
    assert profile["liked_users_avatars"] == [DEFAULT_AVATAR]
    others = liker_browser.get(f"/api/others_profile/?usr={author.profile.nickname}").json()["result"]
    assert others["avatar"] == DEFAULT_AVATAR
    detail = member_browser.get(f"/api/post/{post.slug}/").json()["results"]
    assert detail["avatar"] == DEFAULT_AVATAR
    assert detail["post_like"]["liked_avatars"] == [DEFAULT_AVATAR]
    (listed,) = browser.get("/api/get_reviews/").json()["results"]
    assert listed["id"] == review.pk and listed["avatar"] == DEFAULT_AVATAR
    (comment,) = browser.get(f"/api/post/get_comments/?slug={post.slug}").json()["results"]
    assert comment["avatar"] == DEFAULT_AVATAR


# --- plain-text content ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("two lines\nand a < b & c", "two lines\nand a < b & c"),
        (
            "<p>Hello <b>world</b></p><p>A &amp; B<br>next</p><ul><li>one</li><li>two</li></ul>"
            '<p><a href="https://shop.example/?a=1&b=2">the shop</a></p>',
            "Hello world\n\nA & B\nnext\n\n- one\n- two\n\nthe shop (https://shop.example/?a=1&b=2)",
        ),
        ("<script>alert(1)</script><p>safe</p>", "safe"),
    ],
)
def test_post_content_is_plain_text(browser, boards, body, text):
    post = make_post(UserFactory(), "share", title="Desk", body=body)
    review = make_post(UserFactory(), "review", title="Great", body=body)

    assert browser.get(f"/api/post/{post.slug}/").json()["results"]["content"] == text
    reviews = {row["id"]: row for row in browser.get("/api/get_reviews/").json()["results"]}
    assert reviews[review.pk]["content"] == text


# --- Hangul slugs ----------------------------------------------------------------------------------


def test_a_post_with_a_hangul_slug_is_found(browser, boards):
    post = make_post(UserFactory(), "share", title="밥솥 나눔")
    PostPage.objects.filter(pk=post.pk).update(slug="밥솥-나눔")

    response = browser.get("/api/post/밥솥-나눔/")

    assert response.status_code == 200, response.content
    assert response.json()["results"]["slug"] == "밥솥-나눔"
    assert browser.get("/api/post/없는-글/").status_code == 404


# --- CSRF before sign-in ---------------------------------------------------------------------------


def raced_browser() -> Browser:
    """The client's mount: two token fetches at once without a cookie; it keeps the first token, the
    cookie jar keeps the second response's cookie, so the token no longer matches the cookie."""
    browser = Browser()
    first = browser.client.get("/api/csrf_token/", HTTP_ORIGIN=ORIGIN).json()["csrfToken"]
    browser.client.cookies.clear()
    browser.client.get("/api/csrf_token/", HTTP_ORIGIN=ORIGIN)
    browser.token = first
    return browser


def test_login_with_a_raced_token_from_our_origin_works(member):
    browser = raced_browser()

    response = browser.post("/api/login/", {"useremail": member.email, "userpassword": PASSWORD})

    assert response.status_code == 200, response.content
    assert browser.get("/api/session_ping/").status_code == 200


@pytest.mark.parametrize("path", ["/api/login/", "/api/send_code/", "/api/verify_code/", "/api/sign_up/"])
@pytest.mark.parametrize("headers", [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}])
def test_a_raced_token_from_a_foreign_origin_is_403(member, path, headers):
    browser = raced_browser()
    body = {"useremail": member.email, "userpassword": PASSWORD, "email": "a@example.com", "code": "123456"}

    response = browser.client.post(path, body, format="json", HTTP_X_CSRFTOKEN=browser.token, **headers)

    assert response.status_code == 403
    assert not browser.client.session.get("_auth_user_id")


def test_send_code_accepts_our_origin_or_referer_and_otherwise_needs_the_token(member):
    browser = raced_browser()
    url, body = "/api/send_code/", {"email": "new@example.com"}

    assert browser.post(url, body).status_code == 200  # our Origin, mismatched token
    referer = {"HTTP_REFERER": f"{ORIGIN}/signup"}
    assert browser.client.post(url, body, format="json", HTTP_X_CSRFTOKEN=browser.token, **referer).status_code == 200
    foreign_referer = {"HTTP_REFERER": "https://evil.example/signup"}
    response = browser.client.post(url, body, format="json", HTTP_X_CSRFTOKEN=browser.token, **foreign_referer)
    assert response.status_code == 403
    # No Origin and no Referer: the browser's cookie makes the token mandatory.
    assert browser.client.post(url, body, format="json", HTTP_X_CSRFTOKEN=browser.token).status_code == 403
    assert browser.client.post(url, body, format="json").status_code == 403


def test_signed_in_posts_still_need_the_token_from_our_origin(member_browser):
    response = member_browser.post("/api/community/update_profile/", {"nickname": "hijacked"}, token="x" * 64)

    assert response.status_code == 403
