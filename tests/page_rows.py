"""Rows with what a list shows beside them (a matter with its client, a task
with its playbook and people, an event with an attendee), for the tests that
count a page's queries with one row and with many (tests/web/test_page_queries.py,
tests/api/test_list_queries.py)."""

import datetime as dt

from django.utils import timezone

from firmdesk.billing.models import Invoice
from firmdesk.intake.models import Lead
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.scheduling.models import Event, EventAttendee
from tests import factories as f

START = dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)


def matter(firm, attorney, n, **fields):
    made = f.MatterFactory(
        firm=firm, responsible_attorney=attorney, number=f"R-{n:03d}", **fields
    )
    person = Contact.unscoped.create(firm=firm, kind="person", name=f"Client {n}")
    MatterParty.unscoped.create(firm=firm, matter=made, contact=person, role="client")
    return made


def task(firm, attorney, staff, n, *, on=None, **fields):
    return f.task(
        firm,
        matter=on or matter(firm, attorney, n),
        assignee=staff,
        requester=attorney,
        title=f"Task {n}",
        due_at=START + dt.timedelta(hours=n),
        checklist=["Done right"],
        **fields,
    )


def event(firm, attorney, staff, n, *, on=None):
    start = START + dt.timedelta(hours=n)
    made = Event.unscoped.create(
        firm=firm,
        matter=on or matter(firm, attorney, n),
        kind=Event.Kind.HEARING,
        title=f"Hearing {n}",
        start=start,
        end=start + dt.timedelta(hours=1),
        time_zone="America/New_York",
        owner=attorney,
        created_by=attorney,
    )
    EventAttendee.unscoped.create(firm=firm, event=made, user=staff)
    return made


def lead(firm, attorney, staff, n):
    return Lead.unscoped.create(
        firm=firm,
        source=Lead.Source.PHONE,
        name=f"Lead {n}",
        owner=staff,
        received_at=timezone.now(),
        response_due_at=timezone.now() + dt.timedelta(hours=n),
    )


def invoice(firm, attorney, staff, n):
    on = matter(firm, attorney, n)
    return Invoice.unscoped.create(
        firm=firm,
        matter=on,
        client=on.parties.first().contact,
        number=f"HO-{1000 + n}",
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 11, 30),
        created_by=attorney,
    )
