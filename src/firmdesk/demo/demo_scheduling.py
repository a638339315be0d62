"""The demo's calendar: court dates, a deposition, client meetings and two
computed deadlines, written through the scheduling services as people would
write them (audited, with reminders), so the calendar pages, the derivations and
the reminder worker all have something real to show.

Hale & Ortiz's litigation matter carries the story: its client is the
plaintiff, the defendant answered with a counterclaim and moved to dismiss, so
the attorney has a hearing in S.D.N.Y., a 30(b)(6) deposition before it, the
answer to the counterclaim 21 days after its service, and the opposing
affidavits due 7 days before the hearing (counted from the hearing, so they move
with it). Brandt & Kimura's pilot gets a settlement conference in Chicago.

Each event is found by its firm and title and created only when missing, so
loading the demo again changes nothing. Dates count from the day the demo was
first loaded, like its tasks.
"""

import datetime
from dataclasses import dataclass

from firmdesk.access.scope import resolve_scope
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.orgs.models import Organization, User
from firmdesk.scheduling import services
from firmdesk.scheduling.models import Court, DeadlineRule, Event

K = Event.Kind
R = MatterParty.Role
SDNY_COURTROOM = (
    "Courtroom 17B, Daniel Patrick Moynihan U.S. Courthouse, 500 Pearl Street, "
    "New York, NY"
)
CHICAGO_COURTROOM = (
    "Courtroom 1858, Everett McKinley Dirksen U.S. Courthouse, 219 South Dearborn "
    "Street, Chicago, IL"
)


