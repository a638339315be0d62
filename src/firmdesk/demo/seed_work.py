"""Delegated work for ``firmdesk seed`` and ``bench/queues.py``: the starter
playbooks of every firm, the staff's acknowledgements of them, and tasks with the
reviews, comments, flags and service-level breaches their history implies.

A task is planned as plain values (``PlannedTask``) before it becomes a row, so
the seeder can hand them to ``bulk_create`` and the queue benchmark can write a
million of them with ``COPY`` or ``executemany``, from the same rules:

* about 18 months of finished work and a current backlog (``open_share`` of the
  tasks, created in the last days, a few of them overdue);
* in-house work (a firm member does it, no engagement) for about 15 %, the rest
  through the firm's live engagement, by a staff member assigned to it with the
  task's function, once the engagement has started;
* the playbook version current when the task was created, its definition of done
  as the checklist, ticked as far as the status implies;
* timestamps in lifecycle order: created ≤ routed ≤ first response ≤ submitted ≤
  approved ≤ completed, none in the future; every return a ``Review`` with a
  reason, every approval a ``Review``.
"""

import datetime
import random
from bisect import bisect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from textwrap import dedent

from firmdesk.access.system import loader
from firmdesk.engagements.models import Engagement
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Function
from firmdesk.work.models import (
    Comment,
    Flag,
    Playbook,
    PlaybookAcknowledgement,
    PlaybookVersion,
    Review,
    SlaBreach,
    Task,
)
from firmdesk.work.starter import STARTER_PLAYBOOKS, StarterPlaybook

from .seed_writer import dict_rows, new

F = Function
S = Task.Status
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
HISTORY_DAYS = 540

FUNCTION_WEIGHTS = {
    F.SCHEDULING: 25,
    F.DOCUMENTS: 20,
    F.CASE_MANAGEMENT: 15,
    F.CRM: 12,
    F.INTAKE: 8,
    F.RECEPTION: 8,
    F.RESEARCH: 6,
    F.BILLING: 6,
}
PRIORITY_WEIGHTS = {"normal": 68, "high": 20, "low": 7, "urgent": 5}
FINISHED_WEIGHTS = {S.DONE: 89, S.APPROVED: 5, S.CANCELLED: 6}
OPEN_WEIGHTS = {S.OPEN: 28, S.IN_PROGRESS: 37, S.SUBMITTED: 25, S.RETURNED: 10}
# Rounds sent back before approval: mostly none.
REWORK_WEIGHTS = {0: 83, 1: 13, 2: 3, 3: 1}
REASON_WEIGHTS = {
    Review.Reason.MISSED_INSTRUCTION: 30,
    Review.Reason.FACTUAL_ERROR: 20,
    Review.Reason.FORMATTING: 20,
    Review.Reason.TYPO: 15,
    Review.Reason.WRONG_TEMPLATE: 10,
    Review.Reason.OTHER: 5,
}
COMMENT_COUNT_WEIGHTS = {0: 56, 1: 30, 2: 11, 3: 3}  # 0.61 per task
FLAG_WEIGHTS = {Flag.Kind.BLOCKED: 50, Flag.Kind.QUESTION: 35, Flag.Kind.URGENT: 15}
LATE_SHARE = 0.09  # finished after the due time
OVERDUE_SHARE = 0.15  # of the backlog still being worked on
IN_HOUSE_SHARE = 0.15
NO_MATTER_SHARE = 0.15
# Functions whose work is often not about a matter yet.
MATTERLESS = (F.INTAKE, F.RECEPTION)

