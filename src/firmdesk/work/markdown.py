"""Markdown typed by users (playbooks, task instructions), rendered safely.

Two layers, each enough on its own for the common attacks: markdown-it escapes
any raw HTML in the input and refuses ``javascript:``-style link targets, then
nh3 keeps only the tags, attributes and URL schemes listed here.
"""

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# User headings start at h3: the page owns h1 (its title) and h2 (its sections),
# so "# Steps" in a playbook must not outrank the page around it.
HEADING_OFFSET = 2

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        # markdown-it writes ~~strikethrough~~ as <s>; <del> is allowed for
        # the same meaning should the renderer ever change.
        "s",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    }
)
# No "style": the CSP forbids inline styles, so table column alignment is lost.
# No "class": code-block language hints have nothing on the page that uses them.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
# An image would load from wherever its author chose (a tracking pixel, at
# best); with the rule off, ![alt](url) reads as "!" followed by a plain link.
_markdown.disable("image")

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
)
_text_only = nh3.Cleaner(tags=set(), attributes={})


def _to_html(text: str) -> str:
    env: dict = {}
    tokens = _markdown.parse(text, env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_OFFSET)
            token.tag = f"h{level}"
    return _markdown.renderer.render(tokens, _markdown.options, env)


def render_markdown(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to place in a template unescaped."""
    if not text:
        return mark_safe("")
    return mark_safe(_cleaner.clean(_to_html(text)))  # noqa: S308 -- cleaned by nh3


def markdown_to_text(text: str | None) -> str:
    """Markdown → one line of plain text, for e-mails and list snippets.

    The result is text, not HTML: a literal "<" typed by the user comes back as
    "<", and templates escape it as they would any other string.
    """
    if not text:
        return ""
    stripped = html.unescape(_text_only.clean(_to_html(text)))
    return " ".join(stripped.split())
