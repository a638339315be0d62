"""Intake and reception for ``firmdesk seed``: intake forms, six months of
leads with their notes and conflict screens, reception's settings and a month
of phone messages, and the clients' feedback.

* Each firm has one or two published forms per practice area it works in,
  with questions and a qualification checklist.
* Leads arrive over the last ~180 days: by web form about 55 %, phone 25 %,
  referral 10 %, e-mail and the booking page 5 % each. About a fifth are
  retained, and those are the firm's matters opened in that time (a few new
  matters are for existing clients and came without a lead): the lead is the
  matter's client, its other side the matter's adverse party, its screen the
  check the matter was opened on. Of the rest, old leads are mostly closed
  (declined about 25 %, no response 30 % of all leads), recent ones open.
* The first-response clock is ``services.response_due`` (the engagement's
  minutes, in the firm's business hours unless the engagement covers after
  hours), computed here in bulk; most leads are answered within it, the rest
  carry the breach the alarm job would have stamped. New leads nobody has
  answered yet are still running, or overdue.
* Every lead has the screen that runs at arrival, on its name and the other
  side. Nobody searched the index in bulk, so screens record no hits, except
  the leads declined for a conflict: their other side is a client of the firm,
  and their hits are what the engine finds.
* Reception takes a realistic day's messages per attorney over the last 30
  days, a tenth urgent; most are acknowledged within the hour, the rest were
  escalated as the escalation job would have done.
* Feedback is asked of retained clients and after past consultations; about
  60 % answer, mostly well.
"""

import base64
import datetime
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from firmdesk.access.system import loader
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.conflicts.services import conflict_search
from firmdesk.engagements.models import Engagement
from firmdesk.intake.models import (
    CallLog,
    FeedbackRequest,
    IntakeForm,
    IntakeQuestion,
    Lead,
    LeadNote,
    ReceptionSettings,
)
from firmdesk.intake.services import submitter_hash
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.orgs.models import Function

from .contacts import org_email, person_email, phone
from .seed_work import _DayCachedCalendar, historical_timestamps, weighted
from .seed_writer import new

F = Function
S = Lead.Status
Q = IntakeQuestion.Kind
N = LeadNote.Kind
R = MatterParty.Role
SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

HISTORY_DAYS = 180
CALL_DAYS = 30
SECOND_FORM_SHARE = 0.5
# New matters that came in as a lead (the rest were for existing clients).
RETAINED_FROM_MATTERS = 0.85
# One lead in eleven becomes a client: about a lead per matter over the years.
RETAINED_SHARE = 0.09
SOURCE_WEIGHTS = {
    Lead.Source.WEB_FORM: 55,
    Lead.Source.PHONE: 25,
    Lead.Source.REFERRAL: 10,
    Lead.Source.EMAIL: 5,
    Lead.Source.BOOKING: 5,
}
# Among the leads not retained: declined 25 and no response 30 of every 100
# leads, open 25 (by age: recent ones mostly open, old ones hardly ever).
CLOSED_WEIGHTS = {S.DECLINED: 25, S.NO_RESPONSE: 30}
OPEN_SHARE_BY_AGE = ((30, 0.95), (90, 0.4), (HISTORY_DAYS + 30, 0.03))
FRESH_OPEN_WEIGHTS = {S.NEW: 60, S.CONTACTED: 35, S.QUALIFIED: 5}
OPEN_WEIGHTS = {S.NEW: 5, S.CONTACTED: 35, S.QUALIFIED: 30, S.CONSULTATION: 30}
ANSWERED_IN_TIME = 0.88
NEVER_ANSWERED = 0.05  # of the leads closed without a response
CONSULTED = {S.RETAINED: 0.8, S.DECLINED: 0.3}
CONFLICT_DECLINES = 0.2

# Phone messages per attorney on a working day; on a weekend day, one at most.
CALLS_PER_DAY = {0: 10, 1: 15, 2: 22, 3: 22, 4: 15, 5: 10, 6: 6}
WEEKEND_CALL_SHARE = 0.1
URGENT_SHARE = 0.10
CALLBACK_SHARE = 0.75
# Acknowledged before the escalation time (within 50 minutes, an urgent one
# within 20), after it, or never; the late and the never are escalated.
ACK_IN_TIME, ACK_LATE = 0.91, 0.05
ESCALATE_AFTER = {30: 15, 60: 55, 120: 30}

FEEDBACK_ANSWERED = 0.6
RATINGS = {5: 55, 4: 27, 3: 10, 2: 5, 1: 3}

# As seed.py's (importing them from there would be circular).
AREA_CODES = ("212", "312", "415", "512", "602", "305", "720", "206", "646", "773")
# TEST-NET addresses, for the hash of the sender's address.
ADDRESS_NETS = ("192.0.2", "198.51.100", "203.0.113")


def _form(title: str, questions: str, checklist: str) -> tuple:
    """A form written as text: one question a line, ``kind[*] label | extra``
    (``*``: required), where extra is a date's days from the inquiry
    (``-200..-3``), or the choices or sample answers, split by ``;``. A line
    indented further continues the one above."""
    lines: list[str] = []
    for raw in textwrap.dedent(questions).splitlines():
        if raw[:1].isspace() and lines:
            lines[-1] += f" {raw.strip()}"
        elif raw.strip():
            lines.append(raw.strip())
    parsed = []
    for line in lines:
        head, _, extra = (part.strip() for part in line.partition("|"))
        kind, _, label = head.partition(" ")
        values: tuple = tuple(v.strip() for v in extra.split(";") if v.strip())
        if kind.rstrip("*") == Q.DATE:
            low, high = extra.split("..")
            values = (int(low), int(high))
        parsed.append((label.strip(), kind.rstrip("*"), kind.endswith("*"), values))
    return title, tuple(parsed), tuple(c.strip() for c in checklist.split(";"))


