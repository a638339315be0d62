"""Courts, deadline rules, events, reminders and calendar feeds.

Courts, declared holidays and deadline rules are public reference data shared by
every firm (no ``firm`` column). Events, attendees, reminders and feeds are
client data and follow the access rule.
"""

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from firmdesk.common.models import NeedToKnow, TenantModel

from . import deadlines


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except Exception as error:
        raise ValidationError(
            f"{value!r} is not a time zone name; use one like America/Chicago."
        ) from error


class Court(models.Model):
    code = models.SlugField(max_length=20, unique=True, help_text="e.g. nysd")
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(
        max_length=5,
        help_text="US for federal rules alone, or US-XX for the state the court "
        "sits in (its holidays count for periods measured after an event).",
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    observed_holidays = models.BooleanField(
        default=True,
        help_text="The Friday before or Monday after a weekend holiday counts as "
        "a legal holiday.",
    )
    state_holidays = models.BooleanField(
        default=True,
        help_text="State holidays count for periods measured after an event "
        "(FRCP 6(a)(6)(C)).",
    )
    filing_cutoff = models.TimeField(
        null=True,
        blank=True,
        help_text="Leave empty for midnight court time (FRCP 6(a)(4)(A)); set "
        "only where a local rule or order ends the day earlier.",
    )
    clerk_closes = models.TimeField(
        default=dt.time(17, 0), help_text="When the clerk's office closes."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def calendar(self, declared=None) -> deadlines.CourtCalendar:
        closures = {c.day: c.reason for c in self.closures.all()}
        return deadlines.CourtCalendar(
            name=self.name,
            jurisdiction=self.jurisdiction,
            time_zone=self.time_zone,
            observed_holidays=self.observed_holidays,
            state_holidays=self.state_holidays,
            declared=declared if declared is not None else declared_holidays(),
            closures=closures,
            filing_cutoff=self.filing_cutoff,
        )


class CourtClosure(models.Model):
    """A day the clerk's office was inaccessible (weather, outage, closure
    order): FRCP 6(a)(3). Not a legal holiday; it only moves a last day."""

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["court", "day"], name="one_closure_a_day")
        ]

    def __str__(self):
        return f"{self.court.code} closed {self.day}: {self.reason}"


class DeclaredHoliday(models.Model):
    """A day declared a holiday by the President or Congress, FRCP 6(a)(6)(B),
    which the ``holidays`` package does not list."""

    day = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return f"{self.day}: {self.name}"


def declared_holidays() -> dict:
    """From the database; the shipped list when the table is not there yet."""
    from django.db import DatabaseError

    try:
        return {row.day: row.name for row in DeclaredHoliday.objects.all()}
    except DatabaseError:
        return dict(deadlines.DECLARED_HOLIDAYS)


