"""Time entries: typed in, timed, or logged on a task (issue 17, 1 and 1a)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.billing import time_entries as services
from firmdesk.billing.models import (
    BillingSettings,
    ClientBillingTerms,
    MatterRate,
    TimeEntry,
    Timekeeper,
)
from firmdesk.billing.rates import billing_settings
from firmdesk.billing.time_entries import EntryFields
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.work.models import Task
from firmdesk.work.services import StaleTask
from tests import factories as f

DAY = datetime.date(2026, 11, 16)


def fields(matter, hours="1.5", **more):
    return EntryFields(date=DAY, hours=Decimal(hours), matter=matter, **more)


@pytest.fixture
def keeper(firm, attorney):
    return Timekeeper.unscoped.create(
        firm=firm, user=attorney, code="OO", default_rate=Decimal("300.00")
    )


@pytest.fixture
def billing_assistant(provider, engagement, matter):
    """Provider staff whose engagement and assignment cover billing."""
    engagement.functions = [*engagement.functions, "billing"]
    engagement.save()
    user = f.member(
        provider, ["assistant"], email="bill@northstar.test", full_name="Bea Bell"
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user


def requires_codes(firm, matter):
    client = Contact.unscoped.create(firm=firm, kind="organization", name="Acme Co")
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=client, role="client")
    ClientBillingTerms.unscoped.create(firm=firm, client=client, requires_utbms=True)


# --- Recording time ------------------------------------------------------------


def test_an_entry_takes_the_timekeepers_rate_and_a_matter_rate_wins(
    firm, matter, attorney, keeper
):
    scope = resolve_scope(attorney, firm)
    entry = services.time_entry_create(scope=scope, fields=fields(matter))
    assert (entry.rate, entry.status, entry.outside_staff) == (
        Decimal("300.00"),
        "draft",
        False,
    )
    assert entry.amount == Decimal("450.00")
    MatterRate.unscoped.create(
        firm=firm, matter=matter, timekeeper=keeper, rate=Decimal("350.00")
    )
    again = services.time_entry_create(scope=scope, fields=fields(matter))
    assert again.rate == Decimal("350.00")


@pytest.mark.parametrize("hours", ["0", "-1", "24.5", "1.234"])
def test_hours_must_be_positive_at_most_a_day_and_in_hundredths(
    firm, matter, attorney, hours
):
    with pytest.raises(ServiceError) as error:
        services.time_entry_create(
            scope=resolve_scope(attorney, firm), fields=fields(matter, hours)
        )
    assert error.value.field == "hours"
    assert not TimeEntry.unscoped.exists()


def test_hours_off_the_increment_are_kept_for_the_review_to_flag(
    firm, matter, attorney
):
    entry = services.time_entry_create(
        scope=resolve_scope(attorney, firm), fields=fields(matter, "0.25")
    )
    assert entry.hours == Decimal("0.25")


def test_only_billing_people_set_the_rate(
    firm, matter, attorney, assistant, billing_assistant
):
    own = services.time_entry_create(
        scope=resolve_scope(attorney, firm),
        fields=fields(matter, rate=Decimal("425")),
    )
    assert own.rate == Decimal("425.00")
    with pytest.raises(ServiceError, match="billing people can set the rate"):
        services.time_entry_create(
            scope=resolve_scope(assistant, firm),
            fields=fields(matter, rate=Decimal("425")),
        )


def test_a_code_that_is_not_utbms_is_refused(firm, matter, attorney):
    with pytest.raises(ServiceError) as error:
        services.time_entry_create(
            scope=resolve_scope(attorney, firm),
            fields=fields(matter, task_code="L999"),
        )
    assert error.value.field == "task_code"


def test_a_matter_the_person_may_not_see_is_refused(firm, matter, ungranted_assistant):
    with pytest.raises(ServiceError) as error:
        services.time_entry_create(
            scope=resolve_scope(ungranted_assistant, firm), fields=fields(matter)
        )
    assert error.value.field == "matter"


def test_submit_refuses_an_entry_without_both_codes_where_the_client_asks(
    firm, matter, attorney
):
    requires_codes(firm, matter)
    scope = resolve_scope(attorney, firm)
    entry = services.time_entry_create(
        scope=scope, fields=fields(matter, task_code="L310")
    )
    with pytest.raises(ServiceError, match="requires a UTBMS task code and activity"):
        services.time_entry_submit(scope=scope, entry=entry)
    entry.refresh_from_db()
    assert entry.status == "draft"
    services.time_entry_update(
        scope=scope,
        entry=entry,
        fields=fields(matter, task_code="L310", activity_code="A103"),
    )
    assert services.time_entry_submit(scope=scope, entry=entry).status == "submitted"


def test_outside_staff_time_is_the_firms_cost_and_billed_only_where_it_chooses(
    firm, matter, engagement, assistant
):
    engagement.pricing_model = "hourly"
    engagement.price = Decimal("28.00")
    engagement.save()
    scope = resolve_scope(assistant, firm)
    unbilled = services.time_entry_create(scope=scope, fields=fields(matter))
    assert unbilled.engagement == engagement and unbilled.outside_staff
    assert (unbilled.billable, unbilled.rate, unbilled.cost) == (
        False,
        Decimal("0.00"),
        Decimal("42.00"),
    )
    settings = billing_settings(firm)
    settings.bill_outside_staff_time = True
    settings.outside_staff_rate = Decimal("95.00")
    settings.save()
    billed = services.time_entry_create(scope=scope, fields=fields(matter))
    assert (billed.billable, billed.rate, billed.amount) == (
        True,
        Decimal("95.00"),
        Decimal("142.50"),
    )


# --- Who changes what --------------------------------------------------------------


def test_the_timekeeper_or_billing_people_change_an_entry_until_it_is_reviewed(
    firm, matter, attorney, assistant, billing_assistant
):
    entry = services.time_entry_create(
        scope=resolve_scope(assistant, firm), fields=fields(matter)
    )
    billing = resolve_scope(billing_assistant, firm)
    services.time_entry_update(
        scope=billing, entry=entry, fields=fields(matter, "2", rate=Decimal("90"))
    )
    entry.refresh_from_db()
    assert (entry.hours, entry.rate) == (Decimal("2.00"), Decimal("90.00"))
    TimeEntry.unscoped.filter(pk=entry.pk).update(status="reviewed")
    entry.refresh_from_db()
    for scope in (resolve_scope(assistant, firm), billing):
        with pytest.raises(ServiceError, match="changes only in the pre-bill review"):
            services.time_entry_delete(scope=scope, entry=entry)
    assert TimeEntry.unscoped.filter(pk=entry.pk).exists()


def test_someone_else_without_billing_cannot_change_your_entry(
    firm, matter, attorney, assistant, engagement
):
    other = f.member(
        engagement.provider, ["assistant"], email="x@northstar.test", full_name="Xi"
    )
    f.assign(engagement, other)
    f.grant(engagement, matter, other)
    entry = services.time_entry_create(
        scope=resolve_scope(assistant, firm), fields=fields(matter)
    )
    assert not services.may_change(resolve_scope(other, firm), entry)
    with pytest.raises(ServiceError, match="Only the person whose time it is"):
        services.time_entry_submit(scope=resolve_scope(other, firm), entry=entry)


# --- The timer ----------------------------------------------------------------------


def test_a_stopped_timer_becomes_minutes_and_hours_rounded_up_to_the_increment(
    time_machine, firm, matter, attorney
):
    start = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    scope = resolve_scope(attorney, firm)
    timer = services.timer_start(scope=scope, matter=matter, narrative="Call")
    with pytest.raises(ServiceError, match="already running"):
        services.timer_start(scope=scope, matter=matter)
    time_machine.move_to(start + datetime.timedelta(minutes=19, seconds=5))
    entry = services.timer_stop(scope=scope, entry=timer)
    assert (entry.minutes, entry.hours, entry.timer_started_at) == (
        20,
        Decimal("0.40"),
        None,
    )
    assert entry.source == "timer" and entry.status == "draft"
    assert services.timer_start(scope=scope, matter=matter).timer_started_at


def test_the_timer_follows_the_firms_increment(time_machine, firm, matter, attorney):
    BillingSettings.unscoped.create(
        firm=firm, increment=Decimal("0.25"), max_hours_per_day=Decimal("10")
    )
    start = timezone.now()
    scope = resolve_scope(attorney, firm)
    timer = services.timer_start(scope=scope, matter=matter, now=start)
    entry = services.timer_stop(
        scope=scope, entry=timer, now=start + datetime.timedelta(minutes=16)
    )
    assert entry.hours == Decimal("0.50")


def test_nobody_else_stops_your_timer(firm, matter, attorney, firm_admin):
    timer = services.timer_start(scope=resolve_scope(attorney, firm), matter=matter)
    with pytest.raises(ServiceError, match="not running"):
        services.timer_stop(scope=resolve_scope(firm_admin, firm), entry=timer)


# --- Time logged on a task ------------------------------------------------------------


def test_time_logged_on_a_task_is_a_submitted_entry_and_the_tasks_total(
    firm, matter, engagement, assistant
):
    task = f.task(firm, matter=matter, assignee=assistant, engagement=engagement)
    scope = resolve_scope(assistant, firm)
    first = services.time_log_on_task(
        scope=scope, task=task, revision=task.revision, minutes=20
    )
    task.refresh_from_db()
    second = services.time_log_on_task(
        scope=scope, task=task, revision=task.revision, minutes=45, narrative="Filed"
    )
    task.refresh_from_db()
    assert task.minutes_logged == 65
    assert (first.timekeeper, first.matter, first.task, first.engagement) == (
        assistant,
        matter,
        task,
        engagement,
    )
    assert (first.status, first.source, first.hours) == (
        "submitted",
        "task",
        Decimal("0.40"),
    )
    assert first.outside_staff and first.narrative.startswith("Time logged on task")
    assert second.narrative == "Filed" and second.hours == Decimal("0.80")


def test_logging_on_a_task_changed_meanwhile_records_nothing(firm, matter, assistant):
    task = f.task(firm, matter=matter, assignee=assistant)
    scope = resolve_scope(assistant, firm)
    with pytest.raises(StaleTask):
        services.time_log_on_task(
            scope=scope, task=task, revision=task.revision - 1, minutes=20
        )
    assert not TimeEntry.unscoped.exists()


def test_only_the_assignee_logs_time_on_a_task(firm, matter, assistant, attorney):
    task = f.task(firm, matter=matter, assignee=assistant)
    with pytest.raises(ServiceError, match="Only the person the task is given to"):
        services.time_log_on_task(
            scope=resolve_scope(attorney, firm),
            task=task,
            revision=task.revision,
            minutes=20,
        )


def test_deleting_a_task_entry_takes_its_minutes_off_the_task(
    firm, matter, assistant, attorney
):
    task = f.task(firm, matter=matter, assignee=assistant)
    entry = services.time_log_on_task(
        scope=resolve_scope(assistant, firm),
        task=task,
        revision=task.revision,
        minutes=30,
    )
    services.time_entry_delete(scope=resolve_scope(attorney, firm), entry=entry)
    assert Task.unscoped.get(pk=task.pk).minutes_logged == 0


def test_staff_with_task_only_access_change_the_entry_of_their_task(
    firm, matter, ungranted_assistant
):
    task = f.task(firm, matter=matter, assignee=ungranted_assistant)
    scope = resolve_scope(ungranted_assistant, firm)
    entry = services.time_log_on_task(
        scope=scope, task=task, revision=task.revision, minutes=30
    )
    services.time_entry_update(
        scope=scope, entry=entry, fields=fields(matter, "0.6", narrative="Mailed")
    )
    entry.refresh_from_db()
    assert (entry.hours, entry.narrative, entry.matter) == (
        Decimal("0.60"),
        "Mailed",
        matter,
    )
