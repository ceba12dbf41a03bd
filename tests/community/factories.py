import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import Site

from community import services
from community.models import Category, CommunityIndexPage
from tests.accounts.factories import EditorFactory, UserFactory, in_group  # noqa: F401  (re-exported for tests)


def image_upload(name="photo.png", fmt="PNG", size=(32, 24), color=(200, 40, 40), exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **options)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_boards() -> dict[str, CommunityIndexPage]:
    """One index page per category under the site's root page."""
    root = Site.objects.get(is_default_site=True).root_page
    boards = {}
    for category in Category.values:
        board = CommunityIndexPage.objects.filter(category=category).first()
        if board is None:
            board = root.add_child(
                instance=CommunityIndexPage(title=category.title(), slug=category, category=category)
            )
        boards[category] = board
    return boards


def make_post(author=None, category="share", title="Rice cooker to share", **fields):
    author = author or UserFactory()
    defaults = {
        "review": {"rating": 5},
        "share": {"state": "CA", "county": "Los Angeles"},
        "fun": {"subcategory": "chat"},
    }[category]
    return services.create_post(author=author, category=category, title=title, **{**defaults, **fields})


class ModeratorFactory(EditorFactory):
    """Wagtail's "Moderators" group: may publish, unpublish and delete pages."""

    groups = in_group("Moderators")
