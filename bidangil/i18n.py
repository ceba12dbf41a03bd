"""Helpers for texts written later in someone else's language (docs/i18n.md)."""

from django.utils.functional import lazy


def _strip(text) -> str:
    return str(text).strip()


# A lazy text without surrounding spaces, e.g. a message whose optional reason was empty.
lazy_strip = lazy(_strip, str)