TITLES = {
    F.SCHEDULING: (
        "Calendar the deposition",
        "Calendar the answer deadline",
        "Confirm the hearing date with the clerk",
        "Reschedule the mediation",
    ),
    F.DOCUMENTS: (
        "Prepare the demand letter",
        "Prepare the discovery responses",
        "Format the exhibit list",
        "Proofread the motion",
    ),
    F.CASE_MANAGEMENT: (
        "Open the matter file",
        "Index the document production",
        "Chase the medical records request",
    ),
    F.RESEARCH: (
        "Summarise recent decisions on the limitation period",
        "Pull the docket history",
    ),
    F.INTAKE: ("Call back the new inquiry", "Qualify the web inquiry"),
    F.RECEPTION: ("Book the consultation", "Return the voicemail"),
    F.CRM: ("Update the client's contact details", "Merge duplicate contacts"),
    F.BILLING: ("Prepare the monthly pre-bill", "Send the invoice reminder"),
}
INSTRUCTIONS = (
    "Details are in the matter file. Ask me if anything is unclear.",
    "Please follow the playbook; the client is expecting this today.",
    "Use the firm's template and copy me on anything sent out.",
    "",
)
RETURN_COMMENTS = {
    Review.Reason.MISSED_INSTRUCTION: (
        "The instructions asked for the courtesy copy to opposing counsel.",
        "Please include the reminders for the paralegal as well.",
    ),
    Review.Reason.FACTUAL_ERROR: (
        "The service date is the 14th, not the 12th — please recount.",
        "The client's address changed last month; see the intake notes.",
    ),
    Review.Reason.FORMATTING: (
        "Headings and numbering don't follow the firm's style.",
        "Please use the letterhead and fix the page breaks.",
    ),
    Review.Reason.TYPO: (
        "Two typos in the second paragraph.",
        "Client's name misspelled.",
    ),
    Review.Reason.WRONG_TEMPLATE: ("This needs the state-court template.",),
    Review.Reason.OTHER: ("Let's discuss on our call; small changes needed.",),
}
APPROVAL_COMMENTS = ("", "", "", "Thanks — looks good.", "Approved, thank you.")
STAFF_COMMENTS = (
    "Started on this; will update by end of day.",
    "Left a voicemail for the clerk, waiting to hear back.",
    "Question: should the letter go by e-mail as well as post?",
    "Done the first draft, checking the exhibits now.",
    "The client asked to move the call to tomorrow morning.",
    "Records request re-sent; the provider says 5 business days.",
)
ATTORNEY_COMMENTS = (
    "Thanks — please prioritise this one.",
    "Yes, e-mail and post both.",
    "The hearing is in the Central District, Pacific time.",
    "Let me know once it's in.",
    "See my note in the file before you send it.",
)
FLAG_NOTES = {
    Flag.Kind.BLOCKED: "Waiting for the client's documents before I can continue.",
    Flag.Kind.QUESTION: "Which template should this go on: state or federal?",
    Flag.Kind.URGENT: "The client called: this is needed before the hearing.",
}
CANCEL_REASONS = (
    "The client settled; no longer needed.",
    "Duplicate of another task.",
    "The attorney handled it directly.",
)
VERSION_TWO_NOTE = "Added the step the firm kept asking about in reviews."
VERSION_TWO_ITEM = "Note in the matter file what was done and when."


# --- The demo's own procedures ------------------------------------------------------
#
# A kind of work may have several playbooks. The starter library has one per kind;
# the demo firms add these, so each demo task follows a procedure for its own work
# (a letter to beneficiaries is not a demand letter, a mediation moved is not a
# court date calendared).


def _demo(key, function, title, summary, steps, done, mistakes, leaves, hours):
    return StarterPlaybook(
        key=key,
        function=function,
        title=title,
        summary=summary,
        steps=dedent(steps).strip() + "\n",
        definition_of_done=done,
        common_mistakes=dedent(mistakes).strip() + "\n",
        templates="",
        examples="",
        output_leaves_firm=leaves,
        review_required=True,
        turnaround_hours=hours,
    )


