"""Named throttles: `throttle_scope` rates live in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


class ScopedThrottle(ScopedRateThrottle):
    """Per user when signed in, per client IP otherwise."""


class EmailScopedThrottle(SimpleRateThrottle):
    """Throttles by the email in the request body as well as the client, so one address can't be hammered."""

    scope_attr = "throttle_scope"

    def __init__(self):
        pass

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        email = ""
        if hasattr(request, "data") and hasattr(request.data, "get"):
            email = str(request.data.get("email") or "").strip().lower()
        ident = email or self.get_ident(request)
        return self.cache_format % {"scope": self.scope + ":email", "ident": ident}
