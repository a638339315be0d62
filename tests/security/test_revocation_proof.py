"""Done means 1 of issue 20: after the client withdraws consent, or the
engagement ends, no page, file, feed or session of the provider staff
concerned reaches the matter's data.

The world: firm A (Hale & Ortiz) requires the client's consent to outside
help; its matter M-2026-001 "Lopez v. Acme" for the client Maria Lopez has it.
The outside assistant Priya Nair has the matter opened to her, a task on it
with two attachments (one of them a file whose bytes are searched for), an
event of the matter in her own calendar feed, and a signed-in browser. Every
row the isolation registry (tests/isolation/registry.py) points at exists
too, so the crawl opens every GET route of that registry that acts for firm A
(or for no firm, like her cross-firm queue and her provider's pages) with the
rows of this world, as she would: a route added tomorrow is crawled tomorrow,
the API's included once its routes join the registry (issue 21).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.compliance.ending import staff_left
from firmdesk.documents.services import document_upload
from firmdesk.engagements import services as engagement_services
from firmdesk.integrations.models import ApiToken
from firmdesk.integrations.tokens import digest_of
from firmdesk.matters import services as matter_services
from firmdesk.notify.services import notify
from firmdesk.orgs.models import StaffProfile, UserSession
from firmdesk.scheduling.models import CalendarFeed, Event
from firmdesk.work.models import Task
from tests import factories as f
from tests.api.helpers import Api, token_for
from tests.isolation.conftest import *  # noqa: F403  (the registry's rows)
from tests.isolation.registry import ROUTES

SECRET_BYTES = b"%PDF-1.7\n% LOPEZ PRIVILEGED MEMO 7731\n%%EOF\n"
EVENT_TITLE = "Lopez deposition preparation"
MARKERS = (
    "Maria Lopez",  # the client
    "M-2026-001",  # the matter's number
    "Lopez v. Acme",  # its title
    "Calendar the Lopez hearing",  # the assistant's task on it
    EVENT_TITLE,  # the event in her feed
    "lopez-privileged-memo",  # the attached file's name
    "lopez-demand-letter",  # a document of the matter's library
)

pytestmark = pytest.mark.slow


@pytest.fixture
def world(settings, tmp_path, firm, matter, contact, assistant, attorney, fixtures):
    settings.MEDIA_ROOT = tmp_path / "media"
    firm.require_client_consent = True
    firm.save(update_fields=["require_client_consent"])
    matter.client_consent_on = datetime.date(2026, 1, 5)
    matter.client_consent_note = "Signed engagement letter"
    matter.save(update_fields=["client_consent_on", "client_consent_note"])
    task = fixtures.assistant_task
    fixtures.task_document
    memo = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=SimpleUploadedFile("lopez-privileged-memo.pdf", SECRET_BYTES),
        matter=matter,
    )
    task.attachments.add(memo)
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    event = Event.unscoped.create(
        firm=firm,
        matter=matter,
        kind=Event.Kind.DEPOSITION,
        title=EVENT_TITLE,
        start=start,
        end=start + datetime.timedelta(hours=2),
        time_zone="America/New_York",
        owner=assistant,
        created_by=attorney,
    )
    feed = CalendarFeed.unscoped.create(firm=firm, user=assistant, kind="personal")
    notify(
        user=assistant,
        firm=firm,
        about=task,
        kind="task.assigned",
        title=f"New task: {task.title}",
        url=reverse(
            "work:task_detail",
            kwargs={"firm_slug": firm.slug, "task_id": task.public_id},
        ),
    )
    urls = _crawlable(fixtures) + _probes(firm, event)
    browser = f.sign_in(Client(), assistant)
    w = {
        "firm": firm,
        "matter": matter,
        "contact": contact,
        "assistant": assistant,
        "task": task,
        "memo": memo,
        "event": event,
        "feed": feed,
        "urls": urls,
        "browser": browser,
        "fixtures": fixtures,
    }
    _assert_she_reaches_it_now(w)
    return w


def _crawlable(fixtures) -> list[tuple[str, str]]:
    """(route name, URL) of every GET route of the registry but the public
    ones and those that act for another firm: firm A's pages, her cross-firm
    pages and the provider's pages, built from the registry's own kwargs."""
    urls = []
    for route in sorted(ROUTES.values(), key=lambda r: r.name):
        if route.public or route.method != "GET":
            continue
        kwargs = route.url_kwargs(fixtures)
        if kwargs.get("firm_slug", fixtures.firm.slug) != fixtures.firm.slug:
            continue
        urls.append((route.name, reverse(route.name, kwargs=kwargs)))
    return urls


def _probes(firm, event) -> list[tuple[str, str]]:
    """Pages that list matter data only when asked: a search for the client,
    the calendar's week of the event."""
    search = reverse("search:search", kwargs={"firm_slug": firm.slug})
    matters = reverse("matters:matter_list", kwargs={"firm_slug": firm.slug})
    calendar = reverse("scheduling:calendar", kwargs={"firm_slug": firm.slug})
    return [
        ("search for the client", f"{search}?q=Lopez"),
        ("matter list search", f"{matters}?q=Lopez&status=any"),
        (
            "calendar week of the event",
            f"{calendar}?view=week&date={event.start.date().isoformat()}",
        ),
    ]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _leaks(body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace")
    found = [m for m in MARKERS if m in text or escape(m) in text]
    if SECRET_BYTES in body:
        found.append("the memo's bytes")
    return found


def _url(w, name, **kwargs) -> str:
    return reverse(name, kwargs={"firm_slug": w["firm"].slug, **kwargs})


def _task_url(w) -> str:
    return _url(w, "work:task_detail", task_id=w["task"].public_id)


def _memo_url(w) -> str:
    return _url(
        w,
        "work:task_attachment",
        task_id=w["task"].public_id,
        document_id=w["memo"].public_id,
    )


def _feed_url(w) -> str:
    return reverse("scheduling:calendar_feed", kwargs={"token": w["feed"].token})


def _assert_she_reaches_it_now(w) -> None:
    """Before anything is taken away the same requests do reach the data, so
    the crawl below can fail."""
    browser = w["browser"]
    page = browser.get(
        _url(w, "matters:matter_detail", matter_id=w["matter"].public_id)
    )
    assert page.status_code == 200 and "Lopez v. Acme" in page.content.decode()
    assert "Calendar the Lopez hearing" in browser.get(_task_url(w)).content.decode()
    memo = browser.get(_memo_url(w))
    assert memo.status_code == 200 and SECRET_BYTES in _body(memo)
    feed = Client().get(_feed_url(w))
    assert feed.status_code == 200 and EVENT_TITLE in feed.content.decode()
    probes = dict(w["urls"])
    for name, marker in (
        ("search for the client", "Lopez v. Acme"),
        ("calendar week of the event", EVENT_TITLE),
        ("notifications:notifications", "Calendar the Lopez hearing"),
    ):
        assert marker in browser.get(probes[name]).content.decode(), name
    assert (
        "Maria Lopez"
        in browser.get(
            _url(w, "matters:contact_detail", contact_id=w["contact"].public_id)
        ).content.decode()
    )


def _crawl(browser, urls) -> tuple[dict, dict]:
    """Open every URL; return {route: what leaked} and {route: status}."""
    leaked, statuses = {}, {}
    for name, url in urls:
        response = browser.get(url)
        statuses[name] = response.status_code
        if response.status_code == 200:
            found = _leaks(_body(response))
            if found:
                leaked[name] = found
    return leaked, statuses


def _assert_matter_files_and_feed_closed(w, browser) -> None:
    for url in (
        _url(w, "matters:matter_detail", matter_id=w["matter"].public_id),
        _task_url(w),
        _memo_url(w),
        _url(
            w,
            "work:task_attachment",
            task_id=w["task"].public_id,
            document_id=w["fixtures"].task_document.public_id,
        ),
        _url(
            w,
            "documents:version_download",
            document_id=w["fixtures"].library_document.public_id,
            number=1,
        ),
        _url(w, "scheduling:event_detail", event_id=w["event"].public_id),
    ):
        response = browser.get(url)
        assert response.status_code in (302, 404), (url, response.status_code)
        if response.status_code == 302:
            assert response.url.startswith("/login/"), url


def _firm_admin_scope(w):
    return resolve_scope(w["fixtures"].firm_admin, w["firm"])


# --- (a) The client withdraws consent --------------------------------------------


def test_withdrawn_consent_closes_every_page_file_and_feed_at_once(world):
    """By the access rule alone: the consent goes (the service that only
    writes the matters), her task stays hers, and still nothing reaches her."""
    w = world
    matter_services.client_consent_withdraw(
        scope=_firm_admin_scope(w), contact=w["contact"], reason="Phone call, 4 May"
    )
    assert Task.unscoped.get(pk=w["task"].pk).assignee_id == w["assistant"].pk

    leaked, statuses = _crawl(w["browser"], w["urls"])

    assert not leaked, leaked
    # Her session lives on and still serves the rest of firm A: the crawl saw
    # real pages, not a signed-out browser.
    assert statuses["work:task_list"] == 200
    assert sum(s == 200 for s in statuses.values()) > 20, statuses
    _assert_matter_files_and_feed_closed(w, w["browser"])
    feed = Client().get(_feed_url(w))
    assert feed.status_code == 200
    assert EVENT_TITLE not in feed.content.decode()


def test_withdrawal_on_the_client_page_also_takes_her_task_back(world):
    """The firm admin's page: the page names her before, her unfinished task
    comes back to the firm, and her browser reaches nothing of the matter."""
    w = world
    admin = f.sign_in(Client(), w["fixtures"].firm_admin)
    url = _url(w, "matters:client_consent", contact_id=w["contact"].public_id)
    page = admin.get(url).content.decode()
    assert "Priya Nair" in page and "Calendar the Lopez hearing" in page

    response = admin.post(url, {"action": "withdraw", "reason": "Letter of 4 May"})

    assert response.status_code == 302
    task = Task.unscoped.get(pk=w["task"].pk)
    assert task.assignee is None and task.engagement is None
    assert "client withdrew consent" in task.handover_note
    leaked, _ = _crawl(w["browser"], w["urls"])
    assert not leaked, leaked
    _assert_matter_files_and_feed_closed(w, w["browser"])


# --- (b) The engagement ends ------------------------------------------------------


def test_ended_engagement_signs_her_out_and_closes_everything(world):
    w = world
    engagement_services.engagement_end(
        scope=_firm_admin_scope(w),
        engagement=w["fixtures"].engagement,
        reason="Contract not renewed",
    )

    # The browser she had open is signed out.
    old = w["browser"]
    home = old.get(reverse("today:home"))
    assert home.status_code == 302 and home.url.startswith("/login/")
    leaked, statuses = _crawl(old, w["urls"])
    assert not leaked, leaked
    assert not [n for n, s in statuses.items() if s == 200], statuses
    assert (
        UserSession.objects.filter(user=w["assistant"], ended_at__isnull=True).count()
        == 0
    )
    # Her feed address is dead, not empty.
    assert Client().get(_feed_url(w)).status_code == 404
    # Signing in again gives her nothing of firm A either: the rule, not
    # only the ended session, keeps her out.
    fresh = f.sign_in(Client(), w["assistant"])
    leaked, statuses = _crawl(fresh, w["urls"])
    assert not leaked, leaked
    _assert_matter_files_and_feed_closed(w, fresh)


def _matters(firm) -> str:
    return reverse("api:list_matters", kwargs={"firm_slug": firm.slug})


def _live(secret) -> bool:
    return ApiToken.objects.get(digest=digest_of(secret)).revoked_at is None


def test_engagement_end_revokes_her_api_token_for_that_firm_only(
    firm, other_firm, engagement, assistant, firm_admin
):
    """Her token for firm A is revoked (401, not an empty 200 or a 404 that a
    script would retry), while her token for firm B, which she still serves
    through its own engagement, goes on working."""
    for_a, for_b = token_for(assistant, firm), token_for(assistant, other_firm)
    assert Api(for_a).get(_matters(firm)).status_code == 200

    engagement_services.engagement_end(
        scope=resolve_scope(firm_admin, firm),
        engagement=engagement,
        reason="Contract not renewed",
    )

    assert not _live(for_a)
    assert Api(for_a).get(_matters(firm)).status_code == 401
    assert _live(for_b)
    assert Api(for_b).get(_matters(other_firm)).status_code == 200


def test_staff_who_leave_lose_their_api_tokens_for_every_firm(
    firm, other_firm, provider, provider_admin, assistant
):
    tokens = {
        firm: token_for(assistant, firm),
        other_firm: token_for(assistant, other_firm),
    }

    staff_left(
        actor=provider_admin,
        provider=provider,
        profile=StaffProfile.objects.get(user=assistant),
        left_on=timezone.localdate(),
    )

    for org, secret in tokens.items():
        assert not _live(secret), org
        assert Api(secret).get(_matters(org)).status_code == 401
