import pytest
from django.contrib.auth.models import Group
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.models import ContentPage, HomePage

from .factories import ImageFactory, make_content_page

pytestmark = pytest.mark.django_db

PAGES = "/api/cms/v2/pages/"


def body_with_every_block(image, linked_page):
    return [
        {"type": "heading", "value": {"text": "Before you order", "level": "h2"}},
        {"type": "rich_text", "value": f'<p>See <a linktype="page" id="{linked_page.pk}">the FAQ</a>.</p>'},
        {"type": "image", "value": {"image": image.pk, "alt": "A parcel on a scale", "caption": "Weighing"}},
        {"type": "call_to_action", "value": {"label": "Read the FAQ", "page": linked_page.pk, "url": ""}},
        {"type": "call_to_action", "value": {"label": "Carrier", "page": None, "url": "https://www.fedex.com/"}},
        {
            "type": "faq",
            "value": {"title": "Payments", "items": [{"question": "When?", "answer": "<p><b>Twice</b>.</p>"}]},
        },
        {
            "type": "restricted_items",
            "value": {
                "title": "Restricted",
                "rows": [
                    {"item": "Batteries", "reason": "Fire risk", "allowed": True, "notes": "In device only"},
                    {"item": "Knives", "reason": "Weapons", "allowed": False, "notes": ""},
                ],
            },
        },
        {"type": "fee_table", "value": {"title": "Fees", "rows": [{"label": "Agency", "value": "4%", "note": ""}]}},
    ]


def test_home_page_api_fields_and_hero_renditions(api_client, home):
    home.hero_image = ImageFactory()
    home.hero_heading = "Shop Korea"
    home.body = [{"type": "heading", "value": {"text": "Welcome", "level": "h2"}}]
    home.save_revision().publish()

    data = api_client.get(f"{PAGES}{home.pk}/").json()

    assert data["meta"]["type"] == "cms.HomePage"
    assert data["hero_heading"] == "Shop Korea"
    assert data["hero_image"]["id"] == home.hero_image.pk
    assert data["hero_image_thumbnail"]["url"].endswith(".fill-480x320.png")
    assert data["hero_image_thumbnail"]["full_url"].startswith("http://testserver/media/images/")
    assert (data["hero_image_thumbnail"]["width"], data["hero_image_thumbnail"]["height"]) == (480, 320)
    assert data["hero_image_large"]["width"] == 800  # max-1600x1200 never upscales the 800x600 original
    assert data["body"][0]["type"] == "heading"
    assert data["body"][0]["value"] == {"text": "Welcome", "level": "h2"}


def test_content_page_streamfield_json_shape(api_client, home):
    faq = make_content_page(home, title="FAQ")
    image = ImageFactory()
    page = make_content_page(
        home, title="Guide", intro="Read me", feature_image=image, body=body_with_every_block(image, faq)
    )

    data = api_client.get(f"{PAGES}{page.pk}/").json()

    assert data["meta"]["type"] == "cms.ContentPage"
    assert data["meta"]["parent"]["id"] == home.pk
    assert data["meta"]["html_url"] == "http://testserver/guide/"  # the default site follows SITE_URL
    assert data["intro"] == "Read me"
    assert data["feature_image_thumbnail"]["url"].endswith(".fill-480x320.png")
    blocks = {}
    for block in data["body"]:
        assert set(block) == {"type", "value", "id"}
        blocks.setdefault(block["type"], []).append(block["value"])
    assert blocks["heading"] == [{"text": "Before you order", "level": "h2"}]
    # rich text is display HTML: internal links resolved to the page's URL
    assert blocks["rich_text"] == ['<p>See <a href="/faq/">the FAQ</a>.</p>']
    image_value = blocks["image"][0]
    assert image_value["id"] == image.pk
    assert image_value["alt"] == "A parcel on a scale"
    assert image_value["caption"] == "Weighing"
    assert image_value["thumbnail"]["url"].endswith(".fill-480x320.png")
    assert image_value["thumbnail"]["full_url"].startswith("http://testserver/media/images/")
    assert image_value["large"]["width"] == 800
    assert blocks["call_to_action"] == [
        {"label": "Read the FAQ", "page": faq.pk, "url": "/faq/"},
        {"label": "Carrier", "page": None, "url": "https://www.fedex.com/"},
    ]
    assert blocks["faq"] == [{"title": "Payments", "items": [{"question": "When?", "answer": "<p><b>Twice</b>.</p>"}]}]
    assert blocks["restricted_items"][0]["rows"] == [
        {"item": "Batteries", "reason": "Fire risk", "allowed": True, "notes": "In device only"},
        {"item": "Knives", "reason": "Weapons", "allowed": False, "notes": ""},
    ]
    assert blocks["fee_table"] == [{"title": "Fees", "rows": [{"label": "Agency", "value": "4%", "note": ""}]}]


def test_call_to_action_to_an_unpublished_page_has_no_url(api_client, home):
    draft = make_content_page(home, title="Soon", publish=False)
    page = make_content_page(
        home, title="Teaser", body=[{"type": "call_to_action", "value": {"label": "Soon", "page": draft.pk}}]
    )

    data = api_client.get(f"{PAGES}{page.pk}/").json()

    assert data["body"][0]["value"] == {"label": "Soon", "page": draft.pk, "url": None}


def test_image_block_whose_image_was_deleted_serialises_as_null(api_client, home):
    image = ImageFactory()
    page = make_content_page(
        home, title="Photo", body=[{"type": "image", "value": {"image": image.pk, "alt": "x", "caption": ""}}]
    )
    image.delete()

    data = api_client.get(f"{PAGES}{page.pk}/").json()

    assert data["body"][0]["value"] is None


