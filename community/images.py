"""Member uploads: checked (type, size, pixels), re-encoded without metadata, stored as Wagtail images."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Collection

from bidangil.images import StoredImage, prepare_uploads

from .limits import POST_MAX_IMAGES
from .models import THUMBNAIL_SPEC

COLLECTION_NAME = "Community uploads"


def prepare_images(files) -> list[StoredImage]:
    """Check every upload before anything is stored; raise InvalidInput (413 when too large)."""
    message = _("A post can have at most %(post_max_images)s images.") % {"post_max_images": POST_MAX_IMAGES}
    return prepare_uploads(files, max_count=POST_MAX_IMAGES, too_many=message)


def community_collection() -> Collection:
    collection = Collection.objects.filter(name=COLLECTION_NAME, depth=2).first()
    if collection is None:  # created by migration 0003; recreated if an editor deleted it
        collection = Collection.get_first_root_node().add_child(name=COLLECTION_NAME)
    return collection


def store_images(prepared: list[StoredImage], *, owner, title: str, stored_files: list[str]):
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
        image.file.save(clean.name, ContentFile(clean.image.content), save=False)
        image.width, image.height = clean.image.width, clean.image.height
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
