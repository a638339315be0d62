"""Playbooks, the weekly review, recurring work and notifications in Chromium:
axe on each page as the person who uses it, and an assistant acknowledging a
playbook without a mouse."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from firmdesk.access.scope import resolve_scope
from firmdesk.notify.models import Notification
from firmdesk.work import services
from firmdesk.work.models import PlaybookAcknowledgement, Review, Task
from tests import factories as f

from .conftest import sign_in
from .test_accessibility import Checker

pytestmark = pytest.mark.browser


def _playbook(firm, firm_admin):
    return services.playbook_create(
        scope=resolve_scope(firm_admin, firm),
        function="scheduling",
        title="Calendar a court date",
        summary="Court dates on the calendar the day the notice arrives.",
        steps="1. Read the notice.\n2. Put the date on the **firm calendar**.\n"
        "3. Set reminders at 14 and 3 days.",
        definition_of_done=["Date on the calendar", "Reminders set"],
        common_mistakes="- Using the mailing date instead of the hearing date.",
        review_required=True,
        turnaround_hours=4,
    )


def test_playbook_pages_pass_axe(
    live_server, new_context, problems, firm, firm_admin, engagement, assistant
):
    playbook = _playbook(firm, firm_admin)
    services.playbook_edit(
        scope=resolve_scope(firm_admin, firm),
        playbook=playbook,
        title="Calendar a court date",
        steps="1. Read the notice.\n2. Calendar it.",
        definition_of_done=["Date on the calendar"],
        change_note="Shorter",
    )
    now = timezone.now()
    done = f.task(
        firm,
        engagement=engagement,
        assignee=assistant,
        title="Calendar the Lopez hearing",
        status=Task.Status.APPROVED,
        submitted_at=now,
        approved_at=now,
        due_at=now + datetime.timedelta(hours=1),
    )
    Review.unscoped.create(
        firm=firm, task=done, decision="returned", reason="typo", comment="Typo."
    )
    Notification.objects.create(
        user=firm_admin,
        firm=firm,
        kind="task.submitted",
        title="Waiting for your review: Calendar the Lopez hearing",
        url=f"/f/{firm.slug}/tasks/{done.public_id}/",
    )
    services.recurrence_create(
        scope=resolve_scope(firm_admin, firm),
        title="Check the docket",
        function="scheduling",
        frequency="weekly",
        weekday=0,
        starts_on=datetime.date(2026, 1, 5),
    )
    base = live_server.url
    slug = firm.slug
    pb = f"/f/{slug}/playbooks/{playbook.public_id}"
    failures = []

    admin_page = problems.watch(new_context().new_page())
    admin = Checker(admin_page, base, failures)
    sign_in(admin_page, base, firm_admin.email)
    admin.visit(f"/f/{slug}/playbooks/", heading="Playbooks")
    admin.visit(f"{pb}/", heading="Calendar a court date")
    admin.visit(f"{pb}/?version=1", heading="Calendar a court date")
    admin.visit(f"{pb}/edit/", heading="Edit")
    admin_page.get_by_label("Definition of done").fill("")
    admin_page.get_by_role("button", name="Publish version 3").click()
    expect(admin_page.get_by_role("alert")).to_be_visible()
    admin.check("playbook form with errors")
    admin.visit(f"/f/{slug}/playbooks/new/", heading="Write a playbook")
    admin.visit(
        f"/f/{slug}/engagements/{engagement.public_id}/weekly/",
        heading="Weekly review",
    )
    admin.visit("/notifications/", heading="Notifications")
    admin.visit(f"/f/{slug}/recurring/", heading="Recurring tasks")
    admin_page.get_by_label("What needs doing").fill("Monthly pre-bill")
    admin_page.get_by_label("How often").select_option("monthly")
    admin_page.get_by_role("button", name="Set up recurring task").click()
    expect(admin_page.get_by_role("alert")).to_be_visible()
    admin.check("recurring form with errors")

    staff_page = problems.watch(new_context().new_page())
    staff = Checker(staff_page, base, failures)
    sign_in(staff_page, base, assistant.email)
    staff.visit(f"/f/{slug}/playbooks/", heading="Playbooks")
    staff.visit(f"{pb}/", heading="Calendar a court date")

    assert not failures, (
        f"axe found {len(failures)} serious or critical problems:\n"
        + "\n".join(failures)
    )


def test_assistant_acknowledges_a_playbook_with_the_keyboard(
    live_server, page, problems, firm, firm_admin, engagement, assistant
):
    playbook = _playbook(firm, firm_admin)
    sign_in(page, live_server.url, assistant.email)
    page.goto(f"{live_server.url}/f/{firm.slug}/playbooks/")
    link = page.get_by_role("link", name="Read and acknowledge Calendar a court date")
    expect(link).to_be_visible()
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar a court date")

    button = page.get_by_role("button", name="I have read this and will follow it")
    for _ in range(60):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("Recorded")
    expect(page.get_by_text("You acknowledged version 1.")).to_be_visible()
    ack = PlaybookAcknowledgement.unscoped.get(user=assistant, playbook=playbook)
    assert ack.version.number == 1
