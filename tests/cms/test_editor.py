"""Editors build content pages in the Wagtail editor; only moderators publish (Wagtail's default groups)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import ContentPage, HomePage
from tests.accounts.factories import EditorFactory, UserFactory

from .factories import ImageFactory, make_content_page

pytestmark = pytest.mark.django_db


def list_block(items):
    """ListBlock form data: like a stream, each item with its own value/deleted/order."""
    data = {str(i): {"value": item, "deleted": "", "order": str(i), "id": ""} for i, item in enumerate(items)}
    data["count"] = str(len(items))
    return data


def page_form(title, slug, body, **extra):
    return nested_form_data({"title": title, "slug": slug, "intro": "", "body": streamfield(body), **extra})


def full_body(image):
    return [
        ("heading", {"text": "What we cannot ship", "level": "h2"}),
        ("rich_text", rich_text("<p>Check <b>before</b> you order.</p>")),
        ("image", {"image": image.pk, "alt": "Batteries", "caption": ""}),
        ("call_to_action", {"label": "Fee policy", "page": "", "url": "https://bidangil.example/fees/"}),
        (
            "faq",
            {
                "title": "Questions",
                "items": list_block([{"question": "Perfume?", "answer": rich_text("<p>No.</p>")}]),
            },
        ),
        (
            "restricted_items",
            {
                "title": "",
                "rows": list_block(
                    [
                        {"item": "Batteries", "reason": "Fire risk", "allowed": "on", "notes": "In device"},
                        {"item": "Knives", "reason": "Weapons", "notes": ""},
                    ]
                ),
            },
        ),
        ("fee_table", {"title": "Fees", "rows": list_block([{"label": "Agency", "value": "4%", "note": ""}])}),
    ]


@pytest.fixture
def editor_client(client):
    editor = EditorFactory()
    client.force_login(editor)
    client.user = editor
    return client


@pytest.fixture
def moderator_client(client):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    return client


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("cms", "contentpage", parent.pk))


def test_editor_creates_a_content_page_draft_with_every_block(editor_client, home, api_client):
    image = ImageFactory()

    response = editor_client.post(add_url(home), page_form("Restricted items", "restricted-items", full_body(image)))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ContentPage.objects.get(slug="restricted-items")
    assert page.get_parent().pk == home.pk
    assert page.owner == editor_client.user
    assert not page.live  # editors draft; moderators publish
    assert page.revisions.count() == 1
    assert [block.block_type for block in page.body] == [
        "heading",
        "rich_text",
        "image",
        "call_to_action",
        "faq",
        "restricted_items",
        "fee_table",
    ]
    rows = page.body[5].value["rows"]
    assert [(row["item"], row["allowed"]) for row in rows] == [("Batteries", True), ("Knives", False)]
    assert api_client.get(f"/api/cms/v2/pages/{page.pk}/").status_code == 404


def test_moderator_publishes_and_the_api_shows_it(moderator_client, home, api_client):
    image = ImageFactory()
    form = page_form("Fees", "fees", full_body(image), **{"action-publish": "action-publish"})

    response = moderator_client.post(add_url(home), form)

    assert response.status_code == 302
    page = ContentPage.objects.get(slug="fees")
    assert page.live
    data = api_client.get(f"/api/cms/v2/pages/{page.pk}/").json()
    assert data["body"][5]["value"]["rows"][0] == {
        "item": "Batteries",
        "reason": "Fire risk",
        "allowed": True,
        "notes": "In device",
    }


def test_editor_edits_a_page_and_the_live_version_waits_for_publishing(editor_client, home, api_client):
    page = make_content_page(home, title="FAQ", intro="Old intro")
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    assert editor_client.get(edit_url).status_code == 200

    body = [("heading", {"text": "New heading", "level": "h3"})]
    response = editor_client.post(edit_url, {**page_form("FAQ", "faq", body), "intro": "New intro"})

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().intro == "New intro"
    assert api_client.get(f"/api/cms/v2/pages/{page.pk}/").json()["intro"] == "Old intro"


@pytest.mark.parametrize(
    ("cta", "message"),
    [
        ({"label": "Go", "page": "", "url": ""}, "one of the two"),
        ({"label": "Go", "page": "PAGE", "url": "https://example.com/"}, "one of the two"),
    ],
)
def test_call_to_action_needs_exactly_one_target(editor_client, home, cta, message):
    if cta["page"] == "PAGE":
        cta = {**cta, "page": home.pk}
    pages_before = Page.objects.count()

    response = editor_client.post(add_url(home), page_form("Bad", "bad", [("call_to_action", cta)]))

    assert response.status_code == 200  # the form comes back with errors
    assert message in response.content.decode()
    assert Page.objects.count() == pages_before


def test_image_block_requires_alt_text_to_publish(moderator_client, home):
    image = ImageFactory()
    body = [("image", {"image": image.pk, "alt": "", "caption": ""})]
    form = page_form("No alt", "no-alt", body, **{"action-publish": "action-publish"})

    response = moderator_client.post(add_url(home), form)

    assert response.status_code == 200  # the form comes back with errors
    assert not ContentPage.objects.filter(slug="no-alt").exists()


def test_rich_text_drops_features_outside_the_allowed_list(editor_client, home):
    body = [("rich_text", rich_text("<h2>Big</h2><p>ok <code>x</code></p>"))]

    editor_client.post(add_url(home), page_form("Plain", "plain", body))

    source = ContentPage.objects.get(slug="plain").body[0].value.source
    assert "<h2>" not in source
    assert "<code>" not in source
    assert "ok" in source


def test_page_type_placement(home):
    root = Page.get_first_root_node()
    guide = make_content_page(home, title="Guide")

    assert ContentPage.can_create_at(home)
    assert ContentPage.can_create_at(guide)
    assert not ContentPage.can_create_at(root)
    assert not HomePage.can_create_at(home)
    # HomePage does not restrict its children: the community's category index pages live under it too
    assert ContentPage in HomePage.allowed_subpage_models()
    assert not hasattr(HomePage, "subpage_types")


def test_multiple_page_chooser_answers_for_the_root_and_junk_ids(client, home):
    """Wagtail's own view raised on the tree root (no parent); junk ids matched nothing but broke the query."""
    client.force_login(EditorFactory())
    response = client.get(
        "/admin/choose-page/chosen-multiple/", {"id": [Page.objects.get(depth=1).pk, home.pk, "x", "9" * 30]}
    )

    assert response.status_code == 200
    assert [page["id"] for page in response.json()["result"]] == [home.pk]
