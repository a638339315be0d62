"""The access rule, proved for every route and every way of not having access.

DESIGN.md, "The access rule": a request acts through a Scope; a row outside it
answers 404, never 403; anonymous visitors get the sign-in page. The routes and
who may open them are declared in ``registry.py``; a route missing there fails
``test_every_route_has_an_entry_in_the_registry``.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

import firmdesk
from firmdesk.access.scope import resolve_scope
from firmdesk.audit.services import audit_record
from firmdesk.common.models import UnscopedQueryError
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.models import MatterGrant
from firmdesk.matters.models import MatterScreen
from firmdesk.orgs.models import Absence, Organization, StaffProfile
from firmdesk.work.models import Task
from tests import factories as f

from .registry import (
    ADMIN,
    ANONYMOUS,
    NO_FIRM_ACCESS,
    ROUTES,
    group_for,
    stale_entries,
    unregistered_routes,
    walk,
)

LOGIN = "/login/"
# Firm A's rows that must never show on a page for someone outside firm A, and
# firm B's rows that must never show under firm A's slug.
FIRM_A_MARKERS = ("M-2026-001", "Lopez v. Acme", "Calendar the Lopez hearing")
FIRM_B_MARKERS = ("B-2026-001", "Brandt matter", "Brandt filing")


def _url(route, fixtures):
    return reverse(route.name, kwargs=route.url_kwargs(fixtures))


def _open(client, route, url):
    return client.post(url) if route.method == "POST" else client.get(url)


def _assert_sign_in_page(response, url):
    assert response.status_code == 302, (url, response.status_code)
    assert response.url == f"{LOGIN}?next={url}"


def _assert_nothing_of_firm_a(response):
    body = response.content.decode()
    for marker in FIRM_A_MARKERS:
        assert escape(marker) not in body, marker


# --- 1. Every route is in the registry -----------------------------------------


def test_every_route_has_an_entry_in_the_registry():
    missing = unregistered_routes()
    assert not missing, "\n".join(
        f"Route {name!r} has no entry in tests/isolation/registry.py: add one "
        "saying who may open it and who must get 404."
        + (
            " Unnamed routes cannot be registered: give it a name first."
            if name.startswith("<unnamed>")
            else ""
        )
        for name in missing
    )


def test_registry_has_no_entry_for_a_route_that_no_longer_exists():
    assert stale_entries() == []


def test_every_admin_route_falls_under_the_admin_rule():
    admin_patterns = [p for p in walk() if p.route.startswith("admin/")]
    assert admin_patterns
    assert all(group_for(p) is ADMIN for p in admin_patterns)


def test_every_firm_route_denies_everyone_without_access_to_the_firm():
    lax = {
        p.name: sorted(set(NO_FIRM_ACCESS) - set(ROUTES[p.name].denied))
        for p in walk()
        if "<slug:firm_slug>" in p.route and p.name in ROUTES
    }
    assert lax and not {name: who for name, who in lax.items() if who}


def test_every_route_but_the_public_ones_sends_anonymous_visitors_to_sign_in():
    assert [
        route.name
        for route in ROUTES.values()
        if not route.public and ANONYMOUS not in route.denied
    ] == []


@pytest.mark.urls("tests.isolation.urls_with_extra")
def test_completeness_check_names_a_route_added_without_an_entry():
    assert unregistered_routes() == [
        "<unnamed> f/<slug:firm_slug>/unnamed/",
        "extra_report",
    ]


# --- 2. The matrix: routes × users ---------------------------------------------


def _cases(attribute):
    return [
        pytest.param(route, user, id=f"{route.name}-{user}")
        for route in ROUTES.values()
        for user in getattr(route, attribute)
    ]


@pytest.mark.parametrize(("route", "who"), _cases("denied"))
def test_denied_user_gets_404_or_the_sign_in_page(
    client, fixtures, sign_in, route, who
):
    url = _url(route, fixtures)
    before = route.state(fixtures) if route.state else None
    sign_in(client, fixtures.user(who))
    response = _open(client, route, url)
    if who == ANONYMOUS:
        _assert_sign_in_page(response, url)
    else:
        assert response.status_code == 404, (url, who, response.status_code)
        _assert_nothing_of_firm_a(response)
    if route.state:
        assert route.state(fixtures) == before, "a denied request changed data"


@pytest.mark.parametrize(("route", "who"), _cases("allowed"))
def test_allowed_user_gets_the_page(client, fixtures, sign_in, route, who):
    fixtures.other_task  # firm B's rows exist, to prove they stay out of firm A
    url = _url(route, fixtures)
    before = route.state(fixtures) if route.state else None
    sign_in(client, fixtures.user(who))
    response = _open(client, route, url)
    assert response.status_code == route.success, (url, who, response.status_code)
    if route.success == 200 and "firm_slug" in route.url_kwargs(fixtures):
        raw = (
            b"".join(response.streaming_content)
            if response.streaming  # a download
            else response.content
        )
        body = raw.decode(errors="replace")
        assert not [m for m in FIRM_B_MARKERS if escape(m) in body]
    if route.state:
        assert route.state(fixtures) != before, "the allowed request changed nothing"


def _foreign_cases():
    return [
        pytest.param(route, user, id=f"{route.name}-{user}")
        for route in ROUTES.values()
        if route.foreign_kwargs
        for user in route.allowed
    ]


@pytest.mark.parametrize(("route", "who"), _foreign_cases())
def test_another_firms_id_under_firm_a_gets_404(client, fixtures, sign_in, route, who):
    url = reverse(route.name, kwargs=route.foreign_kwargs(fixtures))
    sign_in(client, fixtures.user(who))
    response = _open(client, route, url)
    assert response.status_code == 404, (url, who, response.status_code)
    if route.name == "engagements:grant_revoke":
        assert MatterGrant.unscoped.filter(pk=fixtures.other_grant.pk).exists()


def test_assistant_sees_firm_b_matter_under_firm_b_but_not_under_firm_a(
    client, sign_in, firm, other_firm, other_matter, assistant
):
    sign_in(client, assistant)
    under_b = reverse(
        "matters:matter_detail", args=[other_firm.slug, other_matter.public_id]
    )
    under_a = reverse("matters:matter_detail", args=[firm.slug, other_matter.public_id])
    assert client.get(under_b).status_code == 200
    assert client.get(under_a).status_code == 404


def test_task_only_access_opens_the_task_not_the_matter(
    client, sign_in, firm, matter, ungranted_assistant, ungranted_own_task
):
    someone_elses = f.task(
        firm, matter=matter, assignee=matter.responsible_attorney, title="Not theirs"
    )
    sign_in(client, ungranted_assistant)

    own = client.get(
        reverse("work:task_detail", args=[firm.slug, ungranted_own_task.public_id])
    )
    assert own.status_code == 200
    body = own.content.decode()
    assert escape(matter.title) not in body and str(matter.public_id) not in body

    other = client.get(
        reverse("work:task_detail", args=[firm.slug, someone_elses.public_id])
    )
    assert other.status_code == 404
    page = client.get(
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    )
    assert page.status_code == 404

    tasks = client.get(reverse("work:task_list", args=[firm.slug])).content.decode()
    assert "Mail the notice" in tasks and "Not theirs" not in tasks


def test_ethical_screen_walls_a_firm_member_off_the_matter_and_its_tasks(
    client, sign_in, firm, matter, attorney, assistant_task
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    sign_in(client, attorney)
    matter_url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    task_url = reverse("work:task_detail", args=[firm.slug, assistant_task.public_id])
    assert client.get(matter_url).status_code == 404
    assert client.get(task_url).status_code == 404
    _assert_nothing_of_firm_a(
        client.get(reverse("matters:matter_list", args=[firm.slug]))
    )
    _assert_nothing_of_firm_a(client.get(reverse("work:task_list", args=[firm.slug])))


def test_matter_without_client_consent_stays_closed_where_the_firm_requires_it(
    client, sign_in, firm, matter, assistant
):
    firm.require_client_consent = True
    firm.save()
    sign_in(client, assistant)
    url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    assert client.get(url).status_code == 404
    matter.client_consent_on = datetime.date(2026, 1, 5)
    matter.save()
    assert client.get(url).status_code == 200


def test_task_in_a_function_outside_the_assignment_gets_404(
    client, sign_in, firm, matter, assistant
):
    billing = f.task(firm, matter=matter, assignee=assistant, function="billing")
    sign_in(client, assistant)
    url = reverse("work:task_detail", args=[firm.slug, billing.public_id])
    assert client.get(url).status_code == 404


def test_today_lists_firm_a_only_for_people_who_may_act_for_it(
    client, fixtures, sign_in
):
    fixtures.assistant_task
    for who in NO_FIRM_ACCESS[1:] + ("ungranted_assistant",):
        sign_in(client, fixtures.user(who))
        body = client.get(reverse("today:today")).content.decode()
        for marker in FIRM_A_MARKERS:
            assert escape(marker) not in body, (who, marker)
        if who != "ungranted_assistant":
            assert escape(fixtures.firm.name) not in body, who
        client.logout()
    sign_in(client, fixtures.assistant)
    body = client.get(reverse("today:today")).content.decode()
    assert escape("Calendar the Lopez hearing") in body


def test_ending_the_engagement_cuts_the_assistant_off_at_once(
    client,
    sign_in,
    firm,
    other_firm,
    other_matter,
    firm_admin,
    engagement,
    matter,
    assistant_task,
):
    other_matter_url = reverse(
        "matters:matter_detail", args=[other_firm.slug, other_matter.public_id]
    )
    urls = [
        reverse("today:firm_today", args=[firm.slug]),
        reverse("matters:matter_list", args=[firm.slug]),
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id]),
        reverse("work:task_detail", args=[firm.slug, assistant_task.public_id]),
    ]
    staff = sign_in(Client(), assistant_task.assignee)
    assert [staff.get(url).status_code for url in urls] == [200] * len(urls)

    sign_in(client, firm_admin)
    response = client.post(
        reverse("engagements:engagement_end", args=[firm.slug, engagement.public_id]),
        {"reason": "The pilot did not pay off.", "confirm": "on"},
    )
    assert response.status_code == 302

    # Signed out at once (issue 20): every page sends them to sign in.
    assert [staff.get(url).status_code for url in urls] == [302] * len(urls)
    assert staff.get(urls[0]).url.startswith("/login/")
    # Signed in again, firm A is gone and firm B, still served, is there.
    sign_in(staff, assistant_task.assignee)
    assert [staff.get(url).status_code for url in urls] == [404] * len(urls)
    assert staff.get(other_matter_url).status_code == 200


def test_ended_engagement_through_the_service_cuts_access_too(
    client, sign_in, firm, firm_admin, engagement, matter, assistant
):
    url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    sign_in(client, assistant)
    assert client.get(url).status_code == 200
    engagement_services.engagement_end(
        scope=resolve_scope(firm_admin, firm), engagement=engagement, reason="Done."
    )
    assert client.get(url).url.startswith("/login/")  # signed out (issue 20)
    assert sign_in(client, assistant).get(url).status_code == 404


def test_staff_marked_as_left_lose_firm_access_at_once(
    client, sign_in, firm, provider, provider_admin, matter, assistant
):
    url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    staff = sign_in(Client(), assistant)
    assert staff.get(url).status_code == 200
    sign_in(client, provider_admin)
    response = client.post(
        reverse(
            "engagements:provider_staff_left", args=[provider.slug, assistant.public_id]
        ),
        {"left_on": timezone.localdate().isoformat(), "confirm": "on"},
    )
    assert response.status_code == 302
    # Signed out at once (issue 20), and nothing of the firm once back in.
    assert staff.get(url).url.startswith("/login/")
    assert sign_in(staff, assistant).get(url).status_code == 404


def test_provider_staff_who_has_not_passed_two_factor_is_sent_to_it(
    client, firm, matter, assistant
):
    client.force_login(assistant)
    url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:two_factor')}?next={url}"
    _assert_nothing_of_firm_a(response)


# --- The Django admin: superusers only ------------------------------------------


def _admin_sample_urls():
    """A URL for every admin route, ids filled with "1" (the admin checks who is
    asking before it looks anything up)."""
    urls = []
    for pattern in walk():
        if group_for(pattern) is not ADMIN or pattern.name in ADMIN.special:
            continue
        converters = getattr(pattern.pattern.pattern, "converters", {})
        if pattern.name:
            kwargs = dict.fromkeys(converters, "1")
            if "app_label" in pattern.pattern.pattern.regex.groupindex:
                kwargs["app_label"] = "orgs"
            urls.append(reverse(pattern.name, kwargs=kwargs))
        elif converters:
            urls.append("/" + re.sub(r"<[^>]+>", "1", pattern.route))
        else:
            urls.append("/admin/no-such-page/")
    return urls


@pytest.mark.parametrize("who", ADMIN.denied)
def test_admin_sends_everyone_but_superusers_to_sign_in(client, fixtures, sign_in, who):
    """Anonymous visitors meet a sign-in page: the site's for the model pages,
    the admin's own for the pages Django marks as not needing a login; a
    signed-in user who is not staff always meets the admin's sign-in form."""
    sign_in(client, fixtures.user(who))
    admin_login = f"{reverse('admin:login')}?next="
    logins = (f"{LOGIN}?next=", admin_login) if who == ANONYMOUS else (admin_login,)
    wrong = []
    for url in _admin_sample_urls():
        response = client.get(url)
        if response.status_code != 302 or not response.url.startswith(logins):
            wrong.append((url, response.status_code, response.get("Location")))
    assert wrong == []


