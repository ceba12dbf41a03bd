"""Content in English and Korean: the locales, the page API's locale filter, pages served per language, the
editors' translation workflow (wagtail-localize) and the Wagtail admin in Korean."""

import pytest
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from cms.models import HomePage
from community.models import CommunityIndexPage, PostPage
from tests.accounts.factories import EditorFactory, UserFactory
from tests.community.factories import make_boards, make_post

from .factories import make_content_page

pytestmark = pytest.mark.django_db


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def translate(page, **fields):
    """A published Korean translation of `page` (its parents are made Korean aliases when missing)."""
    korean = page.specific.copy_for_translation(locale("ko"), copy_parents=True)
    for field, value in fields.items():
        setattr(korean, field, value)
    korean.save_revision().publish()
    korean.refresh_from_db()
    return korean


@pytest.fixture
def fees(home):
    return make_content_page(home, title="Fee policy", slug="fees", intro="What you pay, and when.")


@pytest.fixture
def korean_fees(fees):
    return translate(fees, title="수수료 안내", intro="무엇을, 언제 결제하는지 알려 드립니다.")


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.user = admin
    return client


# --- Locales ---------------------------------------------------------------------------------------------


def test_english_and_korean_locales_exist_and_the_home_page_keeps_english(home):
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"en", "ko"}
    assert home.locale.language_code == "en"
    assert Locale.get_default().language_code == "en"


def test_a_new_page_takes_its_parents_locale(home, korean_fees):
    korean_guide = make_content_page(korean_fees.get_parent(), title="안내", slug="guide")

    assert korean_guide.locale.language_code == "ko"
    assert make_content_page(home, title="Guide").locale.language_code == "en"


# --- Page API ---------------------------------------------------------------------------------------------


def test_page_api_filters_by_locale(api_client, home, fees, korean_fees):
    korean = api_client.get("/api/cms/v2/pages/?locale=ko").json()
    english = api_client.get("/api/cms/v2/pages/?locale=en").json()
    every = api_client.get("/api/cms/v2/pages/").json()

    assert {(item["title"], item["meta"]["locale"]) for item in korean["items"]} == {
        ("Bidangil", "ko"),  # the Korean home, an alias until an editor translates it
        ("수수료 안내", "ko"),
    }
    assert {item["title"] for item in english["items"]} == {"Bidangil", "Fee policy"}
    assert {item["meta"]["locale"] for item in english["items"]} == {"en"}
    assert every["meta"]["total_count"] == 4
    (korean_item,) = [item for item in korean["items"] if item["id"] == korean_fees.pk]
    assert korean_item["meta"]["html_url"] == "http://testserver/ko/fees/"


def test_page_api_lists_the_translations_of_a_page(api_client, fees, korean_fees):
    body = api_client.get(f"/api/cms/v2/pages/?translation_of={fees.pk}").json()

    assert [item["id"] for item in body["items"]] == [korean_fees.pk]
    detail = api_client.get(f"/api/cms/v2/pages/{korean_fees.pk}/").json()
    assert detail["meta"]["locale"] == "ko"
    assert detail["intro"] == "무엇을, 언제 결제하는지 알려 드립니다."


@pytest.mark.parametrize("code", ["xx", "", "ko-kr", "en-us"])
def test_an_unknown_locale_is_a_400_naming_the_known_ones(api_client, home, code):
    response = api_client.get(f"/api/cms/v2/pages/?locale={code}")

    assert response.status_code == 400
    assert response.json()["error"] == {"code": "invalid", "message": "locale must be one of: en, ko", "fields": {}}


def test_locale_listing_queries_do_not_grow_with_pages(api_client, home, settings):
    settings.PUBLIC_CACHE_SECONDS = 0  # each listing is built

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/cms/v2/pages/?locale=ko&type=cms.ContentPage").status_code == 200
        return len(captured)

    translate(make_content_page(home, title="One"))
    queries()  # warm the content type and site caches
    few = queries()
    for title in ("Two", "Three", "Four"):
        translate(make_content_page(home, title=title))

    assert queries() == few