def test_listing_filters_by_type_and_exposes_api_fields(api_client, home):
    make_content_page(home, title="Fees", intro="What you pay")

    response = api_client.get(PAGES, {"type": "cms.ContentPage", "fields": "intro,feature_image_thumbnail"})

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["title"] == "Fees"
    assert item["intro"] == "What you pay"
    assert item["feature_image_thumbnail"] is None


def test_the_api_answers_compact_json_unless_asked_to_indent(api_client, home):
    make_content_page(home, title="Fees")
    compact = api_client.get(PAGES, {"type": "cms.ContentPage"})
    assert compact.content.startswith(b'{"meta":{"total_count":1}')
    indented = api_client.get(PAGES, {"type": "cms.ContentPage"}, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "meta"') and indented.json() == compact.json()


def test_listing_query_count_does_not_grow_with_pages(api_client, home, django_assert_num_queries, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_CACHE_SECONDS = 0  # each listing is built (tests/test_public_cache.py: served cached)
    params = {"type": "cms.ContentPage", "fields": "intro"}
    make_content_page(home, title="One")
    api_client.get(PAGES, params)  # warm the content type and site caches
    with CaptureQueriesContext(connection) as one:
        assert api_client.get(PAGES, params).status_code == 200
    for n in range(5):
        make_content_page(home, title=f"More {n}")

    with django_assert_num_queries(len(one.captured_queries)):
        response = api_client.get(PAGES, params)
    assert response.json()["meta"]["total_count"] == 6


def test_anonymous_reads_published_pages_but_not_drafts(api_client, home):
    live = make_content_page(home, title="Live")
    draft = make_content_page(home, title="Draft", publish=False)

    listing = api_client.get(PAGES).json()
    ids = {item["id"] for item in listing["items"]}
    assert live.pk in ids
    assert draft.pk not in ids

    response = api_client.get(f"{PAGES}{draft.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unpublished_changes_of_a_live_page_stay_private(api_client, home):
    page = make_content_page(home, title="Fees", intro="Published intro")
    page.intro = "Draft intro"
    page.save_revision()  # saved, not published

    data = api_client.get(f"{PAGES}{page.pk}/").json()

    assert data["intro"] == "Published intro"


@pytest.mark.parametrize("restriction_type", [PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD])
def test_private_pages_and_their_children_are_hidden_even_from_members(user_client, home, restriction_type):
    private = make_content_page(home, title="Staff notes")
    child = make_content_page(private, title="Child notes")
    PageViewRestriction.objects.create(page=private, restriction_type=restriction_type, password="secret-1")

    ids = {item["id"] for item in user_client.get(PAGES).json()["items"]}
    assert {private.pk, child.pk}.isdisjoint(ids)
    assert user_client.get(f"{PAGES}{private.pk}/").status_code == 404
    assert user_client.get(f"{PAGES}{child.pk}/").status_code == 404


def test_find_by_html_path_redirects_to_the_detail(api_client, home):
    page = make_content_page(home, title="Restricted items", slug="restricted-items")

    response = api_client.get(f"{PAGES}find/", {"html_path": "/restricted-items/"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/api/cms/v2/pages/{page.pk}/?")


@pytest.mark.parametrize(
    "params", [{"nonsense": "1"}, {"type": "cms.NoSuchPage"}, {"fields": "no_such_field"}, {"rich_text_format": "x"}]
)
def test_bad_query_is_a_400_in_the_project_error_shape(api_client, home, params):
    response = api_client.get(PAGES, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["message"]


def test_page_api_is_read_only(api_client, home):
    response = api_client.post(PAGES, {"title": "x"}, format="json")

    assert response.status_code == 405
    assert HomePage.objects.count() == 1
    assert not ContentPage.objects.exists()


def test_images_endpoint_is_public(api_client):
    image = ImageFactory(title="Parcel")

    response = api_client.get("/api/cms/v2/images/")

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["Parcel"]
    assert api_client.get(f"/api/cms/v2/images/{image.pk}/").json()["width"] == 800


def test_documents_endpoint_is_public_but_hides_private_collections(api_client):
    from django.core.files.base import ContentFile

    document_model = get_document_model()
    public = document_model.objects.create(title="Price list", file=ContentFile(b"fees", name="fees.txt"))
    private_collection = Collection.get_first_root_node().add_child(name="Internal")
    restriction = CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Editors"))
    document_model.objects.create(
        title="Supplier contracts", collection=private_collection, file=ContentFile(b"x", name="contracts.txt")
    )

    response = api_client.get("/api/cms/v2/documents/")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [public.pk]


# Committed for real: InnoDB full-text indexes only see committed rows (MariaDB runs of the suite).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_finds_pages_by_streamfield_text(api_client, home):
    body = [
        {
            "type": "restricted_items",
            "value": {"title": "", "rows": [{"item": "Lithium batteries", "reason": "Fire", "allowed": True}]},
        }
    ]
    page = make_content_page(home, title="Shipping rules", body=body)
    make_content_page(home, title="Unrelated", intro="Nothing here")

    response = api_client.get(PAGES, {"search": "lithium"})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [page.pk]


def test_posts_hidden_by_a_moderator_leave_the_page_api(api_client, home):
    from community.models import PostPage
    from tests.community.factories import make_boards, make_post

    make_boards()
    visible = make_post(title="Rice cooker to share")
    hidden = make_post(title="Spam spam spam")
    PostPage.objects.filter(pk=hidden.pk).update(is_hidden=True)

    ids = {item["id"] for item in api_client.get(PAGES, {"limit": 20}).json()["items"]}

    assert visible.pk in ids
    assert hidden.pk not in ids
    assert api_client.get(f"{PAGES}{hidden.pk}/").status_code == 404
