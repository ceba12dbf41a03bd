"""Wagtail page privacy (password, login, groups), drafts and moderation hiding hold in every API that exposes
a page or its images: /api/v1/posts/, the original client's /api/posts/ and /api/post/, and the CMS API's
pages and images endpoints."""

import pytest
from django.contrib.auth.models import Group
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from community import services
from community.models import PostImage
from tests.accounts.factories import UserFactory, client_as
from tests.community.factories import ModeratorFactory, image_upload, make_post

pytestmark = pytest.mark.django_db


def restrict(page, kind, *, password="", groups=()):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password=password)
    restriction.groups.set(groups)
    return restriction


def v1_slugs(client):
    return {item["slug"] for item in client.get("/api/v1/posts/").json()["results"]}


def legacy_slugs(client):
    return {item["slug"] for item in client.get("/api/posts/?page=1&size=50&filter=").json()["results"]}


def cms_page_ids(client):
    return {item["id"] for item in client.get("/api/cms/v2/pages/", {"limit": 20}).json()["items"]}


def sees(client, post) -> dict[str, bool]:
    """Whether each API shows the post, in its list and at its own address."""
    return {
        "v1 list": post.slug in v1_slugs(client),
        "v1 detail": client.get(f"/api/v1/posts/{post.slug}/").status_code == 200,
        "legacy list": post.slug in legacy_slugs(client),
        "legacy detail": client.get(f"/api/post/{post.slug}/").status_code == 200,
        "cms list": post.pk in cms_page_ids(client),
        "cms detail": client.get(f"/api/cms/v2/pages/{post.pk}/").status_code == 200,
    }


NOWHERE = dict.fromkeys(["v1 list", "v1 detail", "legacy list", "legacy detail", "cms list", "cms detail"], False)
MEMBER_APIS = {**NOWHERE, "v1 list": True, "v1 detail": True, "legacy list": True, "legacy detail": True}


@pytest.fixture
def member_post(boards):
    post = make_post(UserFactory(), "share", "Free desk")
    post.refresh_from_db()
    return post


def test_a_public_post_is_everywhere(member_post):
    assert sees(client_as(), member_post) == dict.fromkeys(NOWHERE, True)


def test_login_restriction_hides_the_board_from_anonymous_visitors(member_post, boards):
    restrict(boards["share"], PageViewRestriction.LOGIN)
    assert sees(client_as(), member_post) == NOWHERE
    # Signed-in members satisfy it in the member APIs; the public, cacheable CMS API never lists it.
    assert sees(client_as(UserFactory()), member_post) == MEMBER_APIS


def test_password_restriction_hides_the_post_from_every_api(member_post):
    restrict(member_post, PageViewRestriction.PASSWORD, password="letmein")
    assert sees(client_as(), member_post) == NOWHERE
    assert sees(client_as(UserFactory()), member_post) == NOWHERE
    # The author keeps their own post; moderators see everything.
    assert sees(client_as(member_post.author), member_post) == MEMBER_APIS
    assert sees(client_as(ModeratorFactory()), member_post) == MEMBER_APIS


def test_group_restriction_admits_only_the_group(member_post, boards):
    insiders = Group.objects.create(name="Insiders")
    restrict(boards["share"], PageViewRestriction.GROUPS, groups=[insiders])
    insider = UserFactory()
    insider.groups.add(insiders)
    assert sees(client_as(insider), member_post) == MEMBER_APIS
    assert sees(client_as(UserFactory()), member_post) == NOWHERE


def test_restricted_posts_cannot_be_liked_commented_or_counted(member_post, boards):
    visitor = client_as(UserFactory())
    comment = services.add_comment(author=UserFactory(), post=member_post, body="nice")
    restrict(boards["share"], PageViewRestriction.PASSWORD, password="x")
    assert visitor.post(f"/api/v1/posts/{member_post.slug}/like/").status_code == 404
    assert visitor.get(f"/api/v1/posts/{member_post.slug}/comments/").status_code == 404
    assert visitor.post(f"/api/v1/posts/{member_post.slug}/comments/", {"body": "hi"}).status_code == 404
    assert visitor.post(f"/api/v1/comments/{comment.pk}/like/").status_code == 404
    nickname = member_post.author.profile.nickname
    assert visitor.get(f"/api/v1/profiles/{nickname}/").json()["post_count"] == 0


def test_images_of_drafts_hidden_and_restricted_posts_stay_out_of_the_images_api(boards):
    def post_with_image(title):
        post = make_post(UserFactory(), "share", title, images=[image_upload()])
        return post, PostImage.objects.get(post=post).image_id

    public, public_image = post_with_image("Public")
    hidden, hidden_image = post_with_image("Hidden")
    services.set_post_hidden(actor=ModeratorFactory(), post=hidden, hidden=True)
    draft, draft_image = post_with_image("Draft")
    draft.refresh_from_db()
    draft.unpublish()
    private, private_image = post_with_image("Private")
    restrict(private, PageViewRestriction.LOGIN)

    listed = {item["id"] for item in client_as().get("/api/cms/v2/images/").json()["items"]}
    assert public_image in listed
    assert not listed & {hidden_image, draft_image, private_image}
    for image_id in (hidden_image, draft_image, private_image):
        assert client_as().get(f"/api/cms/v2/images/{image_id}/").status_code == 404
    assert client_as().get(f"/api/cms/v2/images/{public_image}/").status_code == 200


def test_restricted_collections_are_never_in_the_images_api_even_for_their_group(db):
    from tests.cms.factories import ImageFactory

    collection = Collection.get_first_root_node().add_child(name="Internal")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    editors = Group.objects.get(name="Editors")
    restriction.groups.add(editors)
    inside = ImageFactory(title="Inside", collection=collection)
    nested = ImageFactory(title="Nested", collection=collection.add_child(name="Deeper"))
    outside = ImageFactory(title="Outside")
    editor = UserFactory(is_staff=True)
    editor.groups.add(editors)
    listed = {item["id"] for item in client_as(editor).get("/api/cms/v2/images/").json()["items"]}
    assert listed == {outside.pk}
    assert get_image_model().objects.filter(pk__in=[inside.pk, nested.pk]).count() == 2
