import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.work.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    LINK_REL,
    markdown_to_text,
    render_markdown,
)


class _Tags(HTMLParser):
    """Every start tag in a fragment, with its attributes entity-decoded, the
    way a browser would read them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def tags_in(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def hrefs_in(html: str) -> list[str]:
    return [attrs["href"] for tag, attrs in tags_in(html) if "href" in attrs]


def _scheme(url: str) -> str:
    # Stricter than a browser: "java\tscript:" and " javascript:" count too.
    squashed = re.sub(r"[\x00-\x20\x7f]", "", url)
    return urlsplit(squashed).scheme.lower()


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    for tag in re.findall(r"<[^>]*>", html):
        assert not re.search(r"\son\w*\s*=", tag, re.IGNORECASE), tag
    for tag, attrs in tags_in(html):
        assert tag in ALLOWED_TAGS, tag
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | (
            {"rel"} if tag == "a" else set()
        )
        assert set(attrs) <= allowed, (tag, attrs)
        if "href" in attrs:
            assert _scheme(attrs["href"]) in ALLOWED_URL_SCHEMES | {""}, attrs


# -- neutralising hostile input ------------------------------------------------


def test_script_tag_is_shown_as_text():
    html = render_markdown("Before <script>alert(1)</script> after")

    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_script_block_is_shown_as_text():
    html = render_markdown("<script>\nalert(document.cookie)\n</script>\n")

    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_img_onerror_is_shown_as_text():
    html = render_markdown('<img src=x onerror="alert(1)">')

    assert "<img" not in html
    assert_safe(html)


def test_iframe_is_shown_as_text():
    html = render_markdown('<iframe src="https://evil.example"></iframe>')

    assert "<iframe" not in html
    assert "&lt;iframe" in html


def test_html_event_handler_on_allowed_tag_is_not_rendered():
    html = render_markdown('<p onclick="alert(1)">hi</p>\n\n<a onmouseover=x>y</a>')

    assert_safe(html)
    assert [tag for tag, _ in tags_in(html)] == ["p", "p"]


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1) )",
        "[click](&#106;avascript:alert(1))",
        "[click](&#x6A;avascript&colon;alert(1))",
        "[click](java%0ascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "<javascript:alert(1)>",
        "[click][x]\n\n[x]: javascript:alert(1)",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](data:image/svg+xml,<svg onload=alert(1)>)",
        "<data:text/html,<script>alert(1)</script>>",
        "[click](file:///etc/passwd)",
    ],
)
def test_dangerous_link_targets_never_become_hrefs(source):
    html = render_markdown(source)

    assert_safe(html)
    # "java%0ascript:" may survive as a harmless relative path: browsers do not
    # percent-decode a scheme, so what matters is the scheme they would see.
    for href in hrefs_in(html):
        assert _scheme(href) in {"http", "https", "mailto", ""}, href


def test_image_becomes_a_plain_link_and_loads_nothing():
    html = render_markdown("![signed retainer](https://tracker.example/pixel.gif)")

    assert "<img" not in html
    assert hrefs_in(html) == ["https://tracker.example/pixel.gif"]
    assert "signed retainer" in html


def test_entities_typed_by_the_user_stay_text():
    html = render_markdown("&lt;script&gt;alert(1)&lt;/script&gt; &#60;iframe&#62;")

    assert_safe(html)
    assert "&lt;script&gt;" in html
    assert "&lt;iframe&gt;" in html


def test_unsafe_html_inside_a_table_cell_stays_text():
    html = render_markdown("| a |\n|---|\n| <script>x</script> |")

    assert_safe(html)
    assert "&lt;script&gt;" in html


# -- what users are meant to write ---------------------------------------------


def test_numbered_and_bulleted_lists_render():
    html = render_markdown("1. Open the docket\n2. Read the order\n\n- one\n- two")

    assert "<ol>\n<li>Open the docket</li>\n<li>Read the order</li>\n</ol>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html


def test_ordered_list_keeps_its_starting_number():
    assert '<ol start="3">' in render_markdown("3. third\n4. fourth")


def test_table_renders():
    html = render_markdown(
        "| Deadline | Rule |\n|---|--:|\n| Answer | FRCP 12(a)(1)(A)(i) |"
    )

    assert [tag for tag, _ in tags_in(html)] == [
        "table",
        "thead",
        "tr",
        "th",
        "th",
        "tbody",
        "tr",
        "td",
        "td",
    ]
    assert "<td>FRCP 12(a)(1)(A)(i)</td>" in html
    assert "style" not in html


def test_links_render_with_rel_and_title():
    html = render_markdown('[the court\'s rules](https://www.uscourts.gov/ "Rules")')

    assert tags_in(html)[1] == (
        "a",
        {"href": "https://www.uscourts.gov/", "title": "Rules", "rel": LINK_REL},
    )


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[write](mailto:docket@firm.example)", "mailto:docket@firm.example"),
        ("<https://www.pacer.gov>", "https://www.pacer.gov"),
        ("[plain](http://intranet.example/forms)", "http://intranet.example/forms"),
        ("[matter](/f/acme/matters/)", "/f/acme/matters/"),
    ],
)
def test_allowed_links_keep_their_target(source, href):
    html = render_markdown(source)

    assert hrefs_in(html) == [href]
    assert f'rel="{LINK_REL}"' in html


def test_bare_url_is_not_linkified():
    html = render_markdown("See www.example.com or https://example.com today.")

    assert "<a" not in html


def test_code_renders_escaped():
    html = render_markdown("Use `<b>` here.\n\n```html\n<script>alert(1)</script>\n```")

    assert "<code>&lt;b&gt;</code>" in html
    assert "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>" in html


def test_emphasis_strikethrough_quote_and_rule_render():
    html = render_markdown("**bold** *it* ~~gone~~\n\n> quoted\n\n---")

    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<s>gone</s>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<hr>" in html


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# Steps", "h3"), ("## Steps", "h4"), ("### Steps", "h5"), ("###### S", "h6")],
)
def test_headings_start_below_the_page_headings(source, tag):
    assert render_markdown(source).startswith(f"<{tag}>")


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input_renders_empty_safe_string(empty):
    html = render_markdown(empty)

    assert html == ""
    assert isinstance(html, SafeString)


def test_result_is_marked_safe():
    assert isinstance(render_markdown("hello"), SafeString)


# -- plain text ------------------------------------------------------------------


def test_markdown_to_text_strips_markup_and_collapses_whitespace():
    text = markdown_to_text(
        "# Calendar it\n\n1. Read the **order**\n2.   Enter   the [date](https://x.example)"
    )

    assert text == "Calendar it Read the order Enter the date"


def test_markdown_to_text_returns_what_the_user_typed_unescaped():
    assert markdown_to_text("Smith & Jones <not a tag>") == "Smith & Jones <not a tag>"


@pytest.mark.parametrize("empty", [None, "", "   \n\n"])
def test_markdown_to_text_of_nothing_is_empty(empty):
    assert markdown_to_text(empty) == ""


# -- template filter ---------------------------------------------------------------


def test_template_filter_renders_without_double_escaping():
    out = Template("{% load firmdesk %}{{ body|markdown }}").render(
        Context({"body": "**Call** the clerk <script>x</script>"})
    )

    assert (
        out == "<p><strong>Call</strong> the clerk &lt;script&gt;x&lt;/script&gt;</p>\n"
    )


# -- properties ----------------------------------------------------------------------

DANGEROUS_FRAGMENTS = [
    "<script>",
    "</script>",
    "<scr<script>ipt>",
    "<iframe src=x>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">',
    "<div onclick=x>",
    " onmouseover=alert(1) ",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "&#106;avascript:",
    "&#x6A;",
    "&colon;",
    "&lt;",
    "&#60;",
    "data:text/html,",
    "vbscript:",
    "alert(1)",
    "[",
    "]",
    "(",
    ")",
    "](",
    "<",
    ">",
    '"',
    "'",
    "`",
    "```",
    "|",
    "|---|",
    "![",
    "\n",
    "\n\n",
    "    ",
    "-->",
    "<!--",
    "<![CDATA[",
    "[x]: ",
    "*",
    "#",
]

fragments_text = st.lists(
    st.one_of(st.sampled_from(DANGEROUS_FRAGMENTS), st.text(max_size=5)), max_size=40
).map("".join)


@given(st.text())
def test_arbitrary_text_renders_safely(text):
    assert_safe(render_markdown(text))


@given(fragments_text)
def test_text_built_from_dangerous_fragments_renders_safely(text):
    assert_safe(render_markdown(text))


@given(st.text(max_size=20), fragments_text)
def test_links_with_any_destination_render_safely(label, destination):
    assert_safe(render_markdown(f"[{label}]({destination})"))
    assert_safe(render_markdown(f"<{destination}>"))
    assert_safe(render_markdown(f"[{label}][r]\n\n[r]: {destination}"))
