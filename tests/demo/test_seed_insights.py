"""Insights rows of `firmdesk seed`: each firm's closed time audit, the
baseline hours recovered are measured against."""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from firmdesk.insights.figures import audit_baseline, firm_attorneys
from firmdesk.insights.models import AuditCategory, TimeAudit, TimeAuditEntry
from firmdesk.orgs.models import Membership, Organization, Role

PREFIX = "s44-"
FIRMS = 2


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed", scale="small", firms=FIRMS, seed=44, stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def firms():
    return Organization.objects.filter(slug__startswith=PREFIX, kind="firm")


def test_every_firm_has_one_closed_two_week_audit(seeded, db):
    for firm in firms():
        audits = list(TimeAudit.objects.for_firm(firm))
        assert len(audits) == 1
        audit = audits[0]
        assert audit.closed_at is not None
        assert (audit.end_date - audit.start_date).days == 13


def test_people_record_a_working_day_each_weekday_about_3_of_8_billable(seeded, db):
    for firm in firms():
        attorneys = firm_attorneys(firm)
        day_totals = defaultdict(Decimal)
        billable = defaultdict(Decimal)
        for entry in TimeAuditEntry.objects.for_firm(firm):
            assert entry.date.weekday() < 5
            day_totals[entry.person_id, entry.date] += entry.hours
            if entry.category == AuditCategory.BILLABLE:
                assert entry.person_id in attorneys
                billable[entry.person_id, entry.date] += entry.hours
        assert day_totals
        assert all(Decimal(8) <= total <= Decimal(9) for total in day_totals.values())
        assert all(
            Decimal("2.25") <= hours <= Decimal("3.75") for hours in billable.values()
        )


def test_the_audit_is_the_baseline_of_every_attorney(seeded, db):
    for firm in firms():
        attorneys = {
            m.user_id
            for m in Membership.objects.filter(organization=firm, is_active=True)
            if Role.ATTORNEY in m.roles
        }
        baseline = audit_baseline(firm)
        assert set(baseline.per_day) == attorneys
        assert all(
            Decimal("2.25") <= per_day <= Decimal("3.75")
            for per_day in baseline.per_day.values()
        )
