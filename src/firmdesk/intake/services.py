"""Intake: capturing inquiries, screening them for conflicts, answering them
within the agreed time, booking consultations, and turning a cleared lead into
a client and a matter.

A public submission is stored in one transaction before anything else happens.
Everything after it — the conflict screen, the confirmation e-mail, the
notifications — runs after the commit and may fail without losing the lead: the
screen is retried by a job, e-mails are jobs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.system import job_row
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.common.phones import Strictness, firm_region, phone_e164
from firmdesk.common.times import when
from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.jobs.schedule import enqueue_once
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.notify.hooks import publish
from firmdesk.notify.services import notify
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Membership
from firmdesk.scheduling import availability
from firmdesk.scheduling import services as scheduling
from firmdesk.scheduling.models import Event
from firmdesk.work import services as work
from firmdesk.work.models import Playbook

from .models import (
    Booking,
    FeedbackRequest,
    HeldUpload,
    IntakeForm,
    Lead,
    LeadNote,
)

logger = logging.getLogger(__name__)

CONSULTATION_MINUTES = 30
MAX_ADVERSE_PARTIES = 10


def normalise_phone(text: str, firm) -> str:
    """E.164, or '' for an empty number; a clear error for one we cannot read."""
    text = (text or "").strip()
    if not text:
        return ""
    number = phone_e164(text, firm_region(firm), strictness=Strictness.LOCAL_OK)
    if number is None:
        raise ServiceError(
            f"“{text}” is not a phone number we can read. Write it with the area "
            "code, e.g. (312) 555-0142, or with the country code, "
            "e.g. +44 20 7946 0958.",
            field="phone",
        )
    return number


# --- Who may do what ---------------------------------------------------------------


def may_work_leads(scope) -> bool:
    return scope.works_on("intake")


def may_decide_conflicts(scope) -> bool:
    return conflicts.may_decide(scope)


def lead_permissions(*, scope, lead: Lead) -> dict[str, bool]:
    """What the person of ``scope`` may do on the lead's page, action by action
    (everyone on it may work leads: ``may_work_leads``)."""
    check = lead.conflict_check
    is_open = lead.is_open
    return {
        "work": is_open,
        "status": is_open or lead.status == Lead.Status.NO_RESPONSE,
        "decide": bool(
            check is not None
            and check.matter_id is None
            and is_open
            and may_decide_conflicts(scope)
        ),
        "retain": is_open and screen_cleared(lead),
        "decline": is_open,
        "link_contacts": scope.is_firm_member,
    }


def _require_intake(scope):
    if not may_work_leads(scope):
        raise ServiceError("Your engagement with this firm does not include intake.")


# --- Forms -------------------------------------------------------------------------


def form_save(*, scope, actor, form: IntakeForm | None, data: dict, questions: list):
    """Create or change a form and replace its questions, in one transaction."""
    from django.utils.text import slugify

    from .models import IntakeQuestion

    if not scope.is_firm_member:
        raise ServiceError("Only the firm's people build intake forms.")
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError("Give the form a title.", field="title")
    slug = slugify(data.get("slug") or title)[:60] or "inquiry"
    clean = []
    for n, q in enumerate(questions):
        label = (q.get("label") or "").strip()
        if not label:
            continue
        kind = q.get("kind") or "short_text"
        if kind not in IntakeQuestion.Kind.values:
            raise ServiceError(
                f"“{kind}” is not a kind of question.", field="questions"
            )
        choices = [c.strip() for c in q.get("choices") or [] if c.strip()]
        if kind in ("choice", "multi_choice") and len(choices) < 2:
            raise ServiceError(
                f"“{label}” offers choices: give at least two, one per line.",
                field="questions",
            )
        clean.append(
            {
                "position": n,
                "label": label[:300],
                "kind": kind,
                "required": bool(q.get("required")),
                "help_text": (q.get("help_text") or "")[:300],
                "choices": choices,
            }
        )
    with transaction.atomic():
        clash = IntakeForm.objects.for_firm(scope.firm).filter(slug=slug)
        if form is not None:
            clash = clash.exclude(pk=form.pk)
        if clash.exists():
            raise ServiceError(
                f"Another form already uses the address “{slug}”. Choose another.",
                field="slug",
            )
        if form is None:
            form = IntakeForm(firm=scope.firm, created_by=actor)
        form.title = title[:200]
        form.slug = slug
        form.practice_area = (data.get("practice_area") or "").strip()[:80]
        form.intro = data.get("intro") or ""
        form.confirmation = data.get("confirmation") or ""
        form.checklist = [
            line.strip() for line in data.get("checklist") or [] if line.strip()
        ]
        form.is_active = bool(data.get("is_active", True))
        form.save()
        IntakeQuestion.objects.for_firm(scope.firm).filter(form=form).delete()
        IntakeQuestion.objects.bulk_create(
            [IntakeQuestion(firm=scope.firm, form=form, **q) for q in clean]
        )
        audit_record(
            org=scope.firm,
            actor=actor,
            action="intake.form_saved",
            obj=form,
            summary=f"Saved intake form {form.title}",
        )
    return form


# --- First response clock ---------------------------------------------------------


def intake_engagement(firm):
    """The firm's live engagement that covers intake, if any (its response
    time and after-hours cover set a lead's clock)."""
    return work.live_engagement_for(firm, "intake")