DEMO_PLAYBOOKS = (
    _demo(
        "reschedule-session",
        F.SCHEDULING,
        "Move a mediation, meeting or session",
        "Find a new date every side can make, confirm it in writing and move "
        "every calendar entry and reminder with it.",
        """
        1. Ask the attorney which dates are out, and why the session moves.
        2. Ask the other side (and the mediator or host) for three dates each.
        3. Pick the first date everyone offered; hold it with the host.
        4. Confirm the new date to everyone in one e-mail the attorney approves.
        5. Move the calendar entry and its reminders; note the old date.
        """,
        (
            "Get dates from every side and the host.",
            "Confirm the new date in writing to everyone.",
            "Move the calendar entry and its reminders.",
        ),
        """
        - Cancelling the old date before the new one is confirmed.
        - Leaving the reminders on the old date.
        """,
        True,
        8,
    ),
    _demo(
        "arrange-meeting-room",
        F.SCHEDULING,
        "Book a room and set up a meeting",
        "A room, the people, the dial-in and the papers, ready before the "
        "meeting starts.",
        """
        1. Check the date, the length and who comes (with the attorney).
        2. Book a room big enough, with a screen if papers are shown.
        3. Send the invitation with the room, the dial-in and the agenda.
        4. Print or share the papers the attorney lists.
        """,
        (
            "Book the room for the whole session.",
            "Send the invitation with room, dial-in and agenda.",
            "Have the papers ready in the room or shared.",
        ),
        """
        - Booking the room for the start time only, not the whole session.
        """,
        False,
        8,
    ),
    _demo(
        "draft-letter",
        F.DOCUMENTS,
        "Draft a letter from the firm",
        "A letter on the firm's letterhead, facts checked against the file, "
        "signed by the attorney before it goes.",
        """
        1. Read the instructions and the matter file for names, addresses and dates.
        2. Start from the firm's letter template; keep its letterhead and footer.
        3. Write the letter; put every fact you took from the file in the notes.
        4. Check names, addresses and dates against the file once more.
        5. Hand it in for the attorney's signature; nothing is sent before.
        """,
        (
            "Use the firm's letter template.",
            "Check every name, address and date against the file.",
            "Attach the draft for the attorney's signature.",
        ),
        """
        - A beneficiary's or client's name spelled as in an old e-mail, not as in
          the file.
        """,
        True,
        16,
    ),
    _demo(
        "prepare-filing",
        F.DOCUMENTS,
        "Prepare a document or exhibits for filing",
        "Caption, order, numbering and exhibits as the court's rules and the "
        "judge's orders say, ready for the attorney to file.",
        """
        1. Read the court's local rules and the judge's standing and pretrial
           orders for format, order and exhibit rules.
        2. Use the court's caption; number pages and paragraphs as the rules say.
        3. Put lists (witnesses, exhibits) in the order the pretrial order sets.
        4. Label every exhibit and check each is cited in the document.
        5. Save a text-searchable PDF to the matter file; hand it in for review.
        """,
        (
            "Use the court's caption and page format.",
            "Order the lists as the pretrial order says.",
            "Label every exhibit and check it is cited.",
            "Save a searchable PDF to the matter file.",
        ),
        """
        - Alphabetical order where the judge's order sets another.
        - An exhibit attached but never cited, or cited and missing.
        """,
        True,
        16,
    ),
    _demo(
        "order-records",
        F.CASE_MANAGEMENT,
        "Order certified copies and records",
        "Ask the right office for the right record, pay the fee through the "
        "firm, and follow it until the copy is in the file.",
        """
        1. Find the office that keeps the record (county recorder, court clerk,
           provider) and its request form and fee.
        2. Fill in the request with the record's exact reference (book and page,
           case number, dates).
        3. Pay the fee as the firm's billing procedure says; keep the receipt.
        4. Put a follow-up on the calendar for the office's stated turnaround.
        5. When it arrives, save it to the matter file and tell the attorney.
        """,
        (
            "Send the request with the record's exact reference.",
            "Pay the fee and keep the receipt for billing.",
            "Save the copy to the matter file when it arrives.",
        ),
        """
        - A plain copy ordered where the court needs a certified one.
        """,
        False,
        24,
    ),
    _demo(
        "return-call",
        F.RECEPTION,
        "Return a call or voicemail",
        "Call back within the firm's promise, find out what the caller needs, "
        "and log the call so the right person follows up.",
        """
        1. Listen to the whole voicemail; note the name, number and reason.
        2. Call back the same business day; leave one message if no answer.
        3. Take the details the intake script asks for; promise nothing legal.
        4. Log the call and pass it to the attorney or intake, as the caller needs.
        """,
        (
            "Call back the same business day.",
            "Log the call with the caller's details and need.",
            "Pass it to the person who follows up.",
        ),
        """
        - Giving a prospective client advice on the phone.
        """,
        False,
        4,
    ),
)
# Which procedure each demo task follows, by its title (``firmdesk demo``).
DEMO_TASK_PLAYBOOKS = {
    "Calendar the plant manager's deposition": "calendar-court-date",
    "Draft the letter to the estate's beneficiaries": "draft-letter",
    "Move the mediation session to a date both sides can make": "reschedule-session",
    "Assemble the exhibits for the summary judgment motion": "prepare-filing",
    "Return yesterday's voicemail from a prospective client": "return-call",
    "Enter the landlord's new contact details": "update-contact-records",
    "Order the certified copy of the deed": "order-records",
    "Book a conference room for the settlement conference": "arrange-meeting-room",
    "Format the witness list for filing": "prepare-filing",
    "Follow up on Tuesday's web inquiry about a work visa": "qualify-inquiry",
}


# Keyed by id(); each entry keeps its dict alive, so no other dict can take
# that id while the entry stands (an entry under a reused id of a freed dict
# would hand back another table's keys).
_CUMULATIVE: dict[int, tuple[dict, list, list[float], float]] = {}


def weighted(rng: random.Random, weights: dict) -> object:
    """``rng.choices(weights, weights.values())[0]``, without rebuilding the
    cumulative weights on every call (it is called millions of times)."""
    known = _CUMULATIVE.get(id(weights))
    if known is None or known[0] is not weights or len(known[1]) != len(weights):
        keys, cumulative = list(weights), list(accumulate(weights.values()))
        known = _CUMULATIVE[id(weights)] = (weights, keys, cumulative, cumulative[-1])
    _, keys, cumulative, total = known
    return keys[bisect(cumulative, rng.random() * total)]


class _DayCachedCalendar(BusinessCalendar):
    """The firm's calendar, remembering each day's open interval: the planner
    asks about the same few hundred days for every task."""

    def _interval(self, day):
        cache = self.__dict__.get("_days")
        if cache is None:
            cache = {}
            object.__setattr__(self, "_days", cache)
        if day not in cache:
            cache[day] = super()._interval(day)
        return cache[day]

    @classmethod
    def of(cls, org) -> "BusinessCalendar":
        calendar = BusinessCalendar.for_organization(org)
        return cls(tz=calendar.tz, hours=calendar.hours, closed=calendar.closed)


