"""The calendar for ``firmdesk seed``: court events, depositions, client
meetings, consultations and computed filing deadlines, with attendees and the
reminders still to come.

* Every open (or pre-existing) matter in a federal-court practice area gets one
  court in its firm's state (by the matter's place among the firm's), hearings
  and court dates on days that court is open, depositions in the court's zone,
  and deadlines from the starter rules; a period running after service counts
  from a day already past.
* Deadlines are computed as ``deadline_create`` computes them (the same
  ``compute`` and ``_apply_deadline``, one court calendar per court), but
  written in bulk: a service call per row would take minutes at the large
  scale. Some count back from a seeded hearing and point at it.
* Attorneys meet clients and prospective clients in the firm's zone.
* Most events fall within 90 days either side of today; about a tenth are
  cancelled; past deadlines are mostly done. Reminders exist only for scheduled
  events still ahead, with the keys ``sync_reminders`` would give them.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from zoneinfo import ZoneInfo

from firmdesk.access.system import loader
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.orgs.models import Function
from firmdesk.scheduling.models import (
    Court,
    DeadlineRule,
    DeclaredHoliday,
    Event,
    EventAttendee,
    Reminder,
)
from firmdesk.scheduling.services import (
    DEFAULT_REMINDERS,
    _apply_deadline,
    compute,
    period_of,
    reminder_key,
    trigger_of,
)

from .seed_work import weighted
from .seed_writer import dict_rows, new

K = Event.Kind
S = Event.Status
R = MatterParty.Role
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)

# Federal district courts hear these; family law goes to state courts, which
# the reference data does not list, so those matters get meetings only.
COURT_AREAS = ("Litigation", "Personal injury", "Employment")
LIVE_MATTERS = (Matter.Status.OPEN, Matter.Status.PRE_EXISTING)

# Per court matter; per open matter; per prospective client.
HEARINGS = {0: 30, 1: 50, 2: 20}
COURT_DATES = {0: 35, 1: 50, 2: 15}
DEPOSITIONS = {0: 45, 1: 35, 2: 15, 3: 5}
DEADLINES = {1: 20, 2: 35, 3: 30, 4: 15}
MEETINGS = {0: 40, 1: 40, 2: 20}
CONSULTED_SHARE = 0.7
# 85 % within 90 days of today; the rest up to eight months out or back.
NEAR_SHARE = 0.85
NEAR_DAYS, FAR_DAYS = 90, 240
CANCELLED_SHARE = 0.10
# Past events nobody marked done stay scheduled; past deadlines mostly are done.
PAST_DONE_SHARE = 0.85
PAST_DEADLINE_DONE_SHARE = 0.95
# Counted back from a hearing: FRCP 6(c)(1) and 6(c)(2).
HEARING_RULES = ("frcp-6c1-motion-notice", "frcp-6c2-opposing-affidavit")
HEARING_RULE_SHARE = 0.6
# Counted from a date the docket gives (service, a conference, a judgment).
DATE_RULES = {
    "frcp-12a1Ai-answer": 18,
    "frcp-12a1B-counterclaim": 5,
    "frcp-15a1-amend": 5,
    "frcp-4m-serve": 8,
    "frcp-16b2-scheduling-order": 4,
    "frcp-26f2-report": 6,
    "frcp-26a1C-initial-disclosures": 8,
    "frcp-33b2-interrogatories": 12,
    "frcp-34b2A-production": 12,
    "frcp-36a3-admissions": 6,
    "frcp-38b-jury-demand": 3,
    "frcp-72-objections": 2,
    "frap-4a1A-notice-of-appeal": 2,
    "sdny-lcivr-6-1b-opposition": 8,
}
# How papers are served when the rule adds 3 days for some ways (Rule 6(d)).
SERVICE_WEIGHTS = {
    Event.Service.ELECTRONIC: 70,
    Event.Service.MAIL: 20,
    Event.Service.PERSONAL: 7,
    Event.Service.CONSENT: 3,
}

HEARING_TITLES = (
    "Hearing on the motion to dismiss",
    "Hearing on the motion to compel discovery",
    "Oral argument on summary judgment",
    "Hearing on the motion for a preliminary injunction",
    "Hearing on the motions in limine",
    "Hearing on the motion for sanctions",
)
COURT_DATE_TITLES = (
    "Initial case management conference",
    "Status conference",
    "Settlement conference before the magistrate judge",
    "Final pretrial conference",
    "Trial: jury selection",
    "Discovery conference",
)
COURT_DATE_HOURS = (1, 1, 2, 2, 6, 1)
MEETING_TITLES = {
    K.APPOINTMENT: (
        "Client meeting: review the discovery responses",
        "Call with the client about the settlement offer",
        "Prepare the client for the deposition",
        "Client meeting: sign the verification",
        "Walk the client through the trial schedule",
    ),
    K.CONSULTATION: (
        "Consultation with the client on strategy",
        "Consultation: next steps after the hearing",
        "Consultation with the client on the settlement",
    ),
}
DESCRIPTIONS = (
    "Bring two courtesy copies of the papers; the judge's individual practices "
    "require them.",
    "Appearances in person. Check in with the courtroom deputy 15 minutes early.",
    "",
    "",
)
COURTROOMS = ("Courtroom 11A", "Courtroom 15C", "Courtroom 21D", "Courtroom 9B")
ROOMS = ("Conference room A", "Conference room B", "The attorney's office")
# What ``_apply_deadline`` sets on a deadline.
APPLIED_FIELDS = (
    "kind",
    "time_zone",
    "derivation",
    "last_moment",
    "all_day",
    "start",
    "end",
    "start_date",
    "end_date",
)

# Every column the planner may set, in the order an event's row gives them.
EVENT_COLUMNS = (
    "firm_id",
    "matter_id",
    "court_id",
    "kind",
    "title",
    "description",
    "location",
    "video_url",
    "owner_id",
    "created_by_id",
    "start",
    "end",
    "time_zone",
    "all_day",
    "start_date",
    "end_date",
    "status",
    "reminder_minutes",
    "sequence",
    "revision",
    "rule_id",
    "period",
    "service",
    "trigger_event_id",
    "trigger_date",
    "derivation",
    "last_moment",
    "completed_at",
    "completed_by_id",
    "created_at",
    "updated_at",
)


@dataclass
class PlannedEvent:
    fields: dict
    users: list[int] = field(default_factory=list)  # attending, besides the owner
    contacts: list[int] = field(default_factory=list)
    # Deadlines: what they count from, and how the paper was served.
    trigger_date: datetime.date | None = None
    trigger: "PlannedEvent | None" = None
    service: str = Event.Service.PERSONAL
    # Filled in once written.
    pk: int | None = None

    def written(self) -> Event:
        """The written event, as far as its key and its trigger date go."""
        f = self.fields
        return new(
            Event,
            pk=self.pk,
            firm_id=f["firm_id"],
            start=f["start"],
            time_zone=f["time_zone"],
            all_day=f["all_day"],
            start_date=f.get("start_date"),
        )


@dataclass
class MatterRow:
    pk: int
    firm_id: int
    attorney_id: int
    area: str
    opened_on: datetime.date
    clients: list[int] = field(default_factory=list)
    deponents: list[tuple[int, str]] = field(default_factory=list)
    counsel: list[int] = field(default_factory=list)


class _Planner:
    def __init__(self, ctx):
        self.ctx, self.rng = ctx, ctx.rng
        self.row = dict_rows(Event, EVENT_COLUMNS)
        self.today, self.now = ctx.today, ctx.now
        alias = ctx.alias
        declared = {d.day: d.name for d in DeclaredHoliday.objects.using(alias).all()}
        self.courts: dict[str, list[Court]] = defaultdict(list)
        for court in Court.objects.using(alias).filter(active=True).order_by("code"):
            self.courts[court.jurisdiction].append(court)
        self.all = [court for courts in self.courts.values() for court in courts]
        self.zones = {court.pk: ZoneInfo(court.time_zone) for court in self.all}
        # One calendar per court: each reads the court's closures.
        self.calendars = {
            court.pk: court.calendar(declared=declared) for court in self.all
        }
        self.rules = {
            r.code: r for r in DeadlineRule.objects.using(alias).filter(active=True)
        }
        self.hearing_rules = [self.rules[c] for c in HEARING_RULES if c in self.rules]
        # Per court jurisdiction: the federal rules and that state's local
        # ones, with their cumulative weights.
        self.date_rules: dict[str, tuple[list[DeadlineRule], list[int]]] = {}
        for jurisdiction in self.courts:
            codes = [
                code
                for code in DATE_RULES
                if code in self.rules
                and self.rules[code].jurisdiction in ("US", jurisdiction)
            ]
            self.date_rules[jurisdiction] = (
                [self.rules[code] for code in codes],
                list(accumulate(DATE_RULES[code] for code in codes)),
            )

    def court_for(self, firm, position: int) -> Court:
        """A court where the firm practises, by the matter's place among the
        firm's (not its id, so the same seed gives the same data in any
        database)."""
        courts = self.courts.get(firm.jurisdiction) or [
            c for c in self.all if c.time_zone == firm.time_zone
        ]
        courts = courts or self.all
        return courts[position % len(courts)]

    # -- when ----------------------------------------------------------------------

    def offset(self, earliest: int) -> int:
        """Days from today: mostly within 90 days either side, never before
        ``earliest`` (the matter was opened then)."""
        rng = self.rng
        if rng.random() < NEAR_SHARE:
            days = rng.randint(-NEAR_DAYS, NEAR_DAYS)
        else:
            days = rng.randint(NEAR_DAYS + 1, FAR_DAYS) * rng.choice((-1, 1))
        if days < earliest:
            days = rng.randint(earliest, max(earliest, NEAR_DAYS))
        return days

    def open_day(self, day: datetime.date, calendar=None) -> datetime.date:
        while day.weekday() >= 5 or (calendar and not calendar.is_open(day)):
            day += DAY
        return day

    def at(self, day, hour: float, zone: ZoneInfo) -> datetime.datetime:
        minutes = int(hour * 60)
        clock = datetime.time(minutes // 60, minutes % 60)
        return datetime.datetime.combine(day, clock, tzinfo=zone)

    def earliest(self, matter: MatterRow) -> int:
        return (matter.opened_on - self.today).days + 1

    # -- history -------------------------------------------------------------------

    def history(self, planned: PlannedEvent, created: datetime.datetime) -> None:
        """Created before the event (never in the future), then done, left
        scheduled or cancelled, as its date implies."""
        f, now = planned.fields, self.now
        # The same draws whatever the status, so the data after this event does
        # not depend on the minute the seed ran.
        cancel, finish, lead, when = (self.rng.random() for _ in range(4))
        created = min(created, now - MINUTE)
        f["created_at"] = f["updated_at"] = created
        deadline = f["kind"] == K.FILING_DEADLINE
        trigger = planned.trigger
        if trigger is not None and trigger.fields["status"] == S.CANCELLED:
            status = S.CANCELLED  # the hearing went, and its deadlines with it
        elif cancel < CANCELLED_SHARE:
            status = S.CANCELLED
        elif f["end"] <= now:
            done = PAST_DEADLINE_DONE_SHARE if deadline else PAST_DONE_SHARE
            status = S.DONE if finish < done else S.SCHEDULED
        else:
            status = S.SCHEDULED
        f["status"] = status
        if status == S.SCHEDULED:
            return
        if status == S.DONE:
            if deadline:  # filed up to 4 days ahead, or on the day
                at = f["last_moment"] - (0.1 + 3.9 * lead) * DAY
            else:
                at = f["end"] + (0.2 + 29.8 * lead) * HOUR
            at = max(created + MINUTE, min(at, now))
            f.update(completed_at=at, completed_by_id=f["owner_id"])
        else:
            until = min(f["start"], now)
            at = max(created, created + (until - created) * (0.1 + 0.8 * when))
        f.update(updated_at=at, sequence=1, revision=2)

    def created_before(self, start: datetime.datetime, earliest: datetime.date):
        """Booked 2 to 45 days ahead, but not before the matter was opened."""
        created = start - self.rng.uniform(2, 45) * DAY
        floor = datetime.datetime.combine(
            earliest, datetime.time(15), tzinfo=datetime.UTC
        )
        return min(max(created, floor), start - HOUR)

    # -- events --------------------------------------------------------------------

    def base(self, firm, matter, kind, owner, creators) -> dict:
        creator = (
            self.rng.choice(creators) if creators and self.rng.random() < 0.4 else owner
        )
        return {
            "firm_id": firm.pk,
            "matter_id": matter.pk if matter else None,
            "kind": kind,
            "owner_id": owner,
            "created_by_id": creator,
            "reminder_minutes": sorted(DEFAULT_REMINDERS.get(kind, [60]), reverse=True),
        }

    def timed(
        self,
        fields: dict,
        *,
        title: str,
        day: datetime.date,
        hour: float,
        hours: float,
        zone: ZoneInfo,
        opened_on: datetime.date,
        users=(),
        contacts=(),
    ) -> PlannedEvent:
        start = self.at(day, hour, zone)
        fields.update(
            title=title[:200],
            start=start,
            end=start + hours * HOUR,
            time_zone=zone.key,
            all_day=False,
        )
        owner = fields["owner_id"]
        planned = PlannedEvent(
            fields,
            users=list(dict.fromkeys(u for u in users if u and u != owner)),
            contacts=list(dict.fromkeys(c for c in contacts if c)),
        )
        self.history(planned, self.created_before(start, opened_on))
        return planned

    def court_events(
        self, firm, matter: MatterRow, court: Court, creators
    ) -> list[PlannedEvent]:
        rng = self.rng
        calendar, zone = self.calendars[court.pk], self.zones[court.pk]
        earliest = self.earliest(matter)
        attorneys = self.ctx.attorneys[firm.pk]
        events = []
        kinds = [K.HEARING] * weighted(rng, HEARINGS)
        kinds += [K.COURT_DATE] * weighted(rng, COURT_DATES)
        for kind in kinds:
            day = self.open_day(self.today + self.offset(earliest) * DAY, calendar)
            fields = self.base(firm, matter, kind, matter.attorney_id, creators)
            if kind == K.HEARING:
                title, hours = rng.choice(HEARING_TITLES), 1
            else:
                n = rng.randrange(len(COURT_DATE_TITLES))
                title, hours = COURT_DATE_TITLES[n], COURT_DATE_HOURS[n]
            second = rng.choice(attorneys) if rng.random() < 0.3 else None
            contacts = []
            if matter.counsel and rng.random() < 0.7:
                contacts.append(matter.counsel[0])
            if matter.clients and kind == K.COURT_DATE and rng.random() < 0.5:
                contacts.append(matter.clients[0])
            fields.update(
                court_id=court.pk,
                location=f"{rng.choice(COURTROOMS)}, {court.name}",
                description=rng.choice(DESCRIPTIONS),
            )
            events.append(
                self.timed(
                    fields,
                    title=title,
                    day=day,
                    hour=rng.choice((9, 9.5, 10, 10.5, 11, 14, 14.5)),
                    hours=hours,
                    zone=zone,
                    opened_on=matter.opened_on,
                    users=(second,),
                    contacts=contacts,
                )
            )
        for _ in range(weighted(rng, DEPOSITIONS)):
            day = self.open_day(self.today + self.offset(earliest) * DAY)
            fields = self.base(firm, matter, K.DEPOSITION, matter.attorney_id, creators)
            contacts = list(matter.counsel[:1])
            if matter.deponents:
                contact, name = rng.choice(matter.deponents)
                title = f"Deposition of {name}"
                contacts.append(contact)
            else:
                title = "Deposition of the corporate representative (Rule 30(b)(6))"
            remote = rng.random() < 0.35
            fields.update(
                court_id=court.pk,
                location="" if remote else rng.choice(ROOMS[:2]),
                video_url=f"https://video.example/depo/{matter.pk}-{len(events)}"
                if remote
                else "",
            )
            # The assistant who booked the court reporter often sits in.
            staff = rng.choice(creators) if creators and rng.random() < 0.3 else None
            events.append(
                self.timed(
                    fields,
                    title=title,
                    day=day,
                    hour=rng.choice((9, 9.5, 10, 13)),
                    hours=rng.choice((3, 4, 6, 7)),
                    zone=zone,
                    opened_on=matter.opened_on,
                    users=(staff,),
                    contacts=contacts,
                )
            )
        return events

    def meetings(self, firm, matter: MatterRow, creators) -> list[PlannedEvent]:
        rng, zone = self.rng, firm.tz
        earliest = self.earliest(matter)
        events = []
        for _ in range(weighted(rng, MEETINGS)):
            kind = K.CONSULTATION if rng.random() < 0.4 else K.APPOINTMENT
            day = self.open_day(self.today + self.offset(earliest) * DAY)
            fields = self.base(firm, matter, kind, matter.attorney_id, creators)
            remote = rng.random() < 0.4
            fields.update(
                location="" if remote else rng.choice(ROOMS),
                video_url=f"https://video.example/meet/{matter.pk}-{len(events)}"
                if remote
                else "",
            )
            events.append(
                self.timed(
                    fields,
                    title=rng.choice(MEETING_TITLES[kind]),
                    day=day,
                    hour=rng.choice((9, 10, 11, 13.5, 15, 16)),
                    hours=rng.choice((0.5, 0.5, 1, 1, 1.5)),
                    zone=zone,
                    opened_on=matter.opened_on,
                    contacts=matter.clients[:1],
                )
            )
        return events

    def consultations(self, firm, prospects, creators) -> list[PlannedEvent]:
        """Initial consultations with people who inquired and never retained
        the firm: no matter."""
        rng, zone = self.rng, firm.tz
        events = []
        for contact, name in prospects:
            if rng.random() >= CONSULTED_SHARE:
                continue
            attorney = rng.choice(self.ctx.attorneys[firm.pk])
            day = self.open_day(self.today + self.offset(-FAR_DAYS) * DAY)
            fields = self.base(firm, None, K.CONSULTATION, attorney, creators)
            fields.update(location=rng.choice(ROOMS[:2]))
            events.append(
                self.timed(
                    fields,
                    title=f"Initial consultation: {name}",
                    day=day,
                    hour=rng.choice((9, 10, 11, 14, 15, 16)),
                    hours=rng.choice((0.5, 1)),
                    zone=zone,
                    opened_on=self.today - FAR_DAYS * DAY,
                    contacts=(contact,),
                )
            )
        return events

    # -- deadlines -----------------------------------------------------------------

    def deadlines(
        self, firm, matter: MatterRow, court: Court, court_events, creators
    ) -> list[PlannedEvent]:
        rng = self.rng
        earliest = self.earliest(matter)
        planned = []
        rules, weights = self.date_rules[court.jurisdiction]
        for _ in range(weighted(rng, DEADLINES) if rules else 0):
            rule = rng.choices(rules, cum_weights=weights)[0]
            # Aim the due date at the usual window; the trigger follows from it,
            # and a period running after service was served by today.
            due = self.offset(earliest + rule.offset)
            if rule.direction == DeadlineRule.Direction.AFTER:
                if due > rule.offset:
                    due = rng.randint(
                        max(earliest, -NEAR_DAYS) + rule.offset, rule.offset
                    )
                trigger = self.today + (due - rule.offset) * DAY
            else:
                trigger = self.today + (due + rule.offset) * DAY
            planned.append(
                self.deadline(firm, matter, court, rule, creators, trigger_date=trigger)
            )
        for hearing in court_events:
            if hearing.fields["kind"] != K.HEARING or not self.hearing_rules:
                continue
            if rng.random() < HEARING_RULE_SHARE:
                rule = rng.choice(self.hearing_rules)
                planned.append(
                    self.deadline(firm, matter, court, rule, creators, trigger=hearing)
                )
        return planned

    def deadline(
        self, firm, matter, court, rule, creators, *, trigger_date=None, trigger=None
    ) -> PlannedEvent:
        rng = self.rng
        service = (
            weighted(rng, SERVICE_WEIGHTS)
            if rule.service_extension
            else Event.Service.PERSONAL
        )
        fields = self.base(
            firm, matter, K.FILING_DEADLINE, matter.attorney_id, creators
        )
        fields.update(
            court_id=court.pk,
            title=rule.name[:200],
            rule_id=rule.pk,
            period=period_of(rule),
            service=service,
        )
        return PlannedEvent(
            fields, trigger_date=trigger_date, trigger=trigger, service=service
        )

    def compute(self, planned: PlannedEvent) -> tuple:
        """The deadline ``deadline_create`` would save, from the court's
        calendar, with a history: its row of ``EVENT_COLUMNS``."""
        f = planned.fields
        calendar = self.calendars[f["court_id"]]
        if planned.trigger is not None:
            hearing = planned.trigger
            trigger = trigger_of(hearing.written())
            f["trigger_event_id"] = hearing.pk
            # Calendared once the hearing was set.
            noted = planned.trigger.fields["created_at"] + HOUR
        else:
            trigger = planned.trigger_date
            noted = datetime.datetime.combine(
                trigger, datetime.time(15), tzinfo=datetime.UTC
            )
        f["trigger_date"] = (
            trigger.date() if isinstance(trigger, datetime.datetime) else trigger
        )
        result = compute(
            f["period"], trigger=trigger, service=planned.service, calendar=calendar
        )
        applied = new(Event)
        _apply_deadline(applied, result, calendar)
        f.update({name: getattr(applied, name) for name in APPLIED_FIELDS})
        self.history(planned, noted + self.rng.uniform(0, 2) * DAY)
        row = self.row(f)
        # Only what attendees and reminders need stays in memory.
        for name in ("period", "derivation", "description"):
            f.pop(name, None)
        return row


def _matters(ctx) -> dict[int, list[MatterRow]]:
    """Each firm's live matters, with who could attend their events."""
    firm_ids = [firm.pk for firm in ctx.firms]
    rows = (
        loader(Matter)
        .using(ctx.alias)
        .filter(firm_id__in=firm_ids, status__in=LIVE_MATTERS)
        .order_by("pk")
        .values_list(
            "pk", "firm_id", "responsible_attorney_id", "practice_area", "opened_on"
        )
    )
    matters = {row[0]: MatterRow(*row) for row in rows}
    parties = (
        loader(MatterParty)
        .using(ctx.alias)
        .filter(firm_id__in=firm_ids, matter__status__in=LIVE_MATTERS)
        .order_by("pk")
        .values_list(
            "matter_id", "role", "contact_id", "contact__name", "contact__kind"
        )
    )
    for matter_id, role, contact, name, kind in parties:
        matter = matters[matter_id]
        person = kind == Contact.Kind.PERSON
        if role == R.CLIENT:
            matter.clients.append(contact)
        elif role == R.OPPOSING_COUNSEL and person:
            matter.counsel.append(contact)
        elif role in (R.WITNESS, R.ADVERSE) and person:
            matter.deponents.append((contact, name))
    by_firm = defaultdict(list)
    for matter in matters.values():
        by_firm[matter.firm_id].append(matter)
    return by_firm


