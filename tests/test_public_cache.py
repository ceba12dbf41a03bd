"""Public API pages (the v1 feed and post, the original client's post lists, the CMS pages API) come from the
cache until the next content write; each member's `liked_by_me` is their own, and whoever sees more than the
public posts (their own hidden post, a moderator) is never served them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from community import services
from community.models import SharePostPage
from tests.accounts.factories import UserFactory, client_as
from tests.cms.factories import make_content_page
from tests.community.factories import ModeratorFactory, make_boards, make_post

pytestmark = pytest.mark.django_db


def feed(client, **params) -> dict:
    response = client.get("/api/v1/posts/", params)
    assert response.status_code == 200, response.content
    return response.json()


def items(client, **params) -> dict:
    return {item["slug"]: item for item in feed(client, **params)["results"]}


def post_queries(client, path="/api/v1/posts/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "community_postpage" in q["sql"]]


@pytest.fixture
def boards(db):
    return make_boards()


@pytest.fixture
def posts(boards):
    return [make_post(UserFactory(), "share", f"Desk {n}") for n in range(3)]


def test_a_page_is_built_once_and_then_served_from_the_cache(posts):
    anonymous = client_as()
    assert post_queries(anonymous)  # built
    assert post_queries(anonymous) == []  # served
    member = UserFactory()
    assert len(post_queries(client_as(member))) == 1  # only: has the member posts of their own that are not public


def test_each_member_sees_their_own_likes_and_every_write_shows_at_once(posts):
    fan, other = UserFactory(), UserFactory()
    feed(client_as())  # the page is cached
    services.set_post_like(user=fan, post=posts[0], liked=True)
    assert items(client_as(fan))[posts[0].slug]["liked_by_me"] is True
    assert items(client_as(fan))[posts[0].slug]["like_count"] == 1
    assert items(client_as(other))[posts[0].slug]["liked_by_me"] is False
    assert items(client_as())[posts[0].slug] == {**items(client_as(fan))[posts[0].slug], "liked_by_me": False}

    services.add_comment(author=other, post=posts[1], body="Still there?")
    assert items(client_as())[posts[1].slug]["comment_count"] == 1
    new = make_post(UserFactory(), "share", "Lamp")
    assert new.slug in items(client_as())
    services.set_post_hidden(actor=ModeratorFactory(), post=new, hidden=True)
    assert new.slug not in items(client_as())
    services.update_profile(user=posts[2].author, nickname="DeskOwner")
    assert items(client_as())[posts[2].slug]["author"]["nickname"] == "DeskOwner"


def test_who_sees_more_than_the_public_posts_is_never_served_the_public_page(posts):
    feed(client_as())
    moderator = ModeratorFactory()
    SharePostPage.objects.filter(pk=posts[0].pk).update(is_hidden=True)  # as the Wagtail admin writes: no renewal
    assert posts[0].slug in items(client_as(posts[0].author))  # their own hidden post
    assert posts[0].slug in items(client_as(moderator))
    assert posts[0].slug in items(client_as())  # the public page is stale until it expires or the next write
    services.set_post_like(user=UserFactory(), post=posts[1], liked=True)
    assert posts[0].slug not in items(client_as())


def test_pages_of_the_cursor_and_filters_are_cached_apart(posts, settings):
    first = feed(client_as(), page_size=2)
    assert len(first["results"]) == 2 and first["next"]
    second = client_as().get(first["next"]).json()
    assert [item["slug"] for item in second["results"]] == [posts[0].slug]
    assert feed(client_as(), category="review")["results"] == []
    settings.PUBLIC_CACHE_SECONDS = 0  # not kept at all
    client = client_as()
    assert post_queries(client) and post_queries(client)


@pytest.mark.parametrize("path", ["/api/posts/?page=1&size=20&filter=", "/api/get_reviews/?page=1&size=20"])
def test_the_original_clients_lists_are_cached_alike(posts, path):
    anonymous = client_as()
    assert post_queries(anonymous, path)
    assert post_queries(anonymous, path) == []
    services.delete_post(actor=posts[0].author, post=posts[0])
    assert post_queries(anonymous, path)
    if "filter" in path:
        assert posts[0].slug not in {p["slug"] for p in anonymous.get(path).json()["results"]}


def test_a_post_page_is_cached_with_the_members_like_on_top(posts):
    path = f"/api/v1/posts/{posts[0].slug}/"
    fan = UserFactory()
    services.set_post_like(user=fan, post=posts[0], liked=True)
    assert client_as().get(path).json()["liked_by_me"] is False
    assert post_queries(client_as(), path) == []
    assert client_as(fan).get(path).json()["liked_by_me"] is True
    assert client_as(fan).get(path).json()["like_count"] == 1
    services.set_post_hidden(actor=ModeratorFactory(), post=posts[0], hidden=True)
    assert client_as().get(path).status_code == 404
    assert client_as(posts[0].author).get(path).status_code == 200


def test_the_cms_pages_api_is_cached_until_the_admin_publishes(db):
    home = Site.objects.get(is_default_site=True).root_page.specific
    make_content_page(home, title="Fees")
    pages = "/api/cms/v2/pages/?type=cms.ContentPage"
    anonymous = client_as()
    assert [item["title"] for item in anonymous.get(pages).json()["items"]] == ["Fees"]
    with CaptureQueriesContext(connection) as queries:
        anonymous.get(pages)
    assert not [q for q in queries.captured_queries if "wagtailcore_page" in q["sql"]]
    guide = make_content_page(home, title="Guide")  # publishing sends page_published
    assert [item["title"] for item in anonymous.get(pages).json()["items"]] == ["Fees", "Guide"]
    guide.unpublish()
    assert [item["title"] for item in anonymous.get(pages).json()["items"]] == ["Fees"]
    guide.delete()
    assert anonymous.get(pages).json()["meta"]["total_count"] == 1


def test_comment_threads_are_cached_with_the_members_likes_on_replies(posts):
    path = f"/api/v1/posts/{posts[0].slug}/comments/"
    talker, fan = UserFactory(), UserFactory()
    root = services.add_comment(author=talker, post=posts[0], body="Is it free?")
    reply = services.add_comment(author=posts[0].author, post=posts[0], body="Yes", parent_id=root.pk)
    anonymous = client_as()
    anonymous.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert anonymous.get(path).json()["results"][0]["children"][0]["body"] == "Yes"
    assert not [q for q in queries.captured_queries if "community_comment" in q["sql"]]

    services.set_comment_like(user=fan, comment=reply, liked=True)
    mine = client_as(fan).get(path).json()["results"][0]
    assert (mine["liked_by_me"], mine["children"][0]["liked_by_me"], mine["children"][0]["like_count"]) == (
        False, True, 1,
    )  # fmt: skip
    assert anonymous.get(path).json()["results"][0]["children"][0]["liked_by_me"] is False

    services.set_comment_hidden(actor=ModeratorFactory(), comment=root, hidden=True)
    assert anonymous.get(path).json()["results"][0]["deleted"] is True  # a tombstone, for its reply
    assert client_as(talker).get(path).json()["results"][0]["body"] == "Is it free?"  # its author sees it
