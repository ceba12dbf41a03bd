"""Image bombs are refused from their header, in well under a second, wherever members or providers send images."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bidangil.images import MAX_FRAMES, ImageTooLarge, open_bounded
from tests import image_bombs

BOMBS = [
    pytest.param("PNG", image_bombs.png(), id="png-100000x100000"),
    pytest.param("GIF", image_bombs.gif(65535, 65535), id="gif-65535x65535"),
    pytest.param("WEBP", image_bombs.webp(), id="webp-16000x16000"),
    pytest.param("TIFF", image_bombs.tiff(), id="tiff-100000x100000"),
    pytest.param("GIF", image_bombs.gif(frames=5000), id="gif-5000-frames"),
    pytest.param("GIF", image_bombs.gif(1000, 1000, frames=60), id="gif-60-frames-of-1000x1000"),
]
CONTENT_TYPES = {"PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp", "TIFF": "image/tiff"}


@pytest.fixture
def boards(db):
    from tests.community.factories import make_boards

    return make_boards()


def _upload(fmt, data):
    return SimpleUploadedFile(f"bomb.{fmt.lower()}", data, content_type=CONTENT_TYPES[fmt])


class _CPU:
    def __enter__(self):
        self.start = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.process_time() - self.start


@pytest.mark.parametrize(("fmt", "data"), BOMBS)
def test_a_bomb_is_refused_from_its_header_in_any_format(fmt, data):
    with _CPU() as cpu, pytest.raises(ImageTooLarge):
        open_bounded(io.BytesIO(data), [fmt])
    assert cpu.seconds < 0.1


def test_a_gif_of_many_empty_frames_is_counted_only_up_to_the_limit():
    data = image_bombs.gif(frames=500_000)  # 7.5 MB, under the upload limit; Pillow's n_frames takes seconds
    with _CPU() as cpu, pytest.raises(ImageTooLarge, match=f"more than {MAX_FRAMES} frames"):
        open_bounded(io.BytesIO(data), ["GIF"])
    assert cpu.seconds < 0.1


def test_images_within_the_bounds_open(settings):
    with open_bounded(io.BytesIO(image_bombs.gif(100, 100, frames=MAX_FRAMES)), ["GIF"]) as image:
        image.seek(MAX_FRAMES - 1)
        image.load()


@pytest.mark.parametrize(("fmt", "data"), BOMBS)
def test_post_images_refuse_a_bomb_and_store_nothing(user_client, boards, fmt, data):
    from wagtail.images import get_image_model

    from community.models import PostPage

    body = {"category": "share", "title": "Boxes", "state": "CA", "county": "Orange", "images": [_upload(fmt, data)]}
    with _CPU() as cpu:
        response = user_client.post("/api/v1/posts/", body)
    assert cpu.seconds < 1
    # Formats we do not take are refused unread (400); the others by their declared size (413).
    assert response.status_code == (400 if fmt == "TIFF" else 413), response.content
    assert "Image 1" in response.json()["error"]["message"]
    assert not PostPage.objects.exists() and not get_image_model().objects.exists()


@pytest.mark.parametrize(("fmt", "data"), [bomb for bomb in BOMBS if bomb.values[0] != "GIF"])
def test_parcel_photos_refuse_a_bomb(staff_client, settings, fmt, data):
    from commerce.shipping.models import Parcel
    from tests.commerce.shipping_factories import PurchasedOrderFactory, us_rates
    from tests.commerce.test_shipping_api import GOOD_INTAKE

    us_rates()
    order = PurchasedOrderFactory()
    with _CPU() as cpu:
        response = staff_client.post(
            f"/api/v1/staff/orders/{order.number}/intake/",
            {**GOOD_INTAKE, "photos": [_upload(fmt, data)]},
            format="multipart",
        )
    assert cpu.seconds < 1
    assert response.status_code == 400 and "photos" in response.json()["error"]["fields"], response.content
    assert not Parcel.objects.filter(order=order).exists()


@pytest.mark.parametrize(("fmt", "data"), BOMBS)
def test_a_generated_avatar_that_is_a_bomb_is_refused(fmt, data):
    from community.avatars.services import checked_image
    from integrations.ai import AIError

    with pytest.raises(AIError):
        checked_image(data)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_largest_still_upload_is_stored_at_the_stored_size(fmt):
    """6000 x 4000 of noise (the worst case for every encoder) is decoded, shrunk and re-encoded once."""
    import os

    from PIL import Image

    from bidangil.images import MAX_STORED_EDGE, clean_image

    noise = Image.frombytes("RGB", (6000, 4000), os.urandom(6000 * 4000 * 3))
    upload = io.BytesIO()
    noise.save(upload, format=fmt, **({"lossless": False} if fmt == "WEBP" else {}))

    clean = clean_image(upload.getvalue(), [fmt])

    assert (clean.width, clean.height) == (MAX_STORED_EDGE, MAX_STORED_EDGE * 2 // 3)
    assert Image.open(io.BytesIO(clean.content)).size == (clean.width, clean.height)
