"""Landing where the work is: who lands where, and every count on Today
opens a list of exactly the items it counted, for every role."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from firmdesk.intake.models import Lead
from firmdesk.scheduling.models import Event
from firmdesk.work.models import Task
from tests import factories as f

HOUR = datetime.timedelta(hours=1)
GLANCE = re.compile(r'<a href="([^"]+)" data-count="(\d+)" data-glance="(\w+)"')


@pytest.fixture
def intake_specialist(provider, engagement):
    user = f.member(
        provider, ["intake_specialist"], email="in@north.test", full_name="Ines D"
    )
    f.assign(engagement, user, functions=("intake",))
    return user


@pytest.fixture
def work(firm, firm_admin, attorney, firm_staff, assistant, matter):
    """Open, late and submitted work, and leads with running clocks: the
    submitted task on another attorney's matter is the one that made
    "1 waiting for review" open an empty review list."""
    now = timezone.now()
    admins_matter = f.MatterFactory(firm=firm, responsible_attorney=firm_admin)
    f.task(firm, matter=matter, assignee=assistant, due_at=now - HOUR)
    f.task(firm, matter=matter, assignee=assistant, due_at=now + HOUR)
    f.task(firm, assignee=firm_staff, due_at=now - HOUR, status="in_progress")
    f.task(
        firm, matter=matter, assignee=assistant, status="submitted", requester=attorney
    )
    f.task(
        firm,
        matter=admins_matter,
        assignee=firm_staff,
        status="submitted",
        requester=firm_admin,
        due_at=now - HOUR,
    )
    f.task(firm, assignee=firm_staff, status="approved", due_at=now - HOUR)
    for name, due, answered in (
        ("Late Lead", now - HOUR, None),
        ("Soon Lead", now + HOUR, None),
        ("Answered Lead", now + HOUR, now),
    ):
        Lead.unscoped.create(
            firm=firm,
            source=Lead.Source.PHONE,
            name=name,
            received_at=now - 2 * HOUR,
            response_due_at=due,
            first_response_at=answered,
        )


def _glances(body: str) -> list[tuple[str, int, str]]:
    return [
        (url.replace("&amp;", "&"), int(n), key) for url, n, key in GLANCE.findall(body)
    ]


@pytest.mark.parametrize(
    "who", ["firm_admin", "attorney", "firm_staff", "assistant", "intake_specialist"]
)
def test_each_count_on_today_opens_a_list_of_that_many_rows(
    client, request, firm, work, who
):
    user = request.getfixturevalue(who)
    f.sign_in(client, user)
    seen = 0
    for page in ("today:today", "today:firm_today"):
        args = [firm.slug] if page == "today:firm_today" else []
        body = client.get(reverse(page, args=args)).content.decode()
        glances = _glances(body)
        assert glances, page
        for url, count, key in glances:
            listed = client.get(url)
            assert listed.status_code == 200, (url, key)
            rows = listed.context["page"].paginator.count
            assert rows == count, (who, page, key, url)
            seen += count
    assert seen > 0


def test_the_review_count_is_the_reviewers_own_and_the_firms_beside_it(
    client, firm, attorney, work
):
    f.sign_in(client, attorney)
    body = client.get(reverse("today:firm_today", args=[firm.slug])).content.decode()
    counts = {key: n for _, n, key in _glances(body)}
    assert counts["review"] == 1 and counts["review_all"] == 2


def test_late_means_the_same_on_today_and_in_the_task_list(
    client, firm, firm_admin, work
):
    f.sign_in(client, firm_admin)
    page = client.get(reverse("today:firm_today", args=[firm.slug]))
    late = list(page.context["late"])
    assert len(late) == 2  # handed in or approved work is not late
    assert {t.status for t in late} <= set(Task.WORKING_STATUSES)


def test_the_intake_specialists_today_shows_running_clocks_with_time_left(
    client, firm, intake_specialist, work
):
    f.sign_in(client, intake_specialist)
    page = client.get(reverse("today:firm_today", args=[firm.slug]))
    assert [lead.name for lead in page.context["leads"]] == ["Late Lead", "Soon Lead"]
    body = page.content.decode()
    assert "59 minutes left" in body or "1 hour left" in body
    assert "Late</span> by" in body
    assert "Answered Lead" not in body


def test_one_firms_people_land_on_its_today(client, firm, attorney):
    f.sign_in(client, attorney)
    response = client.get(reverse("today:home"))
    assert response.url == reverse("today:firm_today", args=[firm.slug])


def test_staff_of_several_firms_land_on_today_across_them(client, assistant):
    f.sign_in(client, assistant)
    assert client.get(reverse("today:home")).url == reverse("today:today")


def test_a_provider_admin_lands_on_the_team_page(client, provider, provider_admin):
    f.sign_in(client, provider_admin)
    assert client.get(reverse("today:home")).url == reverse(
        "today:provider_team", args=[provider.slug]
    )


def test_the_team_page_counts_each_persons_open_and_late_work_by_firm(
    client, firm, provider, provider_admin, assistant, engagement, work
):
    Task.unscoped.filter(assignee=assistant).update(engagement=engagement)
    f.sign_in(client, provider_admin)
    page = client.get(reverse("today:provider_team", args=[provider.slug]))
    rows = {(r.person, r.firm): r for r in page.context["rows"]}
    mine = rows[(assistant, firm)]
    assert (mine.open, mine.late) == (3, 1)
    assert "Lopez" not in page.content.decode()  # numbers, never a firm's rows


def test_the_default_calendar_includes_events_on_the_matters_one_is_responsible_for(
    client, firm, firm_admin, attorney, matter
):
    start = timezone.now() + HOUR
    Event.unscoped.create(
        firm=firm,
        kind="hearing",
        title="Lopez hearing",
        matter=matter,
        start=start,
        end=start + HOUR,
        time_zone="America/New_York",
        owner=firm_admin,
        created_by=firm_admin,
    )
    f.sign_in(client, attorney)
    body = client.get(reverse("scheduling:calendar", args=[firm.slug])).content.decode()
    assert "Lopez hearing" in body
