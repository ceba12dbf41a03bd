"""Domain errors raised by services; the API turns them into 4xx JSON, the admin into messages."""


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


class RateLimited(DomainError):
    status_code = 429
    code = "throttled"
