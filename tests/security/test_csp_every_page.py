"""The Content Security Policy set in the foundation stays strict on every page
(issue 20, Build item 7).

Every route of the isolation registry (tests/isolation/registry.py) that
answers a page to someone allowed to open it is requested once, in one shared
world, and its headers are compared with the policy in settings: a view that
loosened the policy (``@csp_update``, ``@csp_exempt``, a header of its own)
fails here, and so does a settings change that lets inline script or style in.
A second test reads every template for what the policy would block anyway —
inline script, ``style=`` attributes, ``on…=`` handlers — so the pages keep
working under it rather than breaking in a browser.
"""

import re
from pathlib import Path

import pytest
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

import firmdesk
from tests import factories as f

# The isolation world's fixtures (firm A and B, their people and rows), so
# each registry entry's URL resolves here as it does there.
from tests.isolation.conftest import *  # noqa: F403
from tests.isolation.conftest import Fixtures
from tests.isolation.registry import ANONYMOUS, ROUTES

# Sources that would let an injected script or style run, or load from anywhere.
LOOSE_SOURCES = {
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "'wasm-unsafe-eval'",
    "*",
    "http:",
    "https:",
    "blob:",
    "filesystem:",
}
# Pages a visitor reaches without signing in: the issue names them.
PUBLIC_PAGES = {
    "accounts:login",
    "shared:share_page",
    "public_intake:public_intake_form",
    "public_intake:public_booking",
}
# Pages whose Referrer-Policy is, deliberately, not the site's "same-origin".
REFERRER_POLICY = {
    # The link's token is in the address: a Referer may name the site, never
    # the path (web/documents/public_shares/views.py says why not no-referrer).
    "shared:share_page": "strict-origin",
}
# Fewer pages than this means the walk below stopped walking, not that the
# site shrank: the registry holds well over a hundred pages.
AT_LEAST = 100