def response_due(firm, engagement, received_at: dt.datetime) -> dt.datetime:
    """The engagement's first-response time, counted in the firm's business
    hours, or around the clock when the engagement covers after hours."""
    delta = dt.timedelta(minutes=agreed_minutes(engagement))
    if round_the_clock(engagement):
        return received_at + delta
    return BusinessCalendar.for_organization(firm).add_hours(received_at, delta)


def round_the_clock(engagement) -> bool:
    return bool(
        engagement is not None
        and (engagement.after_hours_cover or engagement.after_hours_staff_id)
    )


def agreed_minutes(engagement) -> int:
    """The first-response time agreed in the engagement (the firm's default of
    an hour without one)."""
    return engagement.first_response_minutes if engagement else 60


def _minutes_words(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins or not hours:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts)


def response_promise(engagement) -> str:
    """What the public pages promise a visitor: the agreed first-response
    time, on the clock the lead's due time is counted on, so the page never
    promises what the clock does not hold the team to."""
    within = _minutes_words(agreed_minutes(engagement))
    if round_the_clock(engagement):
        return f"We will answer you within {within}, day or night."
    return f"We will answer you within {within} during the firm's business hours."


def warning_lead(agreed: int) -> dt.timedelta:
    """How long before a lead's first response is due the team is warned:
    ``FIRMDESK_SLA_WARNING_MINUTES``, but never more than half the agreed
    time, so the warning never comes before the clock has run (a 60-minute
    warning on a 30-minute promise would fire as the lead arrives)."""
    configured = max(0, settings.FIRMDESK_SLA_WARNING_MINUTES)
    return dt.timedelta(minutes=min(configured, max(agreed, 0) / 2))


def lead_warning_at(lead: Lead) -> dt.datetime | None:
    """When the team is warned about one lead, computed when the alarm runs
    from the lead's engagement, so leads received before the clamp existed
    are clamped too."""
    if lead.response_due_at is None:
        return None
    return lead.response_due_at - warning_lead(agreed_minutes(lead.engagement))


# --- Submissions -------------------------------------------------------------------


def submitter_hash(address: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def rate_limit() -> tuple[int, dt.timedelta]:
    """``FIRMDESK_INTAKE_RATE_LIMIT`` like "5/hour" or "20/minute"."""
    text = getattr(settings, "FIRMDESK_INTAKE_RATE_LIMIT", "5/hour")
    count, _, unit = text.partition("/")
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[unit.strip()]
    return int(count), dt.timedelta(seconds=seconds)


def is_rate_limited(firm, address: str, now=None) -> bool:
    limit, window = rate_limit()
    now = now or timezone.now()
    recent = Lead.objects.for_firm(firm).filter(
        submitter_hash=submitter_hash(address), received_at__gt=now - window
    )
    return recent.count() >= limit


@dataclass
class Submission:
    name: str
    email: str = ""
    phone: str = ""
    description: str = ""
    adverse_parties: tuple = ()
    answers: tuple = ()  # ({"question": ..., "answer": ...}, ...)
    files: tuple = ()  # (UploadedFile, ...)
    held: tuple = ()  # (HeldUpload, ...): files kept from an earlier try


def _clean_parties(names) -> list[str]:
    out = []
    for name in names or []:
        name = " ".join(str(name).split())[:200]
        if name and name not in out:
            out.append(name)
    if len(out) > MAX_ADVERSE_PARTIES:
        raise ServiceError(
            f"Name at most {MAX_ADVERSE_PARTIES} other parties here; add the rest "
            "in the description.",
            field="adverse_parties",
        )
    return out


def lead_fields(firm, sub: Submission) -> dict:
    """A submission's name, e-mail, phone, description, parties and answers,
    checked and cleaned as a lead stores them (the form and the booking page)."""
    name = " ".join((sub.name or "").split())
    if not name:
        raise ServiceError("Tell us your name.", field="name")
    email = (sub.email or "").strip()
    if email:
        # The screen copies it onto the prospective client's contact, which
        # refuses a malformed address: stored, the lead would never be screened.
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                f"“{email}” is not an e-mail address. Check it, or leave it empty "
                "and give a phone number.",
                field="email",
            ) from None
    phone = normalise_phone(sub.phone, firm)
    if not email and not phone:
        raise ServiceError(
            "Give an e-mail address or a phone number so we can answer you.",
            field="email",
        )
    return {
        "name": name[:200],
        "email": email,
        "phone": phone,
        "description": (sub.description or "").strip(),
        "adverse_parties": _clean_parties(sub.adverse_parties),
        "answers": list(sub.answers),
    }


def lead_by_form_token(firm, form_token: str | None) -> Lead | None:
    if not form_token:
        return None
    return Lead.objects.for_firm(firm).filter(form_token=form_token).first()


