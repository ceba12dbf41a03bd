import pytest
from django.test import override_settings
from wagtail.images import get_image_model
from wagtail.models import Page

from community.models import FunPostPage, PostPage, ReviewPostPage, SharePostPage
from tests.accounts.factories import UserFactory
from tests.community.factories import image_upload, make_post

pytestmark = pytest.mark.django_db


def test_member_creates_share_post_as_published_wagtail_page(user_client, boards):
    response = user_client.post(
        "/api/v1/posts/",
        {
            "category": "share",
            "title": "Free moving boxes",
            "body": "<p>Ten boxes, <b>free</b></p>",
            "state": "CA",
            "county": "Orange",
            "images": [image_upload("a.png"), image_upload("b.jpg", "JPEG")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    slug = response.json()["slug"]
    assert slug == "free-moving-boxes"
    page = SharePostPage.objects.get(slug=slug)
    assert page.live and page.owner == user_client.user and page.author == user_client.user
    assert page.get_parent().specific == boards["share"]
    assert page.live_revision is not None and page.live_revision.user == user_client.user
    assert (page.state, page.county) == ("CA", "Orange")
    images = [item.image for item in page.images.all()]
    assert len(images) == 2 and all(image.collection.name == "Community uploads" for image in images)

    detail = user_client.get(f"/api/v1/posts/{slug}/").json()
    assert detail["body"] == "<p>Ten boxes, <b>free</b></p>"
    assert detail["region"] == "Orange, CA"
    assert detail["images"][0]["url"].startswith("http://testserver/")
    assert detail["images"][0]["thumbnail"].startswith("http://testserver/")


def test_review_fun_food_and_meetup_posts(user_client, boards):
    review = user_client.post("/api/v1/posts/", {"category": "review", "title": "Fast!", "rating": 4}).json()
    assert ReviewPostPage.objects.get(slug=review["slug"]).rating == 4
    food = user_client.post(
        "/api/v1/posts/",
        {"category": "fun", "subcategory": "food", "title": "Hangang Ramen", "restaurant_address": "1 Main St"},
    )
    assert food.status_code == 201, food.json()
    meetup = user_client.post(
        "/api/v1/posts/",
        {
            "category": "fun",
            "subcategory": "meetup",
            "title": "Hiking club",
            "state": "NY",
            "county": "Queens",
            "meetup_type": "sports",
            "meetup_at": "2030-05-01T10:00:00Z",
        },
    )
    assert meetup.status_code == 201, meetup.json()
    page = FunPostPage.objects.get(slug=meetup.json()["slug"])
    assert (page.subcategory, page.meetup_type, page.state, page.county) == ("meetup", "sports", "NY", "Queens")
    assert page.get_meetup_type_display() == "스포츠"


def test_hangul_title_gets_readable_unique_slugs(user_client, boards):
    first = user_client.post("/api/v1/posts/", {"category": "fun", "subcategory": "chat", "title": "비단길 후기"})
    second = user_client.post("/api/v1/posts/", {"category": "fun", "subcategory": "chat", "title": "비단길 후기"})
    emoji = user_client.post("/api/v1/posts/", {"category": "fun", "subcategory": "chat", "title": "!!!"})
    assert first.json()["slug"] == "bidangil-hugi"
    assert second.json()["slug"] == "bidangil-hugi-2"
    assert emoji.json()["slug"] == "post"
    assert user_client.get("/api/v1/posts/bidangil-hugi-2/").json()["title"] == "비단길 후기"


def _count_state():
    return PostPage.objects.count(), get_image_model().objects.count(), Page.objects.count()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "news", "title": "x"}, "category"),
        ({"category": "fun", "subcategory": "games", "title": "x"}, "subcategory"),
        ({"category": "fun", "title": "x"}, "subcategory"),
        ({"category": "share", "subcategory": "food", "title": "x", "state": "CA", "county": "Orange"}, "subcategory"),
        ({"category": "review", "title": "x", "rating": 0}, "rating"),
        ({"category": "review", "title": "x", "rating": 6}, "rating"),
        ({"category": "review", "title": "x"}, "rating"),
        ({"category": "review", "title": "x", "rating": 5, "order": "BD-NOPE"}, "order"),
        ({"category": "share", "title": "x", "state": "ZZ", "county": "Orange"}, "state"),
        ({"category": "share", "title": "x", "state": "CA", "county": "Queens"}, "county"),
        ({"category": "fun", "subcategory": "food", "title": "x"}, "restaurant_address"),
        ({"category": "fun", "subcategory": "meetup", "title": "x", "state": "CA", "county": "Orange"}, "meetup_type"),
        ({"category": "share", "title": "   ", "state": "CA", "county": "Orange"}, "title"),
        ({"category": "share", "title": "x", "state": "CA", "county": "Orange", "author": 1}, "author"),
    ],
)
def test_bad_post_input_is_a_clear_400_and_writes_nothing(user_client, boards, data, field):
    before = _count_state()
    response = user_client.post("/api/v1/posts/", data)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert _count_state() == before