def test_admin_sign_in_is_public_and_its_sign_out_only_redirects(client, firm_admin):
    assert client.get(reverse("admin:login")).status_code == 200
    logout = reverse("admin:logout")
    assert client.post(logout).url.startswith(f"{reverse('admin:login')}?next=")
    client.force_login(firm_admin)
    for response in (client.get(logout), client.post(logout)):
        assert response.status_code == 302 and response.url == reverse("admin:index")


def test_superuser_can_open_every_admin_list_and_real_row(
    client, sign_in, superuser, assistant, absent_assistant, matter, firm, attorney
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    audit_record(org=firm, actor=attorney, action="matter.viewed", obj=matter)
    sign_in(client, superuser)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    wrong = []

    def expect(url, status):
        response = client.get(url)
        if response.status_code != status:
            wrong.append((url, response.status_code, status))

    expect(reverse("admin:index"), 200)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        expect(reverse("admin:app_list", args=[opts.app_label]), 200)
        expect(reverse(f"{base}_changelist"), 200)
        can_add = model_admin.has_add_permission(request)
        expect(reverse(f"{base}_add"), 200 if can_add else 403)
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            expect(reverse(f"{base}_change", args=[row.pk]), 200)
            expect(reverse(f"{base}_history", args=[row.pk]), 200)
    assert wrong == []


# --- 3. A view that forgets the Scope fails loudly --------------------------------


@pytest.mark.urls("tests.isolation.urls_unscoped")
@pytest.mark.parametrize(
    ("name", "needs_firm"),
    [("unscoped_every_matter", False), ("unscoped_matters_of_firm", True)],
)
def test_view_querying_without_a_scope_raises(
    client, firm, attorney, matter, name, needs_firm
):
    client.force_login(attorney)
    client.raise_request_exception = True
    url = reverse(name, args=[firm.slug] if needs_firm else [])
    with pytest.raises(UnscopedQueryError):
        client.get(url)


SOURCE = Path(firmdesk.__file__).parent
ENTRY_POINTS = (
    "**/views.py",
    "**/views_*.py",
    "**/views/*.py",
    "**/api*.py",
    "**/feeds*.py",
    "web/**/*.py",
)
BYPASS = re.compile(r"\.unscoped\b|\b_default_manager\b|\b_base_manager\b")


def _entry_point_files():
    files = {path for pattern in ENTRY_POINTS for path in SOURCE.glob(pattern)}
    return sorted(p for p in files if "migrations" not in p.parts)


def test_views_apis_and_feeds_never_bypass_the_tenant_manager():
    files = _entry_point_files()
    assert any(p.name == "views.py" for p in files)
    # The web app's pages are split by area (web/work/views.py, …), with the
    # helpers they share in web/pages.py: every module of theirs is checked.
    assert SOURCE / "web" / "work" / "views.py" in files
    assert SOURCE / "web" / "pages.py" in files
    found = [
        f"{path.relative_to(SOURCE.parent.parent)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if BYPASS.search(line)
    ]
    assert not found, (
        "Views, API routes and feeds must get rows through in_scope(scope) or an "
        "access_* helper, never around the tenant manager:\n" + "\n".join(found)
    )


# --- 4. List pages: query counts do not grow with rows ---------------------------


def _add_matters(fx, n):
    for _ in range(n):
        f.MatterFactory(firm=fx.firm, responsible_attorney=fx.attorney)


def _add_tasks_for(who):
    def add(fx, n):
        user = getattr(fx, who)
        past = timezone.now() - datetime.timedelta(days=1)
        for i in range(n):
            matter = f.MatterFactory(firm=fx.firm, responsible_attorney=fx.attorney)
            f.grant(fx.engagement, matter, fx.assistant)
            f.task(
                fx.firm,
                matter=matter,
                assignee=user,
                requester=fx.attorney,
                due_at=past,
                status=Task.Status.SUBMITTED if i % 2 else Task.Status.OPEN,
            )

    return add


def _add_engagements(fx, n):
    for _ in range(n):
        provider = f.OrganizationFactory(kind=Organization.Kind.PROVIDER)
        engagement = f.engagement(fx.firm, provider)
        f.assign(engagement, f.member(provider, ["assistant"]))


def _add_people(fx, n):
    for _ in range(n):
        f.member(fx.firm, ["attorney"])
        f.assign(fx.engagement, f.member(fx.provider, ["assistant"]))


def _add_audit_events(fx, n):
    for _ in range(n):
        audit_record(
            org=fx.firm,
            actor=fx.attorney,
            action="matter.viewed",
            obj=fx.matter,
            matter=fx.matter,
        )


def _add_staff(fx, n):
    today = timezone.localdate()
    for i in range(n):
        user = f.member(fx.provider, ["assistant"])
        f.assign(fx.engagement, user)
        f.assign(fx.other_engagement, user)
        if i % 2:
            Absence.objects.create(user=user, start=today, end=today)
        if i % 3 == 0:
            StaffProfile.objects.filter(user=user).update(status="left")


def _add_assigned_staff(fx, n):
    today = timezone.localdate()
    for i in range(n):
        user = f.member(fx.provider, ["assistant"])
        f.assign(fx.engagement, user)
        f.grant(fx.engagement, fx.matter, user)
        if i % 2:
            Absence.objects.create(user=user, start=today, end=today)


def _firm_page(name):
    return lambda fx: reverse(name, args=[fx.firm.slug])


def _staff_page(fx):
    return reverse("engagements:provider_staff", args=[fx.provider.slug])


def _engagement_page(fx):
    return reverse(
        "engagements:engagement_detail", args=[fx.firm.slug, fx.engagement.public_id]
    )


# (page, viewer, its URL, rows to add, most queries allowed with 30 rows): the
# bounds are today's counts plus a little room, so a query per row fails.
LIST_PAGES = [
    ("matter_list", "firm_admin", _firm_page("matters:matter_list"), _add_matters, 16),
    (
        "task_list",
        "assistant",
        _firm_page("work:task_list"),
        _add_tasks_for("assistant"),
        36,
    ),
    (
        "task_list",
        "firm_admin",
        _firm_page("work:task_list"),
        _add_tasks_for("firm_admin"),
        20,
    ),
    (
        "engagement_list",
        "firm_admin",
        _firm_page("engagements:engagement_list"),
        _add_engagements,
        16,
    ),
    (
        "today",
        "assistant",
        lambda fx: reverse("today:today"),
        _add_tasks_for("assistant"),
        50,
    ),
    (
        "firm_today",
        "firm_admin",
        _firm_page("today:firm_today"),
        _add_tasks_for("firm_admin"),
        20,
    ),
    (
        "firm_today",
        "assistant",
        _firm_page("today:firm_today"),
        _add_tasks_for("assistant"),
        36,
    ),
    ("people", "firm_admin", _firm_page("engagements:people"), _add_people, 16),
    ("audit_log", "firm_admin", _firm_page("audit:audit_log"), _add_audit_events, 16),
    ("provider_staff", "provider_admin", _staff_page, _add_staff, 14),
    ("engagement_detail", "firm_admin", _engagement_page, _add_assigned_staff, 24),
]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("list_page", "viewer", "url_of", "add_rows", "bound"),
    [pytest.param(*case, id=f"{case[0]}-{case[1]}") for case in LIST_PAGES],
)
def test_list_page_queries_do_not_grow_with_rows(
    client,
    fixtures,
    sign_in,
    django_assert_max_num_queries,
    list_page,
    viewer,
    url_of,
    add_rows,
    bound,
):
    fixtures.assistant
    url = url_of(fixtures)
    sign_in(client, getattr(fixtures, viewer))
    add_rows(fixtures, 5)
    client.get(url)  # the first request stores the session's two-factor check
    with_5 = _count(client, url)
    add_rows(fixtures, 25)
    # Rows that are access facts (engagements, people) give a new access mark:
    # the next request works the viewer's access out again, once.
    client.get(url)
    with django_assert_max_num_queries(bound):
        with_30 = _count(client, url)
    assert with_30 <= with_5, (
        f"{list_page}: {with_5} queries with 5 rows, {with_30} with 30: a query per row"
    )