def lead_submit(
    *,
    form: IntakeForm,
    submission: Submission,
    address: str,
    form_token: str | None = None,
    now=None,
) -> Lead:
    """A visitor's inquiry from the public form. Stored, with its files, in
    one transaction; the screen and the e-mails come after the commit.

    ``form_token`` names the rendering of the form it was sent from: sent
    again (a double click, a retry), it answers the lead the first sending
    made and stores nothing, also when both arrive at once (the database's
    unique constraint lets one in)."""
    from firmdesk.documents.services import document_upload

    firm = form.firm
    now = now or timezone.now()
    form_token = form_token or None
    earlier = lead_by_form_token(firm, form_token)
    if earlier is not None:
        return earlier
    fields = lead_fields(firm, submission)
    engagement = intake_engagement(firm)
    try:
        with transaction.atomic():
            # The lead first: a second sending fails here, before any file is
            # written to storage.
            lead = Lead.objects.create(
                firm=firm,
                source=Lead.Source.WEB_FORM,
                form=form,
                practice_area=form.practice_area,
                engagement=engagement,
                received_at=now,
                response_due_at=response_due(firm, engagement, now),
                submitter_hash=submitter_hash(address),
                form_token=form_token,
                **fields,
            )
            for upload in submission.files:
                document = document_upload(
                    firm=firm, actor=None, uploaded_file=upload, matter=None
                )
                lead.documents.add(document)
            for held in submission.held:
                lead.documents.add(held.document)
            HeldUpload.objects.for_firm(firm).filter(
                pk__in=[h.pk for h in submission.held]
            ).delete()
            audit_record(
                org=firm,
                actor=None,
                action="intake.lead_received",
                obj=lead,
                summary=f"Inquiry from {lead.name} through “{form.title}”",
                detail={
                    "source": lead.source,
                    "files": len(submission.files) + len(submission.held),
                },
            )
            publish_lead(lead, actor=None)
            transaction.on_commit(lambda: after_arrival(lead.pk, confirm=True))
    except IntegrityError:
        earlier = lead_by_form_token(firm, form_token)
        if earlier is None:
            raise
        return earlier
    return lead


_ENTERED_BY = object()


def lead_create(
    *,
    scope,
    actor,
    source: str,
    submission: Submission,
    practice_area="",
    owner=_ENTERED_BY,
    now=None,
) -> Lead:
    """A lead taken by phone, e-mail or referral, entered by staff, or pushed
    by an integration (the API). It is given to ``owner``: by default the
    person entering it; None leaves it to the intake team, who are told of it
    as of a lead from the public form (``tasks.intake_people``)."""
    _require_intake(scope)
    if owner is _ENTERED_BY:
        owner = actor
    elif owner is not None:
        _check_owner(owner, scope.firm)
    if source not in Lead.Source.values:
        raise ServiceError("Say where the inquiry came from.", field="source")
    firm = scope.firm
    now = now or timezone.now()
    fields = lead_fields(firm, submission)
    engagement = intake_engagement(firm)
    with transaction.atomic():
        lead = Lead.objects.create(
            firm=firm,
            source=source,
            practice_area=(practice_area or "")[:80],
            engagement=engagement,
            owner=owner,
            received_at=now,
            response_due_at=response_due(firm, engagement, now),
            **fields,
        )
        audit_record(
            org=firm,
            actor=actor,
            action="intake.lead_received",
            obj=lead,
            summary=f"Inquiry from {lead.name} ({lead.get_source_display()})",
        )
        publish_lead(lead, actor=actor)
        transaction.on_commit(lambda: after_arrival(lead.pk, confirm=False))
    return lead


def publish_lead(lead: Lead, *, actor) -> None:
    """Tell integrations of a new lead, however it came in (the web form, the
    booking page, or typed in by staff): inside the transaction that made it."""
    publish(
        "lead.created",
        firm=lead.firm,
        obj=lead,
        actor=actor,
        source=lead.source,
        practice_area=lead.practice_area,
        received_at=lead.received_at,
        response_due_at=lead.response_due_at,
    )


def after_arrival(lead_pk: int, *, confirm: bool) -> None:
    """After the lead is safe: screen it, tell the team, confirm to the
    visitor. A failure here is logged and picked up by the jobs."""
    from . import tasks

    lead = None
    try:
        lead = job_row(Lead, lead_pk)
        if lead is None:
            raise Lead.DoesNotExist(f"Lead {lead_pk} is gone")
        lead_screen(lead)
    except Exception:
        logger.exception("Screening lead %s failed; the job will retry", lead_pk)
    try:
        # Keyed, so the sweeps in ``tasks`` announce and confirm a lead whose
        # enqueue is lost here (the database gone, the process killed) once,
        # and this one is not announced or confirmed twice.
        if lead is not None:
            enqueue_once(tasks.announce_due(lead))
            if confirm:
                enqueue_once(tasks.confirmation_due(lead))
    except Exception:
        logger.exception("Could not enqueue the jobs of lead %s", lead_pk)


# --- Conflict screen ----------------------------------------------------------------


def lead_screen(lead: Lead) -> ConflictCheck | None:
    """Run the conflict check on the prospective client and every party they
    named, then record them in the conflict index as prospective client and
    named parties (Rule 1.18), so the firm finds them later whatever happens to
    the lead. Idempotent: a lead screened once is not screened again."""
    with transaction.atomic():
        lead = Lead.objects.for_firm(lead.firm).select_for_update().get(pk=lead.pk)
        if lead.conflict_check_id:
            return lead.conflict_check
        names = [lead.name, *lead.adverse_parties]
        check = conflicts.conflict_check_record(
            firm=lead.firm,
            run_by=None,
            names=names,
            purpose=f"Intake screen: {lead.name}",
        )
        client = conflicts.contact_save(
            firm=lead.firm,
            actor=None,
            kind="person",
            name=lead.name,
            emails=[lead.email] if lead.email else [],
            phones=[lead.phone] if lead.phone else [],
            is_prospective=True,
            notes=f"Prospective client: inquiry of {lead.received_at:%Y-%m-%d}.",
        )
        adverse = []
        for name in lead.adverse_parties:
            adverse.append(
                conflicts.contact_save(
                    firm=lead.firm,
                    actor=None,
                    kind=_guess_kind(name),
                    name=name,
                    is_prospective=True,
                    notes=f"Named as the other side by prospective client "
                    f"{lead.name} ({lead.received_at:%Y-%m-%d}).",
                )
            )
        lead.conflict_check = check
        lead.client_contact = client
        lead.save(update_fields=["conflict_check", "client_contact", "updated_at"])
        lead.adverse_contacts.set(adverse)
    return check