def _prospects(ctx) -> dict[int, list[tuple[int, str]]]:
    rows = (
        loader(Contact)
        .using(ctx.alias)
        .filter(firm_id__in=[f.pk for f in ctx.firms], is_prospective=True)
        .order_by("pk")
        .values_list("firm_id", "pk", "name")
    )
    by_firm = defaultdict(list)
    for firm_id, pk, name in rows:
        by_firm[firm_id].append((pk, name))
    return by_firm


def seed_events(ctx) -> None:
    """Court events, depositions, meetings and consultations, then the
    deadlines (some counted from those hearings), their attendees and the
    reminders still to come."""
    planner = _Planner(ctx)
    matters, prospects = _matters(ctx), _prospects(ctx)
    timed: list[PlannedEvent] = []
    deadlines: list[PlannedEvent] = []
    for firm in ctx.firms:
        # Provider staff who keep the firm's calendar create some entries.
        creators = sorted(
            {
                user
                for _, user, functions in ctx.live_assignments[firm.pk]
                if Function.SCHEDULING in functions
            }
        )
        for position, matter in enumerate(matters[firm.pk]):
            court_events = []
            if matter.area in COURT_AREAS and planner.all:
                court = planner.court_for(firm, position)
                court_events = planner.court_events(firm, matter, court, creators)
                deadlines += planner.deadlines(
                    firm, matter, court, court_events, creators
                )
            timed += court_events + planner.meetings(firm, matter, creators)
        timed += planner.consultations(firm, prospects[firm.pk], creators)

    # Each is written with the times it happened, not the time of the seed.
    keys = ctx.bulk_rows(
        Event,
        EVENT_COLUMNS,
        (planner.row(p.fields) for p in timed),
        label="events",
        total=len(timed),
    )
    for p, pk in zip(timed, keys, strict=True):
        p.pk = pk
    keys = ctx.bulk_rows(
        Event,
        EVENT_COLUMNS,
        (planner.compute(p) for p in deadlines),
        label="filing deadlines",
        total=len(deadlines),
    )
    for p, pk in zip(deadlines, keys, strict=True):
        p.pk = pk
    _seed_attendees_and_reminders(ctx, timed + deadlines)


