"""Playbook pages, onboarding, the weekly review, recurring work and
notifications, through the pages as their users meet them."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.engagements.models import Engagement
from firmdesk.insights import rollup
from firmdesk.insights.figures import period_figures
from firmdesk.matters.models import MatterScreen
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import StaffProfile, TrainingRecord
from firmdesk.work import services
from firmdesk.work.models import (
    Flag,
    Playbook,
    PlaybookAcknowledgement,
    Recurrence,
    Review,
    SlaBreach,
    Task,
)
from firmdesk.work.selectors import engagement_week_review
from tests import factories as f

NY = zoneinfo.ZoneInfo("America/New_York")


def _write(scope, *, function="scheduling", title="Calendar a court date", **extra):
    fields = {
        "summary": "Court dates on the firm calendar the day they arrive.",
        "steps": "1. Read the notice.\n2. Put it on the **calendar**.",
        "definition_of_done": ["Date on the calendar", "Reminder set"],
        "review_required": True,
        **extra,
    }
    return services.playbook_create(
        scope=scope, function=function, title=title, **fields
    )


def _edit_data(playbook, **changes):
    version = playbook.current_version
    data = {
        "title": version.title,
        "summary": version.summary,
        "steps": version.steps,
        "definition_of_done": "\n".join(version.definition_of_done),
        "common_mistakes": "",
        "templates": "",
        "examples": "",
        "review_required": "on",
        "turnaround_hours": "",
        "change_note": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


@pytest.fixture
def playbook(admin_scope):
    return _write(admin_scope)


@pytest.fixture
def trained(assistant):
    """The assistant's training is current, so only playbooks stand in the way."""
    TrainingRecord.objects.create(
        profile=StaffProfile.objects.get(user=assistant),
        title="Confidentiality and privilege",
        completed_on=datetime.date(2025, 1, 10),
    )
    return assistant


def _staff(client, user):
    """Provider staff pass two-factor before anything else."""
    return f.sign_in(client, user)


# --- Playbooks and versions ---------------------------------------------------------


def test_editing_publishes_version_2_and_a_task_made_from_version_1_keeps_it(
    client, firm, firm_admin, admin_scope, engagement, playbook
):
    task = services.task_create(
        scope=admin_scope, title="Calendar the Lopez hearing", function="scheduling"
    )
    assert task.playbook_version.number == 1

    client.force_login(firm_admin)
    edit_url = reverse("playbooks:playbook_edit", args=[firm.slug, playbook.public_id])
    page = client.get(edit_url).content.decode()
    assert "Saving publishes version 2" in page
    response = client.post(
        edit_url,
        _edit_data(
            playbook,
            steps="1. Read the notice.\n2. Check the online court calendar too.",
            change_note="Check the court's calendar",
        ),
    )
    assert response.status_code == 302

    playbook.refresh_from_db()
    task.refresh_from_db()
    assert playbook.current_version.number == 2
    assert task.playbook_version.number == 1
    assert "Put it on the" in task.playbook_version.steps

    detail = reverse("playbooks:playbook_detail", args=[firm.slug, playbook.public_id])
    current = client.get(detail).content.decode()
    assert "online court calendar" in current
    assert "Check the court&#x27;s calendar" in current  # the history's note
    old = client.get(f"{detail}?version={task.playbook_version.number}")
    body = old.content.decode()
    assert "<strong>calendar</strong>" in body and "earlier version" in body
    assert client.get(f"{detail}?version=7").status_code == 404