_ORG_WORDS = (
    " inc",
    " llc",
    " ltd",
    " corp",
    " co.",
    " company",
    " bank",
    " insurance",
    " group",
    " l.p.",
    " llp",
    " university",
    " hospital",
    " city of",
    " county",
)


def _guess_kind(name: str) -> str:
    lowered = f" {name.lower()}"
    return "organization" if any(w in lowered for w in _ORG_WORDS) else "person"


def lead_decide_conflict(*, scope, lead: Lead, decision: str, note: str = ""):
    """An attorney clears (or not) the lead's screen; cleared, its booking
    requests are confirmed at once."""
    if lead.conflict_check is None:
        raise ServiceError("The conflict screen has not run yet; try again shortly.")
    if not lead.is_open:
        raise ServiceError(
            "This lead is closed; run a new conflict check if the person comes back."
        )
    check = conflicts.conflict_decide(
        scope=scope, check=lead.conflict_check, decision=decision, note=note
    )
    if check.decision in (
        ConflictCheck.Decision.CLEAR,
        ConflictCheck.Decision.WAIVED,
    ):
        bookings_confirm(lead=lead, actor=scope.user)
    return check


def screen_cleared(lead: Lead) -> bool:
    check = lead.conflict_check
    return check is not None and check.decision in (
        ConflictCheck.Decision.CLEAR,
        ConflictCheck.Decision.WAIVED,
    )


# --- Working a lead -----------------------------------------------------------------


class StaleLead(ServiceError):
    def __init__(self, lead: Lead):
        super().__init__(
            "Someone else changed this lead while you were looking at it. Here it "
            "is as it stands now; check it and make your change again."
        )
        self.lead = lead


def _locked(lead: Lead, revision=None) -> Lead:
    fresh = (
        Lead.objects.for_firm(lead.firm).select_for_update(of=("self",)).get(pk=lead.pk)
    )
    if revision is not None and int(revision) != fresh.revision:
        raise StaleLead(fresh)
    return fresh


def _touch(lead: Lead, *fields):
    lead.revision += 1
    lead.save(update_fields=[*fields, "revision", "updated_at"])


def lead_log_contact(*, scope, lead: Lead, actor, kind: str, text: str) -> LeadNote:
    """A call, e-mail or text to the prospective client. The first one stops
    the first-response clock and moves a new lead to contacted."""
    _require_intake(scope)
    if kind not in LeadNote.Kind.values or kind == LeadNote.Kind.STATUS:
        raise ServiceError("Say how you reached them.", field="kind")
    text = (text or "").strip()
    if not text:
        raise ServiceError("Say what was said or agreed.", field="text")
    with transaction.atomic():
        lead = _locked(lead)
        note = LeadNote.objects.create(
            firm=lead.firm, lead=lead, kind=kind, text=text, author=actor
        )
        changed = []
        if kind != LeadNote.Kind.NOTE and lead.first_response_at is None:
            lead.first_response_at = timezone.now()
            changed.append("first_response_at")
        if kind != LeadNote.Kind.NOTE and lead.status == Lead.Status.NEW:
            lead.status = Lead.Status.CONTACTED
            changed.append("status")
        if lead.owner_id is None:
            lead.owner = actor
            changed.append("owner")
        _touch(lead, *changed)
        audit_record(
            org=lead.firm,
            actor=actor,
            action=f"intake.lead_{kind}",
            obj=lead,
            summary=f"{LeadNote.Kind(kind).label} with {lead.name}",
        )
    return note


def lead_set_status(
    *, scope, lead: Lead, actor, status: str, revision=None, reason: str = ""
) -> Lead:
    """Move a lead along the pipeline. Retained and declined have their own
    services (they create the matter or the letter task)."""
    _require_intake(scope)
    allowed = {
        Lead.Status.CONTACTED,
        Lead.Status.QUALIFIED,
        Lead.Status.CONSULTATION,
        Lead.Status.NO_RESPONSE,
        Lead.Status.NEW,
    }
    if status not in allowed:
        raise ServiceError("Use “Retain” or “Decline” for those.", field="status")
    with transaction.atomic():
        lead = _locked(lead, revision)
        if not lead.is_open and lead.status != Lead.Status.NO_RESPONSE:
            raise ServiceError("This lead is closed.")
        old = lead.get_status_display()
        lead.status = status
        lead.closed_at = timezone.now() if status == Lead.Status.NO_RESPONSE else None
        lead.close_reason = reason.strip()[:300]
        _touch(lead, "status", "closed_at", "close_reason")
        LeadNote.objects.create(
            firm=lead.firm,
            lead=lead,
            kind=LeadNote.Kind.STATUS,
            text=f"{old} → {lead.get_status_display()}"
            + (f": {reason.strip()}" if reason.strip() else ""),
            author=actor,
        )
        audit_record(
            org=lead.firm,
            actor=actor,
            action="intake.lead_status",
            obj=lead,
            summary=f"{lead.name}: {old} → {lead.get_status_display()}",
        )
    return lead


