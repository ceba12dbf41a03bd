"""Post and comment bodies: a small HTML allow-list (nh3), everything else is stripped."""

import html

import nh3

ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def clean_body(value: str) -> str:
    """Sanitised limited HTML: scripts, styles, event handlers and unknown tags are removed."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    ).strip()


def clean_text(value: str) -> str:
    """Plain text (comments): tags (and script/style contents) are removed, the rest is kept as text."""
    return html.unescape(nh3.clean(value or "", tags=set())).strip()
