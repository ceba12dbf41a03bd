"""Error codes of `bidangil`: the `code` of the errors its services raise, as the API returns them."""

CSRF_FAILED = "csrf_failed"
