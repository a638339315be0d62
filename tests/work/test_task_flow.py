"""The delegation loop through the services: delegate, route, work, return,
fix, approve; the numbers an attorney reads afterwards."""

import datetime

import pytest
import time_machine

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.orgs.models import StaffProfile, TrainingRecord
from firmdesk.work import services
from firmdesk.work.models import Playbook, Task

# A Tuesday, 10:00 in New York.
TUESDAY_10AM = datetime.datetime(2026, 11, 17, 15, 0, tzinfo=datetime.UTC)


def onboard(firm, user, functions=("scheduling", "documents")):
    profile = StaffProfile.objects.get(user=user)
    TrainingRecord.objects.create(
        profile=profile, title="Confidentiality", completed_on=datetime.date(2026, 1, 5)
    )
    scope = resolve_scope(user, firm, today=datetime.date(2026, 11, 17))
    for playbook in Playbook.objects.for_firm(firm).filter(function__in=functions):
        services.playbook_acknowledge(scope=scope, playbook=playbook)


@pytest.fixture
def ready(firm, engagement, assistant, attorney):
    services.playbooks_install_starter(firm=firm)
    engagement.turnaround_hours = {"documents": 8, "scheduling": 4}
    engagement.save()
    onboard(firm, assistant)
    return engagement


@time_machine.travel(TUESDAY_10AM, tick=False)
def test_delegated_work_goes_round_the_loop(ready, firm, matter, attorney, assistant):
    attorney_scope = resolve_scope(attorney, firm)
    task = services.task_create(
        scope=attorney_scope,
        title="Demand letter to Acme",
        function="documents",
        matter=matter,
        instructions="Use the PI template.",
    )
    assert task.assignee == assistant
    assert task.review_required and task.output_leaves_firm
    # 8 business hours from Tuesday 10:00 New York: Wednesday 10:00.
    assert task.due_at == datetime.datetime(2026, 11, 18, 15, 0, tzinfo=datetime.UTC)
    assert len(task.checklist) >= 4

    a_scope = resolve_scope(assistant, firm)
    task = services.task_start(scope=a_scope, task=task, revision=task.revision)
    with pytest.raises(ServiceError, match="Tick every item"):
        services.task_submit(scope=a_scope, task=task, revision=task.revision)
    task = services.task_checklist(
        scope=a_scope,
        task=task,
        revision=task.revision,
        done=set(range(len(task.checklist))),
    )
    task = services.task_submit(scope=a_scope, task=task, revision=task.revision)
    assert task.status == Task.Status.SUBMITTED

    services.task_review(
        scope=attorney_scope,
        task=task,
        revision=task.revision,
        approve=False,
        reason="wrong_template",
        comment="Use the 2026 letterhead.",
    )
    task.refresh_from_db()
    assert task.status == Task.Status.RETURNED and task.rework_count == 1

    task = services.task_start(scope=a_scope, task=task, revision=task.revision)
    task = services.task_submit(scope=a_scope, task=task, revision=task.revision)
    services.task_review(
        scope=attorney_scope, task=task, revision=task.revision, approve=True
    )
    task.refresh_from_db()
    assert task.status == Task.Status.APPROVED
    assert task.rework_count == 1
    assert task.on_time is True
    approved_at = task.closed_at
    assert approved_at == task.approved_at

    # Sent out a day later: finished when marked done, for the lists of
    # finished work.
    with time_machine.travel(task.approved_at + datetime.timedelta(days=1)):
        task = services.task_complete(
            scope=attorney_scope, task=task, revision=task.revision
        )
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.closed_at == task.completed_at > approved_at


@time_machine.travel(TUESDAY_10AM, tick=False)
def test_a_stale_revision_is_refused_and_nothing_is_overwritten(
    ready, firm, matter, attorney, assistant
):
    scope = resolve_scope(attorney, firm)
    task = services.task_create(
        scope=scope, title="Calendar hearing", function="scheduling", matter=matter
    )
    seen = task.revision
    services.task_edit(
        scope=scope, task=task, revision=seen, title="Calendar the hearing"
    )
    with pytest.raises(services.StaleTask) as caught:
        services.task_edit(scope=scope, task=task, revision=seen, priority="urgent")
    assert caught.value.task.title == "Calendar the hearing"
    task.refresh_from_db()
    assert task.priority == "normal"


def test_without_the_clients_consent_no_outside_task_and_no_task_only_access(
    ready, firm, matter, attorney, ungranted_assistant
):
    firm.require_client_consent = True
    firm.save()
    with pytest.raises(ServiceError, match="consent to outside help"):
        services.task_create(
            scope=resolve_scope(attorney, firm),
            title="Calendar the hearing",
            function="scheduling",
            matter=matter,
        )
    from tests import factories as f

    own = f.task(firm, matter=matter, assignee=ungranted_assistant)
    scope = resolve_scope(ungranted_assistant, firm)
    assert not Task.objects.in_scope(scope).filter(pk=own.pk).exists()
    matter.client_consent_on = datetime.date(2026, 11, 2)
    matter.save()
    scope = resolve_scope(ungranted_assistant, firm)
    assert Task.objects.in_scope(scope).filter(pk=own.pk).exists()