@contextmanager
def historical_timestamps(*models):
    """Let ``bulk_create`` write the ``created_at``/``updated_at`` it is given:
    seeded history happened in the past, but auto_now would stamp it today."""
    saved = []
    for model in models:
        for name in ("created_at", "updated_at"):
            f = model._meta.get_field(name)
            saved.append((f, f.auto_now, f.auto_now_add))
            f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- Playbooks ---------------------------------------------------------------------


@dataclass(frozen=True)
class VersionPlan:
    pk: int
    since: datetime.datetime
    definition_of_done: tuple[str, ...]
    review_required: bool
    output_leaves_firm: bool
    turnaround_hours: int


def seed_playbooks(ctx) -> None:
    """The eight starter playbooks in every firm (version 1 from before the
    seeded history; three of them edited into a version 2 some months ago), and
    an acknowledgement of each current version by every live staff member whose
    functions it covers, so routing finds them onboarded."""
    rng = ctx.rng
    installed = ctx.now - datetime.timedelta(days=HISTORY_DAYS + 30)
    playbooks = [
        new(
            Playbook,
            firm_id=firm.pk,
            function=s.function,
            key=s.key,
            created_at=installed,
            updated_at=installed,
        )
        for firm in ctx.firms
        for s in STARTER_PLAYBOOKS
    ]
    with historical_timestamps(Playbook, PlaybookVersion, PlaybookAcknowledgement):
        playbooks = ctx.bulk(
            Playbook,
            playbooks,
            label="playbooks",
            total=len(playbooks),
            keep=lambda p: p,
        )
        versions = []
        for i, firm in enumerate(ctx.firms):
            starters = STARTER_PLAYBOOKS
            edited = set(rng.sample(range(len(starters)), 3))
            attorney = ctx.attorneys[firm.pk][0]
            for n, starter in enumerate(starters):
                playbook = playbooks[i * len(starters) + n]
                versions.append(_version(playbook, starter, 1, installed, attorney))
                if n in edited:
                    when = ctx.now - datetime.timedelta(days=rng.randint(30, 300))
                    versions.append(_version(playbook, starter, 2, when, attorney))
        versions = ctx.bulk(
            PlaybookVersion,
            versions,
            label="playbook versions",
            total=len(versions),
            keep=lambda v: v,
        )
        function_of = {p.pk: p.function for p in playbooks}
        current = {}
        for version in versions:
            current[version.playbook_id] = version  # versions come in number order
            plan = VersionPlan(
                pk=version.pk,
                since=version.created_at,
                definition_of_done=tuple(version.definition_of_done),
                review_required=version.needs_review,
                output_leaves_firm=version.output_leaves_firm,
                turnaround_hours=version.turnaround_hours,
            )
            by_function = ctx.playbook_versions.setdefault(version.firm_id, {})
            by_function.setdefault(function_of[version.playbook_id], []).append(plan)
        for playbook in playbooks:
            playbook.current_version = current[playbook.pk]
        loader(Playbook).using(ctx.alias).bulk_update(
            playbooks, ["current_version"], batch_size=500
        )

        acks, seen = [], set()
        for firm in ctx.firms:
            firm_playbooks = [p for p in playbooks if p.firm_id == firm.pk]
            for engagement_id, user_id, functions in ctx.live_assignments[firm.pk]:
                start = ctx.engagements[engagement_id].start_date
                for playbook in firm_playbooks:
                    version = current[playbook.pk]
                    if playbook.function not in functions:
                        continue
                    if (version.pk, user_id) in seen:
                        continue
                    seen.add((version.pk, user_id))
                    when = max(
                        version.created_at,
                        datetime.datetime.combine(
                            start, datetime.time(15), tzinfo=datetime.UTC
                        ),
                    )
                    acks.append(
                        new(
                            PlaybookAcknowledgement,
                            firm_id=firm.pk,
                            playbook=playbook,
                            version=version,
                            user_id=user_id,
                            created_at=when,
                            updated_at=when,
                        )
                    )
        ctx.bulk(
            PlaybookAcknowledgement,
            acks,
            label="playbook acknowledgements",
            total=len(acks),
            keep=lambda a: None,
        )


def _version(playbook, starter, number: int, when, attorney) -> PlaybookVersion:
    done = list(starter.definition_of_done)
    if number > 1:
        done.append(VERSION_TWO_ITEM)
    return new(
        PlaybookVersion,
        firm_id=playbook.firm_id,
        playbook=playbook,
        number=number,
        title=starter.title,
        summary=starter.summary,
        steps=starter.steps,
        definition_of_done=done,
        common_mistakes=starter.common_mistakes,
        templates=starter.templates,
        examples=starter.examples,
        output_leaves_firm=starter.output_leaves_firm,
        review_required=starter.review_required or starter.output_leaves_firm,
        turnaround_hours=starter.turnaround_hours,
        edited_by_id=attorney,
        change_note=VERSION_TWO_NOTE if number > 1 else "FirmDesk starter procedure",
        created_at=when,
        updated_at=when,
    )


# --- Tasks -------------------------------------------------------------------------


