"""The calendar of `firmdesk seed` and of the demo: events in realistic
proportions, deadlines the calculator agrees with, reminders as the service
would keep them, and nothing linked across firms."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.demo.seed_scheduling import COURT_AREAS
from firmdesk.demo.services import demo_load
from firmdesk.orgs.models import Membership, Organization, User
from firmdesk.scheduling import deadlines, services
from firmdesk.scheduling.models import Event, EventAttendee, Reminder

K = Event.Kind
S = Event.Status
PREFIX = "s41-"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Three firms seeded once for the module (the seed takes seconds); the
    moments before and after seeding."""
    with django_db_blocker.unblock():
        started = timezone.now()
        call_command("seed", scale="small", firms=3, seed=41, stdout=io.StringIO())
        yield started, timezone.now()
        # flush sends post_migrate, on which the scheduling app puts its courts
        # and rules back (the tests after this module read them).
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def events(seeded, db):
    return Event.unscoped.filter(firm__slug__startswith=PREFIX)


def test_seeded_calendar_has_realistic_proportions(events, seeded):
    _, now = seeded
    n = events.count()
    kinds = Counter(events.values_list("kind", flat=True))
    assert set(kinds) == set(K.values) - {K.OTHER}
    assert kinds[K.FILING_DEADLINE] / n >= 0.2
    statuses = Counter(events.values_list("status", flat=True))
    assert 0.05 <= statuses[S.CANCELLED] / n <= 0.15
    window = datetime.timedelta(days=91)
    near = events.filter(start__gte=now - window, start__lte=now + window)
    assert near.count() / n >= 0.75
    assert events.filter(start__gt=now).count() / n >= 0.3
    past = Counter(
        events.filter(kind=K.FILING_DEADLINE, end__lte=now).values_list(
            "status", flat=True
        )
    )
    assert past[S.DONE] / past.total() >= 0.75
    assert not events.filter(created_at__gt=now).exists()
    assert not events.filter(completed_at__gt=now).exists()
    assert not events.filter(status=S.DONE, completed_at__isnull=True).exists()
    # Courts hear federal-court matters only, and only live ones.
    in_court = events.filter(court__isnull=False)
    assert set(in_court.values_list("matter__practice_area", flat=True)) <= set(
        COURT_AREAS
    )
    assert not in_court.filter(matter__status__in=["closed", "pending"]).exists()
    assert events.filter(kind=K.CONSULTATION, matter__isnull=True).exists()


def test_court_events_keep_the_court_zone_and_one_court_a_matter(events):
    for event in events.filter(court__isnull=False).select_related("court"):
        assert event.time_zone == event.court.time_zone, event.pk
    pairs = set(events.filter(court__isnull=False).values_list("matter", "court"))
    courts = Counter(matter for matter, _ in pairs)
    assert courts and max(courts.values()) == 1
    hearings = events.filter(kind__in=[K.HEARING, K.COURT_DATE])
    for event in hearings.select_related("court"):
        day = event.local_start().date()
        assert event.court.calendar().is_open(day), (event.pk, day)


def test_every_seeded_deadline_is_what_the_calculator_gives(events):
    due = events.filter(kind=K.FILING_DEADLINE).select_related(
        "court", "rule", "trigger_event"
    )
    assert due.count() >= 50
    assert due.filter(trigger_event__kind=K.HEARING).count() >= 5
    calendars = {}
    for event in due:
        period = event.period
        assert period == services.period_of(event.rule)
        if event.trigger_event is not None:
            hearing = event.trigger_event
            assert hearing.matter_id == event.matter_id
            assert event.trigger_date == hearing.local_start().date()
        calendar = calendars.setdefault(event.court_id, event.court.calendar())
        result = deadlines.compute_days(
            event.trigger_date,
            period["offset"],
            before=period["direction"] == "before",
            service=event.service if period["service_extension"] else "personal",
            calendar=calendar,
            trigger_label=period["trigger"],
        )
        assert event.all_day and event.start_date == event.end_date == result.due
        assert event.last_moment == result.last_moment
        assert event.derivation == [step.as_dict() for step in result.steps]
        assert (event.start, event.end) == services.all_day_bounds(
            result.due, result.due, event.court.time_zone
        )
    # A period that runs after service was served by the time it was seeded.
    after = due.filter(period__direction="after", trigger_event__isnull=True)
    assert not after.filter(trigger_date__gt=timezone.localdate()).exists()


