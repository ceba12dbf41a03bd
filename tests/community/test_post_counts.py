"""Stored public post counts: the page counts of the original client's post lists and of the CMS pages API come
from `PublicPostCount` rows, not from COUNT(*) over the page table, and follow every way a post becomes or stops
being public."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from community import services
from community.models import FunPostPage, PublicPostCount, ReviewPostPage, SharePostPage
from tasks.community import recount_posts_periodically
from tests.accounts.factories import UserFactory, client_as
from tests.community.factories import ModeratorFactory, make_post

pytestmark = pytest.mark.django_db


def legacy_total(client, filter_value="", path="/api/posts/"):
    """The list's row count as the original client reads it (total_pages at a page size of 1)."""
    response = client.get(path, {"page": 1, "size": 1, "filter": filter_value})
    assert response.status_code == 200, response.content
    return response.json()["total_pages"]


def cms_total(client, **params):
    response = client.get("/api/cms/v2/pages/", params)
    assert response.status_code == 200, response.content
    return response.json()["meta"]["total_count"]


def page_counts(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)") and "wagtailcore_page" in q["sql"]]


@pytest.fixture
def posts(boards):
    author = UserFactory()
    made = {
        "review": [make_post(author, "review", title=f"Review {n}") for n in range(2)],
        "share": [make_post(author, "share", title=f"Share {n}") for n in range(3)],
        "food": [make_post(author, "fun", title="Food", subcategory="food", restaurant_address="1 Main St")],
        "chat": [make_post(author, "fun", title="Chat")],
    }
    services.recount_public_posts()
    return made


def test_the_recount_stores_public_posts_per_type_locale_and_subcategory(posts):
    rows = {(row.content_type.model_class(), row.subcategory): row.count for row in PublicPostCount.objects.all()}
    assert rows == {(ReviewPostPage, ""): 2, (SharePostPage, ""): 3, (FunPostPage, "food"): 1, (FunPostPage, "chat"): 1}


def test_the_lists_read_the_stored_counts_not_the_page_table(posts):
    anonymous = client_as()
    with CaptureQueriesContext(connection) as queries:
        assert legacy_total(anonymous) == 5  # everything but reviews
        assert legacy_total(anonymous, "share") == 3
        assert legacy_total(anonymous, "food") == 1
        assert legacy_total(anonymous, "meetup") == 0
        assert legacy_total(anonymous, path="/api/get_reviews/") == 2
        assert cms_total(anonymous, type="community.ReviewPostPage") == 2
        assert cms_total(anonymous, type="community.PostPage", limit=1) == 7
        assert cms_total(anonymous, type="community.FunPostPage", locale="ko") == 0  # posts are not translated
    assert page_counts(queries.captured_queries) == []

    # A post published around the services (as the Wagtail admin does) is counted at the next recount.
    SharePostPage.objects.filter(pk=posts["share"][0].pk).update(is_hidden=True)
    assert legacy_total(anonymous, "share") == 3
    recount_posts_periodically.call_local()
    assert legacy_total(anonymous, "share") == 2
    assert cms_total(anonymous, type="community.PostPage") == 6


def test_without_stored_counts_or_with_other_filters_the_rows_are_counted(posts):
    anonymous = client_as()
    with CaptureQueriesContext(connection) as queries:
        assert cms_total(anonymous, type="community.ReviewPostPage", title="Review 1") == 1
    assert len(page_counts(queries.captured_queries)) == 1
    PublicPostCount.objects.all().delete()  # before the first recount after a deploy
    with CaptureQueriesContext(connection) as queries:
        assert legacy_total(anonymous, "share") == 3
    assert len(page_counts(queries.captured_queries)) == 1


def test_a_member_also_counts_their_own_posts_that_are_not_public(posts):
    author = posts["share"][0].author
    SharePostPage.objects.filter(pk=posts["share"][0].pk).update(is_hidden=True)
    services.recount_public_posts()
    assert legacy_total(client_as(author), "share") == 3  # their hidden post is listed for them
    assert legacy_total(client_as(UserFactory()), "share") == 2
    assert legacy_total(client_as(), "share") == 2
    assert legacy_total(client_as(ModeratorFactory()), "share") == 3  # moderators see everything: counted


def test_a_restriction_a_member_passes_is_counted_from_the_rows(posts, boards):
    PageViewRestriction.objects.create(page=boards["share"], restriction_type=PageViewRestriction.LOGIN)
    services.recount_public_posts()
    assert legacy_total(client_as(), "share") == 0
    assert cms_total(client_as(), type="community.SharePostPage") == 0
    assert legacy_total(client_as(UserFactory()), "share") == 3


def test_the_services_writes_recount_once_committed(boards, django_capture_on_commit_callbacks):
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(author, "share", title="Desk")
    assert PublicPostCount.objects.get().count == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.set_post_hidden(actor=ModeratorFactory(), post=post, hidden=True)
    assert not PublicPostCount.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_post_hidden(actor=ModeratorFactory(), post=post, hidden=False)
    assert PublicPostCount.objects.get().count == 1
    with django_capture_on_commit_callbacks(execute=True):
        chat = make_post(author, "fun", title="Chat")
        meetup = {"meetup_type": "sports", "meetup_at": "2030-01-01T10:00:00Z", "state": "CA", "county": "Los Angeles"}
        services.update_post(actor=author, post=chat, subcategory="meetup", **meetup)
    assert PublicPostCount.objects.get(subcategory="meetup").count == 1
    assert not PublicPostCount.objects.filter(subcategory="chat").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_post(actor=author, post=post)
    assert not PublicPostCount.objects.filter(content_type__model="sharepostpage").exists()