@dataclass
class EngagementPlan:
    pk: int
    start: datetime.datetime
    base_functions: frozenset[str]
    turnaround_hours: dict
    first_response_minutes: int
    staff: dict[str, list[int]]  # function → assigned users doing it
    function_weights: dict[str, int]


@dataclass
class FirmPlan:
    """What one firm's tasks are drawn from."""

    firm_id: int
    calendar: BusinessCalendar
    attorneys: list[int]
    members: list[int]  # who does in-house work
    admin: int
    matters: list[int]
    versions: dict[str, list[VersionPlan]]
    engagements: list[EngagementPlan] = field(default_factory=list)

    def version(self, function: str, when: datetime.datetime) -> VersionPlan | None:
        chosen = None
        for version in self.versions.get(function, ()):
            if version.since <= when:
                chosen = version
        return chosen


def firm_plans(ctx) -> list[FirmPlan]:
    """One ``FirmPlan`` per seeded firm, from what the earlier seeders made."""
    matters: dict[int, list[int]] = {}
    for matter_id, firm_id in ctx.matters:
        matters.setdefault(firm_id, []).append(matter_id)
    plans = []
    for firm in ctx.firms:
        engagements: dict[int, EngagementPlan] = {}
        for engagement_id, user_id, functions in ctx.live_assignments[firm.pk]:
            e: Engagement = ctx.engagements[engagement_id]
            plan = engagements.get(engagement_id)
            if plan is None:
                plan = engagements[engagement_id] = EngagementPlan(
                    pk=e.pk,
                    start=datetime.datetime.combine(
                        e.start_date, datetime.time(14), tzinfo=datetime.UTC
                    ),
                    base_functions=frozenset(e.base_functions),
                    turnaround_hours=e.turnaround_hours or {},
                    first_response_minutes=e.first_response_minutes or 60,
                    staff={},
                    function_weights={},
                )
            for function in functions:
                plan.staff.setdefault(function, []).append(user_id)
                plan.function_weights[function] = FUNCTION_WEIGHTS[function]
        plans.append(
            FirmPlan(
                firm_id=firm.pk,
                calendar=_DayCachedCalendar.of(firm),
                attorneys=ctx.attorneys[firm.pk],
                members=ctx.firm_staff[firm.pk] or ctx.attorneys[firm.pk],
                admin=ctx.attorneys[firm.pk][0],
                matters=matters.get(firm.pk, []),
                versions=ctx.playbook_versions.get(firm.pk, {}),
                engagements=list(engagements.values()),
            )
        )
    return plans


@dataclass
class PlannedTask:
    fields: dict
    # (reviewer, decision, reason, comment, at)
    reviews: list[tuple] = field(default_factory=list)
    # (author, body, at)
    comments: list[tuple] = field(default_factory=list)
    # (kind, note, raised by, at, resolved at)
    flags: list[tuple] = field(default_factory=list)

    @property
    def breached(self) -> bool:
        return self.fields.get("sla_breached_at") is not None


