"""Domain errors raised by services; the API turns them into 4xx/5xx JSON, the admin into messages.

Every error class that maps to an HTTP status lives here; the codes a service passes (`code=`) are constants in
the `error_codes.py` of its app.
"""


class DomainError(Exception):
    """A request that is well-formed but not allowed in the current state (HTTP 409)."""

    status_code = 409
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class InvalidInput(DomainError):
    """Input that only a service can judge invalid (HTTP 400)."""

    status_code = 400
    code = "invalid"


class Forbidden(DomainError):
    status_code = 403
    code = "permission_denied"


class NotFound(DomainError):
    """No such object, or not one the caller may see (HTTP 404); services and selectors raise this, never Http404."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The object is not in a state that allows the change (HTTP 409)."""


class TooLarge(InvalidInput):
    """An upload or body beyond its limit (HTTP 413)."""

    status_code = 413
    code = "file_too_large"


class RateLimited(DomainError):
    status_code = 429
    code = "throttled"


class ProviderError(DomainError):
    """A third party refused or could not be reached; nothing was recorded on our side (HTTP 502)."""

    status_code = 502
    code = "provider_error"


class Unavailable(DomainError):
    """A service we depend on is down for now; the caller's transaction rolls back (HTTP 503)."""

    status_code = 503
    code = "unavailable"