class DeadlineRule(models.Model):
    class Unit(models.TextChoices):
        DAYS = "days", "days"
        COURT_DAYS = "court_days", "court days"
        HOURS = "hours", "hours"

    class Direction(models.TextChoices):
        AFTER = "after", "after the trigger"
        BEFORE = "before", "before the trigger"

    code = models.SlugField(max_length=60, unique=True)
    jurisdiction = models.CharField(max_length=5, default="US")
    citation = models.CharField(max_length=120)
    name = models.CharField(max_length=200)
    trigger = models.CharField(max_length=200, help_text="What starts the period.")
    offset = models.PositiveIntegerField()
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.DAYS)
    direction = models.CharField(
        max_length=6, choices=Direction.choices, default=Direction.AFTER
    )
    service_extension = models.BooleanField(
        default=False,
        help_text="Rule 6(d)'s 3 added days apply when the trigger paper was "
        "served by mail, clerk or consent.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["citation"]

    def __str__(self):
        return f"{self.citation}: {self.name}"

    @property
    def summary(self) -> str:
        return (
            f"{self.offset} {self.get_unit_display()} "
            f"{'after' if self.direction == 'after' else 'before'} {self.trigger}"
        )


class Event(TenantModel):
    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", "Appointment"
        CONSULTATION = "consultation", "Consultation"
        COURT_DATE = "court_date", "Court date"
        HEARING = "hearing", "Hearing"
        DEPOSITION = "deposition", "Deposition"
        FILING_DEADLINE = "deadline", "Filing deadline"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Service(models.TextChoices):
        PERSONAL = "personal", "Personal service"
        ELECTRONIC = "electronic", "Electronic service"
        MAIL = "mail", "By mail (+3 days)"
        CLERK = "clerk", "Left with the clerk (+3 days)"
        CONSENT = "consent", "Other means consented to (+3 days)"

    COURT_KINDS = {Kind.COURT_DATE, Kind.HEARING, Kind.FILING_DEADLINE}

    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    court = models.ForeignKey(
        Court, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Stored in UTC with the zone it was set in; an all-day event also keeps its
    # dates (end inclusive) so it is the same day for every viewer.
    start = models.DateTimeField()
    end = models.DateTimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    all_day = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    video_url = models.URLField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who answers for it: told of changes and reminded.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_minutes = models.JSONField(
        default=list,
        blank=True,
        help_text="Minutes before the start at which to remind, e.g. [1440, 60].",
    )
    sequence = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1)
    ical_uid = models.CharField(max_length=255, blank=True)
    # A computed deadline: the rule, what triggered it and how it was reached.
    rule = models.ForeignKey(
        DeadlineRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trigger_event = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependent_deadlines",
    )
    trigger_date = models.DateField(null=True, blank=True)
    service = models.CharField(
        max_length=10, choices=Service.choices, default=Service.PERSONAL
    )
    # The period itself (offset, unit, direction, service_extension, citation),
    # kept so a changed trigger recomputes without the rule, which may change.
    period = models.JSONField(default=dict, blank=True)
    derivation = models.JSONField(default=list, blank=True)
    last_moment = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["firm", "start"]),
            models.Index(fields=["firm", "matter", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="event_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_deadline(self) -> bool:
        return self.kind == self.Kind.FILING_DEADLINE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def uid(self) -> str:
        """Stable across edits, so a calendar replaces rather than duplicates."""
        return self.ical_uid or f"{self.public_id}@firmdesk"

    @staticmethod
    def scope_filter(scope) -> Q:
        """Firm members: every event not on a screened matter. Provider staff:
        events on matters they may see, and events with no matter that they
        own, created or attend; never on a screened matter."""
        if scope.is_firm_member:
            if not scope.screened_matter_ids:
                return Q()
            return scope.matter_q("matter") | Q(matter__isnull=True)
        theirs = (
            Q(owner=scope.user)
            | Q(created_by=scope.user)
            | Q(
                Exists(
                    EventAttendee.objects.for_firm(scope.firm).filter(
                        event=OuterRef("pk"), user=scope.user
                    )
                )
            )
        )
        visible = (Q(matter__isnull=False) & scope.matter_q("matter")) | (
            Q(matter__isnull=True) & theirs
        )
        if not scope.screened_matter_ids:
            return visible
        return visible & ~Q(matter_id__in=scope.screened_matter_ids)

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Firm members see every event not on a matter they are screened "
        "from; provider staff the events of matters they may see and "
        "matterless events they own, created or attend.",
    )

    def local_start(self, zone=None):
        return self.start.astimezone(zone or self.zone)

    def local_end(self, zone=None):
        return self.end.astimezone(zone or self.zone)


class EventAttendee(TenantModel):
    """A user or a contact expected at an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    contact = models.ForeignKey(
        "matters.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(contact__isnull=False),
                name="attendee_is_someone",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="attend_once_as_user",
            ),
            models.UniqueConstraint(
                fields=["event", "contact"],
                condition=Q(contact__isnull=False),
                name="attend_once_as_contact",
            ),
        ]
        indexes = [models.Index(fields=["firm", "user"])]

    def __str__(self):
        return str(self.user or self.contact)

    need_to_know = NeedToKnow.through("event")


class Reminder(TenantModel):
    """One reminder of one event for one person at one moment. ``key`` is unique,
    so a restarted worker neither loses a reminder nor sends it twice."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    minutes_before = models.PositiveIntegerField()
    fire_at = models.DateTimeField()
    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["fire_at"]
        indexes = [
            models.Index(fields=["firm", "sent_at", "fire_at"], name="reminder_due_idx")
        ]

    @staticmethod
    def scope_filter(scope) -> Q:
        return Q(user=scope.user) & Q(
            event__in=Event.objects.in_scope(scope).values("pk")
        )

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="A reminder is its recipient's own, and only while its event is "
        "visible to them.",
    )


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(TenantModel):
    """A secret, revocable iCalendar address: one person's events in one firm,
    or one matter's. Whoever holds the address reads the feed, so every read
    checks again that its owner may still see what it lists."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", "My events"
        MATTER = "matter", "A matter's events"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @staticmethod
    def scope_filter(scope) -> Q:
        return Q(user=scope.user)

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="A feed address is its owner's secret; every read of it checks "
        "the owner's access again.",
    )

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def feed_token_is_well_formed(token: str) -> bool:
    return 20 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)