class TaskPlanner:
    """Plans tasks one at a time; ``open_share`` of them are the current backlog."""

    def __init__(self, rng: random.Random, now: datetime.datetime, open_share: float):
        self.rng = rng
        self.now = now
        self.open_share = open_share
        self.history_start = now - datetime.timedelta(days=HISTORY_DAYS)

    def tasks(self, firm: FirmPlan, count: int) -> Iterator[PlannedTask]:
        for _ in range(count):
            yield self.task(firm)

    def task(self, firm: FirmPlan) -> PlannedTask:
        rng, now = self.rng, self.now
        is_open = rng.random() < self.open_share
        status = weighted(rng, OPEN_WEIGHTS if is_open else FINISHED_WEIGHTS)
        engagement = None
        if firm.engagements and rng.random() >= IN_HOUSE_SHARE:
            engagement = rng.choice(firm.engagements)
            function = weighted(rng, engagement.function_weights)
            assignee = rng.choice(engagement.staff[function])
        else:
            function = weighted(rng, FUNCTION_WEIGHTS)
            assignee = rng.choice(firm.members)
        # Outside work starts when the engagement does.
        begins = self.history_start
        if engagement is not None:
            begins = max(begins, engagement.start)
        if is_open:
            created = now - datetime.timedelta(hours=rng.expovariate(1 / 30))
        else:
            span = max(0.0, (now - begins).total_seconds() - 2 * 86400)
            created = begins + datetime.timedelta(seconds=rng.random() * span)
        if rng.random() < 0.9:
            created = firm.calendar.next_open(created)
        created = max(begins, min(created, now - MINUTE))
        version = firm.version(function, created)
        no_matter = NO_MATTER_SHARE * (3 if function in MATTERLESS else 0.6)
        matter = (
            None
            if not firm.matters or rng.random() < no_matter
            else rng.choice(firm.matters)
        )
        hours = None
        if engagement is not None:
            hours = engagement.turnaround_hours.get(function)
        if not hours and version is not None:
            hours = version.turnaround_hours
        if rng.random() < 0.08 or not hours:
            due = created + datetime.timedelta(hours=rng.choice((24, 48, 72, 120)))
            due_source = Task.DueSource.MANUAL
        else:
            due = firm.calendar.add_hours(created, Decimal(hours))
            due_source = Task.DueSource.SERVICE_LEVEL
        review = True if version is None else version.review_required
        leaves = False if version is None else version.output_leaves_firm
        requester = rng.choice(firm.attorneys)
        fields = {
            "firm_id": firm.firm_id,
            "matter_id": matter,
            "engagement_id": engagement.pk if engagement else None,
            "function": function,
            "playbook_version_id": version.pk if version else None,
            "title": rng.choice(TITLES[function]),
            "instructions": rng.choice(INSTRUCTIONS),
            "status": status,
            "priority": weighted(rng, PRIORITY_WEIGHTS),
            "requester_id": requester,
            "assignee_id": assignee,
            "due_at": due,
            "due_source": due_source,
            "review_required": review,
            "output_leaves_firm": leaves,
            "created_at": created,
        }
        if engagement is not None and function not in engagement.base_functions:
            fields["extra_cost"] = Task.ExtraCost.APPROVED
            fields["extra_cost_decided_by_id"] = firm.admin
        planned = PlannedTask(fields)
        items = version.definition_of_done if version else ()
        first_response = engagement.first_response_minutes if engagement else 60
        if is_open:
            self._open(planned, firm, items, first_response)
        else:
            self._finished(planned, items, first_response)
        self._comments(planned)
        self._breach(planned)
        return planned

    # The life of the task, from ``created`` on.

    def _start(self, created, due, first_response_minutes):
        """Routed within minutes; first response within the engagement's promise
        and well before the due time."""
        rng = self.rng
        routed = created + rng.uniform(0, 3) * MINUTE
        limit = min(first_response_minutes * MINUTE, (due - routed) * 0.25)
        first = routed + max(MINUTE, limit * rng.random())
        return routed, first

    def _finished(self, planned: PlannedTask, items, first_response_minutes) -> None:
        rng, f, now = self.rng, planned.fields, self.now
        created, due = f["created_at"], f["due_at"]
        routed, first = self._start(created, due, first_response_minutes)
        f["routed_at"] = routed
        if f["status"] == S.CANCELLED:
            cancelled = min(now, created + rng.uniform(0.5, 72) * HOUR)
            ticked = rng.randint(0, len(items))
            f.update(
                checklist_ticked=_ticked(ticked),
                cancel_reason=rng.choice(CANCEL_REASONS),
                updated_at=cancelled,
                closed_at=cancelled,
                revision=2,
            )
            return
        if rng.random() < LATE_SHARE:
            finish = due + rng.uniform(0.5, 30) * HOUR
        else:
            finish = first + (due - first) * rng.uniform(0.3, 0.98)
        finish = max(finish, first + 5 * MINUTE)
        f["first_response_at"] = first
        f["checklist_ticked"] = _ticked(len(items))
        f["minutes_logged"] = rng.choice((15, 20, 30, 45, 60, 90, 120, 180))
        if not f["review_required"]:
            completed = min(finish, now)
            f.update(
                status=S.DONE,
                first_response_at=min(first, completed),
                completed_at=completed,
                closed_at=completed,
                updated_at=completed,
                revision=4,
            )
            return
        rounds = weighted(rng, REWORK_WEIGHTS)
        submitted = first + (finish - first) * 0.75
        review_at = finish
        times = self._rounds(planned, first, submitted, rounds)
        f.update(
            submitted_at=times[-1],
            approved_at=review_at,
            rework_count=rounds,
        )
        planned.reviews.append(
            (
                f["requester_id"],
                Review.Decision.APPROVED,
                "",
                rng.choice(APPROVAL_COMMENTS),
                review_at,
            )
        )
        last = review_at
        if f["status"] == S.DONE:
            last = f["completed_at"] = review_at + rng.uniform(0, 20) * HOUR
        f["updated_at"] = last
        f["revision"] = 5 + 3 * rounds
        _clamp(planned, now)
        if f["status"] in Task.FINISHED_STATUSES:
            f["closed_at"] = f.get("completed_at") or f["approved_at"]

    def _rounds(self, planned, first, submitted, rounds) -> list[datetime.datetime]:
        """Returns for ``rounds`` rounds between the first response and the final
        submission; the submission times, the final last."""
        rng, f = self.rng, planned.fields
        span = submitted - first
        times = []
        for n in range(rounds):
            handed_in = first + span * (n + rng.uniform(0.2, 0.5)) / (rounds + 1)
            returned = handed_in + span * rng.uniform(0.1, 0.3) / (rounds + 1)
            reason = weighted(rng, REASON_WEIGHTS)
            planned.reviews.append(
                (
                    f["requester_id"],
                    Review.Decision.RETURNED,
                    reason,
                    rng.choice(RETURN_COMMENTS[reason]),
                    returned,
                )
            )
            times.append(handed_in)
        times.append(submitted)
        return times

    def _open(self, planned: PlannedTask, firm, items, first_response_minutes) -> None:
        rng, f, now = self.rng, planned.fields, self.now
        created, status = f["created_at"], f["status"]
        # The backlog's due times: mostly ahead, some already passed.
        if status != S.SUBMITTED:
            overdue = rng.random() < OVERDUE_SHARE
            if overdue and f["due_at"] >= now:
                f["due_at"] = now - rng.uniform(0.5, 30) * HOUR
            elif not overdue and f["due_at"] < now:
                f["due_at"] = now + rng.uniform(0.5, 24) * HOUR
            if f["due_at"] <= created:
                f["due_at"] = created + (now - created) * 0.6
        routed, first = self._start(created, f["due_at"], first_response_minutes)
        if status == S.OPEN:
            if f["engagement_id"] and rng.random() < 0.05:
                f.update(
                    assignee_id=None,
                    needs_routing=True,
                    routing_note="Nobody on the engagement is within working hours.",
                )
            else:
                f["routed_at"] = min(routed, now)
            f.update(checklist_ticked=_ticked(0), updated_at=created, revision=1)
            return
        first = min(first, created + (now - created) * 0.3)
        routed = min(routed, first)
        f.update(routed_at=routed, first_response_at=first)
        if status == S.IN_PROGRESS:
            rounds = 1 if rng.random() < 0.2 else 0
            ticked = rng.randint(0, len(items))
        elif status == S.RETURNED:
            rounds = 1 if rng.random() < 0.85 else 2
            ticked = max(0, len(items) - 1)
        else:
            rounds = weighted(rng, REWORK_WEIGHTS)
            ticked = len(items)
        latest = first + (now - first) * 0.9
        if status == S.SUBMITTED:
            times = self._rounds(planned, first, latest, rounds)
            f["submitted_at"] = times[-1]
        elif rounds:
            # Earlier rounds, then the latest return, which is why it is here.
            self._rounds(planned, first, first + (latest - first) * 0.8, rounds - 1)
            reason = weighted(rng, REASON_WEIGHTS)
            planned.reviews.append(
                (
                    f["requester_id"],
                    Review.Decision.RETURNED,
                    reason,
                    rng.choice(RETURN_COMMENTS[reason]),
                    latest,
                )
            )
        f.update(
            rework_count=rounds,
            checklist_ticked=_ticked(ticked),
            minutes_logged=rng.choice((0, 15, 30, 45, 60)),
            updated_at=latest,
            revision=2 + 3 * rounds,
        )
        if rng.random() < 0.1:
            kind = weighted(rng, FLAG_WEIGHTS)
            at = first + (now - first) * rng.uniform(0.3, 0.9)
            planned.flags.append((kind, FLAG_NOTES[kind], f["assignee_id"], at, None))

    def _comments(self, planned: PlannedTask) -> None:
        rng, f = self.rng, planned.fields
        count = weighted(rng, COMMENT_COUNT_WEIGHTS)
        start = f.get("first_response_at") or f["created_at"]
        end = f.get("updated_at") or start
        for _ in range(count):
            at = start + (end - start) * rng.random()
            if f["assignee_id"] and rng.random() < 0.6:
                planned.comments.append(
                    (f["assignee_id"], rng.choice(STAFF_COMMENTS), at)
                )
            else:
                planned.comments.append(
                    (f["requester_id"], rng.choice(ATTORNEY_COMMENTS), at)
                )
        if f["status"] == S.DONE and rng.random() < 0.03:
            kind = weighted(rng, FLAG_WEIGHTS)
            at = start + (end - start) * rng.uniform(0, 0.5)
            resolved = at + (end - at) * rng.uniform(0.1, 0.9)
            planned.flags.append(
                (kind, FLAG_NOTES[kind], f["assignee_id"], at, resolved)
            )

    def _breach(self, planned: PlannedTask) -> None:
        f, now = planned.fields, self.now
        due = f["due_at"]
        finished = f.get("approved_at") or f.get("completed_at")
        late = (
            finished > due
            if finished is not None
            else f["status"] in Task.OPEN_STATUSES and due < now
        )
        if late and f["status"] != S.CANCELLED:
            f["sla_warned_at"] = max(f["created_at"], due - HOUR)
            f["sla_breached_at"] = due