def checklist_for(lead: Lead) -> list[str]:
    """The qualification checklist of the lead's practice area: its form's, or,
    for a lead taken by phone or e-mail, the firm's active form of that area."""
    if lead.form_id:
        return list(lead.form.checklist)
    if not lead.practice_area:
        return []
    form = (
        IntakeForm.objects.for_firm(lead.firm)
        .filter(practice_area__iexact=lead.practice_area, is_active=True)
        .order_by("created_at")
        .first()
    )
    return list(form.checklist) if form else []


def lead_checklist(*, scope, lead: Lead, actor, done: list[str], revision=None):
    _require_intake(scope)
    with transaction.atomic():
        lead = _locked(lead, revision)
        items = checklist_for(lead)
        lead.checklist_done = [item for item in items if item in set(done)]
        _touch(lead, "checklist_done")
        audit_record(
            org=lead.firm,
            actor=actor,
            action="intake.lead_checklist",
            obj=lead,
            summary=f"Checklist of {lead.name}: {len(lead.checklist_done)} of "
            f"{len(items)} done",
        )
    return lead


def _check_owner(owner, firm) -> None:
    from firmdesk.access.scope import resolve_scope

    theirs = resolve_scope(owner, firm)
    if theirs is None or not may_work_leads(theirs):
        raise ServiceError(
            f"{owner.full_name} does not work this firm's leads. Choose someone "
            "of the firm or of its intake team.",
            field="owner",
        )


def lead_assign(*, scope, lead: Lead, actor, owner) -> Lead:
    """Give the lead to someone who may work it (or to no one)."""
    _require_intake(scope)
    if owner is not None:
        _check_owner(owner, lead.firm)
    with transaction.atomic():
        lead = _locked(lead)
        lead.owner = owner
        _touch(lead, "owner")
        audit_record(
            org=lead.firm,
            actor=actor,
            action="intake.lead_assigned",
            obj=lead,
            summary=f"{lead.name} given to {owner.full_name if owner else 'no one'}",
        )
    return lead


# --- Conversion ---------------------------------------------------------------------


# The procedure a retained client's engagement letter follows, where the firm
# has it (the demo firms do); otherwise the letter task carries none, since the
# oldest documents playbook (a demand letter, in the starter library) would
# send the assistant down the wrong procedure.
LETTER_PLAYBOOK_KEY = "draft-letter"


def _letter_playbook(firm):
    return (
        Playbook.objects.for_firm(firm)
        .filter(
            key=LETTER_PLAYBOOK_KEY,
            function="documents",
            is_active=True,
            current_version__isnull=False,
        )
        .first()
    )


def _letter_task(*, firm, actor, lead, matter, title, instructions):
    in_house = bool(matter is not None and firm.require_client_consent)
    playbook = _letter_playbook(firm)
    return work._task_create(
        playbook=playbook,
        no_playbook=playbook is None,
        firm=firm,
        requester=actor,
        requester_is_admin=False,
        title=title,
        function="documents",
        instructions=instructions,
        matter=matter,
        in_house=in_house,
        review_required=True,
    )


# A name hit this strong, or the same e-mail or phone, may be the same person.
SAME_PERSON_SCORE = 90


@dataclass
class ContactMatch:
    contact: Contact
    why: list[str]


def contacts_like_lead(*, scope, lead: Lead) -> list[ContactMatch]:
    """Contacts on the firm's file, visible to ``scope``, that may be the
    lead's own person: the same e-mail address or phone number, or a name the
    conflict search rates as the same. The lead's own screening contact is
    not among them. Retaining offers them instead of a new client contact."""
    probes = [p for p in (lead.name, lead.email, lead.phone) if p]
    found: dict[int, list[str]] = {}
    for hit in conflicts.conflict_search(firm=lead.firm, names=probes, limit=10):
        if hit.related or hit.contact_id == lead.client_contact_id:
            continue
        if hit.score < SAME_PERSON_SCORE:
            continue
        reasons = found.setdefault(hit.contact_id, [])
        reason = hit.reason or "same name"
        if reason not in reasons:
            reasons.append(reason)
    if not found:
        return []
    visible = {
        c.pk: c
        for c in Contact.objects.in_scope(scope).filter(
            pk__in=found, kind=Contact.Kind.PERSON
        )
    }
    return [
        ContactMatch(contact=visible[pk], why=why)
        for pk, why in found.items()
        if pk in visible
    ]


