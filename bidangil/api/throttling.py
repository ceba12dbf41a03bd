"""Named throttles: `throttle_scope` rates live in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

import hashlib

from rest_framework.throttling import ScopedRateThrottle


class ScopedThrottle(ScopedRateThrottle):
    """Per user when signed in, per client IP otherwise (DRF's ScopedRateThrottle)."""


class EmailScopedThrottle(ScopedRateThrottle):
    """The view's scope counted per email address in the body, so one address can't be hammered from many IPs.

    Used together with ScopedThrottle on the anonymous auth endpoints; a body without an email is left to
    the per-IP throttle (the serializer rejects it anyway).
    """

    def get_cache_key(self, request, view):
        data = request.data if hasattr(request, "data") else request.POST  # a DRF request, or a plain form post
        email = data.get("email") if hasattr(data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        # Hashed: any text may arrive here, and cache keys must stay short and plain.
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": f"{self.scope}:email", "ident": ident}
