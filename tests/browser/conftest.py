"""Browser tests: Debian's Chromium driven by Playwright against ``live_server``.

Every page a test opens is watched: a console error, an uncaught script error, a
Content-Security-Policy violation or a failed sub-request (a 404 for a stylesheet)
fails the test, so an inline style or script slipped into a template shows up here.
"""

import base64
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# The browser asks for it on its own; FirmDesk has no icon yet (see the report).
NO_FAVICON = "/favicon.ico"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the browser tests last: Playwright's sync API leaves an event loop
    marked as running in the main thread until the session ends, and Django
    refuses ORM calls there unless DJANGO_ALLOW_ASYNC_UNSAFE is set, which
    should not loosen the check for the other tests."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    # What a browser test proves (layout, scripts, keyboard, the page as a whole)
    # does not depend on the database; the suite below it runs on both. So on
    # PostgreSQL they are skipped unless asked for, which keeps CI in its budget.
    if _on_postgresql() and not os.environ.get("FIRMDESK_BROWSER_ON_PG"):
        skip = pytest.mark.skip(
            reason="browser tests run on SQLite (FIRMDESK_BROWSER_ON_PG=1: here too)"
        )
        for item in items:
            if item.get_closest_marker("browser") is not None:
                item.add_marker(skip)


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Reduced motion turns Bootstrap's colour transitions off, so axe measures
    # contrast on the final colours, not on a button half-way through a fade.
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "reduced_motion": "reduce",
    }


@pytest.fixture(autouse=True)
def _static_from_source(settings):
    """Serve static files from the apps' folders, unhashed.

    The manifest storage names files by their hash (``app.1a2b3c.css``), which
    only ``collectstatic`` output knows; live_server serves /static/ through the
    finders, which know the source names only."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@dataclass
class Problems:
    """What went wrong in the browser while a test ran."""

    found: list[str] = field(default_factory=list)
    expected_status: dict[str, int] = field(default_factory=dict)

    def expect(self, url: str, status: int):
        """A navigation meant to fail, such as a 404 for a matter not opened."""
        self.expected_status[url] = status

    def watch(self, page):
        page.set_default_timeout(10_000)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))
        page.on("response", self.on_response)
        # Chromium reports CSP violations on the console too; this catches any
        # it would only fire as an event.
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' blocked ' "
            "+ e.blockedURI));"
        )
        return page

    def on_console(self, message):
        if message.type not in ("error", "warning"):
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and (
            url in self.expected_status or url.endswith(NO_FAVICON)
        ):
            return
        self.found.append(f"console {message.type}: {message.text} (at {url})")

    def on_response(self, response):
        status = response.status
        url = response.url
        if status < 400 or self.expected_status.get(url) == status:
            return
        if url.endswith(NO_FAVICON):
            return
        self.found.append(f"HTTP {status} for {url}")


@pytest.fixture
def problems(page):
    watched = Problems()
    watched.watch(page)
    yield watched
    if watched.found:
        pytest.fail("Problems in the browser:\n" + "\n".join(watched.found))


def screenshot(page, name: str):
    """Save a full-page screenshot to $FIRMDESK_SCREENSHOTS, when it is set, to
    look at what people see (layout, empty states, wording)."""
    folder = os.environ.get("FIRMDESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for a base32 ``secret``."""
    token = TOTP(key=base64.b32decode(secret), step=30, digits=6).token()
    return f"{token:06d}"


def sign_in(page, base_url: str, email: str, *, before_code=None) -> list[str]:
    """Sign in through the real form; pass two-factor set-up when asked.

    ``before_code(page)`` runs on the two-factor page before the code is typed.
    Setting up the app ends on the page of recovery codes, shown once: they
    are returned (empty when no set-up happened) and the page is left as a
    person does, through its continue link.
    """
    codes: list[str] = []
    page.goto(f"{base_url}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/account/two-factor/" in page.url:
        if before_code is not None:
            before_code(page)
        secret = page.locator("code.secret").inner_text().strip()
        page.get_by_label(re.compile("Six-digit code")).fill(totp_code(secret))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        if page.locator("ol.recovery-codes").count():
            codes = page.locator("ol.recovery-codes li").all_inner_texts()
            page.get_by_role("link", name=re.compile("I have saved them")).click()
            page.wait_for_load_state()
    assert "/login/" not in page.url and "/two-factor/" not in page.url, page.url
    return codes