def _client_for_retain(
    *, scope, lead: Lead, actor, existing_contact, as_new_contact: bool
) -> Contact:
    """The contact that becomes the client: the lead's own, or, chosen by the
    person retaining, a contact already on file who is the same person (the
    lead's own then stays as the record of the inquiry, Rule 1.18)."""
    matches = {m.contact.pk: m for m in contacts_like_lead(scope=scope, lead=lead)}
    if existing_contact is not None and existing_contact.pk not in matches:
        raise ServiceError(
            "That contact is not one on file that matches this lead. Choose one "
            "of those listed, or add the client as a new contact.",
            field="client",
        )
    if existing_contact is None and matches and not as_new_contact:
        names = ", ".join(m.contact.name for m in matches.values())
        raise ServiceError(
            f"The firm's file already has a contact that may be {lead.name} "
            f"({names}). Choose whether to use it or to add {lead.name} as a new "
            "contact.",
            field="client",
        )
    client = existing_contact or lead.client_contact
    aliases = [(a.name, a.kind) for a in client.aliases.all()]
    if existing_contact is not None and _fold(lead.name) not in {
        _fold(client.name),
        *(_fold(name) for name, _ in aliases),
    }:
        # The name the client gave on this inquiry, so searches find both.
        aliases.append((lead.name, "aka"))
    # contact_save replaces every field it is given: keep what the firm
    # added to the contact since the screen (aliases, address, ...).
    return conflicts.contact_save(
        firm=lead.firm,
        actor=actor,
        contact=client,
        kind=client.kind,
        name=client.name,
        aliases=aliases,
        emails=[*client.emails, *([lead.email] if lead.email else [])],
        phones=[*client.phones, *([lead.phone] if lead.phone else [])],
        address=client.address,
        date_of_birth=client.date_of_birth,
        tax_id=client.tax_id,
        is_prospective=False,
        notes=client.notes,
    )


def lead_retain(
    *,
    scope,
    lead: Lead,
    actor,
    title: str,
    responsible_attorney,
    practice_area: str = "",
    revision=None,
    existing_contact: Contact | None = None,
    as_new_contact: bool = False,
):
    """Retain: client contact, matter (through conflicts, with the check),
    parties, the "send engagement letter" task and the feedback request, all
    in one transaction, all or nothing.

    When contacts on file may be the same person (``contacts_like_lead``),
    the caller says which to use (``existing_contact``) or that the client is
    a new contact (``as_new_contact``); neither is chosen for them."""
    _require_intake(scope)
    with transaction.atomic():
        lead = _locked(lead, revision)
        if not lead.is_open:
            raise ServiceError("This lead is closed already.")
        if not screen_cleared(lead):
            raise ServiceError(
                "The conflict screen is not cleared. An attorney must clear (or "
                "waive) it before the firm takes the client on."
            )
        client = _client_for_retain(
            scope=scope,
            lead=lead,
            actor=actor,
            existing_contact=existing_contact,
            as_new_contact=as_new_contact,
        )
        parties = [(client, MatterParty.Role.CLIENT)] + [
            (c, MatterParty.Role.ADVERSE) for c in lead.adverse_contacts.all()
        ]
        matter = conflicts.matter_open(
            scope=scope,
            title=title,
            practice_area=practice_area or lead.practice_area,
            responsible_attorney=responsible_attorney,
            parties=parties,
            check=lead.conflict_check,
            description=lead.description,
        )
        task = _letter_task(
            firm=lead.firm,
            actor=actor,
            lead=lead,
            matter=matter,
            title=f"Send the engagement letter to {lead.name}",
            instructions=(
                f"{lead.name} retained the firm ({matter.number}). Prepare the "
                "engagement letter from the firm's template and send it for "
                "signature once the attorney approves it."
            ),
        )
        # The other side is now a party to a matter of the firm, no longer
        # only someone named in an inquiry.
        Contact.objects.for_firm(lead.firm).filter(
            pk__in=[c.pk for c, role in parties if role == MatterParty.Role.ADVERSE],
            is_prospective=True,
        ).update(is_prospective=False)
        # The inquirer's files go into the matter's file.
        files = lead.documents.filter(matter__isnull=True).update(matter=matter)
        lead.status = Lead.Status.RETAINED
        lead.matter = matter
        lead.client_contact = client
        lead.closed_at = timezone.now()
        _touch(lead, "status", "matter", "closed_at", "client_contact")
        LeadNote.objects.create(
            firm=lead.firm,
            lead=lead,
            kind=LeadNote.Kind.STATUS,
            text=f"Retained: matter {matter.number} opened",
            author=actor,
        )
        if lead.email:
            feedback_request(
                firm=lead.firm,
                kind=FeedbackRequest.Kind.MATTER_OPENED,
                email=lead.email,
                name=lead.name,
                lead=lead,
                matter=matter,
            )
        audit_record(
            org=lead.firm,
            actor=actor,
            action="intake.lead_retained",
            obj=lead,
            matter=matter,
            summary=f"{lead.name} retained the firm: {matter.number}",
            detail={
                "task": str(task.public_id),
                "files": files,
                "client_contact": str(client.public_id),
                "onto_existing_contact": existing_contact is not None,
            },
        )
    return matter, task


def lead_decline(*, scope, lead: Lead, actor, reason: str, revision=None):
    """Decline: the lead closes and a "send non-engagement letter" task is
    made. The lead and its parties stay in the conflict index (Rule 1.18)."""
    _require_intake(scope)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "Say why the firm declines (kept for the file, not sent).",
            field="reason",
        )
    with transaction.atomic():
        lead = _locked(lead, revision)
        if not lead.is_open:
            raise ServiceError("This lead is closed already.")
        task = _letter_task(
            firm=lead.firm,
            actor=actor,
            lead=lead,
            matter=None,
            title=f"Send the non-engagement letter to {lead.name}",
            instructions=(
                f"The firm does not take on {lead.name}'s matter. Send the "
                "non-engagement letter from the firm's template, making clear the "
                "firm does not represent them and naming any time limits they "
                "should be aware of, as the attorney directs."
            ),
        )
        lead.status = Lead.Status.DECLINED
        lead.closed_at = timezone.now()
        lead.close_reason = reason[:300]
        _touch(lead, "status", "closed_at", "close_reason")
        for booking in Booking.objects.for_firm(lead.firm).filter(
            lead=lead, status__in=[Booking.Status.REQUESTED, Booking.Status.CONFIRMED]
        ):
            _booking_cancel(booking, actor=actor)
        LeadNote.objects.create(
            firm=lead.firm,
            lead=lead,
            kind=LeadNote.Kind.STATUS,
            text=f"Declined: {reason}",
            author=actor,
        )
        audit_record(
            org=lead.firm,
            actor=actor,
            action="intake.lead_declined",
            obj=lead,
            summary=f"Declined {lead.name}",
            detail={"task": str(task.public_id)},
        )
    return task