def _ticked(ticked: int) -> list[int]:
    """The first ``ticked`` items of the definition of done, ticked."""
    return list(range(ticked))


def _clamp(planned: PlannedTask, now: datetime.datetime) -> None:
    """Nothing happens after ``now``; clamping keeps the order of events."""
    f = planned.fields
    for name in (
        "routed_at",
        "first_response_at",
        "submitted_at",
        "approved_at",
        "completed_at",
        "updated_at",
    ):
        if f.get(name) is not None and f[name] > now:
            f[name] = now
    planned.reviews[:] = [(*r[:4], min(r[4], now)) for r in planned.reviews]


DETAIL_FIELDS = (
    "firm_id",
    "requester_id",
    "assignee_id",
    "engagement_id",
    "function",
    "due_at",
    "sla_breached_at",
)
# Every column the planner may set, in the order a task's row gives them.
TASK_COLUMNS = (
    "firm_id",
    "matter_id",
    "engagement_id",
    "function",
    "playbook_version_id",
    "title",
    "instructions",
    "status",
    "priority",
    "requester_id",
    "assignee_id",
    "due_at",
    "due_source",
    "review_required",
    "output_leaves_firm",
    "extra_cost",
    "extra_cost_decided_by_id",
    "needs_routing",
    "routing_note",
    "checklist_ticked",
    "cancel_reason",
    "minutes_logged",
    "rework_count",
    "revision",
    "routed_at",
    "first_response_at",
    "submitted_at",
    "approved_at",
    "completed_at",
    "closed_at",
    "sla_warned_at",
    "sla_breached_at",
    "created_at",
    "updated_at",
)