FILES = "letter.pdf; scan.pdf; photos.zip; IMG_2231.jpg; documents.pdf"
FORMS = {
    "Employment": (
        _form(
            "Employment inquiry",
            f"""
            date* When did it happen? | -200..-3
            yes_no* Do you still work there?
            choice* What kind of problem is it? | Dismissal; Unpaid wages or
                overtime; Discrimination or harassment; Retaliation; Other
            file Documents (dismissal letter, contract, pay slips) | {FILES}
            """,
            "Worked in the state; Within the filing deadline (EEOC: 300 days); "
            "Has the documents; Fee arrangement explained",
        ),
        _form(
            "Severance agreement review",
            """
            date* By when must you sign? | 3..21
            choice* How long did you work there? | Under a year; 1 to 5 years;
                Over 5 years
            file The agreement | severance-agreement.pdf
            """,
            "Deadline to sign known; Agreement received; Fee quoted",
        ),
    ),
    "Personal injury": (
        _form(
            "Accident or injury",
            f"""
            date* Date of the accident | -300..-1
            choice* What kind of accident? | Car accident; Slip and fall;
                Work injury; Dog bite; Other
            yes_no* Did you see a doctor?
            yes_no Was a police or incident report made?
            file Photos or reports | {FILES}
            """,
            "Within the limitation period; Treated by a doctor; "
            "Liability plausible; Insurance identified",
        ),
        _form(
            "Car accident",
            """
            date* Date of the accident | -300..-1
            yes_no* Were you driving?
            short_text Your car insurer | State Farm; GEICO; Progressive;
                Allstate; I don't know
            """,
            "Within the limitation period; Police report obtained; Fee explained",
        ),
    ),
    "Family law": (
        _form(
            "Family law inquiry",
            """
            choice* What do you need help with? | Divorce; Custody or parenting
                time; Child support; Changing an order; Other
            yes_no* Are there children under 18?
            date Date of separation | -700..-10
            """,
            "Lives in the state; No other attorney; Fee arrangement explained",
        ),
    ),
    "Estate planning": (
        _form(
            "Wills, trusts and estates",
            """
            choice* Is this for you or for someone who has died? | For me;
                For a family member; For an estate
            choice Is there a will? | Yes; No; I don't know
            choice Roughly, what is the estate worth? | Under $100,000;
                $100,000 to $1 million; Over $1 million
            """,
            "Decision-maker identified; Assets listed; Fee quoted",
        ),
    ),
    "Real estate": (
        _form(
            "Real estate inquiry",
            """
            choice* What is it about? | Buying or selling; Lease; Landlord or
                tenant dispute; Boundary or title; Other
            yes_no Is it your home?
            file Contract or lease | lease.pdf; contract.pdf
            """,
            "Property identified; Closing or deadline date known; Fee quoted",
        ),
        _form(
            "Closing review",
            """
            date* Closing date | 10..60
            choice* Are you buying or selling? | Buying; Selling
            """,
            "Contract received; Title company known",
        ),
    ),
    "Litigation": (
        _form(
            "Business dispute",
            f"""
            yes_no* Are you writing for a business?
            yes_no* Have you been sued or served?
            choice Amount in dispute | Under $25,000; $25,000 to $250,000;
                Over $250,000
            date When did it start? | -400..-5
            file Contract, letters or court papers | {FILES}
            """,
            "Amount in dispute known; Deadline to answer checked; "
            "Other side identified; Fee arrangement explained",
        ),
    ),
    "Immigration": (
        _form(
            "Immigration inquiry",
            """
            choice* What do you need? | Work visa; Family green card;
                Citizenship; Other
            short_text* Your country of citizenship | Mexico; India; Vietnam;
                Poland; Brazil; Philippines
            date Your current status expires on | 20..400
            file Passport and current visa | passport.pdf
            """,
            "Current status and expiry known; Eligibility screened; Fee quoted",
        ),
        _form(
            "Employer petitions",
            """
            short_text* Company name
            choice* How many people do you want to sponsor? | One; 2 to 5;
                More than 5
            """,
            "Employer eligibility checked; Fee quoted",
        ),
    ),
}
INTRO = (
    "Tell us briefly what happened. We answer every inquiry within one business "
    "day. Please do not send confidential details until we have spoken: this "
    "form does not make us your lawyers and is not legal advice."
)
CONFIRMATION = (
    "Thank you. We have your inquiry and will contact you shortly. Contacting "
    "us does not make us your lawyers; this is not legal advice."
)
DESCRIPTIONS = {
    "Employment": (
        "I was fired two weeks after I reported a safety problem.",
        "My employer has not paid me overtime for months.",
        "My manager keeps making remarks about my age and passed me over twice.",
        "They want me to sign a severance agreement by Friday.",
    ),
    "Personal injury": (
        "I was rear-ended at a red light and have had neck pain since.",
        "I slipped on a wet floor in a grocery store and broke my wrist.",
        "A delivery truck backed into my car in a parking lot.",
        "I fell on a broken stair in my building.",
    ),
    "Family law": (
        "My husband and I separated and I want to know about custody.",
        "We agree on the divorce but need help with the paperwork.",
        "My ex stopped paying child support in the spring.",
        "I want to change the parenting schedule.",
    ),
    "Estate planning": (
        "My mother passed away and we cannot find her will.",
        "I want a will and a trust for my children.",
        "My father needs a power of attorney; he has early dementia.",
        "I was named executor of my uncle's estate.",
    ),
    "Real estate": (
        "My landlord is keeping my security deposit.",
        "We are buying our first home and want the contract reviewed.",
        "The seller did not disclose water damage in the basement.",
        "Our neighbour built a fence on our side of the line.",
    ),
    "Litigation": (
        "A supplier did not deliver what we paid for and will not refund us.",
        "We received a demand letter from a former business partner.",
        "A customer owes us about $48,000 in unpaid invoices.",
        "We were served with a complaint yesterday.",
    ),
    "Immigration": (
        "My work visa expires in three months.",
        "I want to sponsor my wife for a green card.",
        "I have an adjustment of status interview next month.",
        "My employer wants to file an H-1B petition for me.",
    ),
}
CONTACT_TEXTS = {
    N.CALL: (
        "Called back. Went through what happened and the documents to gather.",
        "Spoke for ten minutes; they will send the papers by e-mail.",
        "Left a voicemail with our number and the booking link.",
        "Called; explained how a consultation works and the fee.",
    ),
    N.EMAIL: (
        "Answered by e-mail with the booking link and the document checklist.",
        "E-mailed to ask for a good time to call.",
    ),
    N.TEXT: ("Texted to ask for a good time to call.",),
}
FOLLOW_UPS = (
    "Second call: no answer, left a message.",
    "Sent a reminder e-mail with the booking link.",
    "Texted once more; no reply.",
)
NOTES = (
    "Prefers calls after 5 pm.",
    "Spanish speaker; the attorney's assistant can take the call.",
    "Sent the document checklist.",
    "Asked whether we work on contingency.",
)
DECLINE_REASONS = (
    "Outside the firm's practice areas; referred to the bar's lawyer referral service.",
    "The limitation period has run.",
    "The claim is too small to be worth the fees.",
    "Chose another firm.",
    "The attorney's calendar cannot take it on in time.",
)
CONFLICT_REASON = "Conflict of interest: the other side is a client of the firm."
CONFLICT_NOTE = "Adverse to a current client; no waiver sought."
NO_RESPONSE_REASON = "No answer after three calls and two e-mails."
CLEAR_NOTE = "No conflict."
CALL_MESSAGES = {
    "client": (
        "Wants to know where things stand; please call back.",
        "Has the documents you asked for and wants to know where to send them.",
        "Got a letter from the other side and is worried about it.",
        "Asks to move Thursday's meeting to next week.",
        "Questions about the last invoice.",
    ),
    "counsel": (
        "Opposing counsel's office: wants to discuss a schedule for discovery.",
        "Opposing counsel asks for a call about a possible settlement.",
        "Opposing counsel's paralegal: confirming the deposition date.",
    ),
    "lead": (
        "Returning your call about the inquiry; free after 3 pm.",
        "Asks whether the consultation can be by video.",
    ),
    "other": (
        "Court clerk: the hearing time changed; please call chambers.",
        "Court reporter agency confirming the booking.",
        "Calling about the office lease renewal.",
        "A journalist asking for comment; did not say on what.",
        "Wants a consultation; would not give details on the phone.",
    ),
}
URGENT_MESSAGES = (
    "Says it cannot wait: served with papers this morning.",
    "The other side changed the locks; please call at once.",
    "Was arrested last night; family asking for a call back now.",
    "Hearing moved to tomorrow morning; needs to speak to you today.",
)
OTHER_CALLERS = (
    "Clerk of the court",
    "Court reporter agency",
    "Building management",
    "Unknown caller",
    "Records department, county hospital",
)
COMMENTS = {
    5: (
        "Quick, clear and kind. Thank you.",
        "They called me back the same day and explained everything.",
        "Excellent; I finally understand my options.",
    ),
    4: ("Good advice; the wait for the appointment was a bit long.",),
    3: ("Fine, though I had to call twice.",),
    2: ("Hard to reach; nobody told me the next steps.",),
    1: ("Nobody called me back for days.",),
}


