"""Bounds for what visitors type into searches and paging, whatever reads it (v1, legacy, Wagtail's page API)."""

import re

# Offsets and page numbers past this are refused: every database takes it, and no listing is that long.
MAX_OFFSET = 2**31 - 1
# Quotes and control characters are query syntax for SQLite FTS5 (and NUL for every database): search text only.
_SEARCH_SYNTAX = re.compile(r'["\x00-\x1f\x7f]')


def plain_search_text(text: str) -> str:
    return _SEARCH_SYNTAX.sub(" ", text).strip()
