"""Image bombs are refused from their header, before any pixel is decoded, wherever members or providers send
images; what is decoded stays within per-format bounds that keep its CPU cost under a second
(docs/reliability.md has the measurements)."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from bidangil.images import (
    MAX_FRAMES,
    MAX_PIXELS_BY_FORMAT,
    MAX_STORED_EDGE,
    MAX_STORED_PIXELS,
    ImageTooLarge,
    clean_image,
    open_bounded,
    stored_size,
)
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


@pytest.fixture
def decoded(monkeypatch):
    """The size of every image whose pixels Pillow decodes (ImageFile.load), in order."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recording_load(self):
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return sizes


def noise(fmt, width, height, mode="RGB") -> bytes:
    out = io.BytesIO()
    image = Image.frombytes(mode, (width, height), os.urandom(width * height * len(mode)))
    image.save(out, format=fmt, **({"compress_level": 1} if fmt == "PNG" else {}))
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "data"), BOMBS)
def test_a_bomb_is_refused_from_its_header_in_any_format(fmt, data, decoded):
    with pytest.raises(ImageTooLarge):
        open_bounded(io.BytesIO(data), [fmt])
    assert decoded == []


def test_a_gif_of_many_empty_frames_is_counted_only_up_to_the_limit(decoded):
    data = image_bombs.gif(frames=500_000)  # 7.5 MB, under the upload limit; Pillow's n_frames takes seconds
    with pytest.raises(ImageTooLarge, match=f"more than {MAX_FRAMES} frames"):
        open_bounded(io.BytesIO(data), ["GIF"])
    assert decoded == []


HEADERS = {"PNG": image_bombs.png, "GIF": image_bombs.gif, "WEBP": image_bombs.webp}


@pytest.mark.parametrize("fmt", sorted(HEADERS))
def test_each_format_has_its_own_pixel_cap_checked_before_decoding(fmt, decoded):
    """A header declaring one row more than the format's cap is refused unread; exactly the cap opens."""
    cap = MAX_PIXELS_BY_FORMAT[fmt]
    width = 4000
    with pytest.raises(ImageTooLarge, match=f"larger than {cap // 1_000_000} megapixels"):
        open_bounded(io.BytesIO(HEADERS[fmt](width, cap // width + 1)), [fmt])
    with open_bounded(io.BytesIO(HEADERS[fmt](width, cap // width)), [fmt]) as image:
        assert image.size == (width, cap // width)
    assert decoded == []


@pytest.mark.parametrize(("fmt", "size"), [("WEBP", (3200, 3126)), ("JPEG", (6000, 4001)), ("GIF", (6000, 4001))])
def test_over_its_cap_a_real_file_of_each_format_is_refused_unread(fmt, size, decoded):
    data = noise(fmt, *size, mode="L" if fmt == "GIF" else "RGB")
    assert size[0] * size[1] > MAX_PIXELS_BY_FORMAT[fmt]
    with pytest.raises(ImageTooLarge):
        clean_image(data, [fmt])
    assert decoded == []


def test_images_within_the_bounds_open(settings):
    with open_bounded(io.BytesIO(image_bombs.gif(100, 100, frames=MAX_FRAMES)), ["GIF"]) as image:
        image.seek(MAX_FRAMES - 1)
        image.load()


@pytest.mark.parametrize(("fmt", "data"), BOMBS)
def test_post_images_refuse_a_bomb_and_store_nothing(user_client, boards, fmt, data):
    from wagtail.images import get_image_model

    from community.models import PostPage

    body = {"category": "share", "title": "Boxes", "state": "CA", "county": "Orange", "images": [_upload(fmt, data)]}
    response = user_client.post("/api/v1/posts/", body)
    # Formats we do not take are refused unread (400); the others by their declared size (413).
    assert response.status_code == (400 if fmt == "TIFF" else 413), response.content
    assert "Image 1" in response.json()["error"]["message"]
    assert not PostPage.objects.exists() and not get_image_model().objects.exists()


@pytest.mark.parametrize(("fmt", "data"), [bomb for bomb in BOMBS if bomb.values[0] != "GIF"])
def test_parcel_photos_refuse_a_bomb(staff_client, settings, fmt, data):
    from commerce.shipping.models import Parcel
    from tests.commerce.factories import purchased_order, us_rates
    from tests.commerce.test_shipping_api import GOOD_INTAKE

    us_rates()
    order = purchased_order()
    response = staff_client.post(
        f"/api/v1/staff/orders/{order.number}/intake/",
        {**GOOD_INTAKE, "photos": [_upload(fmt, data)]},
        format="multipart",
    )
    assert response.status_code == 400 and "photos" in response.json()["error"]["fields"], response.content
    assert not Parcel.objects.filter(order=order).exists()


@pytest.mark.parametrize(("fmt", "data"), BOMBS)
def test_a_generated_avatar_that_is_a_bomb_is_refused(fmt, data):
    from community.avatars.services import checked_image
    from integrations.ai import AIError

    with pytest.raises(AIError):
        checked_image(data)


@pytest.mark.parametrize(
    ("fmt", "size", "mode"),
    [
        ("JPEG", (6000, 4000), "RGB"),
        ("JPEG", (4898, 4898), "RGB"),
        ("PNG", (3872, 2582), "RGBA"),
        ("PNG", (3162, 3162), "RGBA"),
        ("WEBP", (3872, 2582), "RGB"),
        ("WEBP", (3162, 3162), "RGB"),
    ],
)
def test_the_largest_still_upload_is_decoded_and_stored_within_the_bounds(fmt, size, mode, decoded):
    """Noise at the format's cap (the worst case for every decoder and encoder): decoded once (JPEG at half
    scale), stored within MAX_STORED_EDGE and MAX_STORED_PIXELS whatever the aspect ratio."""
    assert size[0] * size[1] <= MAX_PIXELS_BY_FORMAT[fmt]

    clean = clean_image(noise(fmt, *size, mode=mode), [fmt])

    expected = (size[0] // 2, size[1] // 2) if fmt == "JPEG" else size
    assert decoded[-1] == expected
    assert (clean.width, clean.height) == stored_size(size)
    assert max(clean.width, clean.height) <= MAX_STORED_EDGE
    assert clean.width * clean.height <= MAX_STORED_PIXELS * 1.001
    assert Image.open(io.BytesIO(clean.content)).size == (clean.width, clean.height)


def test_the_stored_size_keeps_the_aspect_within_the_edge_and_the_area():
    assert stored_size((6000, 4000)) == (MAX_STORED_EDGE, 1365)
    assert stored_size((4000, 4000)) == (1774, 1774)
    assert stored_size((800, 600)) == (800, 600)
    assert stored_size((20_000, 10)) == (MAX_STORED_EDGE, 1)