def test_find_by_html_path_follows_the_language_prefix(api_client, fees, korean_fees):
    korean = api_client.get("/api/cms/v2/pages/find/?html_path=/ko/fees/")
    english = api_client.get("/api/cms/v2/pages/find/?html_path=/fees/")
    korean_home = api_client.get("/api/cms/v2/pages/find/?html_path=/ko/")

    assert korean.status_code == english.status_code == korean_home.status_code == 302
    assert f"/api/cms/v2/pages/{korean_fees.pk}/" in korean["Location"]
    assert f"/api/cms/v2/pages/{fees.pk}/" in english["Location"]
    assert f"/api/cms/v2/pages/{korean_fees.get_parent().pk}/" in korean_home["Location"]
    missing = api_client.get("/api/cms/v2/pages/find/?html_path=/ko/nothing/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_find_by_html_path_does_not_reach_a_draft_translation(api_client, fees):
    draft = fees.copy_for_translation(locale("ko"), copy_parents=True)
    draft.live = False
    draft.save()

    assert api_client.get("/api/cms/v2/pages/find/?html_path=/ko/fees/").status_code == 404


# --- Site pages --------------------------------------------------------------------------------------------


def test_each_language_is_served_at_its_own_path(client, home, fees, korean_fees):
    korean = client.get("/ko/fees/")
    english = client.get("/fees/", HTTP_ACCEPT_LANGUAGE="ko")  # the path decides, not the browser

    assert korean.status_code == english.status_code == 200
    assert "수수료 안내" in korean.content.decode()
    assert korean["Content-Language"] == "ko"
    assert "Fee policy" in english.content.decode()
    assert "수수료 안내" not in english.content.decode()
    assert english["Content-Language"] == "en"
    assert client.get("/ko/fees/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_every_page_type_renders_in_both_languages(client, home, fees):
    korean_home = translate(fees).get_parent().specific
    korean_home.alias_of = None
    korean_home.hero_heading = "어디서든 한국 쇼핑을"
    korean_home.save_revision().publish()

    assert isinstance(korean_home, HomePage)
    for path, text in [
        ("/", "Shop Korea from anywhere"),
        ("/ko/", "어디서든 한국 쇼핑을"),
        ("/fees/", "Fee policy"),
        ("/ko/fees/", "Fee policy"),  # translated from the English page, its title not translated yet
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode(), path
    assert 'lang="ko"' in client.get("/ko/").content.decode()


def test_old_paths_keep_working_and_a_bare_language_prefix_redirects(client, home, korean_fees):
    assert client.get("/ko").status_code == 301
    assert client.get("/ko")["Location"] == "/ko/"
    assert client.get("/fees/").status_code == 200
    assert client.get("/ko/nothing/").status_code == 404
    assert client.get("/healthz").status_code in (200, 503)


def test_community_boards_and_posts_stay_at_their_paths_in_the_default_locale(client, api_client, home):
    make_boards()
    post = make_post(category="share", title="밥솥 나눔해요")

    assert post.locale.language_code == "en"  # the board's: a post is not content of one language
    assert client.get(post.url).status_code == 200
    assert client.get(post.url, HTTP_ACCEPT_LANGUAGE="ko").status_code == 200
    assert client.get(f"/ko{post.url}").status_code == 404
    titles = [item["title"] for item in api_client.get("/api/v1/posts/").json()["results"]]
    assert titles == ["밥솥 나눔해요"]


# --- Translation workflow (wagtail-localize) ---------------------------------------------------------------


def submit_url(page):
    return reverse("wagtail_localize:submit_page_translation", args=[page.pk])


def put_string(client, translation, segment, value):
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    return client.put(url, encode_multipart(BOUNDARY, {"value": value}), content_type=MULTIPART_CONTENT)


def test_an_editor_translates_a_page_into_korean_and_syncs_it(
    admin_client, api_client, home, fees, django_capture_on_commit_callbacks
):
    response = admin_client.post(submit_url(fees), {"locales": [locale("ko").pk]})

    assert response.status_code == 302
    korean = fees.get_translation(locale("ko")).specific
    translation = Translation.objects.get(source__object_id=fees.translation_key, target_locale=locale("ko"))
    segments = {s.string.data: s for s in StringSegment.objects.filter(source=translation.source)}
    assert set(segments) == {"Fee policy", "fees", "What you pay, and when."}  # title, slug, intro
    assert put_string(admin_client, translation, segments["fees"], "fees").status_code == 201
    assert put_string(admin_client, translation, segments["Fee policy"], "수수료 안내").status_code == 201
    assert put_string(admin_client, translation, segments["What you pay, and when."], "언제 무엇을").status_code == 201
    update_url = reverse("wagtail_localize:update_translations", args=[translation.source.pk])
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes once the edit commits
        assert admin_client.post(update_url, {"publish_translations": "on"}).status_code == 302

    korean.refresh_from_db()
    assert korean.live
    assert (korean.title, korean.intro) == ("수수료 안내", "언제 무엇을")
    assert "수수료 안내" in admin_client.get("/ko/fees/").content.decode()
    listing = api_client.get("/api/cms/v2/pages/?locale=ko&type=cms.ContentPage").json()
    assert [item["title"] for item in listing["items"]] == ["수수료 안내"]

    # The English page changes; syncing carries the change into the translation's strings.
    fees.intro = "What you pay."
    fees.save_revision().publish()
    assert admin_client.post(update_url, {}).status_code == 302
    translation.source.refresh_from_db()
    assert StringSegment.objects.filter(source=translation.source, string__data="What you pay.").exists()


def test_translating_the_home_page_with_its_subtree_leaves_community_pages_alone(admin_client, home, fees):
    boards = make_boards()
    post = make_post(category="share")

    response = admin_client.post(submit_url(home), {"locales": [locale("ko").pk], "include_subtree": "on"})

    assert response.status_code == 302
    assert fees.has_translation(locale("ko"))
    assert home.has_translation(locale("ko"))
    assert CommunityIndexPage.objects.count() == len(boards)
    assert PostPage.objects.count() == 1
    assert not post.has_translation(locale("ko"))


@pytest.mark.parametrize("which", ["board", "post"])
def test_community_pages_are_not_translated(admin_client, home, which):
    boards = make_boards()
    page = boards["share"] if which == "board" else make_post(category="share")
    pages = Page.objects.count()

    response = admin_client.post(submit_url(page), {"locales": [locale("ko").pk]}, follow=True)

    assert Page.objects.count() == pages
    assert not Translation.objects.exists()
    assert any("are not translated" in str(message) for message in response.context["messages"])


def test_editors_translate_but_staff_without_page_rights_cannot(client, home, fees):
    editor = EditorFactory()  # Wagtail's Editors group: wagtail-localize gives it the translation permission
    client.force_login(editor)
    assert client.post(submit_url(fees), {"locales": [locale("ko").pk]}).status_code == 302
    assert fees.has_translation(locale("ko"))

    guide = make_content_page(home, title="Guide")
    client.force_login(UserFactory(is_staff=True))  # an admin user in no editing group

    response = client.post(submit_url(guide), {"locales": [locale("ko").pk]})

    assert response.status_code in (302, 403)
    assert not guide.has_translation(locale("ko"))
    assert TranslationSource.objects.count() == 1


def test_anonymous_visitors_cannot_reach_the_translation_views(client, fees):
    response = client.post(submit_url(fees), {"locales": [locale("ko").pk]})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not fees.has_translation(locale("ko"))


# --- The Wagtail admin in Korean ----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "text"), [("ko", "대시보드"), ("en", "Dashboard")])
def test_staff_see_the_admin_in_the_language_they_chose(client, home, language, text):
    editor = EditorFactory()
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    client.force_login(editor)

    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en" if language == "ko" else "ko").content.decode()

    assert f'lang="{language}"' in html
    assert text in html


def test_staff_can_choose_korean_for_the_admin(client, home):
    editor = EditorFactory()
    client.force_login(editor)

    html = client.get("/admin/account/").content.decode()

    assert 'value="ko"' in html
    assert "한국어" in html


def test_frontend_preview_of_a_korean_draft(client, api_client, korean_fees):
    from .test_preview import form, frontend_preview

    client.force_login(EditorFactory())
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(korean_fees.pk,))

    _location, query = frontend_preview(client, url, form("수수료 안내 (초안)", "새 요금"))

    body = api_client.get("/api/cms/v2/page_preview/", query).json()
    assert body["title"] == "수수료 안내 (초안)"
    assert body["meta"]["locale"] == "ko"
    assert body["meta"]["html_url"] == "http://testserver/ko/fees/"


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "translation_of must be a positive integer"), ("999999", "translation_of page doesn't exist")],
)
def test_a_bad_translation_of_is_a_400(api_client, home, value, message):
    response = api_client.get(f"/api/cms/v2/pages/?translation_of={value}")

    assert response.status_code == 400
    assert response.json()["error"]["message"] == message
