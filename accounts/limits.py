"""Account limits, declared once: services, serializers and docs/accounts.md use these."""

MAX_ADDRESSES = 20
