"""docs/insights.md, the definitions of the figures, as a page of the app:
the people reading the dashboard are not going to open the project's files.

Each figure on the dashboard links to its section by the anchor GitHub
gives the heading ("On-time" → ``#on-time``), so the same links work on the
page and in the repository. The document is the project's own (not typed by
users); raw HTML in it is still shown as text, not run."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

DOCUMENT = "insights.md"
_NOT_SLUG = re.compile(r"[^\w\- ]", re.UNICODE)


@dataclass(frozen=True)
class Guide:
    html: SafeString | None  # None: the document is not installed here
    path: str


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to
    hyphens ("Cost per task & per hour" → ``cost-per-task--per-hour``)."""
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def _heading_ids(state) -> None:
    seen: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        base = slug(tokens[index + 1].content)
        count = seen.get(base, 0)
        seen[base] = count + 1
        token.attrSet("id", base if not count else f"{base}-{count}")


def render(text: str) -> SafeString:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.core.ruler.push("heading_ids", _heading_ids)
    # markdown-it escapes the text and refuses javascript: links; the
    # markup it writes is what we mark safe.
    return mark_safe(md.render(text))  # noqa: S308


def formulas() -> Guide:
    path = settings.PROJECT_DIR / "docs" / DOCUMENT
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return Guide(None, f"docs/{DOCUMENT}")
    return Guide(render(text), f"docs/{DOCUMENT}")
