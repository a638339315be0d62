"""Today across firms costs the same number of queries however many firms the
person serves (issue 22: it ran 4–5 queries per firm), and each firm's rows
still reach only those its access rule lets in."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from firmdesk.intake.models import Lead
from firmdesk.matters.models import MatterScreen
from firmdesk.orgs.models import Membership, Organization
from firmdesk.work.models import Task
from tests import factories as f

HOUR = datetime.timedelta(hours=1)
GLANCE = re.compile(r'data-count="(\d+)" data-glance="(\w+)"')


def _firm_with_work(n: int, tag: str, provider, person, role: str):
    """Firm ``n`` of ``person``'s desk, with their open task, a late task on a
    matter they may see, a late task and work waiting for review on a matter
    they may not (not opened to the assistant; the attorney is screened from
    it), and a lead waiting for its first response."""
    now = timezone.now()
    firm = f.OrganizationFactory(name=f"{tag} Firm {n}", slug=f"{tag}-firm-{n}")
    matter = f.MatterFactory(firm=firm, number=f"{tag}-{n}-1")
    hidden = f.MatterFactory(firm=firm, number=f"{tag}-{n}-2")
    other = f.member(firm, ["firm_staff"], email=f"{tag}{n}@staff.test")
    if role == "assistant":
        engagement = f.engagement(firm, provider)
        f.assign(engagement, person, functions=("scheduling", "documents", "intake"))
        f.grant(engagement, matter, person)
        task_fields = {"engagement": engagement}
    else:
        Membership.objects.create(user=person, organization=firm, roles=[role])
        MatterScreen.unscoped.create(firm=firm, matter=hidden, user=person)
        task_fields = {}
    f.task(
        firm,
        matter=matter,
        assignee=person,
        title=f"Mine {tag} {n}",
        due_at=now + HOUR,
        **task_fields,
    )
    for on in (matter, hidden):
        f.task(firm, matter=on, assignee=other, due_at=now - HOUR, **task_fields)
        f.task(
            firm,
            matter=on,
            assignee=other,
            status="submitted",
            requester=person if role == "attorney" else None,
            **task_fields,
        )
    Lead.unscoped.create(
        firm=firm,
        source=Lead.Source.PHONE,
        name=f"Lead {tag} {n}",
        received_at=now - 2 * HOUR,
        response_due_at=now - HOUR,
    )
    return firm


def _desk(tag: str, firms: int, role: str):
    provider = f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name=f"{tag} Support", slug=f"{tag}-support"
    )
    if role == "assistant":
        person = f.member(provider, ["assistant"], email=f"{tag}@desk.test")
    else:
        person = f.UserFactory(email=f"{tag}@desk.test")
    return person, [
        _firm_with_work(n, tag, provider, person, role) for n in range(firms)
    ]


def _today(client, person):
    f.sign_in(client, person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("today:today"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("role", ["assistant", "attorney"])
def test_today_costs_the_same_queries_for_one_firm_and_for_six(client, db, role):
    one, _ = _desk("one", 1, role)
    six, _ = _desk("six", 6, role)
    # The first request of a run fills caches of its own, and each person's
    # first request works out their access (kept across requests after it).
    _today(client, one)
    _today(client, six)
    body_one, for_one = _today(client, one)
    body_six, for_six = _today(client, six)
    assert body_one.count("data-glance=") > 0
    assert body_six.count("<section") == 6
    assert for_six == for_one


@pytest.mark.parametrize("role", ["assistant", "attorney"])
def test_each_firms_rows_on_today_reach_only_those_it_lets_in(client, db, role):
    person, firms = _desk("a", 3, role)
    stranger, _ = _desk("b", 2, role)
    body, _ = _today(client, person)
    for n in range(3):
        assert f"Mine a {n}" in body
        assert f"Lead a {n}" in body
    for n in range(2):
        assert f"b-firm-{n}" not in body
        assert f"Lead b {n}" not in body
    # One late task and one waiting for review per firm: those on the matter
    # the person may not see are not counted.
    counts = [(int(n), key) for n, key in GLANCE.findall(body)]
    assert [n for n, key in counts if key == "overdue"] == [1, 1, 1]
    assert [n for n, key in counts if key == "leads_late"] == [1, 1, 1]
    if role == "attorney":
        assert [n for n, key in counts if key == "review"] == [1, 1, 1]
        assert [n for n, key in counts if key == "review_all"] == [1, 1, 1]


def test_the_open_for_you_count_is_of_all_the_firms_rows_not_the_ten_shown(client, db):
    # The count comes from the rows' own query (a window over the firm's
    # rows), read once for the list and the glance: it counts every open task
    # of the person in the firm, not only the ten the list shows.
    person, _ = _desk("c", 1, "assistant")
    mine = Task.unscoped.get(title="Mine c 0")
    for n in range(11):
        f.task(
            mine.firm,
            matter=mine.matter,
            assignee=person,
            engagement=mine.engagement,
            title=f"More c {n}",
            due_at=timezone.now() + HOUR * (n + 2),
        )
    body, _ = _today(client, person)
    counts = {key: int(n) for n, key in GLANCE.findall(body)}
    assert counts["mine"] == 12
    assert len(re.findall(r">More c \d+<", body)) == 9  # ten rows in all