@dataclass
class PlannedLead:
    fields: dict
    check: dict
    notes: list[dict] = field(default_factory=list)
    feedback: list[dict] = field(default_factory=list)
    adverse_contacts: list[int] = field(default_factory=list)
    conflict: bool = False
    lead_id: int = 0


@dataclass
class FirmPeople:
    """Who answers a firm's leads and takes its calls, per engagement."""

    attorneys: list[int]
    admin: int
    in_house: list[int]
    # (engagement, its intake staff, its reception staff), live ones only
    engagements: list[tuple[Engagement, list[int], list[int]]]

    def engagement_on(self, day: datetime.date) -> tuple[Engagement | None, list]:
        """The intake engagement live on ``day`` (the one the service would
        take then), and its intake staff; otherwise the firm's own people."""
        for engagement, intake, _ in self.engagements:
            if F.INTAKE in engagement.functions and engagement.start_date <= day:
                return engagement, intake or self.in_house
        return None, self.in_house

    def receptionists(self, day: datetime.date) -> list[int]:
        for engagement, _, reception in self.engagements:
            if reception and engagement.start_date <= day:
                return reception
        return self.in_house


def _people(ctx, firm) -> FirmPeople:
    attorneys = ctx.attorneys[firm.pk]
    staff: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for engagement_id, user_id, functions in ctx.live_assignments[firm.pk]:
        intake, reception = staff[engagement_id]
        if F.INTAKE in functions:
            intake.append(user_id)
        if F.RECEPTION in functions:
            reception.append(user_id)
    live = (Engagement.Status.PILOT, Engagement.Status.ACTIVE)
    engagements = [
        (e, *staff[e.pk])
        for e in sorted(ctx.engagements.values(), key=lambda e: e.pk)
        if e.firm_id == firm.pk and e.status in live
    ]
    return FirmPeople(
        attorneys=attorneys,
        admin=attorneys[0],
        in_house=ctx.firm_staff[firm.pk] or attorneys,
        engagements=engagements,
    )


def _token(rng) -> str:
    """As ``secrets.token_urlsafe(24)`` writes them, from the seed."""
    return base64.urlsafe_b64encode(rng.getrandbits(192).to_bytes(24, "big")).decode()


class _Clock:
    """``services.response_due`` and the business time after it, for one firm
    and engagement, without a query per lead."""

    def __init__(self, firm):
        self.calendar = _DayCachedCalendar.of(firm)

    def after(self, engagement, start, delta) -> datetime.datetime:
        if engagement is not None and (
            engagement.after_hours_cover or engagement.after_hours_staff_id
        ):
            return start + delta
        return self.calendar.add_hours(start, delta)

    def due(self, engagement, received) -> datetime.datetime:
        minutes = engagement.first_response_minutes if engagement else 60
        return self.after(engagement, received, minutes * MINUTE)


