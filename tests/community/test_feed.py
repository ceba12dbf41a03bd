import pytest
from rest_framework.test import APIClient

from community import services
from tests.accounts.factories import UserFactory
from tests.community.factories import image_upload, make_post

pytestmark = pytest.mark.django_db


def _slugs(response):
    assert response.status_code == 200, response.json()
    return [item["slug"] for item in response.json()["results"]]


@pytest.fixture
def posts(boards, django_capture_on_commit_callbacks):
    jiwoo = UserFactory(profile__nickname="jiwoo")
    minho = UserFactory(profile__nickname="민호")
    with django_capture_on_commit_callbacks(execute=True):  # search indexing runs on commit
        made = {
            "review": make_post(jiwoo, "review", "Fast delivery", rating=5, body="Arrived in a week"),
            "share": make_post(minho, "share", "Rice cooker", state="CA", county="Orange", body="Cuckoo cooker"),
            "share_ny": make_post(jiwoo, "share", "Kimchi fridge", state="NY", county="Queens"),
            "food": make_post(minho, "fun", "Tofu house", subcategory="food", restaurant_address="1 Main St"),
            "meetup": make_post(
                jiwoo,
                "fun",
                "Hiking",
                subcategory="meetup",
                state="CA",
                county="Orange",
                meetup_type="sports",
                meetup_at="2030-01-01T10:00:00Z",
            ),
            "chat": make_post(minho, "fun", "Hello all", subcategory="chat", body="Anyone from Orange county?"),
        }
    return made


def test_feed_is_public_newest_first_with_item_fields(api_client, posts):
    slugs = _slugs(api_client.get("/api/v1/posts/"))
    assert slugs == [p.slug for p in reversed(list(posts.values()))]
    item = api_client.get("/api/v1/posts/?category=review").json()["results"][0]
    assert item["author"]["nickname"] == "jiwoo"
    assert item["rating"] == 5 and item["verified_purchase"] is False
    assert item["like_count"] == 0 and item["comment_count"] == 0 and item["liked_by_me"] is False
    assert item["category"] == "review"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=review", ["review"]),
        ("category=share", ["share_ny", "share"]),
        ("category=fun&subcategory=meetup", ["meetup"]),
        ("subcategory=food", ["food"]),
        ("state=CA", ["meetup", "share"]),
        ("state=CA&county=Orange&category=share", ["share"]),
        ("author=JIWOO", ["meetup", "share_ny", "review"]),
        ("author=민호&category=fun", ["chat", "food"]),
        ("author=nobody", []),
    ],
)
def test_feed_filters(api_client, posts, query, expected):
    assert _slugs(api_client.get(f"/api/v1/posts/?{query}")) == [posts[key].slug for key in expected]


# MySQL/MariaDB full-text indexes only see committed rows, so search is tested on committed data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_feed_search_through_wagtail(api_client, posts):
    searches = {
        "cooker": ["share"],
        "orange county": ["chat"],
        "hiking": ["meetup"],
        "cooker&category=fun": [],
        "nothing-matches-this": [],
    }
    for query, expected in searches.items():
        assert _slugs(api_client.get(f"/api/v1/posts/?q={query}")) == [posts[key].slug for key in expected], query


def test_unknown_filter_values_are_400(api_client, posts):
    for query in ("category=news", "subcategory=games", "state=ZZ"):
        response = api_client.get(f"/api/v1/posts/?{query}")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_cursor_pagination_walks_every_post_once(api_client, posts):
    seen, url = [], "/api/v1/posts/?page_size=4"
    while url:
        body = api_client.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]
    assert seen == [p.slug for p in reversed(list(posts.values()))]
    assert "cursor=" in api_client.get("/api/v1/posts/?page_size=4").json()["next"]


def test_feed_counts_likes_comments_and_liked_by_me(posts):
    reader = UserFactory()
    post = posts["share"]
    services.set_post_like(user=reader, post=post, liked=True)
    services.set_post_like(user=UserFactory(), post=post, liked=True)
    services.add_comment(author=reader, post=post, body="Still available?")
    client = APIClient()
    client.force_authenticate(reader)
    item = next(i for i in client.get("/api/v1/posts/").json()["results"] if i["slug"] == post.slug)
    assert (item["like_count"], item["comment_count"], item["liked_by_me"]) == (2, 1, True)


def _feed_queries(user, n) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))  # fresh user: nothing cached on it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/posts/?page_size=50")
    items = response.json()["results"]
    assert response.status_code == 200 and len(items) == n
    assert all(item["thumbnail"].startswith("http://testserver/") for item in items)
    assert all(item["author"]["nickname"] for item in items)
    return len(ctx.captured_queries)


def test_feed_query_count_is_constant(user, boards):
    make_post(UserFactory(), "share", "First", images=[image_upload(), image_upload()])
    one = _feed_queries(user, 1)
    for i in range(19):
        post = make_post(UserFactory(), ["review", "share", "fun"][i % 3], f"Post {i}", images=[image_upload()])
        services.set_post_like(user=user, post=post, liked=True)
        services.add_comment(author=user, post=post, body="nice")
    assert _feed_queries(user, 20) == one
    # Built (each write renewed the cached pages): moderator check, view restrictions, own posts that are not
    # public, then the page (restrictions, posts, images, renditions), then the member's likes.
    assert one <= 8
    # Served from the cache: the moderator check, the restrictions, own posts not public, the member's likes.
    assert _feed_queries(user, 20) <= 4


def test_author_filter_and_hidden_post_stay_out_of_the_feed(api_client, posts):
    from tests.accounts.factories import EditorFactory

    editor = EditorFactory()
    services.set_post_hidden(actor=editor, post=posts["share"], hidden=True)
    assert posts["share"].slug not in _slugs(api_client.get("/api/v1/posts/"))
    author = APIClient()
    author.force_authenticate(posts["share"].author)
    assert posts["share"].slug in _slugs(author.get("/api/v1/posts/"))
    moderator = APIClient()
    moderator.force_authenticate(editor)
    assert posts["share"].slug in _slugs(moderator.get("/api/v1/posts/"))