def _seed_attendees_and_reminders(ctx, planned: list[PlannedEvent]) -> None:
    def attendees() -> Iterator[tuple]:
        for p in planned:
            firm_id, at = p.fields["firm_id"], p.fields["created_at"]
            for user in p.users:
                yield (firm_id, p.pk, user, None, at, at)
            for contact in p.contacts:
                yield (firm_id, p.pk, None, contact, at, at)

    def due(p: PlannedEvent) -> Iterator[tuple[int, int, datetime.datetime]]:
        """(user, minutes, moment) as ``sync_reminders`` makes them: for the
        owner and attending users, moments still ahead, scheduled events only."""
        f = p.fields
        if f["status"] != S.SCHEDULED:
            return
        people = dict.fromkeys(u for u in (f["owner_id"], *p.users) if u)
        # In UTC, as the database gives it to sync_reminders: a start in the
        # court's zone would subtract wall-clock time, an hour off across a
        # change to or from summer time.
        start = f["start"].astimezone(datetime.UTC)
        for minutes in f["reminder_minutes"]:
            fire_at = start - minutes * MINUTE
            if fire_at > ctx.now:
                for user in people:
                    yield user, minutes, fire_at

    def reminders() -> Iterator[tuple]:
        for p in planned:
            event = None
            firm_id, at = p.fields["firm_id"], p.fields["created_at"]
            for user, minutes, fire_at in due(p):
                event = event or p.written()
                key = reminder_key(event, user, fire_at)
                yield (firm_id, p.pk, user, minutes, fire_at, key, at, at)

    ctx.bulk_rows(
        EventAttendee,
        ("firm_id", "event_id", "user_id", "contact_id", "created_at", "updated_at"),
        attendees(),
        label="event attendees",
        total=sum(len(p.users) + len(p.contacts) for p in planned),
    )
    ctx.bulk_rows(
        Reminder,
        (
            "firm_id",
            "event_id",
            "user_id",
            "minutes_before",
            "fire_at",
            "key",
            "created_at",
            "updated_at",
        ),
        reminders(),
        label="reminders",
        total=sum(1 for p in planned for _ in due(p)),
    )