@dataclass
class _Calendar:
    loader: object  # the demo's _Loader: its people, firms and business days
    created: int = 0

    def person(self, mailbox: str, firm_slug: str) -> User:
        return self.loader.person(f"{mailbox}@{firm_slug}.example")

    def wall(self, firm: Organization, offset: int, hour: float):
        """Naive wall-clock time ``offset`` business days from the demo's day."""
        day = self.loader.business_day(firm, offset)
        minutes = int(hour * 60)
        return datetime.datetime.combine(
            day, datetime.time(minutes // 60, minutes % 60)
        )

    def existing(self, firm: Organization, title: str) -> Event | None:
        return Event.objects.for_firm(firm).filter(title=title).first()

    def event(self, *, actor, firm, status=None, **data) -> Event:
        event = self.existing(firm, data["title"])
        if event is not None:
            return event
        scope = resolve_scope(actor, firm)
        event = services.event_create(
            scope=scope, data=services.EventData(**data), actor=actor
        )
        self.created += 1
        if status is not None:
            services.event_set_status(
                scope=scope,
                event=event,
                status=status,
                actor=actor,
                revision=event.revision,
            )
        return event

    def deadline(self, *, actor, firm, title, code, **values) -> Event:
        event = self.existing(firm, title)
        if event is not None:
            return event
        event = services.deadline_create(
            scope=resolve_scope(actor, firm),
            actor=actor,
            title=title,
            rule=DeadlineRule.objects.get(code=code),
            **values,
        )
        self.created += 1
        return event


def _party(matter: Matter, role: str, kind: str | None = None):
    parties = MatterParty.objects.for_firm(matter.firm_id).filter(
        matter=matter, role=role
    )
    if kind is not None:
        parties = parties.filter(contact__kind=kind)
    party = parties.select_related("contact").order_by("pk").first()
    return party.contact if party else None


def calendar_load(loader, matters: dict[str, list[Matter]]) -> int:
    """Add the demo's events; return how many it had to create."""
    cal = _Calendar(loader)
    _hale(cal, loader.orgs["hale-ortiz"], matters["hale-ortiz"][0])
    _brandt(cal, loader.orgs["brandt-kimura"], matters["brandt-kimura"])
    return cal.created


def _hale(cal: _Calendar, firm: Organization, matter: Matter) -> None:
    nysd = Court.objects.get(code="nysd")
    attorney = cal.person("attorney", "hale-ortiz")
    associate = cal.person("associate", "hale-ortiz")
    assistant = cal.person("assistant", "northstar")
    client = _party(matter, R.CLIENT)
    adverse = _party(matter, R.ADVERSE)
    counsel = _party(matter, R.OPPOSING_COUNSEL, "person")
    counsel_firm = _party(matter, R.OPPOSING_COUNSEL, "organization")
    contacts = tuple(c for c in (counsel,) if c)

    cal.event(
        actor=attorney,
        firm=firm,
        status=Event.Status.DONE,
        kind=K.COURT_DATE,
        title="Initial case management conference",
        start=cal.wall(firm, -15, 10),
        end=cal.wall(firm, -15, 10.75),
        matter=matter,
        court=nysd,
        location=SDNY_COURTROOM,
        owner=attorney,
        attendee_contacts=contacts,
    )
    hearing = cal.event(
        actor=attorney,
        firm=firm,
        kind=K.HEARING,
        title="Hearing on the defendant's motion to dismiss",
        description=(
            "Oral argument. The judge's individual practices require two "
            "courtesy copies of all papers, delivered to chambers."
        ),
        start=cal.wall(firm, 12, 10.5),
        end=cal.wall(firm, 12, 11.5),
        matter=matter,
        court=nysd,
        location=SDNY_COURTROOM,
        owner=attorney,
        attendee_users=(associate,),
        attendee_contacts=contacts,
    )
    deponent = adverse.name if adverse else "the defendant"
    cal.event(
        actor=attorney,
        firm=firm,
        kind=K.DEPOSITION,
        title=f"Rule 30(b)(6) deposition of {deponent}",
        description="Court reporter and videographer booked; exhibits 1-42.",
        start=cal.wall(firm, 6, 9.5),
        end=cal.wall(firm, 6, 16),
        # A deposition is not held in court, but keeps the court's time.
        time_zone=nysd.time_zone,
        matter=matter,
        court=nysd,
        location=f"Offices of {counsel_firm.name}" if counsel_firm else "",
        owner=attorney,
        attendee_users=(assistant,),
        attendee_contacts=contacts,
    )
    # The Northstar assistant keeps the attorney's diary: they booked this one.
    cal.event(
        actor=assistant,
        firm=firm,
        kind=K.CONSULTATION,
        title="Client consultation: the deposition and the hearing",
        start=cal.wall(firm, 1, 15),
        end=cal.wall(firm, 1, 16),
        matter=matter,
        video_url="https://video.example/hale-ortiz/consultation",
        owner=attorney,
        attendee_contacts=tuple(c for c in (client,) if c),
    )
    cal.deadline(
        actor=attorney,
        firm=firm,
        title="Answer to the counterclaim",
        code="frcp-12a1B-counterclaim",
        matter=matter,
        court=nysd,
        trigger_date=cal.loader.business_day(firm, -9),
        service=Event.Service.ELECTRONIC,
        owner=attorney,
    )
    cal.deadline(
        actor=attorney,
        firm=firm,
        title="Serve the opposing affidavits for the motion to dismiss",
        code="frcp-6c2-opposing-affidavit",
        matter=matter,
        court=nysd,
        trigger_event=hearing,
        owner=attorney,
    )


def _brandt(cal: _Calendar, firm: Organization, matters: list[Matter]) -> None:
    ilnd = Court.objects.get(code="ilnd")
    attorney = cal.person("attorney", "brandt-kimura")
    assistant = cal.person("assistant", "northstar")
    injury, immigration = matters[0], matters[1]
    client = _party(injury, R.CLIENT)
    cal.event(
        actor=attorney,
        firm=firm,
        kind=K.COURT_DATE,
        title="Settlement conference before the magistrate judge",
        start=cal.wall(firm, 8, 9.5),
        end=cal.wall(firm, 8, 11.5),
        matter=injury,
        court=ilnd,
        location=CHICAGO_COURTROOM,
        owner=attorney,
        attendee_users=(assistant,),
        attendee_contacts=tuple(c for c in (client,) if c),
    )
    applicant = _party(immigration, R.CLIENT)
    cal.event(
        actor=attorney,
        firm=firm,
        kind=K.CONSULTATION,
        title="Consultation: preparing for the adjustment of status interview",
        start=cal.wall(firm, 3, 11),
        end=cal.wall(firm, 3, 12),
        matter=immigration,
        location="Conference room B",
        owner=attorney,
        attendee_contacts=tuple(c for c in (applicant,) if c),
    )
