"""The demo's intake and reception at Hale & Ortiz: a published employment
intake form, three leads at three stages, reception's routing and a handful of
phone messages, and one client's feedback.

Everything goes through the intake and reception services, as the public
form, the Northstar intake specialist, the receptionist and the attorney would
do it, so the conflict screens, the prospective contacts they put in the
conflict index, the first-response clocks, the matter and its engagement-letter
task are the real thing:

* Keiko Tanabe wrote through the form minutes before the demo was loaded. The
  employer she names is the firm's own client on matter 0004 (the lease), so
  her screen has a hit an attorney must weigh before anyone advises her.
* Samuel Adeyemi wrote the afternoon before; the intake specialist called him
  back a quarter of an hour later. His screen waits for an attorney.
* Anneli Virtanen was referred a week before; the intake specialist took the
  call, the attorney cleared her screen and retained her: a new matter, the
  "Send the engagement letter" task, and her feedback (five stars).

A service stamps what it does with the present moment; where the story
happened earlier (the call back minutes after a lead arrived, a screen run at
arrival, a message acknowledged), the moment is set back afterwards, as the
demo's tasks carry their history.

Each row is found by its firm and its name (the form's title, the lead's name,
the caller's name) and made only when missing, so loading the demo again
changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.intake import reception, services
from firmdesk.intake.models import (
    CallLog,
    FeedbackRequest,
    IntakeForm,
    Lead,
    LeadNote,
    ReceptionSettings,
)
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.orgs.models import Organization, User

MINUTE = datetime.timedelta(minutes=1)
FORM_TITLE = "Employment inquiry"
CHOICES = (
    "Dismissal",
    "Unpaid wages or overtime",
    "Discrimination or harassment",
    "Retaliation",
    "Other",
)
QUESTIONS = (
    {"label": "When did it happen?", "kind": "date", "required": True},
    {"label": "Do you still work there?", "kind": "yes_no", "required": True},
    {
        "label": "What kind of problem is it?",
        "kind": "choice",
        "required": True,
        "choices": list(CHOICES),
    },
    {
        "label": "Documents (dismissal letter, contract, pay slips)",
        "kind": "file",
        "help_text": "A PDF or photos of the papers, if you have them.",
    },
)
CHECKLIST = [
    "Worked in New York",
    "Within the filing deadline (EEOC: 300 days)",
    "Has the documents",
    "Fee arrangement explained",
]
NEW_LEAD = "Keiko Tanabe"
CONTACTED_LEAD = "Samuel Adeyemi"
RETAINED_LEAD = "Anneli Virtanen"
RETAINED_EMPLOYER = "Quillon Analytics Inc."


def answers(when: datetime.date, employed: str, problem: str) -> tuple[dict, ...]:
    """As the public form records them, the file question unanswered."""
    given = (when.isoformat(), employed, problem, "")
    return tuple(
        {"question": q["label"], "kind": q["kind"], "answer": answer}
        for q, answer in zip(QUESTIONS, given, strict=True)
    )


@dataclass
class _Intake:
    loader: object  # the demo's _Loader: its people, firms and business days
    firm: Organization
    created: int = 0

    def person(self, mailbox: str, org: str = "hale-ortiz") -> User:
        return self.loader.person(f"{mailbox}@{org}.example")

    def scope(self, user: User):
        return resolve_scope(user, self.firm)

    def at(self, offset: int, hour: float) -> datetime.datetime:
        """``offset`` business days from the demo's day, at ``hour``."""
        day = self.loader.business_day(self.firm, offset)
        minutes = int(hour * 60)
        clock = datetime.time(minutes // 60, minutes % 60)
        return datetime.datetime.combine(day, clock, tzinfo=self.firm.tz)

    def existing_lead(self, name: str) -> Lead | None:
        return Lead.objects.for_firm(self.firm).filter(name=name).first()

    def screen(self, lead: Lead) -> None:
        """The screen, as it runs just after the lead arrives (not when the
        demo was loaded)."""
        services.lead_screen(lead)
        lead.refresh_from_db()
        ConflictCheck.objects.for_firm(self.firm).filter(
            pk=lead.conflict_check_id
        ).update(run_at=lead.received_at + 0.5 * MINUTE)

    def backdate_contact(self, lead: Lead, minutes: int) -> None:
        """The call back came ``minutes`` after the lead arrived."""
        answered = lead.received_at + minutes * MINUTE
        Lead.objects.for_firm(self.firm).filter(pk=lead.pk).update(
            first_response_at=answered
        )
        LeadNote.objects.for_firm(self.firm).filter(lead=lead).exclude(
            kind=LeadNote.Kind.STATUS
        ).update(created_at=answered, updated_at=answered)


def intake_load(loader, matters: dict[str, list[Matter]]) -> int:
    """Add the demo's intake and reception; return how many rows it had to
    create (the form, leads, settings and messages; not what the services
    made along with them)."""
    intake = _Intake(loader, loader.orgs["hale-ortiz"])
    form = _form(intake)
    lease = matters["hale-ortiz"][3]
    _new_lead(intake, form, lease)
    _contacted_lead(intake, form)
    _retained_lead(intake)
    _reception(intake, lease)
    return intake.created


def _form(intake: _Intake) -> IntakeForm:
    firm = intake.firm
    form = IntakeForm.objects.for_firm(firm).filter(title=FORM_TITLE).first()
    if form is not None:
        return form
    admin = intake.person("admin")
    intake.created += 1
    return services.form_save(
        scope=intake.scope(admin),
        actor=admin,
        form=None,
        data={
            "title": FORM_TITLE,
            "slug": "employment",
            "practice_area": "Employment",
            "intro": (
                "Tell us briefly what happened at work. We answer within the hour "
                "on working days. Please do not send confidential details until we "
                "have spoken: this form does not make us your lawyers and is not "
                "legal advice."
            ),
            "confirmation": (
                "Thank you. We have your inquiry and will call or e-mail you "
                "shortly. Contacting us does not make us your lawyers."
            ),
            "checklist": CHECKLIST,
            "is_active": True,
        },
        questions=list(QUESTIONS),
    )


def _client_of(matter: Matter):
    party = (
        MatterParty.objects.for_firm(matter.firm_id)
        .filter(matter=matter, role=MatterParty.Role.CLIENT)
        .select_related("contact")
        .order_by("pk")
        .first()
    )
    return party.contact


def _new_lead(intake: _Intake, form: IntakeForm, lease: Matter) -> None:
    """A web inquiry whose employer is the firm's client: the planted hit."""
    if intake.existing_lead(NEW_LEAD):
        return
    employer = _client_of(lease).name
    now = timezone.now()
    lead = services.lead_submit(
        form=form,
        submission=services.Submission(
            name=NEW_LEAD,
            email="keiko.tanabe@example.com",
            phone="(718) 555-0143",
            description=(
                f"I run the warehouse office at {employer}. Since the spring they "
                "have not paid overtime; when I raised it with HR I was moved to "
                "nights. I would like to know my options."
            ),
            adverse_parties=(employer,),
            answers=answers(
                intake.loader.today - datetime.timedelta(days=40),
                "Yes",
                "Unpaid wages or overtime",
            ),
        ),
        address="203.0.113.24",
        now=now - 7 * MINUTE,
    )
    intake.screen(lead)
    intake.created += 1


def _contacted_lead(intake: _Intake, form: IntakeForm) -> None:
    """Yesterday's web inquiry, called back by the Northstar intake specialist."""
    if intake.existing_lead(CONTACTED_LEAD):
        return
    specialist = intake.person("intake", "northstar")
    scope = intake.scope(specialist)
    lead = services.lead_submit(
        form=form,
        submission=services.Submission(
            name=CONTACTED_LEAD,
            email="s.adeyemi@example.net",
            phone="(347) 555-0188",
            description=(
                "I was let go from my job as a line cook two weeks after I "
                "complained about a gas leak in the kitchen. They said it was "
                "because of slow business, but they hired two new cooks."
            ),
            adverse_parties=("Bellwether Hospitality Group",),
            answers=answers(
                intake.loader.business_day(intake.firm, -12), "No", "Retaliation"
            ),
        ),
        address="198.51.100.77",
        now=intake.at(-1, 16.2),
    )
    intake.screen(lead)
    services.lead_log_contact(
        scope=scope,
        lead=lead,
        actor=specialist,
        kind=LeadNote.Kind.CALL,
        text=(
            "Called back. Dismissed two weeks ago; the complaint about the gas "
            "leak was in writing (a text to the manager, he has screenshots). "
            "Sending him the document checklist; he will send the dismissal letter."
        ),
    )
    intake.backdate_contact(lead, 14)
    services.lead_checklist(
        scope=scope, lead=lead, actor=specialist, done=CHECKLIST[:2]
    )
    intake.created += 1


def _retained_lead(intake: _Intake) -> None:
    """A referral taken by the intake specialist, cleared and retained by the
    attorney: the matter, the engagement-letter task and the feedback."""
    if intake.existing_lead(RETAINED_LEAD):
        return
    firm = intake.firm
    specialist = intake.person("intake", "northstar")
    attorney = intake.person("attorney")
    lead = services.lead_create(
        scope=intake.scope(specialist),
        actor=specialist,
        source=Lead.Source.REFERRAL,
        practice_area="Employment",
        submission=services.Submission(
            name=RETAINED_LEAD,
            email="anneli.virtanen@example.org",
            phone="(917) 555-0121",
            description=(
                "Referred by a former client. Her employer reclassified her as an "
                "independent contractor last year and stopped paying overtime; "
                "about 300 hours are unpaid."
            ),
            adverse_parties=(RETAINED_EMPLOYER,),
        ),
        now=intake.at(-6, 11.1),
    )
    intake.screen(lead)
    services.lead_log_contact(
        scope=intake.scope(specialist),
        lead=lead,
        actor=specialist,
        kind=LeadNote.Kind.CALL,
        text="Called back; went through the facts and the fee arrangement.",
    )
    intake.backdate_contact(lead, 18)
    lead.refresh_from_db()
    attorney_scope = intake.scope(attorney)
    services.lead_decide_conflict(
        scope=attorney_scope,
        lead=lead,
        decision=ConflictCheck.Decision.CLEAR,
        note="Neither name is in our records. Clear.",
    )
    lead.refresh_from_db()
    services.lead_retain(
        scope=attorney_scope,
        lead=lead,
        actor=attorney,
        title=f"{RETAINED_LEAD} v. {RETAINED_EMPLOYER}",
        responsible_attorney=attorney,
        practice_area="Employment",
        # A new client: a seeded contact may share her (made-up) phone number.
        as_new_contact=True,
    )
    # The feedback link went out with the matter; she answered it.
    request = FeedbackRequest.objects.for_firm(firm).get(
        lead=lead, kind=FeedbackRequest.Kind.MATTER_OPENED
    )
    FeedbackRequest.objects.for_firm(firm).filter(pk=request.pk).update(
        sent_at=timezone.now()
    )
    request.refresh_from_db()
    services.feedback_answer(
        request=request,
        rating=5,
        comment=(
            "They called me back the same morning and explained everything in "
            "plain English. I knew what would happen next at every step."
        ),
    )
    intake.created += 1


@dataclass(frozen=True)
class Call:
    caller: str
    number: str
    message: str
    recipient: str  # mailbox at Hale & Ortiz
    # (business days from the demo's day, hour), or minutes before loading
    received: tuple[int, float] | int
    acknowledged_after: int | None  # minutes; None: not yet
    on_lease: bool = False  # about matter 0004, the one reception may see
    urgent: bool = False
    callback: bool = True


CALLS = (
    Call(
        "Dolores Pratt",
        "(718) 555-0162",
        "Operations manager at the client. The landlord's contractor started "
        "taking out the loading dock this morning; she needs to know today "
        "whether they can make him stop.",
        "attorney",
        25,
        None,
        on_lease=True,
        urgent=True,
    ),
    Call(
        "Marcus Feld",
        "(212) 555-0179",
        "Calling about the deposition schedule next week; asks for a call back "
        "before Thursday.",
        "attorney",
        (-1, 15.6),
        35,
    ),
    Call(
        "Court reporter agency",
        "(212) 555-0110",
        "Confirming the court reporter and videographer for the deposition. No "
        "need to call back unless plans change.",
        "associate",
        (-1, 10.1),
        12,
        callback=False,
    ),
    Call(
        "Unknown caller",
        "",
        "Asked whether the firm takes on tenant disputes; would not leave a "
        "name. Pointed them to the inquiry form on the website.",
        "admin",
        (-2, 9.4),
        20,
        callback=False,
    ),
    Call(
        "Harriet Cole",
        "(914) 555-0135",
        "The client's bookkeeper: the landlord sent the renewal notice to the "
        "old address. Wants to know whether the notice still counts.",
        "attorney",
        (-2, 14.75),
        40,
        on_lease=True,
    ),
)


def _reception(intake: _Intake, lease: Matter) -> None:
    """The attorney on call, the admin as the escalation contact, and the
    messages the Northstar receptionist took."""
    firm = intake.firm
    admin, attorney = intake.person("admin"), intake.person("attorney")
    if not ReceptionSettings.objects.for_firm(firm).exists():
        reception.reception_settings_save(
            scope=intake.scope(admin),
            actor=admin,
            on_call=attorney,
            escalate_after_minutes=60,
            escalate_to=admin,
        )
        intake.created += 1
    receptionist = intake.person("reception", "northstar")
    now = timezone.now()
    for spec in CALLS:
        if CallLog.objects.for_firm(firm).filter(caller_name=spec.caller).exists():
            continue
        received = (
            intake.at(*spec.received)
            if isinstance(spec.received, tuple)
            else now - spec.received * MINUTE
        )
        recipient = intake.person(spec.recipient)
        call = reception.call_log(
            scope=intake.scope(receptionist),
            actor=receptionist,
            caller_name=spec.caller,
            number=spec.number,
            matter=lease if spec.on_lease else None,
            message=spec.message,
            urgency=CallLog.Urgency.URGENT if spec.urgent else CallLog.Urgency.NORMAL,
            callback_wanted=spec.callback,
            recipient=recipient,
            received_at=received,
        )
        intake.created += 1
        if spec.acknowledged_after is None:
            continue
        reception.call_acknowledge(
            scope=intake.scope(recipient), call=call, actor=recipient
        )
        CallLog.objects.for_firm(firm).filter(pk=call.pk).update(
            acknowledged_at=received + spec.acknowledged_after * MINUTE
        )
