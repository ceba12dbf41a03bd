import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.models import SiteSettings
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/cms/v2/site-settings/"


def test_site_settings_are_public_with_empty_defaults(api_client):
    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"contact_email": "", "business_hours": "", "announcement": None}


def test_active_announcement_is_exposed(api_client):
    SiteSettings.objects.create(
        contact_email="hello@bidangil.example",
        business_hours="Mon–Fri 10:00–18:00 KST",
        announcement_active=True,
        announcement_text="Chuseok: orders ship after the 20th",
        announcement_link="/how-it-works/",
    )

    data = api_client.get(URL).json()

    assert data == {
        "contact_email": "hello@bidangil.example",
        "business_hours": "Mon–Fri 10:00–18:00 KST",
        "announcement": {"text": "Chuseok: orders ship after the 20th", "link": "/how-it-works/"},
    }


def test_inactive_announcement_is_hidden(api_client):
    SiteSettings.objects.create(announcement_active=False, announcement_text="Old news")

    assert api_client.get(URL).json()["announcement"] is None


def test_site_settings_ignore_a_bad_session_or_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api_client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"announcement_active": True, "announcement_text": ""}, "announcement_text"),
        ({"announcement_link": "javascript:alert(1)"}, "announcement_link"),
        ({"announcement_link": "//evil.example/"}, "announcement_link"),
        ({"contact_email": "not-an-email"}, "contact_email"),
    ],
)
def test_settings_validation(fields, bad_field):
    with pytest.raises(ValidationError) as excinfo:
        SiteSettings(**fields).full_clean()

    assert bad_field in excinfo.value.message_dict


@pytest.mark.parametrize("link", ["/fees/", "https://bidangil.example/fees/", ""])
def test_settings_accept_paths_and_addresses(link):
    SiteSettings(announcement_link=link).full_clean()


def test_admin_edits_the_settings_in_wagtail(client, api_client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("wagtailsettings:edit", args=("cms", "sitesettings")), follow=True)
    assert response.status_code == 200
    url = response.redirect_chain[-1][0]

    response = client.post(
        url,
        {
            "contact_email": "help@bidangil.example",
            "business_hours": "24/7",
            "announcement_active": "on",
            "announcement_text": "Hello",
            "announcement_link": "/faq/",
        },
    )

    assert response.status_code == 302
    assert api_client.get(URL).json()["announcement"] == {"text": "Hello", "link": "/faq/"}