def seed_tasks(ctx) -> None:
    """``tasks_per_matter`` tasks per matter of each firm (planned by
    ``TaskPlanner``, a tenth of them the open backlog), with their reviews,
    comments, flags and breaches."""
    plans = firm_plans(ctx)
    planner = TaskPlanner(ctx.rng, ctx.now, open_share=0.10)
    per_firm = ctx.scale.matters_per_firm * ctx.scale.tasks_per_matter
    planned: list[PlannedTask] = []
    row = dict_rows(Task, TASK_COLUMNS)

    def tasks() -> Iterator[tuple]:
        for plan in plans:
            for p in planner.tasks(plan, per_firm):
                p.fields.setdefault("updated_at", p.fields["created_at"])
                task = row(p.fields)
                # Only what the details need stays in memory until the tasks
                # have their ids (250,000 of them at the large scale).
                p.fields = {k: p.fields.get(k) for k in DETAIL_FIELDS}
                planned.append(p)
                yield task

    ids = ctx.bulk_rows(
        Task, TASK_COLUMNS, tasks(), label="tasks", total=per_firm * len(plans)
    )
    _seed_task_details(ctx, ids, planned)


def _seed_task_details(ctx, ids: list[int], planned: list[PlannedTask]) -> None:
    """Reviews, comments, flags and breaches, as rows: each is written with
    the time it happened (``created_at``), not the time of the seed."""

    def reviews() -> Iterator[tuple]:
        for task_id, p in zip(ids, planned, strict=True):
            firm_id = p.fields["firm_id"]
            for reviewer, decision, reason, comment, at in p.reviews:
                yield (firm_id, task_id, reviewer, decision, reason, comment, at, at)

    def comments() -> Iterator[tuple]:
        for task_id, p in zip(ids, planned, strict=True):
            firm_id = p.fields["firm_id"]
            for author, body, at in p.comments:
                yield (firm_id, task_id, author, body, at, at)

    def flags() -> Iterator[tuple]:
        for task_id, p in zip(ids, planned, strict=True):
            for kind, note, raised_by, at, resolved in p.flags:
                yield (
                    p.fields["firm_id"],
                    task_id,
                    kind,
                    note,
                    raised_by,
                    resolved,
                    p.fields["requester_id"] if resolved else None,
                    at,
                    resolved or at,
                )

    def breaches() -> Iterator[tuple]:
        for task_id, p in zip(ids, planned, strict=True):
            if p.breached:
                f = p.fields
                yield (
                    f["firm_id"],
                    task_id,
                    f["engagement_id"],
                    f["function"],
                    f["assignee_id"],
                    f["due_at"],
                    f["due_at"],
                    f["due_at"],
                )

    count = len(planned)
    ctx.bulk_rows(
        Review,
        (
            "firm_id",
            "task_id",
            "reviewer_id",
            "decision",
            "reason",
            "comment",
            "created_at",
            "updated_at",
        ),
        reviews(),
        label="reviews",
        total=sum(len(p.reviews) for p in planned) or count,
    )
    ctx.bulk_rows(
        Comment,
        ("firm_id", "task_id", "author_id", "body", "created_at", "updated_at"),
        comments(),
        label="comments",
        total=sum(len(p.comments) for p in planned) or count,
    )
    ctx.bulk_rows(
        Flag,
        (
            "firm_id",
            "task_id",
            "kind",
            "note",
            "raised_by_id",
            "resolved_at",
            "resolved_by_id",
            "created_at",
            "updated_at",
        ),
        flags(),
        label="flags",
        total=sum(len(p.flags) for p in planned) or 1,
    )
    ctx.bulk_rows(
        SlaBreach,
        (
            "firm_id",
            "task_id",
            "engagement_id",
            "function",
            "assignee_id",
            "due_at",
            "created_at",
            "updated_at",
        ),
        breaches(),
        label="service-level breaches",
        total=sum(p.breached for p in planned) or 1,
    )
