"""Member posts are real Wagtail pages: the page API v2 and the editor views work on them."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from community.models import PostPage, ReviewPostPage
from tests.accounts.factories import UserFactory
from tests.community.factories import EditorFactory, ModeratorFactory, image_upload, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def cms_client():
    # The page API may be public; an authenticated client reads it either way.
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


def _pages(cms_client, page_type, fields):
    response = cms_client.get(f"/api/cms/v2/pages/?type={page_type}&fields={fields}")
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_api_v2_review_post(cms_client, boards):
    author = UserFactory(profile__nickname="reviewer")
    post = make_post(author, "review", "Smooth order", rating=4, body="<p>Good</p>", images=[image_upload()])
    [item] = _pages(cms_client, "community.ReviewPostPage", "rating,verified_purchase,author_nickname,body,images")
    assert item["id"] == post.pk and item["meta"]["slug"] == post.slug
    assert (item["rating"], item["verified_purchase"], item["author_nickname"]) == (4, False, "reviewer")
    assert item["body"] == "<p>Good</p>"
    image = item["images"][0]
    assert image["url"].startswith("http://testserver/media/")
    assert "fill-400x400" in image["thumbnail"]["url"] and image["thumbnail"]["full_url"].startswith("http")


def test_api_v2_share_post(cms_client, boards):
    make_post(category="share", title="Desk", state="NY", county="Queens")
    [item] = _pages(cms_client, "community.SharePostPage", "state,county,region,category,author_avatar")
    assert (item["state"], item["county"], item["region"], item["category"]) == ("NY", "Queens", "Queens, NY", "share")
    assert item["author_avatar"] is None


def test_api_v2_fun_post(cms_client, boards):
    make_post(
        category="fun",
        title="Board games",
        subcategory="meetup",
        state="TX",
        county="Dallas",
        meetup_type="games",
        meetup_at="2030-02-03T19:00:00Z",
    )
    [item] = _pages(cms_client, "community.FunPostPage", "subcategory,meetup_type,meetup_at,region,restaurant_address")
    assert (item["subcategory"], item["meetup_type"], item["region"]) == ("meetup", "games", "Dallas, TX")
    assert item["meetup_at"].startswith("2030-02-03T19:00:00")
    assert item["restaurant_address"] == ""


def test_api_v2_lists_the_category_boards(cms_client, boards):
    items = _pages(cms_client, "community.CommunityIndexPage", "category")
    assert sorted(item["category"] for item in items) == ["fun", "review", "share"]


@pytest.fixture
def moderator_browser():
    browser = Client()
    browser.force_login(ModeratorFactory())
    return browser


def _edit_form(page, **changes):
    data = {
        "title": page.title,
        "slug": page.slug,
        "rating": page.rating,
        "order": "",
        "body": page.body,
        "images": inline_formset([]),
        "comments": inline_formset([]),
        **changes,
    }
    return nested_form_data(data)


def test_moderator_edits_and_publishes_member_post_in_wagtail_editor(moderator_browser, boards):
    post = make_post(UserFactory(), "review", "Member review", rating=3, body="original")
    page = ReviewPostPage.objects.get(pk=post.pk)
    url = reverse("wagtailadmin_pages:edit", args=[post.pk])
    assert moderator_browser.get(url).status_code == 200
    response = moderator_browser.post(
        url, {**_edit_form(page, body="tidied by an editor"), "action-publish": "publish"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ReviewPostPage.objects.get(pk=post.pk)
    assert page.body == "tidied by an editor" and page.live
    assert page.author == post.author and page.owner == post.author  # still the member's post
    assert APIClient().get(f"/api/v1/posts/{post.slug}/").json()["body"] == "tidied by an editor"


def test_editor_can_open_and_save_a_draft_of_a_member_post(boards):
    post = make_post(UserFactory(), "review", "Member review", rating=3)
    browser = Client()
    browser.force_login(EditorFactory())
    url = reverse("wagtailadmin_pages:edit", args=[post.pk])
    assert browser.get(url).status_code == 200
    page = ReviewPostPage.objects.get(pk=post.pk)
    response = browser.post(url, _edit_form(page, title="Draft title"))
    assert response.status_code == 302
    page = ReviewPostPage.objects.get(pk=post.pk)
    assert page.has_unpublished_changes and page.title == "Member review"


def test_moderator_unpublishes_and_deletes_member_post(moderator_browser, boards):
    post = make_post(UserFactory(), "share", "To unpublish")
    response = moderator_browser.post(reverse("wagtailadmin_pages:unpublish", args=[post.pk]))
    assert response.status_code == 302
    assert not PostPage.objects.get(pk=post.pk).live
    assert APIClient().get(f"/api/v1/posts/{post.slug}/").status_code == 404
    assert post.slug not in [i["slug"] for i in APIClient().get("/api/v1/posts/").json()["results"]]

    response = moderator_browser.post(reverse("wagtailadmin_pages:delete", args=[post.pk]))
    assert response.status_code == 302
    assert not PostPage.objects.filter(pk=post.pk).exists()


def test_editor_explorer_lists_member_posts(moderator_browser, boards):
    post = make_post(UserFactory(), "share", "Listed post")
    response = moderator_browser.get(reverse("wagtailadmin_explore", args=[boards["share"].pk]))
    assert response.status_code == 200 and "Listed post" in response.content.decode()
    assert PostPage.objects.get(pk=post.pk).live


def test_editor_forms_render_for_every_post_type(moderator_browser, boards):
    posts = [
        make_post(category="review", title="r", rating=2),
        make_post(category="share", title="s"),
        make_post(category="fun", title="f", subcategory="food", restaurant_address="1 Main St"),
    ]
    for post in posts:
        assert moderator_browser.get(reverse("wagtailadmin_pages:edit", args=[post.pk])).status_code == 200
    add = reverse("wagtailadmin_pages:add", args=["community", "funpostpage", boards["fun"].pk])
    assert moderator_browser.get(add).status_code == 200
