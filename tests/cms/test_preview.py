"""Editors preview drafts either rendered here or in the frontend, which reads the draft through a signed token."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail_headless_preview.models import PagePreview

from cms import api as cms_api
from tests.accounts.factories import EditorFactory

from .factories import make_content_page

pytestmark = pytest.mark.django_db

PREVIEW_API = "/api/cms/v2/page_preview/"


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def form(title, text):
    body = streamfield([("rich_text", rich_text(f"<p>{text}</p>"))])
    return nested_form_data({"title": title, "slug": "fees", "intro": "Draft intro", "body": body})


def frontend_preview(client, url, data):
    """Post the editor form to a preview URL, open the frontend mode, return (redirect URL, query)."""
    assert client.post(url, data).json()["is_valid"] is True
    response = client.get(url, {"mode": "frontend"})
    assert response.status_code == 302
    location = response["Location"]
    return location, {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def test_frontend_preview_of_an_edited_page_redirects_and_serves_the_draft(editor_client, home, api_client, settings):
    page = make_content_page(home, title="Fees", slug="fees", intro="Live intro")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))

    location, query = frontend_preview(editor_client, url, form("Fees (draft)", "New rates"))

    assert location.startswith("http://localhost:3000/preview/?")
    assert query["content_type"] == "cms.contentpage"
    response = api_client.get(PREVIEW_API, query)
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == page.pk
    assert data["title"] == "Fees (draft)"
    assert data["intro"] == "Draft intro"
    assert data["body"][0]["value"].endswith(">New rates</p>")
    # the live page is untouched
    assert api_client.get(f"/api/cms/v2/pages/{page.pk}/").json()["title"] == "Fees"


def test_frontend_preview_of_a_new_page(editor_client, home, api_client):
    url = reverse("wagtailadmin_pages:preview_on_add", args=("cms", "contentpage", home.pk))

    _, query = frontend_preview(editor_client, url, form("Brand new", "Hello"))

    data = api_client.get(PREVIEW_API, query).json()
    assert data["title"] == "Brand new"
    assert data["meta"]["type"] == "cms.ContentPage"


def test_home_page_has_the_frontend_mode_too(editor_client, home, api_client):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(home.pk,))
    data = nested_form_data(
        {"title": "Home (draft)", "slug": "home", "hero_heading": "Hi", "hero_intro": "", "body": streamfield([])}
    )

    _, query = frontend_preview(editor_client, url, data)

    assert query["content_type"] == "cms.homepage"
    assert api_client.get(PREVIEW_API, query).json()["hero_heading"] == "Hi"


def test_default_preview_mode_renders_the_page_here(editor_client, home):
    page = make_content_page(home, title="Fees", slug="fees")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    editor_client.post(url, form("Fees (draft)", "Rendered by Django"))

    response = editor_client.get(url)

    assert response.status_code == 200
    assert "Rendered by Django" in response.content.decode()


@pytest.fixture
def preview_token(editor_client, home):
    page = make_content_page(home, title="Fees", slug="fees")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    _, query = frontend_preview(editor_client, url, form("Fees (draft)", "x"))
    return query["token"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"content_type": "cms.contentpage"},
        {"content_type": "cms.contentpage", "token": "id=1:forged:signature"},
        {"content_type": "cms.homepage", "token": "TOKEN"},  # a token for another page type
        {"content_type": "accounts.user", "token": "TOKEN"},  # not a page
        {"content_type": "nonsense", "token": "TOKEN"},
    ],
)
def test_bad_preview_requests_are_404(api_client, preview_token, params):
    params = {key: value.replace("TOKEN", preview_token) for key, value in params.items()}

    response = api_client.get(PREVIEW_API, params)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_expired_preview_token_is_404(api_client, preview_token, monkeypatch):
    params = {"content_type": "cms.contentpage", "token": preview_token}
    assert api_client.get(PREVIEW_API, params).status_code == 200

    monkeypatch.setattr(cms_api, "PREVIEW_TOKEN_MAX_AGE", -1)

    assert api_client.get(PREVIEW_API, params).status_code == 404


def test_validly_signed_token_without_a_stored_preview_is_404(api_client, preview_token):
    PagePreview.objects.filter(content_type=ContentType.objects.get(app_label="cms", model="contentpage")).delete()

    response = api_client.get(PREVIEW_API, {"content_type": "cms.contentpage", "token": preview_token})

    assert response.status_code == 404
