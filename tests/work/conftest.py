"""Builders for the work tests: a team of provider staff in their own time zones,
onboarded (training record and the firm's playbooks acknowledged) unless a test
says otherwise, and open work to load them with.

Instants in these tests are written in UTC and hand-checked against the local
clocks in the comment next to each, so a mistake in the code's zone arithmetic
cannot hide behind the same mistake in the test.
"""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.orgs.models import StaffProfile, TrainingRecord
from firmdesk.work import services
from firmdesk.work.models import Playbook, PlaybookAcknowledgement, Task
from tests import factories as f

UTC = datetime.UTC
WEEKDAYS_9_TO_5 = {str(d): ["09:00", "17:00"] for d in range(5)}


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def onboard(firm, user, functions=("scheduling", "documents"), expires_on=None):
    """A current training record and every firm playbook of ``functions`` read."""
    TrainingRecord.objects.create(
        profile=StaffProfile.objects.get(user=user),
        title="Confidentiality and data handling",
        completed_on=datetime.date(2026, 1, 5),
        expires_on=expires_on,
    )
    for playbook in Playbook.unscoped.filter(firm=firm, function__in=functions):
        PlaybookAcknowledgement.unscoped.create(
            firm=firm, playbook=playbook, version=playbook.current_version, user=user
        )


def give_open_work(user, firm, count=1, status=Task.Status.IN_PROGRESS):
    for n in range(count):
        f.task(firm, assignee=user, status=status, title=f"Earlier work {n + 1}")


@pytest.fixture
def playbooks(firm):
    services.playbooks_install_starter(firm=firm)


@pytest.fixture
def hire(firm, provider, engagement, playbooks):
    """hire("Name", time_zone=..., ...) -> a staff member of the engagement."""

    def make(
        full_name,
        *,
        time_zone="America/New_York",
        weekly_hours=None,
        functions=("scheduling", "documents"),
        onboarded=True,
        sign_nda=True,
    ):
        email = full_name.lower().replace(" ", ".") + "@northstar.test"
        user = f.member(provider, ["assistant"], email=email, full_name=full_name)
        StaffProfile.objects.filter(user=user).update(
            time_zone=time_zone, weekly_hours=weekly_hours or WEEKDAYS_9_TO_5
        )
        f.assign(engagement, user, functions=functions, sign_nda=sign_nda)
        if onboarded:
            onboard(firm, user, functions)
        return user

    return make


@pytest.fixture
def delegate(firm, attorney):
    """delegate(**task_create arguments) as the attorney, or ``by=`` someone."""

    def make(*, by=None, title="Calendar the hearing", function="scheduling", **kw):
        scope = resolve_scope(by or attorney, firm)
        return services.task_create(scope=scope, title=title, function=function, **kw)

    return make
