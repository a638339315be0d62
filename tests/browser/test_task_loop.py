"""The whole delegation loop in Chromium (issue 4, "Done means"): an attorney
delegates through the Delegate page, routing gives it to the one assistant who
may take it, the assistant ticks the checklist and hands it in, the attorney
returns it with a reason, the assistant fixes it and hands it in again, the
attorney approves. axe runs on every page the two of them use."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firmdesk.access.scope import resolve_scope
from firmdesk.orgs.models import StaffProfile, TrainingRecord
from firmdesk.work import services
from firmdesk.work.models import Playbook, Task

from .conftest import sign_in
from .test_accessibility import Checker

pytestmark = pytest.mark.browser
DRAFT = {
    "name": "draft.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.7\n%%EOF\n",
}


def _onboard(firm, user):
    """Playbooks acknowledged, training current, working around the clock."""
    profile = StaffProfile.objects.get(user=user)
    profile.weekly_hours = {str(day): ["00:00", "23:59"] for day in range(7)}
    profile.save()
    TrainingRecord.objects.create(
        profile=profile, title="Confidentiality", completed_on=datetime.date(2025, 1, 5)
    )
    scope = resolve_scope(user, firm)
    for playbook in Playbook.objects.for_firm(firm):
        if playbook.function in scope.functions:
            services.playbook_acknowledge(scope=scope, playbook=playbook)


def test_delegate_route_work_return_fix_approve(
    live_server,
    new_context,
    problems,
    page,
    firm,
    attorney,
    engagement,
    matter,
    assistant,
    ungranted_assistant,
):
    services.playbooks_install_starter(firm=firm)
    _onboard(firm, assistant)
    # Gus is on the engagement too, but has not read the playbooks: routing
    # must pass him over.
    StaffProfile.objects.filter(user=ungranted_assistant).update(
        weekly_hours={str(day): ["00:00", "23:59"] for day in range(7)}
    )
    base = live_server.url
    slug = firm.slug
    failures = []
    due = timezone.now().astimezone(attorney.tz) + datetime.timedelta(days=3)

    # The attorney delegates.
    lawyer = Checker(page, base, failures)
    sign_in(page, base, attorney.email)
    lawyer.visit(f"/f/{slug}/tasks/new/", heading="Delegate a task")
    page.get_by_label("What needs doing").fill("Calendar the Lopez hearing")
    page.get_by_label("Kind of work").select_option("scheduling")
    expect(page.locator("#id_playbook_helptext")).to_contain_text("Uses “")
    page.get_by_label("Matter number").fill(matter.number)
    page.get_by_label(re.compile(r"^Due time")).fill(due.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Instructions").fill("Hearing notice from the clerk, **Friday**.")
    lawyer.check("delegate page, filled in")
    page.get_by_role("button", name="Delegate", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "is delegated to Priya Nair"
    )
    task = Task.objects.for_firm(firm).get()
    assert task.assignee == assistant
    task_path = f"/f/{slug}/tasks/{task.public_id}/"
    lawyer.check("task page (attorney)", heading="Calendar the Lopez hearing")

    # The assistant finds it in their queue, ticks the checklist, hands it in.
    work = problems.watch(new_context().new_page())
    staff = Checker(work, base, failures)
    sign_in(work, base, assistant.email)
    staff.visit("/queue/", heading="My queue")
    work.get_by_role("link", name="Calendar the Lopez hearing").click()
    staff.check("task page (assistant)", heading="Calendar the Lopez hearing")
    expect(work.locator(".instructions strong")).to_have_text("Friday")
    boxes = work.locator("#checklist input[type=checkbox]")
    total = boxes.count()
    assert total >= 2
    for i in range(total):
        boxes.nth(i).check()
    work.get_by_role("button", name="Save checklist").click()
    expect(work.locator("#h-checklist")).to_contain_text(f"{total} of {total} ticked")
    work.locator("summary", has_text="Add a file").click()
    work.get_by_label("Add a file").set_input_files(DRAFT)
    work.get_by_role("button", name="Upload").click()
    expect(work.locator("#h-files ~ ul")).to_contain_text("draft.pdf")
    work.locator("summary", has_text="Hand in").click()
    work.get_by_role("button", name="Yes, hand it in").click()
    expect(work.locator("#task-body .badge.status-submitted")).to_have_text(
        "Waiting for review"
    )
    staff.visit("/queue/team/", heading="Team queue")

    # The attorney returns it with a reason.
    lawyer.visit(f"/f/{slug}/review/", heading="Waiting for your review")
    page.get_by_role("link", name="Calendar the Lopez hearing").click()
    page.locator("summary", has_text="Return for changes").click()
    page.get_by_label("Why it goes back").select_option("typo")
    page.get_by_label("What needs to change").fill("The courtroom is 4B, not 4D.")
    first_item = page.locator("#return_reset_items_0")
    first_item.check()
    lawyer.check("return form open")
    page.get_by_role("button", name="Return it").click()
    expect(page.locator("#task-body .badge.status-returned").first).to_have_text(
        "Returned for changes"
    )

    # The assistant reads why at the top, redoes the named item, uploads the
    # corrected draft as its next version and hands it in again.
    work.goto(base + task_path)
    banner = work.locator(".return-note")
    expect(banner).to_contain_text("Returned for changes: Typo")
    expect(banner).to_contain_text("4B, not 4D")
    expect(work.locator("#h-checklist")).to_contain_text(
        f"{total - 1} of {total} ticked"
    )
    work.get_by_role("button", name="Start corrections").click()
    expect(work.locator("#task-body .badge.status-in_progress")).to_be_visible()
    work.locator("#done-0").check()
    work.get_by_role("button", name="Save checklist").click()
    expect(work.locator("#h-checklist")).to_contain_text(f"{total} of {total} ticked")
    work.locator("summary", has_text="Add a file").click()
    work.get_by_label("Add a file").set_input_files(DRAFT)
    work.get_by_label("It is").select_option(label="A new version of draft.pdf")
    work.get_by_role("button", name="Upload").click()
    expect(work.locator("#h-files ~ ul")).to_contain_text("version 2")
    work.locator("summary", has_text="Hand in").click()
    work.get_by_role("button", name="Yes, hand it in").click()
    expect(work.locator("#task-body .badge.status-submitted")).to_be_visible()

    # The attorney approves.
    page.goto(base + task_path)
    page.locator("summary", has_text="Approve").click()
    page.get_by_label("Version 2 of draft.pdf").check()
    page.get_by_role("button", name="Yes, approve").click()
    expect(page.locator("#task-body .task-status")).to_have_text("Approved")
    # Approving the task at version 2 approved that document too.
    expect(page.locator("#h-files ~ ul .badge.status-approved")).to_have_text(
        "Approved"
    )
    expect(page.locator(".approval-note")).to_contain_text(
        "Approved version 2 of draft.pdf"
    )
    numbers = page.locator("#h-numbers ~ dl")
    expect(numbers).to_contain_text("Returned for changes1 time")
    expect(numbers).to_contain_text("On time")
    lawyer.check("task page, approved")

    task.refresh_from_db()
    assert task.status == Task.Status.APPROVED
    assert task.rework_count == 1
    assert task.on_time is True
    assert task.assignee == assistant
    assert not failures, (
        f"axe found {len(failures)} serious or critical problems:\n"
        + "\n".join(failures)
    )
