"""Every image we accept (member uploads, parcel photos, generated avatars) goes through `clean_image`.

It opens the file with bounds, verifies it, decodes it and re-encodes the pixels, so what we store is never the
sender's bytes: EXIF (GPS position, camera serial), ICC profiles, comments and anything appended are dropped.

`Image.open` reads only the header. The formats a caller accepts are the only ones Pillow tries (no TIFF, PSD or
ICNS parser runs on member bytes), and the size and frame count the header declares are checked here before any
pixel is decoded, so an image bomb (a small file declaring a huge canvas or thousands of frames) costs a header read.
"""

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from bidangil import error_codes
from bidangil.errors import InvalidInput, TooLarge

# Per format, the most pixels one frame may declare: what decoding, shrinking and re-encoding the worst case (noise)
# costs in under a second of CPU (measured in docs/reliability.md). JPEG is decoded at 1/2 to 1/8 scale (draft
# mode), so it may be largest; WebP has no reduced decoding and is the slowest to decode.
MAX_PIXELS_BY_FORMAT = {"JPEG": 24_000_000, "GIF": 24_000_000, "PNG": 10_000_000, "WEBP": 10_000_000}
MAX_PIXELS = max(MAX_PIXELS_BY_FORMAT.values())  # one frame of any format: a 6000 x 4000 photo
MAX_FRAMES = 100
MAX_ANIMATION_PIXELS = 20_000_000  # frames x area: what decoding and re-encoding every frame costs
# Still images are stored at most this many pixels on their long edge and in all (a 4:3 photo at 2048 x 1536):
# what screens show, and it bounds what re-encoding costs whatever the aspect ratio.
MAX_STORED_EDGE = 2048
MAX_STORED_PIXELS = 2048 * 1536

# Pillow's own guard (a warning past it, an error past twice it), also for the images Wagtail renders itself.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


# Pillow format -> file extension, for the formats any caller accepts.
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}


class ImageRefused(ValueError):
    """Not an image we store; the message says why in one sentence fragment."""


class ImageTooLarge(ImageRefused):
    """The image declares more pixels or frames than we decode."""


class UnreadableImage(ImageRefused):
    """Not one of the accepted formats, or not an image at all."""


class DamagedImage(ImageRefused):
    """The header parses but the data does not decode."""


@dataclass(frozen=True)
class CleanImage:
    """Re-encoded pixels, with no metadata of the original file."""

    content: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def _frame_count(image: Image.Image) -> int:
    """`n_frames`, except that a GIF is counted only up to MAX_FRAMES + 1.

    Pillow counts GIF frames by reading every frame header, which for a 10 MB file of empty frames takes seconds.
    """
    if image.format != "GIF":
        return getattr(image, "n_frames", 1)
    try:
        while image.tell() <= MAX_FRAMES:
            image._seek(image.tell() + 1, False)  # what GifImageFile.n_frames does, without decoding a frame
    except EOFError:
        pass
    count = image.tell() + 1
    image.seek(0)
    return count


