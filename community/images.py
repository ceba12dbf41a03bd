"""Member uploads: checked (type, size, pixels), re-encoded without metadata, stored as Wagtail images."""

import io
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.models import Collection

from bidangil.errors import InvalidInput
from bidangil.images import ImageTooLarge, open_bounded

from .models import MAX_POST_IMAGES, THUMBNAIL_SPEC

COLLECTION_NAME = "Community uploads"
# Pillow format → file extension; anything else (SVG, TIFF, BMP, HEIC…) is refused unread.
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}


class UploadTooLarge(InvalidInput):
    status_code = 413
    code = "file_too_large"


@dataclass
class CleanImage:
    """An upload that passed the checks, re-encoded (EXIF and other metadata dropped)."""

    name: str
    content: bytes
    width: int
    height: int


def _refuse(index: int, message: str, error=InvalidInput):
    code = "file_too_large" if error is UploadTooLarge else "invalid_image"
    raise error(f"Image {index + 1}: {message}", code=code, fields={"images": [f"Image {index + 1}: {message}"]})


def _reencode(image: PILImage.Image, fmt: str) -> tuple[bytes, tuple[int, int]]:
    out = io.BytesIO()
    if fmt == "GIF":
        image.save(out, format="GIF", save_all=getattr(image, "is_animated", False))
        return out.getvalue(), image.size
    # Apply the EXIF orientation to the pixels, since the EXIF block itself is not written back.
    image = ImageOps.exif_transpose(image)
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=90)
    else:
        image.save(out, format="PNG")
    return out.getvalue(), image.size


def prepare_images(files) -> list[CleanImage]:
    """Check every upload before anything is stored; raise InvalidInput (413 when too large)."""
    files = list(files or [])
    if len(files) > MAX_POST_IMAGES:
        message = f"A post can have at most {MAX_POST_IMAGES} images."
        raise InvalidInput(message, code="too_many_images", fields={"images": [message]})
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    prepared = []
    for index, upload in enumerate(files):
        if upload.size > limit:
            _refuse(index, f"the file is larger than {limit // (1024 * 1024)} MB.", UploadTooLarge)
        try:
            upload.seek(0)
            with open_bounded(upload, FORMATS) as probe:
                probe.verify()
            upload.seek(0)
            with open_bounded(upload, FORMATS) as image:
                fmt = image.format
                image.load()
                content, (width, height) = _reencode(image, fmt)
        except ImageTooLarge as exc:
            _refuse(index, str(exc), UploadTooLarge)
        except UnidentifiedImageError:
            _refuse(index, "this is not an image we can read (use PNG, JPEG, WebP or GIF).")
        except (OSError, SyntaxError, ValueError, EOFError):
            _refuse(index, "the image file is damaged.")
        stem = os.path.splitext(os.path.basename(upload.name or ""))[0][:40] or "image"
        prepared.append(CleanImage(name=f"{stem}.{FORMATS[fmt]}", content=content, width=width, height=height))
    return prepared


def community_collection() -> Collection:
    collection = Collection.objects.filter(name=COLLECTION_NAME, depth=2).first()
    if collection is None:  # created by migration 0003; recreated if an editor deleted it
        collection = Collection.get_first_root_node().add_child(name=COLLECTION_NAME)
    return collection


def store_images(prepared: list[CleanImage], *, owner, title: str, stored_files: list[str]):
    """Save the images (and their thumbnail) as Wagtail images; every file written is added to stored_files."""
    image_model = get_image_model()
    collection = community_collection() if prepared else None
    images = []
    for index, clean in enumerate(prepared):
        image = image_model(
            title=f"{title[:200]} ({index + 1})",
            collection=collection,
            uploaded_by_user=owner,
        )
        image.file.save(clean.name, ContentFile(clean.content), save=False)
        image.width, image.height = clean.width, clean.height
        stored_files.append(image.file.name)
        image._set_image_file_metadata()  # file size and hash, as Wagtail's own upload form does
        image.save()
        rendition = image.get_rendition(THUMBNAIL_SPEC)  # the feed then never renders on a read
        stored_files.append(rendition.file.name)
        images.append(image)
    return images


def delete_files(names: list[str]) -> None:
    """Remove stored files: those of a write that was rolled back (no orphan stays) or of erased data."""
    for name in names:
        if name:
            default_storage.delete(name)