def test_tenth_image_oversized_and_non_image_uploads_are_refused(user_client, boards, settings):
    base = {"category": "share", "title": "Boxes", "state": "CA", "county": "Orange"}
    before = _count_state()
    too_many = user_client.post("/api/v1/posts/", {**base, "images": [image_upload(f"{i}.png") for i in range(10)]})
    assert too_many.status_code == 400 and too_many.json()["error"]["code"] == "too_many_images"

    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    not_image = user_client.post("/api/v1/posts/", {**base, "images": [image_upload(), text]})
    assert not_image.status_code == 400 and "Image 2" in not_image.json()["error"]["message"]

    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    bmp = SimpleUploadedFile("x.bmp", buffer.getvalue(), content_type="image/bmp")
    assert user_client.post("/api/v1/posts/", {**base, "images": [bmp]}).status_code == 400

    settings.MAX_IMAGE_UPLOAD_BYTES = 200
    big = user_client.post("/api/v1/posts/", {**base, "images": [image_upload(size=(400, 400))]})
    assert big.status_code == 413 and big.json()["error"]["code"] == "file_too_large"
    assert _count_state() == before


# The storage failure is a 500 on purpose.
@pytest.mark.server_error
def test_failure_after_images_were_stored_leaves_no_page_image_or_file(user_client, boards, settings, monkeypatch):
    import os

    from community import services

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.uploads, "store_images", _store_then(services.uploads.store_images, explode))
    before = _count_state()
    with pytest.raises(RuntimeError):
        user_client.post(
            "/api/v1/posts/",
            {"category": "share", "title": "Boxes", "state": "CA", "county": "Orange", "images": [image_upload()]},
        )
    assert _count_state() == before
    media = settings.MEDIA_ROOT
    stored = [name for _, _, names in os.walk(media) for name in names] if os.path.exists(media) else []
    assert stored == []


def _store_then(store, then):
    def wrapper(*args, **kwargs):
        result = store(*args, **kwargs)
        assert kwargs["stored_files"], "files were written"
        then()
        return result

    return wrapper


def test_script_tags_are_sanitised_away(user_client, boards):
    response = user_client.post(
        "/api/v1/posts/",
        {
            "category": "fun",
            "subcategory": "chat",
            "title": "<script>alert(1)</script>Hello",
            "body": '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:evil()">l</a></p>',
        },
    )
    detail = user_client.get(f"/api/v1/posts/{response.json()['slug']}/").json()
    assert detail["title"] == "Hello"
    assert "script" not in detail["body"] and "onclick" not in detail["body"] and "javascript" not in detail["body"]
    assert detail["body"].startswith("<p>Hi")


def test_exif_is_stripped_from_uploads(user_client, boards):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # orientation: rotate
    upload = image_upload("cam.jpg", "JPEG", size=(40, 20), exif=exif.tobytes())
    slug = user_client.post(
        "/api/v1/posts/", {"category": "share", "title": "Cam", "state": "CA", "county": "Orange", "images": [upload]}
    ).json()["slug"]
    image = SharePostPage.objects.get(slug=slug).images.first().image
    with image.open_file() as f, Image.open(f) as stored:
        assert dict(stored.getexif()) == {}
        assert stored.size == (20, 40)  # orientation applied to the pixels


