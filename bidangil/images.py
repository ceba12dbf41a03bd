"""Bounds for every image we decode: member uploads, parcel photos and generated avatars.

`Image.open` reads only the header. The formats a caller accepts are the only ones Pillow tries (no TIFF, PSD or
ICNS parser runs on member bytes), and the size and frame count the header declares are checked here before any
pixel is decoded, so an image bomb (a small file declaring a huge canvas or thousands of frames) costs a header read.
"""

from collections.abc import Iterable

from PIL import Image

MAX_PIXELS = 24_000_000  # one frame: a 6000 x 4000 photo
MAX_FRAMES = 100
MAX_ANIMATION_PIXELS = 50_000_000  # frames x area: what decoding every frame costs

# Pillow's own guard (a warning past it, an error past twice it), also for the images Wagtail renders itself.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageTooLarge(ValueError):
    """The image declares more pixels or frames than we decode."""


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
        raise ImageTooLarge(f"The image is larger than {MAX_PIXELS // 1_000_000} megapixels.") from exc
    try:
        width, height = image.size
        area = width * height
        if area > MAX_PIXELS:
            raise ImageTooLarge(f"The image is larger than {MAX_PIXELS // 1_000_000} megapixels.")
        frames = _frame_count(image)
        if frames > MAX_FRAMES:
            raise ImageTooLarge(f"The image has more than {MAX_FRAMES} frames.")
        if frames * area > MAX_ANIMATION_PIXELS:
            raise ImageTooLarge("The animation has too many frames for its size.")
    except BaseException:
        image.close()
        raise
    return image
