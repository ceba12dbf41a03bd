"""Community profile, nicknames, posts, reviews, comments and likes through the original paths."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from community.models import (
    CommentLike,
    CommunityProfile,
    FunPostPage,
    PostLike,
    PostPage,
    ProfileLike,
    ReviewPostPage,
    SharePostPage,
)
from tests.accounts.factories import UserFactory
from tests.community.factories import image_upload, make_post

from .conftest import Browser

pytestmark = pytest.mark.django_db

POST_FIELDS = {
    "id",
    "user",
    "title",
    "content",
    "created_at",
    "images",
    "avatar",
    "user_nickname",
    "slug",
    "category",
    "subcategory",
    "state",
    "county",
    "meetuptype",
    "restaurant_address",
    "user_community_address",
    "post_like",
}
REVIEW_FIELDS = {"id", "user", "title", "content", "created_at", "images", "avatar", "user_nickname"}
COMMENT_FIELDS = {"id", "user_name", "avatar", "content", "created_at", "likes", "depth", "children"}
PAGE_FIELDS = {"results", "page", "page_size", "has_next", "total_pages"}


def assert_post(post, *, likes_shown=False):
    assert set(post) == POST_FIELDS
    assert isinstance(post["id"], int) and isinstance(post["user"], int)
    for name in ("title", "content", "created_at", "slug", "category", "subcategory", "state", "county"):
        assert isinstance(post[name], str), name
    assert isinstance(post["meetuptype"], str) and isinstance(post["restaurant_address"], str)
    assert all(set(image) == {"image_url"} and image["image_url"].startswith("http") for image in post["images"])
    if likes_shown:
        assert set(post["post_like"]) == {"liked_avatars", "liked_nickname"}
    else:
        assert post["post_like"] is False


def write(browser, **fields):
    files = {key: fields.pop(key) for key in list(fields) if key.startswith("image_")}
    return browser.post("/api/community/post/", {**fields, **files}, format="multipart")


# --- profiles and nicknames ----------------------------------------------------------------------


def test_community_profile_without_likes_is_200_with_empty_lists(member_browser):
    response = member_browser.get("/api/community_profile/")

    assert response.status_code == 200
    assert response.json() == {
        "avatar": "http://testserver/static/community/basic_avatar.png",  # never null: the client reads "signed out"
        "nickname": member_browser.user.profile.nickname,
        "address": "",
        "likes": 0,
        "liked_users_nickname": [],
        "liked_users_avatars": [],
    }


def test_profile_like_is_a_toggle_and_shows_on_the_liked_profile(member_browser):
    target = UserFactory()
    nickname = target.profile.nickname

    first = member_browser.post("/api/community_profile/like/", {"nickname": nickname})
    assert first.status_code == 200 and first.json() == {"result": "liked"}
    assert ProfileLike.objects.filter(profile=target.profile).count() == 1

    target_browser = Browser()
    target_browser.login(target.email)
    body = target_browser.get("/api/community_profile/").json()
    assert body["likes"] == 1
    assert body["liked_users_nickname"] == [member_browser.user.profile.nickname]
    assert body["liked_users_avatars"] == ["http://testserver/static/community/basic_avatar.png"]

    second = member_browser.post("/api/community_profile/like/", {"nickname": nickname})
    assert second.json() == {"result": "unliked"}
    assert not ProfileLike.objects.exists()


def test_profile_like_refusals(member_browser, browser):
    own = member_browser.user.profile.nickname
    assert member_browser.post("/api/community_profile/like/", {"nickname": own}).status_code == 400
    assert member_browser.post("/api/community_profile/like/", {"nickname": "nobody_here"}).status_code == 404
    assert browser.post("/api/community_profile/like/", {"nickname": own}).status_code == 403
    assert not ProfileLike.objects.exists()


def test_others_profile_contract(member_browser, boards):
    author = UserFactory()
    CommunityProfile.objects.filter(user=author).update(region_state="CA", region_county="Orange")
    written = make_post(author, "share", title="Free desk")
    liked = make_post(UserFactory(), "fun", title="Board games night")
    PostLike.objects.create(user=author, post=liked)

    response = member_browser.get(f"/api/others_profile/?usr={author.profile.nickname}")

    assert response.status_code == 200
    result = response.json()["result"]
    assert set(result) == {"nickname", "community_address", "avatar", "likes", "liked_posts", "target_posts"}
    assert result["community_address"] == "Orange, CA"
    assert result["likes"] == 0
    assert [p["slug"] for p in result["target_posts"]] == [written.slug]
    assert [p["slug"] for p in result["liked_posts"]] == [liked.slug]
    for post in result["target_posts"] + result["liked_posts"]:
        assert_post(post)
    assert member_browser.get("/api/others_profile/?usr=nobody_here").status_code == 404


def test_validate_nickname(member_browser):
    UserFactory(profile__nickname="Taken", profile__nickname_key="taken")
    own = member_browser.user.profile.nickname

    def check(nickname):
        response = member_browser.post("/api/validate_nickname/", {"nickname": nickname})
        assert response.status_code == 200
        assert set(response.json()) == {"result"}
        return response.json()["result"]

    assert check("fresh_name") is True
    assert check("TAKEN") is False  # unique ignoring case (the original let duplicates in)
    assert check("x") is False
    assert check("admin") is False
    assert check(own) is True


def test_update_profile_changes_nickname_and_region(member_browser):
    response = member_browser.post("/api/community/update_profile/", {"nickname": "새이름", "address": "Orange, CA"})

    assert response.status_code == 200
    assert response.json() == {"results": "updated"}
    profile = CommunityProfile.objects.get(user=member_browser.user)
    assert (profile.nickname, profile.region_state, profile.region_county) == ("새이름", "CA", "Orange")
    assert member_browser.get("/api/community_profile/").json()["address"] == "Orange, CA"


@pytest.mark.parametrize(
    ("address", "state", "county"),
    [("Alexandria, VA", "VA", "Alexandria"), ("Kings (Brooklyn), NY", "NY", "Kings"), ("Erie, NY", "NY", "Erie")],
)
def test_update_profile_accepts_every_region_the_client_offers(member_browser, address, state, county):
    profile = CommunityProfile.objects.get(user=member_browser.user)

    response = member_browser.post("/api/community/update_profile/", {"nickname": profile.nickname, "address": address})

    assert response.status_code == 200
    profile.refresh_from_db()
    assert (profile.region_state, profile.region_county) == (state, county)


@pytest.mark.parametrize(
    "body",
    [{"nickname": "Taken"}, {"nickname": "no spaces!"}, {"address": "Atlantis, ZZ"}, {"address": "CA"}],
)
def test_update_profile_refusals_change_nothing(member_browser, body):
    UserFactory(profile__nickname="Taken", profile__nickname_key="taken")
    before = CommunityProfile.objects.get(user=member_browser.user)

    response = member_browser.post("/api/community/update_profile/", {"nickname": before.nickname, **body})

    assert response.status_code == 400
    assert isinstance(response.json()["error"], str)
    after = CommunityProfile.objects.get(user=member_browser.user)
    assert (after.nickname, after.region_state) == (before.nickname, before.region_state)


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/community_profile/"),
        ("get", "/api/others_profile/?usr=someone"),
        ("post", "/api/validate_nickname/"),
        ("post", "/api/community/update_profile/"),
        ("post", "/api/create_avatar/"),
        ("post", "/api/community/post/"),
        ("get", "/api/posts/get_my_posts/"),
        ("post", "/api/post/like/"),
        ("post", "/api/post/write_comments/?slug=x"),
        ("post", "/api/post/like_comment/"),
        ("get", "/api/profile_info/"),
        ("post", "/api/submit_order/"),
    ],
)
def test_signed_out_calls_are_403_with_a_json_body(browser, method, path):
    response = getattr(browser, method)(path)

    assert response.status_code == 403
    assert isinstance(response.json()["error"], str)


# --- posts ---------------------------------------------------------------------------------------


def test_writing_a_review_with_images_creates_the_wagtail_page(member_browser, boards):
    response = write(
        member_browser,
        category="review",
        title="5",
        content="Fast delivery!\nEverything arrived.",
        image_0=image_upload("a.png"),
        image_1=image_upload("b.jpg", fmt="JPEG"),
    )

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"msg"}
    page = ReviewPostPage.objects.get()
    assert page.rating == 5 and page.live and page.author == member_browser.user
    assert page.get_parent().specific == boards["review"]
    assert page.title == "Fast delivery!"
    assert page.images.count() == 2

    reviews = member_browser.get("/api/get_reviews/?page=1&size=10").json()
    assert set(reviews) == PAGE_FIELDS
    (review,) = reviews["results"]
    assert set(review) == REVIEW_FIELDS
    assert review["title"] == "5"  # the rating, as a string
    assert review["content"] == "Fast delivery!\nEverything arrived."
    assert len(review["images"]) == 2 and review["images"][0]["image_url"].startswith("http://testserver/")
    assert review["user_nickname"] == member_browser.user.profile.nickname


def test_writing_share_food_meetup_and_chat_posts(member_browser, boards):
    share = write(
        member_browser,
        category="share",
        title="Rice cooker",
        content="Free",
        state="California",
        county="Los Angeles County",
    )
    food = write(
        member_browser,
        category="fun",
        funcategory="food",
        title="Kimbap place",
        content="So good",
        restaurantaddress="1 Main St",
    )
    meetup = write(
        member_browser,
        category="fun",
        funcategory="meetup",
        title="Hiking club",
        content="Sunday",
        state="New York",
        county="Queens County",
        meetupcategory="스포츠",
    )
    chat = write(member_browser, category="fun", funcategory="chat", title="Hello", content="Hi all")

    assert [r.status_code for r in (share, food, meetup, chat)] == [200, 200, 200, 200]
    page = SharePostPage.objects.get()
    assert (page.state, page.county) == ("CA", "Los Angeles")
    hiking = FunPostPage.objects.get(subcategory="meetup")
    assert (hiking.state, hiking.county, hiking.meetup_type, hiking.meetup_at) == ("NY", "Queens", "sports", None)
    assert FunPostPage.objects.get(subcategory="food").restaurant_address == "1 Main St"

    listed = {p["title"]: p for p in member_browser.get("/api/posts/?page=1&size=10&filter=").json()["results"]}
    assert set(listed) == {"Rice cooker", "Kimbap place", "Hiking club", "Hello"}
    for post in listed.values():
        assert_post(post)
    assert (listed["Rice cooker"]["state"], listed["Rice cooker"]["county"]) == ("California", "Los Angeles County")
    assert listed["Hiking club"]["meetuptype"] == "스포츠"
    assert listed["Hiking club"]["subcategory"] == "meetup"
    assert listed["Kimbap place"]["restaurant_address"] == "1 Main St"
    assert listed["Rice cooker"]["restaurant_address"] == ""


@pytest.mark.parametrize(
    "fields",
    [
        {"category": "review", "title": "7", "content": "x"},
        {"category": "review", "title": "", "content": "x"},
        {"category": "share", "title": "", "content": "x", "state": "California", "county": "Orange County"},
        {"category": "share", "title": "t", "content": "x", "state": "Atlantis", "county": "Orange County"},
        {"category": "fun", "funcategory": "food", "title": "t", "content": "x"},
        {"category": "fun", "funcategory": "meetup", "title": "t", "content": "x", "state": "Texas"},
        {"category": "fun", "funcategory": "party", "title": "t", "content": "x"},
        {"category": "news", "title": "t", "content": "x"},
        {"category": "fun", "funcategory": "chat", "title": "t", "content": "x", "image_0": "not-a-file"},
    ],
)
def test_bad_posts_are_400_and_nothing_is_saved(member_browser, boards, fields):
    images_before = get_image_model().objects.count()

    response = write(member_browser, **fields)

    assert response.status_code == 400, response.content
    assert isinstance(response.json()["err"], str)
    assert not PostPage.objects.exists()
    assert get_image_model().objects.count() == images_before


def test_ten_images_or_a_fake_image_are_refused_before_anything_is_saved(member_browser, boards):
    ten = {f"image_{n}": image_upload(f"{n}.png") for n in range(10)}
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")

    assert write(member_browser, category="fun", funcategory="chat", title="t", content="x", **ten).status_code == 400
    response = write(member_browser, category="fun", funcategory="chat", title="t", content="x", image_0=fake)
    assert response.status_code == 400
    assert not PostPage.objects.exists()
    assert not get_image_model().objects.exists()


def test_post_list_filters_and_pages(browser, boards):
    author = UserFactory()
    make_post(author, "review", title="Great")
    for n in range(3):
        make_post(author, "share", title=f"Share {n}")
    make_post(author, "fun", title="Food", subcategory="food", restaurant_address="1 Main St")
    make_post(author, "fun", title="Chat")

    def titles(filter_value, **params):
        query = "&".join(f"{k}={v}" for k, v in {"page": 1, "size": 10, "filter": filter_value, **params}.items())
        response = browser.get(f"/api/posts/?{query}")
        assert response.status_code == 200
        return response.json()

    assert len(titles("")["results"]) == 5  # everything but reviews
    assert {p["title"] for p in titles("share")["results"]} == {"Share 0", "Share 1", "Share 2"}
    assert [p["title"] for p in titles("food")["results"]] == ["Food"]
    assert [p["title"] for p in titles("chat")["results"]] == ["Chat"]
    assert titles("meetup")["results"] == []
    page = titles("", page=2, size=2)
    assert set(page) == PAGE_FIELDS
    assert (page["page"], page["page_size"], page["has_next"], page["total_pages"]) == (2, 2, True, 2)
    assert len(page["results"]) == 2
    assert browser.get("/api/posts/?filter=bogus").status_code == 400
    assert browser.get("/api/posts/?size=0").status_code == 400
    assert browser.get("/api/get_reviews/?page=x").status_code == 400


def test_post_list_queries_do_not_grow_with_rows(browser, boards):
    author = UserFactory()
    make_post(author, "share", title="One")
    with CaptureQueriesContext(connection) as one:
        browser.get("/api/posts/?filter=")
    for n in range(4):
        make_post(UserFactory(), "share", title=f"More {n}")
    with CaptureQueriesContext(connection) as five:
        assert len(browser.get("/api/posts/?filter=").json()["results"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_post_detail_my_posts_and_like_toggle(member_browser, browser, boards):
    post = make_post(member_browser.user, "share", title="Desk")
    liker = Browser()
    liker_user = UserFactory()
    liker.login(liker_user.email)

    first = liker.post("/api/post/like/", {"slug": post.slug})
    assert first.status_code == 200 and first.json() == {"result": "liked"}
    detail = liker.get(f"/api/post/{post.slug}/").json()
    assert set(detail) == {"results", "did_like"}
    assert detail["did_like"] is True
    assert_post(detail["results"], likes_shown=True)
    assert detail["results"]["post_like"]["liked_nickname"] == [liker_user.profile.nickname]

    anonymous = browser.get(f"/api/post/{post.slug}/").json()
    assert anonymous["did_like"] is False
    assert anonymous["results"]["post_like"] is False

    mine = member_browser.get("/api/posts/get_my_posts/").json()
    assert set(mine) == {"results"}
    (my_post,) = mine["results"]
    assert_post(my_post, likes_shown=True)
    assert my_post["post_like"]["liked_nickname"] == [liker_user.profile.nickname]

    assert liker.post("/api/post/like/", {"slug": post.slug}).json() == {"result": "unliked"}
    assert not PostLike.objects.exists()
    assert liker.post("/api/post/like/", {"slug": "missing"}).status_code == 404
    assert browser.get("/api/post/missing/").status_code == 404


def test_comments_with_replies_and_like_toggle(member_browser, browser, boards):
    post = make_post(UserFactory(), "fun", title="Chat")
    path = f"/api/post/write_comments/?slug={post.slug}"

    first = member_browser.post(path, {"content": "First!", "parent_id": None})
    assert first.status_code == 200 and first.json() == {"result": "created"}
    root = browser.get(f"/api/post/get_comments/?slug={post.slug}").json()["results"][0]
    assert member_browser.post(path, {"content": "A reply", "parent_id": root["id"]}).status_code == 200
    assert member_browser.post(path, {"content": "Second", "parent_id": None}).status_code == 200

    body = browser.get(f"/api/post/get_comments/?slug={post.slug}").json()
    assert set(body) == {"results"}
    second, first_root = body["results"]  # newest first
    assert second["content"] == "Second" and first_root["content"] == "First!"
    for node in (second, first_root, first_root["children"][0]):
        assert set(node) == COMMENT_FIELDS
        assert isinstance(node["likes"], int) and isinstance(node["created_at"], str)
    assert first_root["depth"] == 1
    (reply,) = first_root["children"]
    assert (reply["content"], reply["depth"], reply["children"]) == ("A reply", 2, [])
    assert reply["user_name"] == member_browser.user.profile.nickname

    like = member_browser.post("/api/post/like_comment/", {"id": reply["id"]})
    assert like.status_code == 200 and like.json() == {"msg": "liked"}
    assert browser.get(f"/api/post/get_comments/?slug={post.slug}").json()["results"][1]["children"][0]["likes"] == 1
    assert member_browser.post("/api/post/like_comment/", {"id": reply["id"]}).json() == {"msg": "unliked"}
    assert not CommentLike.objects.exists()


@pytest.mark.parametrize(
    "body", [{"content": "", "parent_id": None}, {"content": "x", "parent_id": 999999}, {"content": ["x"]}]
)
def test_bad_comments_are_400(member_browser, boards, body):
    post = make_post(UserFactory(), "fun", title="Chat")

    response = member_browser.post(f"/api/post/write_comments/?slug={post.slug}", body)

    assert response.status_code == 400
    assert not post.post_comments.exists()


def test_comment_on_a_missing_post_or_like_of_a_missing_comment_is_404(member_browser):
    assert member_browser.post("/api/post/write_comments/?slug=nope", {"content": "x"}).status_code == 404
    assert member_browser.post("/api/post/like_comment/", {"id": 12345}).status_code == 404
    assert member_browser.post("/api/post/like_comment/", {"id": "abc"}).status_code == 404


def test_summarize_reliable_returns_the_counts_the_restrictions_component_reads(browser, boards):
    make_post(UserFactory(), "review", title="Good")
    make_post(UserFactory(), "share", title="Not a review")

    response = browser.get("/api/summarize_reliable/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results"} and set(body["results"]) == {"reviews", "usrs"}
    assert body["results"]["reviews"] == 1
    assert body["results"]["usrs"] == 2