# --- Bookings -----------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def attorneys_of_area(firm, practice_area: str, attorneys) -> set[int]:
    """Which of ``attorneys`` practise ``practice_area``: it is in their staff
    profile's practice areas, or they are responsible for an open matter of
    it (the firm records an attorney's field nowhere else)."""
    from firmdesk.matters.models import Matter
    from firmdesk.orgs.models import StaffProfile

    area = _fold(practice_area)
    ids = {a.pk for a in attorneys}
    if not area or not ids:
        return set()
    found = set()
    for user_id, areas in StaffProfile.objects.filter(user_id__in=ids).values_list(
        "user_id", "practice_areas"
    ):
        if any(_fold(a) == area for a in areas or []):
            found.add(user_id)
    for user_id, matter_area in (
        Matter.objects.for_firm(firm)
        .filter(responsible_attorney_id__in=ids - found)
        .exclude(status=Matter.Status.CLOSED)
        .exclude(practice_area="")
        .values_list("responsible_attorney_id", "practice_area")
        .distinct()
    ):
        if _fold(matter_area) == area:
            found.add(user_id)
    return found


def booking_attorneys(firm, attorney_public_id=None, *, practice_area: str = ""):
    """The firm's attorneys one may book, by name; with ``practice_area``,
    those who practise it first (``attorneys_of_area``)."""
    rows = [
        m.user
        for m in Membership.objects.filter(
            organization=firm, is_active=True, user__is_active=True
        ).select_related("user")
        if "attorney" in (m.roles or [])
    ]
    if attorney_public_id is not None:
        rows = [u for u in rows if str(u.public_id) == str(attorney_public_id)]
    rows.sort(key=lambda u: u.full_name)
    if practice_area:
        theirs = attorneys_of_area(firm, practice_area, rows)
        rows.sort(key=lambda u: u.pk not in theirs)
    return rows


def _taken(firm, attorneys, start, end) -> set[tuple[int, dt.datetime]]:
    return set(
        Booking.objects.for_firm(firm)
        .filter(
            attorney__in=attorneys,
            status__in=[Booking.Status.REQUESTED, Booking.Status.CONFIRMED],
            start__gte=start,
            start__lt=end,
        )
        .values_list("attorney_id", "start")
    )


def booking_slots(
    firm, *, attorneys, start: dt.datetime, days: int = 14, now=None
) -> list[tuple[object, availability.Slot]]:
    """Open consultation slots of the attorneys: their working hours, not
    absent, clear of their events and of bookings already asked for; none in
    the next two hours."""
    now = now or timezone.now()
    end = start + dt.timedelta(days=days)
    earliest = now + dt.timedelta(hours=2)
    taken = _taken(firm, attorneys, start, end)
    out = []
    for attorney in attorneys:
        for slot in availability.open_slots(
            attorney,
            firm,
            start,
            end,
            minutes=CONSULTATION_MINUTES,
            not_before=earliest,
        ):
            if (attorney.pk, slot.start) not in taken:
                out.append((attorney, slot))
    # At each time the attorneys in the order given (``booking_attorneys``
    # puts those of the inquiry's practice area first).
    rank = {a.pk: n for n, a in enumerate(attorneys)}
    out.sort(key=lambda pair: (pair[1].start, rank[pair[0].pk]))
    return out


class SlotTaken(ServiceError):
    def __init__(self, next_slot):
        super().__init__(
            "Someone booked that time a moment ago. "
            + (
                "The next free time is offered below."
                if next_slot
                else "Please choose another time."
            )
        )
        self.next_slot = next_slot


def booking_request(
    *, lead: Lead, attorney, start: dt.datetime, visitor_time_zone: str = ""
) -> Booking:
    """A visitor asks for a slot. Two visitors asking for the same slot at the
    same moment: the database's unique constraint lets one in; the other is
    told, with the next free slot."""
    firm = lead.firm
    end = start + dt.timedelta(minutes=CONSULTATION_MINUTES)
    if not availability.is_free(attorney, firm, start, end):
        raise SlotTaken(_next_slot(firm, attorney, start))
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                firm=firm,
                lead=lead,
                attorney=attorney,
                start=start,
                end=end,
                visitor_time_zone=visitor_time_zone[:64],
            )
            audit_record(
                org=firm,
                actor=None,
                action="intake.booking_requested",
                obj=booking,
                summary=f"{lead.name} asked for a consultation with "
                f"{attorney.full_name}",
            )
    except IntegrityError:
        raise SlotTaken(_next_slot(firm, attorney, start)) from None
    if screen_cleared(lead):
        bookings_confirm(lead=lead, actor=None)
        booking.refresh_from_db()
    return booking


def _next_slot(firm, attorney, after: dt.datetime):
    slots = booking_slots(
        firm, attorneys=[attorney], start=after + dt.timedelta(minutes=1), days=14
    )
    return slots[0][1] if slots else None