class _Planner:
    def __init__(self, ctx):
        self.rng, self.names = ctx.rng, ctx.names
        self.now = ctx.now
        self.start = ctx.now - HISTORY_DAYS * DAY

    # -- forms ---------------------------------------------------------------------

    def forms(
        self, firm, areas: list[str], admin: int
    ) -> list[tuple[IntakeForm, tuple]]:
        rng = self.rng
        out = []
        for area in areas:
            specs = FORMS[area]
            specs = specs if rng.random() < SECOND_FORM_SHARE else specs[:1]
            for title, questions, checklist in specs:
                created = self.start - rng.randint(20, 400) * DAY
                form = new(
                    IntakeForm,
                    firm=firm,
                    title=title,
                    slug=title.lower().replace(",", "").replace(" ", "-")[:60],
                    practice_area=area,
                    intro=INTRO,
                    confirmation=CONFIRMATION,
                    checklist=list(checklist),
                    created_by_id=admin,
                    created_at=created,
                    updated_at=created,
                )
                out.append((form, questions))
        return out

    def answers(self, questions, received: datetime.datetime) -> list[dict]:
        rng, out = self.rng, []
        for label, kind, required, extra in questions:
            answer = ""
            if required or rng.random() < 0.6:
                if kind == Q.DATE:
                    days = rng.randint(*extra)
                    answer = (received + days * DAY).date().isoformat()
                elif kind == Q.YES_NO:
                    answer = rng.choice(("Yes", "No"))
                elif extra:
                    answer = rng.choice(extra)
                elif kind != Q.FILE:
                    answer = self.names.company(rng)
            out.append({"question": label, "kind": kind, "answer": answer})
        return out

    # -- who inquired --------------------------------------------------------------

    def prospect(self, area: str) -> tuple[str, str, list[str]]:
        """(name, e-mail, the other side) of a new inquiry."""
        rng, names = self.rng, self.names
        if area == "Litigation" and rng.random() < 0.6:
            company = names.company(rng)
            return company, org_email(company), [names.company(rng)]
        person = names.person(rng)
        email = person_email(person, rng)
        adverse: list[str] = []
        if area == "Employment":
            adverse = [names.company(rng)]
        elif area == "Family law":
            spouse = names.person(
                rng, female=not person.female, locale=person.locale, last=person.last
            )
            adverse = [spouse.name]
        elif area == "Personal injury":
            other = names.person(rng).name if rng.random() < 0.7 else None
            adverse = [other or names.company(rng)]
        elif area in ("Litigation", "Real estate"):
            adverse = [
                names.company(rng) if rng.random() < 0.7 else names.person(rng).name
            ]
        elif area == "Estate planning" and rng.random() < 0.2:
            adverse = [names.person(rng, last=person.last).name]
        return person.name, email, adverse

    def contact_details(self, source: str, email: str) -> tuple[str, str]:
        rng = self.rng
        number = phone(rng, AREA_CODES)
        if source == Lead.Source.PHONE:
            return (email if rng.random() < 0.5 else ""), number
        if source in (Lead.Source.WEB_FORM, Lead.Source.EMAIL):
            return email, (number if rng.random() < 0.6 else "")
        return email, number

    # -- when ----------------------------------------------------------------------

    def received(self, source: str, day: datetime.date, zone) -> datetime.datetime:
        """Web forms and e-mails come at any hour, calls in office hours."""
        rng = self.rng
        if source in (Lead.Source.PHONE, Lead.Source.REFERRAL):
            minutes = rng.randint(9 * 60, 17 * 60 + 30)
        else:
            minutes = rng.randint(7 * 60, 23 * 60 + 30)
        clock = datetime.time(minutes // 60, minutes % 60)
        when = datetime.datetime.combine(day, clock, tzinfo=zone)
        return min(
            when.astimezone(datetime.UTC), self.now - rng.randint(2, 90) * MINUTE
        )

    def day(self, zone) -> datetime.date:
        """A day of the last 180, weekends quieter."""
        rng = self.rng
        today = self.now.astimezone(zone).date()
        while True:
            day = today - rng.randint(0, HISTORY_DAYS - 1) * DAY
            if day.weekday() < 5 or rng.random() < 0.4:
                return day

    def between(self, start, end, low=0.1, high=0.9) -> datetime.datetime:
        return start + (end - start) * self.rng.uniform(low, high)


@dataclass
class RecentMatter:
    pk: int
    number: str
    title: str
    area: str
    attorney_id: int
    opened_on: datetime.date
    client: tuple | None = None  # (contact id, name, kind, emails, phones)
    adverse: list[tuple[int, str]] = field(default_factory=list)


def _recent_matters(ctx) -> dict[int, list[RecentMatter]]:
    """The firms' matters opened in the last 180 days (not pre-existing ones:
    they came without a conflict check), with their clients and other sides."""
    since = ctx.today - HISTORY_DAYS * DAY
    rows = (
        loader(Matter)
        .using(ctx.alias)
        .filter(
            firm_id__in=[f.pk for f in ctx.firms],
            opened_on__gte=since,
            opened_on__lt=ctx.today,
        )
        .exclude(status=Matter.Status.PRE_EXISTING)
        .order_by("pk")
        .values_list(
            "pk",
            "firm_id",
            "number",
            "title",
            "practice_area",
            "responsible_attorney_id",
            "opened_on",
        )
    )
    matters, by_firm = {}, defaultdict(list)
    for pk, firm_id, *rest in rows:
        matters[pk] = RecentMatter(pk, *rest)
        by_firm[firm_id].append(matters[pk])
    parties = (
        loader(MatterParty)
        .using(ctx.alias)
        .filter(matter_id__in=list(matters), role__in=[R.CLIENT, R.ADVERSE])
        .order_by("pk")
        .values_list(
            "matter_id",
            "role",
            "contact_id",
            "contact__name",
            "contact__kind",
            "contact__emails",
            "contact__phones",
        )
    )
    for matter_id, role, contact_id, name, kind, emails, phones in parties:
        matter = matters[matter_id]
        if role == R.CLIENT and matter.client is None:
            matter.client = (contact_id, name, kind, emails, phones)
        elif role == R.ADVERSE:
            matter.adverse.append((contact_id, name))
    return {
        firm_id: [m for m in rows if m.client is not None]
        for firm_id, rows in by_firm.items()
    }


def _clients(ctx) -> dict[int, list[str]]:
    """Names of each firm's clients on open matters: the other side of the
    leads a firm must decline for a conflict."""
    rows = (
        loader(MatterParty)
        .using(ctx.alias)
        .filter(
            firm_id__in=[f.pk for f in ctx.firms],
            role=R.CLIENT,
            matter__status=Matter.Status.OPEN,
            contact__kind=Contact.Kind.PERSON,
        )
        .order_by("pk")
        .values_list("firm_id", "contact__name")
    )
    out = defaultdict(list)
    for firm_id, name in rows:
        out[firm_id].append(name)
    return out


@dataclass
class Inquiry:
    """Who inquired, how, and what became of it: what a lead is planned from."""

    status: str
    received: datetime.datetime
    area: str
    source: str
    name: str
    email: str
    phone: str
    adverse: list[str]
    closed_at: datetime.datetime | None = None
    matter: RecentMatter | None = None
    conflict: bool = False  # the other side is a client: declined for it
    reason: str = ""  # why it closed


@dataclass
class Timeline:
    """When a lead was answered, qualified and consulted, and its alarms."""

    engagement: Engagement | None
    due: datetime.datetime
    first: datetime.datetime | None = None
    qualified: datetime.datetime | None = None
    consulted: datetime.datetime | None = None
    warned: datetime.datetime | None = None
    breached: datetime.datetime | None = None


class _FirmLeads:
    """One firm's leads, planned as plain values."""

    def __init__(self, planner: _Planner, firm, people: FirmPeople, forms):
        self.planner, self.rng, self.now = planner, planner.rng, planner.now
        self.firm, self.people, self.forms = firm, people, forms
        self.clock = _Clock(firm)
        self.warning = settings.FIRMDESK_SLA_WARNING_MINUTES * MINUTE

    def timeline(self, inquiry: Inquiry, engagement) -> Timeline:
        """The first response within the clock mostly, late sometimes; none
        yet for new leads, none ever for a few closed without a response.
        Then the alarms as the job stamps them: a warning an hour before the
        due time and the breach at it, while nobody had answered."""
        rng, clock, now = self.rng, self.clock, self.now
        t = Timeline(engagement, clock.due(engagement, inquiry.received))
        end = inquiry.closed_at or now
        never = inquiry.status == S.NO_RESPONSE and rng.random() < NEVER_ANSWERED
        if inquiry.status != S.NEW and not never:
            minutes = engagement.first_response_minutes if engagement else 60
            if rng.random() < ANSWERED_IN_TIME:
                delay = minutes * rng.uniform(0.05, 0.95) * MINUTE
                first = clock.after(engagement, inquiry.received, delay)
            else:
                late = (min(rng.expovariate(1 / 90), 24 * 60) + 1) * MINUTE
                first = clock.after(engagement, t.due, late)
            t.first = first if first < end else None
        if t.first is None and inquiry.closed_at is None:
            inquiry.status = S.NEW
        unanswered_until = t.first or end
        warn_at = max(inquiry.received, t.due - self.warning)
        if unanswered_until > warn_at and warn_at < now:
            t.warned = warn_at + rng.randint(1, 50) * SECOND
        if unanswered_until > t.due:
            t.breached = t.due + rng.randint(1, 50) * SECOND
        if t.first is not None and (
            inquiry.status in (S.QUALIFIED, S.CONSULTATION, S.RETAINED)
            or (inquiry.status == S.DECLINED and rng.random() < 0.4)
        ):
            t.qualified = self.planner.between(t.first, end, 0.1, 0.4)
            if inquiry.status == S.CONSULTATION or rng.random() < CONSULTED.get(
                inquiry.status, 0
            ):
                t.consulted = self.planner.between(t.qualified, end, 0.2, 0.7)
        return t

    def notes(self, inquiry: Inquiry, t: Timeline, taker, attorney) -> list[dict]:
        """As the services write them: the contacts logged, status changes."""
        rng, between = self.rng, self.planner.between
        end = inquiry.closed_at or self.now
        notes = []

        def note(kind, text, at, author):
            notes.append(
                {
                    "kind": kind,
                    "text": text,
                    "author_id": author,
                    "created_at": at,
                    "updated_at": at,
                }
            )

        if t.first is not None:
            kind = N.CALL
            if inquiry.source == Lead.Source.EMAIL or (
                inquiry.source != Lead.Source.PHONE and rng.random() < 0.4
            ):
                kind = N.EMAIL if rng.random() < 0.85 else N.TEXT
            note(kind, rng.choice(CONTACT_TEXTS[kind]), t.first, taker)
            if rng.random() < 0.3:
                note(N.NOTE, rng.choice(NOTES), between(t.first, end, 0.05, 0.3), taker)
        if t.qualified is not None:
            note(N.STATUS, "Contacted → Qualified", t.qualified, taker)
        if t.consulted is not None:
            note(N.STATUS, "Qualified → Consultation scheduled", t.consulted, taker)
        closed = inquiry.closed_at
        if inquiry.status == S.RETAINED:
            text = f"Retained: matter {inquiry.matter.number} opened"
            note(N.STATUS, text, closed, attorney)
        elif inquiry.status == S.DECLINED:
            note(N.STATUS, f"Declined: {inquiry.reason}", closed, attorney)
        elif inquiry.status == S.NO_RESPONSE:
            if t.first is not None:
                for _ in range(rng.randint(1, 2)):
                    kind = rng.choice((N.CALL, N.EMAIL, N.TEXT))
                    at = between(t.first, closed, 0.2, 0.9)
                    note(kind, rng.choice(FOLLOW_UPS), at, taker)
            was = "Contacted" if t.first is not None else "New"
            text = f"{was} → No response: {inquiry.reason}"
            note(N.STATUS, text, closed, taker)
        return sorted(notes, key=lambda n: n["created_at"])

    def screen(self, inquiry: Inquiry, t: Timeline, attorney) -> dict:
        """The check run at arrival; decided by an attorney, or still waiting
        (a lead is consulted or retained only once it is cleared)."""
        rng, status = self.rng, inquiry.status
        run_at = inquiry.received + rng.randint(5, 90) * SECOND
        check = {
            "firm_id": self.firm.pk,
            "run_at": run_at,
            "names": [inquiry.name, *inquiry.adverse],
            "hits": [],
            "purpose": f"Intake screen: {inquiry.name}",
            "matter_id": inquiry.matter.pk if inquiry.matter else None,
            "created_at": run_at,
            "updated_at": run_at,
        }
        decided = (
            status in (S.RETAINED, S.CONSULTATION)
            or inquiry.conflict
            or (status in (S.QUALIFIED, S.DECLINED) and rng.random() < 0.7)
            or (status in (S.CONTACTED, S.NO_RESPONSE) and rng.random() < 0.4)
        )
        if decided:
            after = t.first or run_at
            before = max(
                t.consulted or t.qualified or inquiry.closed_at or self.now, after
            )
            at = self.planner.between(after, before)
            check.update(
                decision=ConflictCheck.Decision.CONFLICT
                if inquiry.conflict
                else ConflictCheck.Decision.CLEAR,
                decided_by_id=attorney,
                decided_at=at,
                decision_note=CONFLICT_NOTE if inquiry.conflict else CLEAR_NOTE,
                updated_at=at,
            )
        return check

    def feedback(self, inquiry: Inquiry, t: Timeline) -> list[dict]:
        """Asked a few minutes after a consultation was held (a few days after
        it was booked) and after the matter opened; about 60 % answer."""
        rng, now = self.rng, self.now
        asks = []
        if t.consulted is not None:
            held = t.consulted + rng.uniform(1, 6) * DAY + HOUR
            if held < (inquiry.closed_at or now):
                asks.append((FeedbackRequest.Kind.CONSULTATION, held))
        if inquiry.status == S.RETAINED:
            asks.append((FeedbackRequest.Kind.MATTER_OPENED, inquiry.closed_at))
        out = []
        for kind, at in asks if inquiry.email else ():
            sent = at + rng.randint(1, 15) * MINUTE
            if sent >= now:
                continue
            opened = kind == FeedbackRequest.Kind.MATTER_OPENED
            request = {
                "firm_id": self.firm.pk,
                "kind": kind,
                "matter_id": inquiry.matter.pk if opened else None,
                "email": inquiry.email,
                "name": inquiry.name[:200],
                "token": _token(rng),
                "sent_at": sent,
                "created_at": at,
                "updated_at": sent,
            }
            answered = sent + rng.uniform(0.5, 96) * HOUR
            if rng.random() < FEEDBACK_ANSWERED and answered < now:
                rating = weighted(rng, RATINGS)
                request.update(
                    rating=rating,
                    comment=rng.choice(COMMENTS[rating]) if rng.random() < 0.5 else "",
                    answered_at=answered,
                    updated_at=answered,
                )
            out.append(request)
        return out

    def lead(self, inquiry: Inquiry) -> PlannedLead:
        rng = self.rng
        day = inquiry.received.astimezone(self.firm.tz).date()
        engagement, workers = self.people.engagement_on(day)
        t = self.timeline(inquiry, engagement)
        taker = rng.choice(workers)
        matter = inquiry.matter
        attorney = matter.attorney_id if matter else rng.choice(self.people.attorneys)
        forms = self.forms.get(inquiry.area) or [(None, None, ())]
        form_pk, form, questions = forms[0]
        web = inquiry.source == Lead.Source.WEB_FORM and form is not None
        if web and len(forms) > 1 and rng.random() < 0.3:
            form_pk, form, questions = forms[1]
        checklist = list(form.checklist) if form else []
        if inquiry.status == S.RETAINED:
            done = checklist
        elif t.qualified is not None:
            done = checklist[: rng.randint(len(checklist) - 1, len(checklist))]
        else:
            done = checklist[:1] if t.first and rng.random() < 0.4 else []
        web_or_booking = inquiry.source in (Lead.Source.WEB_FORM, Lead.Source.BOOKING)
        notes = self.notes(inquiry, t, taker, attorney)
        closed = inquiry.status not in Lead.OPEN_STATUSES
        fields = {
            "firm_id": self.firm.pk,
            "source": inquiry.source,
            "status": inquiry.status,
            "form_id": form_pk if web else None,
            "practice_area": inquiry.area,
            "name": inquiry.name[:200],
            "email": inquiry.email,
            "phone": inquiry.phone,
            "description": rng.choice(DESCRIPTIONS[inquiry.area]),
            "adverse_parties": inquiry.adverse,
            "answers": self.planner.answers(questions, inquiry.received) if web else [],
            "checklist_done": done,
            # Staff enter the leads they take; a visitor's waits for whoever
            # answers it first.
            "owner_id": None if t.first is None and web_or_booking else taker,
            "engagement_id": engagement.pk if engagement else None,
            "received_at": inquiry.received,
            "response_due_at": t.due,
            "first_response_at": t.first,
            "sla_warned_at": t.warned,
            "sla_breached_at": t.breached,
            "client_contact_id": matter.client[0] if matter else None,
            "matter_id": matter.pk if matter else None,
            "token": _token(rng),
            "submitter_hash": submitter_hash(
                f"{rng.choice(ADDRESS_NETS)}.{rng.randint(1, 254)}"
            )
            if web_or_booking
            else "",
            "closed_at": inquiry.closed_at if closed else None,
            "close_reason": inquiry.reason,
            "revision": 1 + len(notes) + bool(done),
            "created_at": inquiry.received,
            "updated_at": max([n["created_at"] for n in notes] + [inquiry.received]),
        }
        return PlannedLead(
            fields,
            self.screen(inquiry, t, attorney),
            notes,
            self.feedback(inquiry, t),
            [pk for pk, _ in matter.adverse] if matter else [],
        )

    # -- what came in ----------------------------------------------------------------

    def retained(self, matter: RecentMatter) -> Inquiry:
        """The inquiry a new matter came from, four to 25 days before it opened."""
        rng, zone, planner = self.rng, self.firm.tz, self.planner
        _, name, _, emails, phones = matter.client
        source = weighted(rng, SOURCE_WEIGHTS)
        hour = rng.uniform(10, 17)
        clock = datetime.time(int(hour), int(hour % 1 * 60))
        opened = datetime.datetime.combine(matter.opened_on, clock, tzinfo=zone)
        closed_at = min(opened.astimezone(datetime.UTC), self.now - HOUR)
        day = (closed_at - rng.uniform(4, 25) * DAY).astimezone(zone).date()
        email = emails[0] if emails else ""
        if source == Lead.Source.PHONE and not phones:
            email = ""
        return Inquiry(
            status=S.RETAINED,
            received=planner.received(source, day, zone),
            area=matter.area,
            source=source,
            name=name,
            email=email,
            phone=phones[0] if phones else phone(rng, AREA_CODES),
            adverse=[n for _, n in matter.adverse],
            closed_at=closed_at,
            matter=matter,
        )

    def other(self, clients: list[str]) -> Inquiry:
        """An inquiry that was not retained: open while recent, mostly closed
        once old; some declined for a conflict with a client of the firm."""
        rng, now, planner = self.rng, self.now, self.planner
        source = weighted(rng, SOURCE_WEIGHTS)
        area = rng.choice(sorted(self.forms))
        received = planner.received(source, planner.day(self.firm.tz), self.firm.tz)
        age = (now - received) / DAY
        closed_at = None
        if rng.random() < next(s for days, s in OPEN_SHARE_BY_AGE if age < days):
            status = weighted(rng, FRESH_OPEN_WEIGHTS if age < 2 else OPEN_WEIGHTS)
        else:
            status = weighted(rng, CLOSED_WEIGHTS)
            closed_at = min(
                received + rng.uniform(5, 25) * DAY, now - rng.uniform(1, 20) * HOUR
            )
        name, email, adverse = planner.prospect(area)
        conflict = bool(
            status == S.DECLINED and clients and rng.random() < CONFLICT_DECLINES
        )
        if conflict:
            adverse = [rng.choice(clients)]
        reason = ""
        if status == S.DECLINED:
            reason = CONFLICT_REASON if conflict else rng.choice(DECLINE_REASONS)
        elif status == S.NO_RESPONSE:
            reason = NO_RESPONSE_REASON
        email, number = planner.contact_details(source, email)
        return Inquiry(
            status=status,
            received=received,
            area=area,
            source=source,
            name=name,
            email=email,
            phone=number,
            adverse=adverse,
            closed_at=closed_at,
            conflict=conflict,
            reason=reason,
        )

    def plan(
        self, matters: list[RecentMatter], clients: list[str]
    ) -> list[PlannedLead]:
        """The firm's new matters, retained, and four times as many others."""
        rng = self.rng
        retained = [m for m in matters if rng.random() < RETAINED_FROM_MATTERS]
        total = round(len(retained) / RETAINED_SHARE)
        inquiries = [self.retained(m) for m in retained]
        inquiries += [self.other(clients) for _ in range(total - len(retained))]
        planned = []
        for inquiry in inquiries:
            lead = self.lead(inquiry)
            lead.conflict = inquiry.conflict
            planned.append(lead)
        return sorted(planned, key=lambda p: p.fields["received_at"])


def _seed_forms(ctx, planner: _Planner, people) -> dict[int, dict[str, list]]:
    """Each firm's forms for the practice areas of its matters, with their
    questions; per firm and area: (form id, form, questions)."""
    matter_areas: dict[int, set[str]] = defaultdict(set)
    for (_, firm_id), cast in zip(ctx.matters, ctx.casts, strict=True):
        matter_areas[firm_id].add(cast.area)
    rows = []
    for firm in ctx.firms:
        areas = sorted(a for a in matter_areas[firm.pk] if a in FORMS)
        rows += [
            (firm, form, questions)
            for form, questions in planner.forms(firm, areas, people[firm.pk].admin)
        ]
    pks = ctx.bulk(
        IntakeForm, (form for _, form, _ in rows), label="intake forms", total=len(rows)
    )
    forms: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    questions = []
    for pk, (firm, form, spec) in zip(pks, rows, strict=True):
        forms[firm.pk][form.practice_area].append((pk, form, spec))
        for position, (label, kind, required, extra) in enumerate(spec):
            questions.append(
                new(
                    IntakeQuestion,
                    firm=firm,
                    form_id=pk,
                    position=position,
                    label=label,
                    kind=kind,
                    required=required,
                    choices=list(extra) if kind in (Q.CHOICE, Q.MULTI_CHOICE) else [],
                    created_at=form.created_at,
                    updated_at=form.created_at,
                )
            )
    ctx.bulk(
        IntakeQuestion,
        questions,
        label="intake questions",
        total=len(questions),
        keep=lambda q: None,
    )
    return forms


def seed_leads(ctx) -> None:
    """Intake forms, leads with their screens, notes and feedback, reception's
    settings and the last month's phone messages."""
    planner = _Planner(ctx)
    matters = _recent_matters(ctx)
    clients = _clients(ctx)
    people = {firm.pk: _people(ctx, firm) for firm in ctx.firms}
    with historical_timestamps(
        IntakeForm,
        IntakeQuestion,
        ConflictCheck,
        Lead,
        LeadNote,
        CallLog,
        FeedbackRequest,
        ReceptionSettings,
    ):
        forms = _seed_forms(ctx, planner, people)
        leads: list[PlannedLead] = []
        for firm in ctx.firms:
            planned = _FirmLeads(planner, firm, people[firm.pk], forms[firm.pk]).plan(
                matters.get(firm.pk, []), clients.get(firm.pk, [])
            )
            # What the engine finds for the leads declined for a conflict: they
            # are few, so they are searched for real.
            for lead in planned:
                if lead.conflict:
                    hits = conflict_search(firm=firm, names=lead.check["names"])
                    lead.check["hits"] = [h.to_dict() for h in hits]
            leads += planned

        check_pks = ctx.bulk(
            ConflictCheck,
            (new(ConflictCheck, **p.check) for p in leads),
            label="intake conflict checks",
            total=len(leads),
        )
        for p, pk in zip(leads, check_pks, strict=True):
            p.fields["conflict_check_id"] = pk
        lead_pks = ctx.bulk(
            Lead,
            (new(Lead, **p.fields) for p in leads),
            label="leads",
            total=len(leads),
        )
        for p, pk in zip(leads, lead_pks, strict=True):
            p.lead_id = pk
        through = Lead.adverse_contacts.through
        adverse = [
            through(lead_id=p.lead_id, contact_id=c)
            for p in leads
            for c in p.adverse_contacts
        ]
        ctx.bulk(
            through,
            adverse,
            label="lead adverse contacts",
            total=len(adverse),
            keep=lambda row: None,
        )
        ctx.bulk(
            LeadNote,
            (
                new(LeadNote, firm_id=p.fields["firm_id"], lead_id=p.lead_id, **n)
                for p in leads
                for n in p.notes
            ),
            label="lead notes",
            total=sum(len(p.notes) for p in leads),
            keep=lambda n: None,
        )
        ctx.bulk(
            FeedbackRequest,
            (
                new(FeedbackRequest, lead_id=p.lead_id, **f)
                for p in leads
                for f in p.feedback
            ),
            label="feedback requests",
            total=sum(len(p.feedback) for p in leads),
            keep=lambda f: None,
        )
        _seed_calls(ctx, people, leads)


# --- Reception ----------------------------------------------------------------------


def _callers(ctx) -> dict[int, list[tuple[int, str, str, str]]]:
    """Per attorney: (matter, caller, number, kind) of who calls about their
    live matters: clients and opposing counsel."""
    rows = (
        loader(MatterParty)
        .using(ctx.alias)
        .filter(
            firm_id__in=[f.pk for f in ctx.firms],
            matter__status__in=[Matter.Status.OPEN, Matter.Status.PRE_EXISTING],
            role__in=[R.CLIENT, R.OPPOSING_COUNSEL],
            contact__kind=Contact.Kind.PERSON,
        )
        .order_by("pk")
        .values_list(
            "matter__responsible_attorney_id",
            "matter_id",
            "contact__name",
            "contact__phones",
            "role",
        )
    )
    out = defaultdict(list)
    for attorney, matter, name, phones, role in rows:
        kind = "client" if role == R.CLIENT else "counsel"
        out[attorney].append((matter, name, phones[0] if phones else "", kind))
    return out


def _seed_calls(ctx, people, leads: list[PlannedLead]) -> None:
    """Reception's settings, and the messages of the last 30 days."""
    rng, now = ctx.rng, ctx.now
    callers = _callers(ctx)
    leads_by_firm = defaultdict(list)
    for p in leads:
        f = p.fields
        if f["status"] in Lead.OPEN_STATUSES and f["phone"]:
            leads_by_firm[f["firm_id"]].append(
                (p.lead_id, f["name"], f["phone"], f["received_at"])
            )

    routing = []
    calls = []
    for firm in ctx.firms:
        team = people[firm.pk]
        on_call = rng.choice(team.attorneys)
        escalate_to = team.admin if rng.random() < 0.8 else None
        after = weighted(rng, ESCALATE_AFTER)
        created = now - rng.uniform(40, 200) * DAY
        routing.append(
            new(
                ReceptionSettings,
                firm=firm,
                on_call_id=on_call,
                escalate_after_minutes=after,
                escalate_to_id=escalate_to,
                created_at=created,
                updated_at=created,
            )
        )
        zone = firm.tz
        today = now.astimezone(zone).date()
        for back in range(CALL_DAYS - 1, -1, -1):
            day = today - back * DAY
            weekday = day.weekday() < 5
            takers = team.receptionists(day)
            for attorney in team.attorneys:
                if weekday:
                    count = weighted(rng, CALLS_PER_DAY)
                else:
                    count = 1 if rng.random() < WEEKEND_CALL_SHARE else 0
                for _ in range(count):
                    minutes = rng.randint(8 * 60, 18 * 60 + 30)
                    received = datetime.datetime.combine(
                        day, datetime.time(minutes // 60, minutes % 60), tzinfo=zone
                    ).astimezone(datetime.UTC)
                    if received >= now:
                        continue
                    calls.append(
                        _call(
                            rng,
                            firm,
                            attorney,
                            rng.choice(takers),
                            received,
                            callers.get(attorney, []),
                            leads_by_firm[firm.pk],
                            after,
                            escalate_to,
                            now,
                        )
                    )
    ctx.bulk(ReceptionSettings, routing, label="reception settings", total=len(routing))
    ctx.bulk(
        CallLog, calls, label="call messages", total=len(calls), keep=lambda c: None
    )


def _call(
    rng, firm, attorney, taker, received, callers, leads, after, escalate_to, now
) -> CallLog:
    roll = rng.random()
    matter = lead = None
    if callers and roll < 0.7:
        matter, caller, number, kind = rng.choice(callers)
    elif leads and roll < 0.8 and (pick := rng.choice(leads))[3] < received:
        lead, caller, number, _ = pick
        kind = "lead"
    else:
        caller, number, kind = rng.choice(OTHER_CALLERS), "", "other"
    number = number or phone(rng, AREA_CODES)
    urgent = kind != "lead" and rng.random() < URGENT_SHARE
    message = rng.choice(URGENT_MESSAGES if urgent else CALL_MESSAGES[kind])
    roll, acknowledged = rng.random(), None
    if urgent or roll < ACK_IN_TIME:
        acknowledged = (
            received + rng.randint(2, min(20 if urgent else 50, after - 1)) * MINUTE
        )
    elif roll < ACK_IN_TIME + ACK_LATE:
        acknowledged = received + (after + rng.randint(5, 300)) * MINUTE
    if acknowledged is not None and acknowledged >= now:
        acknowledged = None
    escalated = None
    due = received + after * MINUTE
    if due < now and (acknowledged is None or acknowledged > due):
        escalated = due + rng.randint(5, 55) * SECOND
    return new(
        CallLog,
        firm=firm,
        caller_name=caller[:200],
        number=number,
        received_at=received,
        matter_id=matter,
        lead_id=lead,
        message=message,
        urgency=CallLog.Urgency.URGENT if urgent else CallLog.Urgency.NORMAL,
        callback_wanted=urgent or rng.random() < CALLBACK_SHARE,
        taken_by_id=taker,
        recipient_id=attorney,
        acknowledged_at=acknowledged,
        escalated_at=escalated,
        escalated_to_id=escalate_to if escalated and escalate_to != attorney else None,
        created_at=received,
        updated_at=max(filter(None, (received, acknowledged, escalated))),
    )