def open_bounded(file, formats: Iterable[str]) -> Image.Image:
    """`Image.open` trying only `formats`, then the bounds; raises ImageTooLarge before decoding anything.

    Pillow's own errors for unreadable files (UnidentifiedImageError, OSError, SyntaxError…) pass through.
    """
    try:
        image = Image.open(file, formats=list(formats))
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(
            _("The image is larger than %(megapixels)s megapixels.") % {"megapixels": MAX_PIXELS // 1_000_000}
        ) from exc
    try:
        width, height = image.size
        area = width * height
        limit = MAX_PIXELS_BY_FORMAT.get(image.format, MAX_PIXELS)
        if area > limit:
            raise ImageTooLarge(
                _("The image is larger than %(megapixels)s megapixels.") % {"megapixels": limit // 1_000_000}
            )
        frames = _frame_count(image)
        if frames > MAX_FRAMES:
            raise ImageTooLarge(_("The image has more than %(max_frames)s frames.") % {"max_frames": MAX_FRAMES})
        if frames > 1 and frames * area > MAX_ANIMATION_PIXELS:
            raise ImageTooLarge(_("The animation has too many frames for its size."))
    except BaseException:
        image.close()
        raise
    return image


def _reencode(image: Image.Image, fmt: str) -> tuple[bytes, tuple[int, int]]:
    out = io.BytesIO()
    if fmt == "GIF":
        image.save(out, format="GIF", save_all=getattr(image, "is_animated", False))
        return out.getvalue(), image.size
    if stored_size(image.size) != image.size:
        image = image.resize(stored_size(image.size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    # Apply the EXIF orientation to the (shrunk) pixels, since the EXIF block itself is not written back.
    image = ImageOps.exif_transpose(image)
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=85, method=0)  # the fastest method: its cost is per stored pixel
    else:
        image.save(out, format="PNG")
    return out.getvalue(), image.size


def stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a still image of `size` is stored at: its aspect ratio within MAX_STORED_EDGE and MAX_STORED_PIXELS."""
    width, height = size
    scale = min(1, MAX_STORED_EDGE / max(width, height), (MAX_STORED_PIXELS / (width * height)) ** 0.5)
    return max(1, round(width * scale)), max(1, round(height * scale))


def clean_image(file, formats: Iterable[str]) -> CleanImage:
    """Open with bounds, verify, decode and re-encode `file` (bytes or a file object) in its own format.

    Raises ImageTooLarge, UnreadableImage or DamagedImage (all ImageRefused); a file object is left at offset 0.
    """
    formats = list(formats)
    if isinstance(file, bytes):
        file = io.BytesIO(file)
    try:
        file.seek(0)
        with open_bounded(file, formats) as probe:
            probe.verify()  # checks the structure (CRCs, chunk order) without decoding
        file.seek(0)
        with open_bounded(file, formats) as image:  # verify() leaves the image unusable: open it again
            fmt = image.format
            if fmt == "JPEG":  # libjpeg scales by 1/2, 1/4 or 1/8 while decoding, down to the stored size
                image.draft("RGB", stored_size(image.size))
            image.load()
            content, (width, height) = _reencode(image, fmt)
    except ImageRefused:
        raise
    except UnidentifiedImageError as exc:
        raise UnreadableImage("not an image we can read") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DamagedImage("the image file is damaged") from exc
    finally:
        if not file.closed:  # Pillow closes the file when it gives up on a multi-frame image
            file.seek(0)
    return CleanImage(content=content, format=fmt, width=width, height=height)


# What members may upload (post and order-message images); anything else (SVG, TIFF, BMP, HEIC…) is refused unread.
UPLOAD_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


@dataclass(frozen=True)
class StoredImage:
    """An upload that passed the checks, re-encoded, with the file name it is stored under."""

    name: str
    image: CleanImage


def _refuse(index: int, message: str, error=InvalidInput):
    code = error_codes.FILE_TOO_LARGE if error is TooLarge else error_codes.INVALID_IMAGE
    raise error(f"Image {index + 1}: {message}", code=code, fields={"images": [f"Image {index + 1}: {message}"]})


def prepare_uploads(files, *, max_count: int, too_many: str) -> list[StoredImage]:
    """Check every member upload before anything is stored: at most `max_count` (else InvalidInput `too_many`),
    each at most MAX_IMAGE_UPLOAD_BYTES (413) and an image clean_image accepts (400)."""
    files = list(files or [])
    if len(files) > max_count:
        raise InvalidInput(too_many, code=error_codes.TOO_MANY_IMAGES, fields={"images": [too_many]})
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    prepared = []
    for index, upload in enumerate(files):
        if upload.size > limit:
            _refuse(index, f"the file is larger than {limit // (1024 * 1024)} MB.", TooLarge)
        try:
            clean = clean_image(upload, UPLOAD_FORMATS)
        except ImageTooLarge as exc:
            _refuse(index, str(exc), TooLarge)
        except UnreadableImage:
            _refuse(index, "this is not an image we can read (use PNG, JPEG, WebP or GIF).")
        except DamagedImage:
            _refuse(index, "the image file is damaged.")
        stem = os.path.splitext(os.path.basename(upload.name or ""))[0][:40] or "image"
        prepared.append(StoredImage(name=f"{stem}.{clean.extension}", image=clean))
    return prepared