def test_seeded_rows_never_link_across_firms(events):
    assert not events.exclude(matter__isnull=True).exclude(matter__firm=F("firm"))
    assert not events.exclude(trigger_event__isnull=True).exclude(
        trigger_event__firm=F("firm")
    )
    attendees = EventAttendee.unscoped.filter(event__in=events)
    assert attendees.filter(user__isnull=False).exists()
    assert attendees.filter(contact__isnull=False).exists()
    assert not attendees.exclude(event__firm=F("firm")).exists()
    assert not attendees.exclude(contact__isnull=True).exclude(contact__firm=F("firm"))
    reminders = Reminder.unscoped.filter(event__in=events)
    assert not reminders.exclude(event__firm=F("firm")).exists()
    members = set(Membership.objects.values_list("organization_id", "user_id"))
    for firm_id, owner_id in events.values_list("firm_id", "owner_id").distinct():
        assert (firm_id, owner_id) in members


def test_reminders_only_for_future_scheduled_events(events, seeded):
    started, _ = seeded
    reminders = Reminder.unscoped.filter(event__in=events).select_related("event")
    assert reminders.count() > 50
    assert not reminders.exclude(event__status=S.SCHEDULED).exists()
    assert not reminders.filter(fire_at__lte=started).exists()
    for reminder in reminders:
        event = reminder.event
        assert reminder.fire_at == event.start - datetime.timedelta(
            minutes=reminder.minutes_before
        )
        assert reminder.key == services.reminder_key(
            event, reminder.user_id, reminder.fire_at
        )


def test_sync_reminders_finds_nothing_to_change_on_seeded_events(events):
    soon = timezone.now() + datetime.timedelta(hours=2)
    sample = (
        events.filter(status=S.SCHEDULED, start__gt=soon + datetime.timedelta(days=8))
        .select_related("firm")
        .order_by("pk")[:40]
    )
    assert len(sample) == 40
    for event in sample:
        before = set(event.reminders.values_list("key", flat=True))
        assert before
        services.sync_reminders(event)
        assert set(event.reminders.values_list("key", flat=True)) == before


@pytest.fixture
def demo(db):
    demo_load()
    return {org.slug: org for org in Organization.objects.filter(kind="firm")}


def test_demo_attorney_has_the_hearing_and_its_deadlines(demo):
    firm = demo["hale-ortiz"]
    attorney = User.objects.get(email="attorney@hale-ortiz.example")
    mine = Event.objects.in_scope(resolve_scope(attorney, firm)).filter(owner=attorney)
    hearing = mine.get(kind=K.HEARING)
    assert hearing.court.code == "nysd"
    assert hearing.time_zone == "America/New_York"
    assert hearing.start > timezone.now()
    assert mine.filter(kind=K.DEPOSITION, status=S.SCHEDULED).exists()
    assert mine.filter(kind=K.CONSULTATION).exists()
    answer = mine.get(rule__code="frcp-12a1B-counterclaim")
    assert (
        answer.start_date
        == deadlines.compute_days(
            answer.trigger_date, 21, calendar=hearing.court.calendar()
        ).due
    )
    affidavits = mine.get(trigger_event=hearing)
    assert (
        affidavits.start_date
        == deadlines.compute_days(
            hearing.local_start().date(),
            7,
            before=True,
            calendar=hearing.court.calendar(),
        ).due
    )
    assert Reminder.objects.for_firm(firm).filter(event=hearing, user=attorney).exists()


def test_demo_calendar_is_loaded_once_and_seen_through_the_access_rule(demo):
    before = Event.unscoped.count()
    assert demo_load() == 0
    assert Event.unscoped.count() == before
    hale = demo["hale-ortiz"]
    assistant = User.objects.get(email="assistant@northstar.example")
    seen = Event.objects.in_scope(resolve_scope(assistant, hale))
    # The litigation matter is granted to the assistant; they booked the
    # consultation and sit in on the deposition.
    assert seen.filter(kind=K.HEARING).exists()
    assert seen.filter(created_by=assistant, kind=K.CONSULTATION).exists()
    former = User.objects.get(email="assistant@bygone-assist.example")
    assert resolve_scope(former, hale) is None
