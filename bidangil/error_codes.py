"""Error codes of `bidangil`: the `code` of the errors its services raise, as the API returns them."""

CSRF_FAILED = "csrf_failed"
FILE_TOO_LARGE = "file_too_large"
INVALID_IMAGE = "invalid_image"
TOO_MANY_IMAGES = "too_many_images"