def bookings_confirm(*, lead: Lead, actor) -> int:
    """Confirm the lead's requested bookings: the consultation goes on the
    attorney's calendar, the attorney and the visitor are told."""
    from firmdesk.access.scope import resolve_scope

    from . import tasks

    confirmed = 0
    with transaction.atomic():
        for booking in (
            Booking.objects.for_firm(lead.firm)
            .select_for_update(of=("self",))
            .select_related("attorney")
            .filter(lead=lead, status=Booking.Status.REQUESTED)
        ):
            scope = resolve_scope(booking.attorney, lead.firm)
            if scope is None:
                continue
            event = scheduling.event_create(
                scope=scope,
                data=scheduling.EventData(
                    kind=Event.Kind.CONSULTATION,
                    title=f"Consultation: {lead.name}",
                    start=booking.start,
                    end=booking.end,
                    time_zone=booking.attorney.time_zone or lead.firm.time_zone,
                    owner=booking.attorney,
                    description=(
                        f"Booked by {lead.name} ({lead.email or lead.phone}). "
                        f"{lead.description[:500]}"
                    ),
                    reminder_minutes=[60, 24 * 60],
                ),
                actor=actor or booking.attorney,
            )
            booking.status = Booking.Status.CONFIRMED
            booking.event = event
            booking.confirmed_at = timezone.now()
            booking.save(
                update_fields=["status", "event", "confirmed_at", "updated_at"]
            )
            if lead.status in (
                Lead.Status.NEW,
                Lead.Status.CONTACTED,
                Lead.Status.QUALIFIED,
            ):
                lead.status = Lead.Status.CONSULTATION
                Lead.objects.for_firm(lead.firm).filter(pk=lead.pk).update(
                    status=Lead.Status.CONSULTATION
                )
            audit_record(
                org=lead.firm,
                actor=actor,
                action="intake.booking_confirmed",
                obj=booking,
                summary=f"Consultation with {lead.name} confirmed",
            )
            url = reverse(
                "scheduling:event_detail",
                kwargs={"firm_slug": lead.firm.slug, "event_id": event.public_id},
            )
            local = booking.start.astimezone(booking.attorney.tz)
            notify(
                user=booking.attorney,
                firm=lead.firm,
                about=lead,
                kind="intake.consultation",
                title=f"Consultation booked: {lead.name}",
                body=f"{when(local, local.tzinfo, weekday=True)}.",
                url=url,
                key=f"booking-confirmed:{booking.pk}",
            )
            pk = booking.pk
            transaction.on_commit(
                lambda pk=pk: tasks.send_booking_confirmation.enqueue(pk)
            )
            confirmed += 1
    return confirmed


def _booking_cancel(booking: Booking, *, actor) -> None:
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    if booking.event_id:
        event = booking.event
        event.status = Event.Status.CANCELLED
        event.sequence += 1
        event.revision += 1
        event.save(update_fields=["status", "sequence", "revision", "updated_at"])
        scheduling.sync_reminders(event)


# --- Feedback -----------------------------------------------------------------------


def feedback_request(
    *, firm, kind, email, name="", lead=None, matter=None, booking=None
) -> FeedbackRequest | None:
    """Ask for a rating and a comment, once per lead and kind."""
    from . import tasks

    try:
        with transaction.atomic():
            request = FeedbackRequest.objects.create(
                firm=firm,
                kind=kind,
                email=email,
                name=name,
                lead=lead,
                matter=matter,
                booking=booking,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: tasks.send_feedback_request.enqueue(request.pk))
    return request


def feedback_answer(*, request: FeedbackRequest, rating: int, comment: str):
    if request.answered_at is not None:
        raise ServiceError("Thank you: we have your answer already.")
    if rating not in range(1, 6):
        raise ServiceError("Choose from 1 (poor) to 5 (excellent).", field="rating")
    with transaction.atomic():
        request.rating = rating
        request.comment = (comment or "").strip()[:4000]
        request.answered_at = timezone.now()
        request.save(update_fields=["rating", "comment", "answered_at", "updated_at"])
        audit_record(
            org=request.firm,
            actor=None,
            action="intake.feedback",
            obj=request,
            matter=request.matter,
            summary=f"Client feedback: {rating}/5",
        )
    return request


def feedback_summary(firm, *, since: dt.datetime | None = None) -> dict:
    """Counts and the average rating per kind, all time, for the feedback page
    (the dashboard's monthly feedback figure comes from insights' roll-up)."""
    from django.db.models import Avg, Count

    rows = FeedbackRequest.objects.for_firm(firm).filter(answered_at__isnull=False)
    if since is not None:
        rows = rows.filter(answered_at__gte=since)
    out = {}
    for row in rows.values("kind").annotate(n=Count("pk"), avg=Avg("rating")):
        out[row["kind"]] = {"answers": row["n"], "average": row["avg"]}
    sent = FeedbackRequest.objects.for_firm(firm).filter(sent_at__isnull=False)
    if since is not None:
        sent = sent.filter(sent_at__gte=since)
    out["requests_sent"] = sent.count()
    return out


# --- E-mail -------------------------------------------------------------------------


def send_mail_to_visitor(*, firm, to: str, subject: str, body: str, key: str) -> None:
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        headers={"Message-ID": f"<{key}@firmdesk>", "Auto-Submitted": "auto-generated"},
    )
    message.send(fail_silently=False)