def test_anonymous_cannot_post_and_banned_member_is_403(api_client, user_client, boards):
    assert api_client.post("/api/v1/posts/", {"category": "review", "title": "x", "rating": 5}).status_code in (
        401,
        403,
    )
    user_client.user.profile.is_banned = True
    user_client.user.profile.save()
    response = user_client.post("/api/v1/posts/", {"category": "review", "title": "x", "rating": 5})
    assert response.status_code == 403 and response.json()["error"]["code"] == "banned"


def test_author_edits_and_deletes_own_post_others_get_403(user_client, boards):
    post = make_post(user_client.user, "review", "Great", rating=3)
    other = UserFactory()
    from rest_framework.test import APIClient

    stranger = APIClient()
    stranger.force_authenticate(other)
    assert stranger.patch(f"/api/v1/posts/{post.slug}/", {"title": "Mine now"}).status_code == 403
    assert stranger.delete(f"/api/v1/posts/{post.slug}/").status_code == 403

    response = user_client.patch(f"/api/v1/posts/{post.slug}/", {"title": "Great service", "rating": 5})
    assert response.status_code == 200, response.json()
    assert response.json()["rating"] == 5 and response.json()["title"] == "Great service"
    page = ReviewPostPage.objects.get(pk=post.pk)
    assert page.title == "Great service" and page.slug == post.slug
    assert page.revisions.count() == 2

    assert user_client.patch(f"/api/v1/posts/{post.slug}/", {"rating": 6}).status_code == 400
    assert ReviewPostPage.objects.get(pk=post.pk).rating == 5

    image_count = get_image_model().objects.count()
    assert user_client.delete(f"/api/v1/posts/{post.slug}/").status_code == 204
    assert not PostPage.objects.filter(pk=post.pk).exists()
    assert get_image_model().objects.count() == image_count


def test_editing_replaces_images_and_removes_old_ones(user_client, boards):
    post = make_post(user_client.user, images=[image_upload("a.png")])
    old = post.images.first().image_id
    response = user_client.patch(
        f"/api/v1/posts/{post.slug}/", {"images": [image_upload("b.png"), image_upload("c.png")]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert len(response.json()["images"]) == 2
    assert not get_image_model().objects.filter(pk=old).exists()


def test_moderator_may_edit_and_delete_any_post(boards):
    from rest_framework.test import APIClient

    from tests.accounts.factories import EditorFactory

    post = make_post()
    editor = APIClient()
    editor.force_authenticate(EditorFactory())
    assert editor.patch(f"/api/v1/posts/{post.slug}/", {"body": "tidied"}).status_code == 200
    assert editor.delete(f"/api/v1/posts/{post.slug}/").status_code == 204


@override_settings(COMMUNITY_MODERATE_NEW_MEMBERS=True)
def test_new_member_post_goes_to_moderation_workflow(user_client, boards):
    response = user_client.post("/api/v1/posts/", {"category": "review", "title": "First!", "rating": 5})
    assert response.status_code == 201 and response.json()["live"] is False
    page = ReviewPostPage.objects.get(slug=response.json()["slug"])
    assert not page.live
    assert page.workflow_in_progress
    assert user_client.get("/api/v1/posts/").json()["results"] == []
    assert user_client.get(f"/api/v1/posts/{page.slug}/").status_code == 200  # the author sees it
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/v1/posts/{page.slug}/").status_code == 404


def test_post_rate_limit_is_429_with_message(user_client, boards, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "post": "2/min"})
    for _ in range(2):
        assert user_client.post("/api/v1/posts/", {"category": "review", "title": "x", "rating": 5}).status_code == 201
    response = user_client.post("/api/v1/posts/", {"category": "review", "title": "x", "rating": 5})
    assert response.status_code == 429
    assert response.json()["error"]["message"].startswith("Too many requests")
    assert user_client.get("/api/v1/posts/").status_code == 200  # reading is not throttled