def test_playbook_form_keeps_what_was_typed_and_says_what_is_missing(
    client, firm, firm_admin
):
    client.force_login(firm_admin)
    response = client.post(
        reverse("playbooks:playbook_new", args=[firm.slug]),
        {
            "title": "Book a consultation",
            "function": "intake",
            "steps": "1. Offer three slots.",
            "definition_of_done": "-\n  *",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Write at least one item" in body
    assert "1. Offer three slots." in body and "Book a consultation" in body
    assert Playbook.unscoped.filter(firm=firm).count() == 0


def test_new_playbook_is_published_as_version_1(client, firm, firm_admin):
    client.force_login(firm_admin)
    response = client.post(
        reverse("playbooks:playbook_new", args=[firm.slug]),
        {
            "title": "Send the monthly pre-bill",
            "function": "billing",
            "steps": "1. Run the pre-bill.",
            "definition_of_done": "- Entries checked\n- Sent to the attorney\n",
            "output_leaves_firm": "on",
            "turnaround_hours": "16",
        },
    )
    assert response.status_code == 302
    version = Playbook.unscoped.get(firm=firm).current_version
    assert version.number == 1
    assert version.definition_of_done == ["Entries checked", "Sent to the attorney"]
    assert version.output_leaves_firm and version.review_required
    page = client.get(response.url).content.decode()
    assert "Attorney review always (work leaves the firm)" in page


def test_attorney_who_is_not_a_firm_admin_cannot_edit_a_playbook(
    client, firm, attorney, playbook
):
    client.force_login(attorney)
    url = reverse("playbooks:playbook_edit", args=[firm.slug, playbook.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, _edit_data(playbook, title="Hijacked")).status_code == 404
    assert (
        client.get(reverse("playbooks:playbook_new", args=[firm.slug])).status_code
        == 404
    )
    playbook.refresh_from_db()
    assert playbook.current_version.number == 1
    assert playbook.current_version.title == "Calendar a court date"


def test_starter_library_is_offered_to_an_admin_of_a_firm_without_playbooks(
    client, firm, firm_admin
):
    client.force_login(firm_admin)
    url = reverse("playbooks:playbook_list", args=[firm.slug])
    assert "Add the starter library" in client.get(url).content.decode()
    client.post(reverse("playbooks:playbook_install_starter", args=[firm.slug]))
    page = client.get(url).content.decode()
    assert Playbook.unscoped.filter(firm=firm).count() == 8
    assert "Add the starter library" not in page
    assert "Prepare a demand letter" in page or "demand letter" in page.lower()


def test_provider_staff_see_only_playbooks_of_their_functions(
    client, firm, admin_scope, assistant
):
    ours = _write(admin_scope, title="Calendar a court date")
    billing = _write(admin_scope, function="billing", title="Prepare the pre-bill")
    retired = _write(admin_scope, title="Old docketing routine")
    services.playbook_edit(
        scope=admin_scope,
        playbook=retired,
        title="Old docketing routine",
        steps="x",
        definition_of_done=["x"],
        is_active=False,
    )
    _staff(client, assistant)
    page = client.get(
        reverse("playbooks:playbook_list", args=[firm.slug])
    ).content.decode()
    assert "Calendar a court date" in page
    assert "Prepare the pre-bill" not in page
    assert "Old docketing routine" not in page
    detail = reverse("playbooks:playbook_detail", args=[firm.slug, billing.public_id])
    assert client.get(detail).status_code == 404
    ours_url = reverse("playbooks:playbook_detail", args=[firm.slug, ours.public_id])
    assert client.get(ours_url).status_code == 200


def test_acknowledging_records_the_current_version_and_clears_onboarding(
    client, firm, admin_scope, trained, playbook
):
    _staff(client, trained)
    listing = reverse("playbooks:playbook_list", args=[firm.slug])
    page = client.get(listing).content.decode()
    assert "You have not acknowledged the playbooks" in page
    assert "Read and acknowledge" in page

    response = client.post(
        reverse("playbooks:playbook_acknowledge", args=[firm.slug, playbook.public_id])
    )
    assert response.status_code == 302
    ack = PlaybookAcknowledgement.unscoped.get(user=trained, playbook=playbook)
    assert ack.version == playbook.current_version and ack.version.number == 1
    page = client.get(listing).content.decode()
    assert "Acknowledged" in page and "tasks can come to you" in page

    services.playbook_edit(
        scope=admin_scope,
        playbook=playbook,
        title="Calendar a court date",
        steps="1. New step.",
        definition_of_done=["Done"],
    )
    detail = client.get(response.url).content.decode()
    assert "You acknowledged version 1; version 2 has changed since" in detail
    assert "I have read this and will follow it" in detail


def test_onboarding_box_says_training_is_missing(client, firm, assistant, playbook):
    _staff(client, assistant)
    page = client.get(
        reverse("playbooks:playbook_list", args=[firm.slug])
    ).content.decode()
    assert "You have no training record" in page


def test_attorney_has_nothing_to_acknowledge(client, firm, attorney, playbook):
    client.force_login(attorney)
    detail = client.get(
        reverse("playbooks:playbook_detail", args=[firm.slug, playbook.public_id])
    )
    assert "I have read this" not in detail.content.decode()
    url = reverse(
        "playbooks:playbook_acknowledge", args=[firm.slug, playbook.public_id]
    )
    assert client.post(url).status_code == 404
    assert not PlaybookAcknowledgement.unscoped.exists()


# --- Weekly review ------------------------------------------------------------------


def _at(day, hour, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=NY)


def _task(firm, engagement, title, **fields):
    return f.task(firm, engagement=engagement, title=title, **fields)


def _review(task, decision, when, reason="", comment=""):
    review = Review.unscoped.create(
        firm=task.firm, task=task, decision=decision, reason=reason, comment=comment
    )
    Review.unscoped.filter(pk=review.pk).update(created_at=when)
    return review


@pytest.fixture
def week_of_work(firm, engagement, assistant):
    """Week 2026-W10: Monday March 2 to Sunday March 8 (clocks go forward on
    the 8th in New York), with work just outside it on either side."""
    now = timezone.now()
    done = {"status": Task.Status.APPROVED, "assignee": assistant}
    on_time = _task(
        firm,
        engagement,
        "On time",
        **done,
        created_at=_at(2, 10),
        routed_at=_at(2, 10),
        first_response_at=_at(2, 12),
        due_at=_at(4, 17),
        submitted_at=_at(3, 9),
        approved_at=_at(3, 10),
    )
    late = _task(
        firm,
        engagement,
        "Late",
        **done,
        routed_at=_at(3, 10),
        first_response_at=_at(3, 14),
        due_at=_at(4, 17),
        submitted_at=_at(5, 9),
        approved_at=_at(5, 10),
        rework_count=1,
    )
    _task(
        firm,
        engagement,
        "Done without review",
        status=Task.Status.DONE,
        routed_at=_at(6, 8),
        first_response_at=_at(6, 8, 30),
        completed_at=_at(6, 9),
    )
    sunday = _task(firm, engagement, "Sunday night", **done, approved_at=_at(8, 23, 30))
    _task(firm, engagement, "Week before", **done, approved_at=_at(1, 23, 59))
    _task(firm, engagement, "Week after", **done, approved_at=_at(9, 0, 30))
    _task(firm, None, "In-house", **done, approved_at=_at(4, 12))
    overdue = _task(
        firm,
        engagement,
        "Still open",
        status=Task.Status.IN_PROGRESS,
        assignee=assistant,
        routed_at=_at(2, 8),
        first_response_at=_at(2, 9),
        due_at=now - datetime.timedelta(days=1),
    )
    _task(
        firm,
        engagement,
        "Not due yet",
        status=Task.Status.OPEN,
        due_at=now + datetime.timedelta(days=1),
    )
    # created_at is set on insert; the hand-built clock needs its own values.
    for task, created in ((on_time, _at(2, 10)), (late, _at(3, 10))):
        Task.unscoped.filter(pk=task.pk).update(created_at=created)
    Task.unscoped.filter(pk=sunday.pk).update(created_at=_at(8, 22, 30))

    _review(on_time, "approved", _at(3, 10))
    _review(late, "returned", _at(4, 9), "factual_error", "Wrong hearing date.")
    _review(late, "approved", _at(5, 10))
    _review(overdue, "returned", _at(5, 15), "typo", "Two typos in the caption.")
    _review(overdue, "returned", _at(6, 15), "factual_error", "Still the wrong date.")
    _review(overdue, "returned", _at(10, 9), "formatting", "Next week's.")
    in_house = Task.unscoped.get(title="In-house")
    _review(in_house, "returned", _at(4, 12), "typo", "Another team's.")

    Flag.unscoped.create(
        firm=firm, task=overdue, kind="blocked", note="Need the notice"
    )
    Flag.unscoped.create(firm=firm, task=on_time, kind="question", resolved_at=now)
    SlaBreach.unscoped.create(
        firm=firm,
        task=late,
        engagement=engagement,
        function="scheduling",
        due_at=_at(4, 17),
    )
    SlaBreach.unscoped.create(
        firm=firm,
        task=late,
        engagement=engagement,
        function="scheduling",
        due_at=_at(1, 17),
    )
    # The hand-set times above were written with update(), which the roll-up
    # does not hear of: count the firm again, as after any bulk write.
    rollup.rebuild(firm)


def test_weekly_review_lists_on_a_hand_built_week(
    firm, firm_admin, engagement, week_of_work
):
    scope = resolve_scope(firm_admin, firm)
    r = engagement_week_review(
        scope,
        engagement,
        start=_at(2, 0),
        end=_at(9, 0),
        now=timezone.now(),
    )
    assert [t.title for t in r["done"]] == [
        "On time",
        "Late",
        "Done without review",
        "Sunday night",
    ]
    assert [review.comment for review in r["returned"]] == [
        "Wrong hearing date.",
        "Two typos in the caption.",
        "Still the wrong date.",
    ]
    assert [t.title for t in r["overdue"]] == ["Still open"]
    assert [fl.note for fl in r["open_flags"]] == ["Need the notice"]
    assert len(r["breaches"]) == 1


def test_weekly_review_figures_come_from_the_roll_up(firm, engagement, week_of_work):
    figures = period_figures(
        firm,
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 8),
        engagement=engagement,
        today=datetime.date(2026, 3, 9),
    )
    c = figures.counts
    assert (c.finished, c.finished_on_time, c.finished_with_due) == (4, 1, 2)
    assert figures.on_time_percent == Decimal("50.0")
    assert (c.returned, c.reviewed) == (3, 5)
    assert figures.rework_percent == Decimal("60.0")
    assert figures.returned_by_reason == [("Factual error", 2), ("Typo", 1)]
    assert (figures.open_flags, c.breaches) == (1, 1)
    # In the firm's business hours (9 to 5, Monday to Friday), from when the
    # task was given out: first responses 2 h (Mon 10→12), 4 h (Tue 10→14),
    # 0 h (Fri 8:00→8:30, before opening) and 0 h (Mon 8→9); approvals 8 h
    # (Mon 10 → Tue 10), 16 h (Tue 10 → Thu 10) and 0 h (on a Sunday night).
    assert figures.task_response_median_hours == pytest.approx(1.0)
    assert figures.approval_median_hours == pytest.approx(8)


def test_weekly_review_counts_work_on_a_matter_the_viewer_is_screened_from(
    client, firm, firm_admin, engagement, assistant
):
    """Counts name no matter, so they take in all of the team's work; the
    lists leave out what the viewer may not see."""
    hidden = f.MatterFactory(firm=firm, title="Walled off")
    MatterScreen.unscoped.create(firm=firm, matter=hidden, user=firm_admin)
    now = timezone.now()
    f.task(
        firm,
        engagement=engagement,
        matter=hidden,
        title="Secret filing",
        status=Task.Status.APPROVED,
        assignee=assistant,
        approved_at=now,
        due_at=now + datetime.timedelta(hours=1),
        submitted_at=now,
    )
    client.force_login(firm_admin)
    body = client.get(
        reverse("engagements:engagement_weekly", args=[firm.slug, engagement.public_id])
    ).content.decode()
    assert "Secret filing" not in body
    assert "1 of 1 with a due time" in body
    assert "leave out the matters you are screened from" in body


def test_weekly_review_page_shows_the_week_and_its_neighbours(
    client, firm, firm_admin, engagement, week_of_work
):
    client.force_login(firm_admin)
    url = reverse(
        "engagements:engagement_weekly", args=[firm.slug, engagement.public_id]
    )
    body = client.get(f"{url}?week=2026-W10").content.decode()
    assert "Monday Mar 2 to Sunday Mar 8, 2026" in body
    assert "?week=2026-W09" in body and "?week=2026-W11" in body
    assert "50%" in body and "60%" in body
    assert "1 of 2 with a due time" in body and "3 returned of 5 reviews" in body
    assert escape("Wrong hearing date.") in body
    assert "Another team" not in body and "Week after" not in body
    # Nonsense in the address falls back to this week rather than failing.
    assert client.get(f"{url}?week=soon").status_code == 200


def test_weekly_review_queries_do_not_grow_with_work(
    client, firm, firm_admin, engagement, assistant, django_assert_max_num_queries
):
    client.force_login(firm_admin)
    url = reverse(
        "engagements:engagement_weekly", args=[firm.slug, engagement.public_id]
    )
    now = timezone.now()

    def add(n):
        for _ in range(n):
            task = _task(
                firm,
                engagement,
                "Work",
                status=Task.Status.APPROVED,
                assignee=assistant,
                approved_at=now,
                first_response_at=now,
                due_at=now - datetime.timedelta(hours=1),
            )
            _review(task, "returned", now, "typo", "x")
            Flag.unscoped.create(firm=firm, task=task, kind="urgent")
            SlaBreach.unscoped.create(
                firm=firm,
                task=task,
                engagement=engagement,
                function="scheduling",
                due_at=now,
            )
            _task(
                firm,
                engagement,
                "Late",
                status="open",
                due_at=now - datetime.timedelta(1),
            )

    add(2)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Work</a>") >= 27


# --- Recurring work -----------------------------------------------------------------


def test_recurring_task_form_checks_the_schedule_and_keeps_what_was_typed(
    client, firm, attorney, matter
):
    client.force_login(attorney)
    url = reverse("work:recurring_list", args=[firm.slug])
    response = client.post(
        url,
        {
            "title": "Check the docket",
            "function": "scheduling",
            "priority": "normal",
            "frequency": "weekly",
            "starts_on": "2026-03-02",
            "matter": "NOPE-1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the day of the week" in body
    assert "No matter numbered" in body
    assert "Check the docket" in body
    assert not Recurrence.unscoped.exists()

    response = client.post(
        url,
        {
            "title": "Monthly pre-bill",
            "function": "billing",
            "priority": "high",
            "frequency": "monthly",
            "day_of_month": "31",
            "starts_on": "2026-03-02",
            "matter": matter.number,
        },
    )
    assert response.status_code == 302
    recurrence = Recurrence.unscoped.get()
    assert (recurrence.matter, recurrence.day_of_month, recurrence.weekday) == (
        matter,
        31,
        None,
    )
    page = client.get(url).content.decode()
    assert "Monthly on day 31 (the last day in shorter months)" in page
    expected = services.recurrence_next_date(
        recurrence, timezone.localdate(timezone=firm.tz) - datetime.timedelta(1)
    )
    assert f"{expected:%b} {expected.day}, {expected.year}" in page


def test_stopping_recurring_work(client, firm, attorney, firm_staff):
    scope = resolve_scope(attorney, firm)
    recurrence = services.recurrence_create(
        scope=scope,
        title="Check the docket",
        function="scheduling",
        frequency="weekdays",
        starts_on=datetime.date(2026, 3, 2),
    )
    url = reverse("work:recurring_stop", args=[firm.slug, recurrence.public_id])
    client.force_login(firm_staff)
    assert client.post(url).status_code == 404
    client.force_login(attorney)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    recurrence.refresh_from_db()
    assert not recurrence.is_active
    page = client.get(reverse("work:recurring_list", args=[firm.slug])).content.decode()
    assert "Stopped" in page


# --- Notifications ------------------------------------------------------------------


def test_notifications_of_a_firm_the_user_lost_are_hidden(
    client, firm, other_firm, engagement, assistant
):
    for title, org in (
        ("Lopez hearing given to you", firm),
        ("Brandt filing returned", other_firm),
        ("Welcome to FirmDesk", None),
    ):
        Notification.objects.create(user=assistant, firm=org, kind="x", title=title)
    _staff(client, assistant)
    url = reverse("notifications:notifications")
    body = client.get(url).content.decode()
    assert "Lopez hearing" in body and "Brandt filing" in body and "3 unread" in body

    engagement.status = Engagement.Status.ENDED
    engagement.save(update_fields=["status"])
    body = client.get(url).content.decode()
    assert "Lopez hearing" not in body
    assert "Brandt filing" in body and "Welcome to FirmDesk" in body
    assert "2 unread" in body

    client.post(reverse("notifications:notifications_read"))
    hidden = Notification.objects.get(firm=firm)
    assert hidden.read_at is None  # marked only what the user could see
    assert Notification.objects.filter(read_at__isnull=False).count() == 2


def test_marking_one_notification_read_leaves_the_others(client, firm_admin):
    first, second = (
        Notification.objects.create(user=firm_admin, kind="x", title=t)
        for t in ("One", "Two")
    )
    client.force_login(firm_admin)
    client.post(
        reverse("notifications:notifications_read"), {"id": [str(first.public_id)]}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_someone_elses_notification_cannot_be_marked_read(client, firm_admin, attorney):
    theirs = Notification.objects.create(user=attorney, kind="x", title="Theirs")
    client.force_login(firm_admin)
    client.post(
        reverse("notifications:notifications_read"), {"id": [str(theirs.public_id)]}
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert (
        "Theirs"
        not in client.get(reverse("notifications:notifications")).content.decode()
    )


# --- List pages: queries do not grow with rows ------------------------------------


def _add_playbooks(scope, user, n):
    for i in range(n):
        playbook = _write(scope, title=f"Procedure {i}")
        if i % 2:
            PlaybookAcknowledgement.unscoped.create(
                firm=scope.firm,
                playbook=playbook,
                version=playbook.current_version,
                user=user,
            )


def _add_notifications(scope, user, n):
    for i in range(n):
        Notification.objects.create(
            user=user, firm=scope.firm if i % 2 else None, kind="x", title=f"N {i}"
        )


def _add_recurrences(scope, user, n):
    for i in range(n):
        services.recurrence_create(
            scope=scope,
            title=f"Recurring {i}",
            function="scheduling",
            frequency=["weekdays", "weekly", "monthly"][i % 3],
            weekday=i % 7,
            day_of_month=1 + i % 31,
            starts_on=datetime.date(2026, 1, 1),
        )


@pytest.mark.parametrize(
    ("name", "viewer", "add"),
    [
        ("playbooks:playbook_list", "firm_admin", _add_playbooks),
        ("playbooks:playbook_list", "assistant", _add_playbooks),
        ("notifications:notifications", "assistant", _add_notifications),
        ("work:recurring_list", "firm_admin", _add_recurrences),
    ],
)
def test_list_page_queries_do_not_grow_with_rows(
    request, client, firm, admin_scope, engagement, name, viewer, add
):
    user = request.getfixturevalue(viewer)
    _staff(client, user)
    url = reverse(
        name, args=[] if name == "notifications:notifications" else [firm.slug]
    )
    add(admin_scope, user, 3)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    add(admin_scope, user, 20)
    assert count() <= few