def _parse(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _strictness_problems(directives: dict[str, list[str]]) -> list[str]:
    problems = []
    for name, sources in directives.items():
        loose = sorted(set(sources) & LOOSE_SOURCES)
        if loose:
            problems.append(f"{name} allows {' '.join(loose)}")
        wildcards = [s for s in sources if "*" in s and s != "*"]
        if wildcards:
            problems.append(f"{name} allows wildcard hosts {' '.join(wildcards)}")
        if "data:" in sources and name != "img-src":
            problems.append(f"{name} allows data: (only img-src may)")
    for name, needed in (
        ("default-src", ["'self'"]),
        ("script-src", ["'self'"]),
        ("style-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("frame-ancestors", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
    ):
        if directives.get(name) != needed:
            problems.append(f"{name} is {directives.get(name)!r}, not {needed!r}")
    return problems


EXPECTED = {
    name: list(sources)
    for name, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()
}


def test_the_policy_in_settings_is_strict():
    assert _strictness_problems(EXPECTED) == []
    assert "CONTENT_SECURITY_POLICY_REPORT_ONLY" not in dir(settings) or not (
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    )


def test_the_strictness_check_finds_a_loosened_policy():
    loosened = {
        **EXPECTED,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "data:"],
        "connect-src": ["'self'", "https://*.example.com"],
    }
    problems = _strictness_problems(loosened)
    assert "script-src allows 'unsafe-inline'" in problems
    assert "style-src allows data: (only img-src may)" in problems
    assert "connect-src allows wildcard hosts https://*.example.com" in problems


def _header_problems(response, route_name: str = "") -> list[str]:
    problems = []
    policy = response.headers.get("Content-Security-Policy")
    if policy is None:
        return ["no Content-Security-Policy header"]
    if "Content-Security-Policy-Report-Only" in response.headers:
        problems.append("a report-only policy besides the enforced one")
    directives = _parse(policy)
    if directives != EXPECTED:
        problems.append(f"policy differs from settings: {policy}")
    problems += _strictness_problems(directives)
    for header, value in (
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", REFERRER_POLICY.get(route_name, "same-origin")),
    ):
        if response.headers.get(header) != value:
            problems.append(f"{header} is {response.headers.get(header)!r}")
    return problems


def test_the_header_check_finds_a_page_that_loosened_the_policy():
    page = HttpResponse(
        headers={
            "Content-Security-Policy": build_policy(
                update={"script-src": ["'unsafe-inline'"]}
            ),
            "X-Frame-Options": "SAMEORIGIN",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        }
    )
    problems = _header_problems(page)
    assert problems[0].startswith("policy differs from settings")
    assert "script-src allows 'unsafe-inline'" in problems
    assert "X-Frame-Options is 'SAMEORIGIN'" in problems
    page.headers["Content-Security-Policy"] = build_policy()
    page.headers["X-Frame-Options"] = "DENY"
    assert _header_problems(page) == []


def _page_routes():
    """Each route that answers 200 to a GET, with who opens it: a visitor for a
    public page when visitors may, else the first signed-in person allowed."""
    for route in ROUTES.values():
        if route.method != "GET" or route.success != 200:
            continue
        people = [who for who in route.allowed if who != ANONYMOUS]
        if route.public and ANONYMOUS in route.allowed:
            people = [ANONYMOUS]
        if people:
            yield route, people[0]


@pytest.mark.slow
def test_every_page_carries_the_strict_policy_and_headers(request, db):
    fixtures = Fixtures(request)
    clients: dict[str, Client] = {}
    checked, problems = set(), {}
    for route, who in _page_routes():
        url = reverse(route.name, kwargs=route.url_kwargs(fixtures))
        if who not in clients:
            clients[who] = Client()
            if who != ANONYMOUS:
                f.sign_in(clients[who], fixtures.user(who))
        response = clients[who].get(url)
        if response.status_code != 200:
            # tests/isolation proves the page answers 200 in a world of its
            # own; here the fixtures of every route share one world.
            problems[route.name] = [
                f"{url} answered {response.status_code} to {who}, not 200: "
                "if tests/isolation passes for it, a fixture of another route "
                "changed the shared world"
            ]
            continue
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            problems[route.name] = ["a download without X-Content-Type-Options"]
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        checked.add(route.name)
        found = _header_problems(response, route.name)
        if found:
            problems[route.name] = found
    assert problems == {}
    assert checked >= PUBLIC_PAGES
    assert len(checked) >= AT_LEAST, sorted(checked)


def test_the_not_found_page_carries_the_policy_too(client, firm_admin):
    f.sign_in(client, firm_admin)
    response = client.get("/no-such-page/here/")
    assert response.status_code == 404
    assert _header_problems(response) == []


# --- Templates: nothing the policy would block --------------------------------

SRC = Path(firmdesk.__file__).parent
# A <script> tag with no src: inline code, which the policy blocks.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
# A style="…" attribute (CSP blocks them), and an inline <style> element.
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
# onclick=, onload=, … : inline handlers. hx-on* attributes need unsafe-eval.
HANDLER = re.compile(
    r"<[a-z][^>]*\s(on[a-z]+|hx-on[:\-][^\s=]*)\s*=", re.IGNORECASE | re.DOTALL
)
# Templates that are not web pages, with the reason they may do what pages may
# not. Keys: path under src/firmdesk, then the kinds of finding allowed.
# Each is rendered by WeasyPrint into a PDF (render_to_string, then HTML(...)
# .write_pdf()) and never served to a browser; WeasyPrint reads a <style>
# element, runs no script and fetches nothing (each passes a fetcher that
# refuses the network).
_PDF_ONLY = "a PDF layout rendered by WeasyPrint, never served as a page"
ALLOWED = {
    "web/templates/web/billing/invoices/invoice_pdf.html": {
        "allowed": {"inline style"},
        "why": f"{_PDF_ONLY} (billing/pdf.py): the firm's accent colour",
    },
    "web/templates/web/documents/exhibits/index_pdf.html": {
        "allowed": {"inline style"},
        "why": f"{_PDF_ONLY} (documents/exhibit_index.py)",
    },
    "web/templates/web/documents/signed/agreement_pdf.html": {
        "allowed": {"inline style"},
        "why": f"{_PDF_ONLY} (documents/signing.py)",
    },
    "web/templates/web/insights/reports/report_pdf.html": {
        "allowed": {"inline style"},
        "why": f"{_PDF_ONLY} (insights/pdf.py)",
    },
    "web/templates/web/engagements/ending/certificate_pdf.html": {
        "allowed": {"inline style"},
        "why": f"{_PDF_ONLY} (compliance/ending.py)",
    },
    "web/templates/web/incidents/report_pdf.html": {
        "allowed": {"inline style"},
        "why": f"{_PDF_ONLY} (compliance/incidents_pdf.py)",
    },
}


def _templates():
    return sorted(p for p in SRC.rglob("templates/**/*") if p.is_file())


def _findings(text: str) -> set[str]:
    found = set()
    if INLINE_SCRIPT.search(text):
        found.add("inline script")
    if STYLE_ATTRIBUTE.search(text) or STYLE_ELEMENT.search(text):
        found.add("inline style")
    if HANDLER.search(text):
        found.add("inline handler")
    return found


def test_no_template_holds_inline_script_style_or_handlers():
    templates = _templates()
    assert len(templates) > 100
    offenders = {}
    for path in templates:
        relative = str(path.relative_to(SRC))
        found = _findings(path.read_text(errors="replace"))
        found -= ALLOWED.get(relative, {}).get("allowed", set())
        if found:
            offenders[relative] = sorted(found)
    assert offenders == {}


def test_every_allowlisted_template_still_needs_its_exception():
    unneeded = {}
    for name, entry in ALLOWED.items():
        path = SRC / name
        found = _findings(path.read_text()) if path.exists() else set()
        if entry["allowed"] - found:
            unneeded[name] = sorted(entry["allowed"] - found)
    assert unneeded == {}


def test_no_allowlisted_pdf_layout_is_served_by_a_view():
    views = [
        p
        for p in (SRC / "web").rglob("*.py")
        if any(Path(name).name in p.read_text() for name in ALLOWED)
    ]
    assert views == []


@pytest.mark.parametrize(
    ("markup", "finding"),
    [
        ("<script>alert(1)</script>", "inline script"),
        ('<script type="module">go()</script>', "inline script"),
        ('<p style="color: red">', "inline style"),
        ("<div\n  class='x'\n  style='x'>", "inline style"),
        ("<style>p {}</style>", "inline style"),
        ('<button onclick="go()">', "inline handler"),
        ('<form hx-on::after-request="x()">', "inline handler"),
    ],
)
def test_the_template_scan_finds_each_kind(markup, finding):
    assert finding in _findings(markup)


def test_the_template_scan_passes_what_the_policy_allows():
    assert (
        _findings(
            '<script src="{% static "web/app.js" %}" defer></script>'
            '<p class="one" data-style="x" data-on="y">Online</p>'
        )
        == set()
    )
