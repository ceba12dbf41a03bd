"""Parcel photos are order documents: random names, private storage, links only for the customer and staff."""

import importlib
import os
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import signing
from django.test import Client

from bidangil.storage import PrivateS3Storage
from commerce.shipping.models import ParcelPhoto
from tests.accounts.factories import EditorFactory, OrderStaffFactory, UserFactory
from tests.commerce.factories import purchased_order, us_rates
from tests.commerce.shipping_helpers import image_upload

pytestmark = pytest.mark.django_db

INTAKE = {"weight_g": 1800, "length_cm": "30", "width_cm": "20", "height_cm": "10", "notes": ""}


@pytest.fixture
def photographed(staff_client):
    """An order at delivery_quoted with two parcel photos, recorded through the staff API."""
    us_rates()
    order = purchased_order()
    photos = [image_upload("front.png"), image_upload("side.jpg", "JPEG")]
    response = staff_client.post(
        f"/api/v1/staff/orders/{order.number}/intake/", {**INTAKE, "photos": photos}, format="multipart"
    )
    assert response.status_code == 200, response.content
    return order


def photo_links(client, order, *, staff=False):
    prefix = "/api/v1/staff/orders/" if staff else "/api/v1/orders/"
    response = client.get(f"{prefix}{order.number}/")
    assert response.status_code == 200, response.content
    return response.json()["parcel"]["photos"]


def test_photos_get_random_names_in_private_storage(photographed, settings):
    names = [photo.image.name for photo in ParcelPhoto.objects.filter(parcel__order=photographed)]
    assert len(set(names)) == 2
    for name in names:
        assert photographed.number not in name and "front" not in name and "side" not in name
        assert len(os.path.basename(name).split(".")[0]) >= 32  # 24 random bytes, URL-safe
        assert os.path.exists(os.path.join(settings.PRIVATE_MEDIA_ROOT, name))
        assert not os.path.exists(os.path.join(settings.MEDIA_ROOT, name))
        assert Client().get(f"/media/{name}").status_code == 404  # nothing under the public media URL


def test_customer_and_staff_links_open_the_photo(photographed, client_for, staff_client):
    for links in (
        photo_links(client_for(photographed.user), photographed),
        photo_links(staff_client, photographed, staff=True),
    ):
        assert len(links) == 2
        for link in links:
            assert "/api/v1/parcel-photos/" in link and photographed.number not in link
            response = Client().get(urlparse(link).path)  # an <img> tag: no credentials needed, the link is signed
            assert response.status_code == 200
            assert response["Cache-Control"] == "private, no-store"
            body = b"".join(response.streaming_content)
            assert body.startswith((b"\x89PNG", b"\xff\xd8\xff"))  # the PNG and the JPEG as uploaded


def test_nobody_else_gets_a_link(photographed, client_for):
    stranger = client_for(UserFactory())
    assert stranger.get(f"/api/v1/orders/{photographed.number}/").status_code == 404
    assert stranger.get(f"/api/v1/staff/orders/{photographed.number}/").status_code == 403
    editor = client_for(EditorFactory())
    assert editor.get(f"/api/v1/staff/orders/{photographed.number}/").status_code == 403


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token, pk: token[:-2] + ("AA" if not token.endswith("AA") else "BB"), id="bad-signature"),
        pytest.param(lambda token, pk: token.replace(f"{pk}:", f"{pk + 1}:", 1), id="other-photo"),
        pytest.param(lambda token, pk: str(pk), id="bare-id"),
        pytest.param(lambda token, pk: signing.TimestampSigner(salt="other").sign(str(pk)), id="other-salt"),
    ],
)
def test_forged_links_are_404(photographed, client_for, tamper):
    link = photo_links(client_for(photographed.user), photographed)[0]
    token = urlparse(link).path.rstrip("/").rsplit("/", 1)[1]
    pk = int(token.split(":")[0])
    response = Client().get(f"/api/v1/parcel-photos/{tamper(token, pk)}/")
    assert response.status_code == 404


def test_links_expire(photographed, client_for, settings):
    link = photo_links(client_for(photographed.user), photographed)[0]
    settings.PRIVATE_MEDIA_LINK_MAX_AGE = -1  # every link is older than that
    assert Client().get(urlparse(link).path).status_code == 404


def test_link_is_read_only(photographed, client_for):
    link = urlparse(photo_links(client_for(photographed.user), photographed)[0]).path
    assert Client().post(link).status_code == 405
    assert Client().delete(link).status_code == 405
    assert ParcelPhoto.objects.filter(parcel__order=photographed).count() == 2


def test_admin_order_screen_shows_the_signed_links(photographed):
    browser = Client()
    browser.force_login(OrderStaffFactory())
    page = browser.get(f"/admin/orders/{photographed.pk}/").content.decode()
    assert page.count("/api/v1/parcel-photos/") == 4  # link and image of each photo
    for photo in ParcelPhoto.objects.filter(parcel__order=photographed):
        assert photo.image.name not in page


def test_with_s3_the_link_redirects_to_a_short_lived_signed_url(photographed, client_for, monkeypatch):
    s3 = PrivateS3Storage(
        bucket_name="bidangil-test", access_key="AKIATEST", secret_key="secret", region_name="us-east-1"
    )
    monkeypatch.setattr(ParcelPhoto._meta.get_field("image"), "storage", s3)
    link = photo_links(client_for(photographed.user), photographed)[0]
    response = Client().get(urlparse(link).path)
    assert response.status_code == 302
    target = urlparse(response["Location"])
    query = parse_qs(target.query)
    assert "/private/parcels/" in target.path
    assert query["Signature"] and 0 < int(query["Expires"][0]) - time.time() <= 60


def test_photos_stored_before_move_out_of_public_media(photographed, settings):
    """The migration that made photos private moves older ones (public, named after the order) and renames them."""
    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    photo = ParcelPhoto.objects.filter(parcel__order=photographed).first()
    old_name = default_storage.save(f"parcels/2026/11/{photographed.number}.png", ContentFile(b"\x89PNG old"))
    ParcelPhoto.objects.filter(pk=photo.pk).update(image=old_name)
    migration = importlib.import_module("commerce.migrations.0006_private_parcel_photos")

    migration.move_to_private_storage(apps, None)

    photo.refresh_from_db()
    assert photo.image.name != old_name and photographed.number not in photo.image.name
    assert not default_storage.exists(old_name)
    assert photo.image.storage.open(photo.image.name).read() == b"\x89PNG old"


def test_photo_metadata_is_stripped(staff_client):
    """A phone photo's EXIF (GPS position, camera) is not stored: the pixels are re-encoded."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # orientation: rotate
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 20, 30)).save(buffer, format="JPEG", exif=exif.tobytes())
    buffer.write(b"trailing bytes after the image")
    upload = SimpleUploadedFile("cam.jpg", buffer.getvalue(), content_type="image/jpeg")
    us_rates()
    order = purchased_order()
    response = staff_client.post(
        f"/api/v1/staff/orders/{order.number}/intake/", {**INTAKE, "photos": [upload]}, format="multipart"
    )
    assert response.status_code == 200, response.content
    photo = ParcelPhoto.objects.get(parcel__order=order)
    with photo.image.open() as f:
        data = f.read()
    assert b"SecretCam" not in data and b"trailing bytes" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert dict(stored.getexif()) == {}
        assert stored.size == (20, 40)  # orientation applied to the pixels
