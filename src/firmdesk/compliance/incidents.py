"""The breach-notification workflow (issue 20, docs/security-incidents.md).

An incident is recorded by a firm admin or an attorney, or reported by the
provider's staff for a firm they work for (their confidentiality text obliges
them to tell within 24 hours). The firm then names the matters affected, works
out who must be told by when (one notice per client of those matters, plus the
insurer, a regulator, the bar, the police as the firm adds them), gives each
notice to someone of the firm as a task, records when each went out, and
closes the incident with its findings and a closing report.

FirmDesk keeps the clock; it does not say what the law requires. The due
dates are the firm's: a number of days from discovery the admin types.

Who does what:

- firm admins and attorneys record incidents, name affected matters, record
  findings and notices sent, and download the closing report;
- firm admins also set who must be told (notices, their due dates and tasks),
  decide a notice is not needed, and close the incident;
- provider staff report, and see the status of their own reports only.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.access.selectors import access_object, audit_rows_for
from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.intake import reception
from firmdesk.matters.models import Matter, MatterParty
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Function
from firmdesk.work import services as work
from firmdesk.work.models import Task

from .models import Incident, IncidentMatter, IncidentNotice

WORK_ROLES = ("firm_admin", "attorney")
MAX_DUE_DAYS = 365
Recipient = IncidentNotice.Recipient


# --- Who may do what ------------------------------------------------------------


def may_work(scope) -> bool:
    """See and work incidents: the firm's admins and attorneys."""
    return scope.is_firm_member and scope.has_role(*WORK_ROLES)


def may_manage(scope) -> bool:
    """Notices, their due dates and tasks, closing: the firm's admins."""
    return scope.is_firm_admin


def may_report(scope) -> bool:
    """The provider's staff tell the firm through the report page."""
    return scope.is_provider_staff


def _must(allowed: bool, message: str) -> None:
    if not allowed:
        raise ServiceError(message)


def _must_be_open(incident: Incident) -> None:
    if incident.status == Incident.Status.CLOSED:
        raise ServiceError("This incident is closed; nothing on it can change.")


# --- Reading --------------------------------------------------------------------


def incidents_for(scope):
    """The incidents ``scope`` may open: every one of the firm for its admins
    and attorneys, only their own reports for the provider's staff, none for
    anyone else."""
    qs = Incident.objects.in_scope(scope).select_related("reported_by", "engagement")
    if may_work(scope):
        return qs
    if may_report(scope):
        return qs.filter(reported_by=scope.user)
    return qs.none()


def access_incident(scope, public_id, *, for_write=False) -> Incident:
    """One incident ``scope`` may open; any other answers 404 (``access_object``)."""
    qs = incidents_for(scope)
    if for_write:
        qs = qs.select_for_update(of=("self",))
    return access_object(Incident, scope, public_id, queryset=qs)


def access_notice(scope, incident: Incident, public_id) -> IncidentNotice:
    return access_object(
        IncidentNotice, scope, public_id, queryset=notices_of(scope, incident)
    )


def affected_of(scope, incident: Incident):
    """The affected matters ``scope`` may see (a screened matter stays out)."""
    return (
        IncidentMatter.objects.in_scope(scope)
        .filter(incident=incident)
        .select_related("matter")
        .order_by("matter__number")
    )


def notices_of(scope, incident: Incident):
    """The incident's notices; one about a matter ``scope`` is screened from
    stays out, since it names that matter's client."""
    qs = IncidentNotice.objects.in_scope(scope).filter(incident=incident)
    if scope.screened_matter_ids:
        qs = qs.exclude(matter_id__in=scope.screened_matter_ids)
    return qs.select_related("matter", "task__assignee", "sent_by", "not_needed_by")


def notices_due(scope, *, today: datetime.date):
    """Notices still owed on the firm's open incidents, soonest first, each
    marked ``overdue``: the list at the top of the incidents page."""
    if not may_work(scope):
        return []
    qs = (
        IncidentNotice.objects.in_scope(scope)
        .filter(sent_on__isnull=True, not_needed_reason="")
        .exclude(incident__status=Incident.Status.CLOSED)
        .select_related("incident", "matter", "task__assignee")
        .order_by("due_on", "pk")
    )
    if scope.screened_matter_ids:
        qs = qs.exclude(matter_id__in=scope.screened_matter_ids)
    notices = list(qs)
    for notice in notices:
        notice.overdue = notice.is_overdue(today)
    return notices


def matters_to_offer(scope, incident: Incident):
    """Matters that may be named as affected: those ``scope`` may see (never
    one they are screened from) and not named yet."""
    named = IncidentMatter.objects.for_firm(scope.firm).filter(incident=incident)
    return (
        Matter.objects.in_scope(scope)
        .exclude(pk__in=named.values("matter_id"))
        .order_by("number")
    )


def engagements_to_offer(scope):
    return Engagement.objects.in_scope(scope).order_by("name")


def firm_people(firm) -> list:
    """The firm's active people, by name: who can be given a notice's task."""
    return [user for user, _roles in reception.firm_people(firm)]


def clients_of(scope, incident: Incident) -> list[dict]:
    """The clients of the affected matters ``scope`` may see: each contact
    once, with the matters it is client on."""
    parties = (
        MatterParty.objects.in_scope(scope)
        .filter(
            role=MatterParty.Role.CLIENT,
            matter__in=affected_of(scope, incident).values("matter_id"),
        )
        .select_related("contact", "matter")
        .order_by("contact__name", "matter__number")
    )
    clients: dict[int, dict] = {}
    for party in parties:
        entry = clients.setdefault(
            party.contact_id, {"contact": party.contact, "matters": []}
        )
        entry["matters"].append(party.matter)
    return list(clients.values())


def timeline_of(scope, incident: Incident):
    """The incident's history from its audit rows, oldest first; an event about
    a matter ``scope`` is screened from keeps its time and who, not its words."""
    events = (
        AuditEvent.objects.filter(
            org=scope.firm,
            object_type=Incident._meta.label,
            object_id=str(incident.public_id),
        )
        .select_related("actor")
        .order_by("id")
    )
    return audit_rows_for(scope=scope, events=events)


def incident_url(incident: Incident) -> str:
    return reverse(
        "incidents:incident_detail",
        kwargs={"firm_slug": incident.firm.slug, "incident_id": incident.public_id},
    )


def firm_today(firm) -> datetime.date:
    return timezone.localdate(timezone=firm.tz)


# --- Recording ------------------------------------------------------------------


def _audit(scope, incident: Incident, action: str, summary: str, *, matter=None, **d):
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=f"incident.{action}",
        obj=incident,
        matter=matter,
        summary=summary,
        detail=d or None,
    )


def _check_times(occurred_at, discovered_at, now) -> None:
    if discovered_at is None:
        raise ServiceError("Say when it was discovered.", field="discovered_at")
    if discovered_at > now:
        raise ServiceError(
            "The discovery time is in the future. Enter when it was found.",
            field="discovered_at",
        )
    if occurred_at is not None and occurred_at > discovered_at:
        raise ServiceError(
            "It cannot have happened after it was discovered. Check both times, "
            "or leave “When it happened” empty if nobody knows.",
            field="occurred_at",
        )


def incident_record(
    *,
    scope,
    title: str,
    kind: str,
    description: str,
    discovered_at: datetime.datetime,
    occurred_at: datetime.datetime | None = None,
    severity: str = Incident.Severity.MEDIUM,
    engagement: Engagement | None = None,
    now: datetime.datetime | None = None,
) -> Incident:
    """Record an incident (firm admins and attorneys) or report one (provider
    staff: the engagement is theirs). The firm's admins are told at once."""
    _must(
        may_work(scope) or may_report(scope),
        "Only the firm's admins and attorneys, or its outside team, record incidents.",
    )
    now = now or timezone.now()
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ServiceError("Say in a few words what happened.", field="title")
    if not description:
        raise ServiceError(
            "Describe what happened: what was seen, sent or lost, and by whom.",
            field="description",
        )
    if kind not in Incident.Kind.values:
        raise ServiceError("Choose what kind of incident it is.", field="kind")
    if severity not in Incident.Severity.values:
        raise ServiceError("Choose how serious it is.", field="severity")
    _check_times(occurred_at, discovered_at, now)
    if may_report(scope):
        engagement = scope.engagement
    elif engagement is not None and engagement.firm_id != scope.firm.pk:
        raise ServiceError("Choose one of the firm's engagements.", field="engagement")
    reported = may_report(scope)
    with transaction.atomic():
        incident = Incident.objects.create(
            firm=scope.firm,
            title=title[:200],
            kind=kind,
            severity=severity,
            description=description,
            occurred_at=occurred_at,
            discovered_at=discovered_at,
            reported_by=scope.user,
            engagement=engagement,
        )
        who = scope.user.full_name or scope.user.email
        _audit(
            scope,
            incident,
            "reported" if reported else "recorded",
            f"{'Reported' if reported else 'Recorded'} by {who}: “{incident.title}”",
            kind=kind,
            severity=severity,
        )
        for admin in reception.firm_admins(scope.firm):
            if admin.pk == scope.user.pk:
                continue
            notify(
                user=admin,
                firm=scope.firm,
                about=incident,
                kind="incident.recorded",
                title=f"Incident {'reported' if reported else 'recorded'}: "
                f"{incident.title}",
                body=f"{who} {'reported' if reported else 'recorded'} it "
                f"({incident.get_severity_display().lower()} severity). Open it "
                "to name the matters affected and who must be told.",
                url=incident_url(incident),
                key=f"incident.recorded:{incident.pk}:{admin.pk}",
            )
    return incident


def incident_findings_save(
    *, scope, incident: Incident, containment: str, root_cause: str, changes: str
) -> Incident:
    """What was done to contain it, why it happened, what changes."""
    _must(may_work(scope), "Only the firm's admins and attorneys can do this.")
    with transaction.atomic():
        incident = access_incident(scope, incident.public_id, for_write=True)
        _must_be_open(incident)
        incident.containment = (containment or "").strip()
        incident.root_cause = (root_cause or "").strip()
        incident.closing_summary = (changes or "").strip()
        incident.save(
            update_fields=["containment", "root_cause", "closing_summary", "updated_at"]
        )
        _audit(scope, incident, "findings", "Recorded the findings")
    return incident


def incident_matter_add(
    *, scope, incident: Incident, matter: Matter, what_was_exposed: str
) -> IncidentMatter:
    _must(may_work(scope), "Only the firm's admins and attorneys can do this.")
    if matter is None or not scope.can_see_matter(matter):
        raise ServiceError("Choose one of the matters in the list.", field="matter")
    what = (what_was_exposed or "").strip()
    if not what:
        raise ServiceError(
            "Say what was exposed on this matter (for example: the client's "
            "address and the settlement letter).",
            field="what_was_exposed",
        )
    with transaction.atomic():
        incident = access_incident(scope, incident.public_id, for_write=True)
        _must_be_open(incident)
        if (
            IncidentMatter.objects.for_firm(scope.firm)
            .filter(incident=incident, matter=matter)
            .exists()
        ):
            raise ServiceError(
                f"{matter.number} is already on this incident.", field="matter"
            )
        row = IncidentMatter.objects.create(
            firm=scope.firm,
            incident=incident,
            matter=matter,
            what_was_exposed=what[:300],
        )
        _audit(
            scope,
            incident,
            "matter_added",
            f"Named {matter.number} as affected: {what[:200]}",
            matter=matter,
        )
    return row


# --- Who must be told by when --------------------------------------------------


def default_due(incident: Incident, days: int) -> datetime.date:
    """The discovery date in the firm's zone plus ``days``."""
    discovered = timezone.localdate(incident.discovered_at, timezone=incident.firm.tz)
    return discovered + datetime.timedelta(days=days)


def _check_days(days) -> int:
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ServiceError("Type a number of days, such as 30.", field="days") from None
    if not 0 <= days <= MAX_DUE_DAYS:
        raise ServiceError(
            f"Type a number of days between 0 and {MAX_DUE_DAYS}.", field="days"
        )
    return days


def _mark_notifying(incident: Incident) -> None:
    if incident.status == Incident.Status.OPEN:
        incident.status = Incident.Status.NOTIFYING
        incident.save(update_fields=["status", "updated_at"])


def notices_generate(*, scope, incident: Incident, days) -> list[IncidentNotice]:
    """One client notice per client contact of the affected matters, due
    ``days`` after discovery; a client already on the list is not added again.
    Returns the notices made."""
    _must(may_manage(scope), "Only the firm's admins set who must be told.")
    days = _check_days(days)
    with transaction.atomic():
        incident = access_incident(scope, incident.public_id, for_write=True)
        _must_be_open(incident)
        clients = clients_of(scope, incident)
        if not clients:
            raise ServiceError(
                "No client to tell yet: name the affected matters first (their "
                "clients come from the matters' parties)."
            )
        known = set(
            IncidentNotice.objects.for_firm(scope.firm)
            .filter(incident=incident, contact__isnull=False)
            .values_list("contact_id", flat=True)
        )
        due = default_due(incident, days)
        made = []
        for client in clients:
            contact = client["contact"]
            if contact.pk in known:
                continue
            matters = client["matters"]
            made.append(
                IncidentNotice.objects.create(
                    firm=scope.firm,
                    incident=incident,
                    recipient_kind=Recipient.CLIENT,
                    recipient_name=contact.name[:200],
                    contact=contact,
                    matter=matters[0],
                    due_on=due,
                    note="Client on " + ", ".join(m.number for m in matters),
                )
            )
        if made:
            _mark_notifying(incident)
            _audit(
                scope,
                incident,
                "notices_generated",
                f"Listed {len(made)} client notice(s), due {due:%d %b %Y} "
                f"({days} days after discovery, as the firm decided)",
                days=days,
            )
    return made


def notice_add(
    *,
    scope,
    incident: Incident,
    recipient_kind: str,
    recipient_name: str,
    due_on: datetime.date | None = None,
    days=None,
    method: str = "",
) -> IncidentNotice:
    """Someone else who must be told: the insurer, a regulator, the bar, the
    police... Due on ``due_on``, or ``days`` after discovery."""
    _must(may_manage(scope), "Only the firm's admins set who must be told.")
    if recipient_kind not in Recipient.values:
        raise ServiceError("Choose who it is.", field="recipient_kind")
    name = (recipient_name or "").strip()
    if not name:
        raise ServiceError(
            "Name who must be told (for example: the firm's cyber insurer).",
            field="recipient_name",
        )
    with transaction.atomic():
        incident = access_incident(scope, incident.public_id, for_write=True)
        _must_be_open(incident)
        if due_on is None:
            if days in (None, ""):
                raise ServiceError(
                    "Give a due date, or a number of days after discovery.",
                    field="due_on",
                )
            due_on = default_due(incident, _check_days(days))
        notice = IncidentNotice.objects.create(
            firm=scope.firm,
            incident=incident,
            recipient_kind=recipient_kind,
            recipient_name=name[:200],
            due_on=due_on,
            method=(method or "").strip()[:100],
        )
        _mark_notifying(incident)
        _audit(
            scope,
            incident,
            "notice_added",
            f"Added a notice to {notice.recipient_name} "
            f"({notice.get_recipient_kind_display()}), due {due_on:%d %b %Y}",
            notice=str(notice.public_id),
        )
    return notice


def _end_of_day(day: datetime.date, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=tz)


def notice_task_create(*, scope, notice: IncidentNotice, assignee, now=None) -> Task:
    """Give the notice to someone of the firm as an in-house task (through
    ``work.services.task_create``, like any delegated work), linked from the
    notice. Due at 5 pm, firm time, on the notice's due date when that is
    still ahead."""
    _must(may_manage(scope), "Only the firm's admins give notices out as tasks.")
    now = now or timezone.now()
    _must_be_open(notice.incident)
    if notice.task_id is not None:
        raise ServiceError("This notice already has a task.")
    if notice.is_settled:
        raise ServiceError("This notice is already dealt with; no task is needed.")
    if assignee is None:
        raise ServiceError("Choose who will send it.", field="assignee")
    if notice.matter is not None:
        theirs = resolve_scope(assignee, scope.firm)
        if theirs is None or not theirs.can_see_matter(notice.matter):
            raise ServiceError(
                f"{assignee.full_name} may not see {notice.matter.number}. Choose "
                "someone who works on it.",
                field="assignee",
            )
    incident = notice.incident
    due_at = _end_of_day(notice.due_on, scope.firm.tz)
    instructions = (
        f"Tell {notice.recipient_name} about the incident “{incident.title}” "
        f"by {notice.due_on:%d %b %Y}"
        + (f", by {notice.method}" if notice.method else "")
        + ". Then open the incident and mark the notice sent: "
        + incident_url(incident)
    )
    with transaction.atomic():
        task = work.task_create(
            scope=scope,
            title=f"Send the incident notice to {notice.recipient_name}",
            function=Function.CASE_MANAGEMENT,
            instructions=instructions,
            matter=notice.matter
            if notice.matter is not None and not notice.matter.is_closed
            else None,
            in_house=True,
            no_playbook=True,
            review_required=False,
            due_at=due_at if due_at > now else None,
            assignee=assignee,
            now=now,
        )
        IncidentNotice.objects.for_firm(scope.firm).filter(pk=notice.pk).update(
            task=task, updated_at=now
        )
        notice.task = task
        _audit(
            scope,
            incident,
            "notice_task",
            f"Gave the notice to {notice.recipient_name} to "
            f"{assignee.full_name} as a task",
            notice=str(notice.public_id),
            task=str(task.public_id),
        )
    return task


def _parse_sent_on(sent_on, *, incident, today) -> datetime.date:
    if sent_on is None:
        return today
    if sent_on > today:
        raise ServiceError(
            "That date is in the future. Mark the notice sent once it has gone.",
            field="sent_on",
        )
    discovered = timezone.localdate(incident.discovered_at, timezone=incident.firm.tz)
    if sent_on < discovered:
        raise ServiceError(
            f"That is before the incident was discovered ({discovered:%d %b %Y}). "
            "Check the date.",
            field="sent_on",
        )
    return sent_on


def notice_mark_sent(
    *,
    scope,
    notice: IncidentNotice,
    sent_on: datetime.date | None = None,
    method: str = "",
    note: str = "",
) -> IncidentNotice:
    """The notice went out (``sent_on``: empty means today). Its task is done
    when the person marking it is the one it was given to; otherwise the task
    gets a comment saying so, for its assignee to close."""
    _must(may_work(scope), "Only the firm's admins and attorneys can do this.")
    incident = notice.incident
    _must_be_open(incident)
    if notice.is_settled:
        raise ServiceError("This notice is already dealt with.")
    sent_on = _parse_sent_on(sent_on, incident=incident, today=firm_today(scope.firm))
    with transaction.atomic():
        notice.sent_on = sent_on
        notice.method = (method or notice.method).strip()[:100]
        if note.strip():
            notice.note = "\n".join(filter(None, [notice.note, note.strip()]))
        notice.sent_by = scope.user
        notice.save(
            update_fields=["sent_on", "method", "note", "sent_by", "updated_at"]
        )
        _finish_task(scope, notice)
        _audit(
            scope,
            incident,
            "notice_sent",
            f"Notice to {notice.recipient_name} sent on {sent_on:%d %b %Y}"
            + (f" by {notice.method}" if notice.method else ""),
            notice=str(notice.public_id),
        )
    return notice


def _finish_task(scope, notice: IncidentNotice) -> None:
    task = notice.task
    if task is None or not task.is_open:
        return
    if task.assignee_id == scope.user.pk:
        if task.status in (Task.Status.OPEN, Task.Status.RETURNED):
            task = work.task_start(scope=scope, task=task, revision=None)
        if task.status in Task.WORKING_STATUSES:
            work.task_submit(
                scope=scope, task=task, revision=None, note="The notice was sent."
            )
            return
        if task.status == Task.Status.APPROVED:
            work.task_complete(scope=scope, task=task, revision=None)
            return
    work.task_comment(
        scope=scope,
        task=task,
        body=f"{scope.user.full_name} marked the notice sent on "
        f"{notice.sent_on:%d %b %Y}. Mark this task done if nothing is left.",
    )


def notice_not_needed(*, scope, notice: IncidentNotice, reason: str) -> IncidentNotice:
    """The firm decided this notice is not owed; the reason is kept, and an
    open task for it is cancelled with the same reason."""
    _must(may_manage(scope), "Only the firm's admins decide a notice is not needed.")
    incident = notice.incident
    _must_be_open(incident)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "Say why this notice is not needed (for example: the data was "
            "encrypted, so the state's law does not require it).",
            field="reason",
        )
    if notice.is_settled:
        raise ServiceError("This notice is already dealt with.")
    with transaction.atomic():
        notice.not_needed_reason = reason[:300]
        notice.not_needed_by = scope.user
        notice.not_needed_at = timezone.now()
        notice.save(
            update_fields=[
                "not_needed_reason",
                "not_needed_by",
                "not_needed_at",
                "updated_at",
            ]
        )
        if notice.task is not None and notice.task.is_open:
            work.task_cancel(
                scope=scope,
                task=notice.task,
                revision=None,
                reason=f"Notice not needed: {reason}",
            )
        _audit(
            scope,
            incident,
            "notice_not_needed",
            f"Notice to {notice.recipient_name} not needed: {reason[:200]}",
            notice=str(notice.public_id),
        )
    return notice


# --- Closing --------------------------------------------------------------------


def close_problems(incident: Incident, notices) -> list[str]:
    """What stands between the incident and its closing, in plain words."""
    problems = []
    missing = [
        label
        for label, value in (
            ("how it was contained", incident.containment),
            ("the root cause", incident.root_cause),
            ("what changes", incident.closing_summary),
        )
        if not value.strip()
    ]
    if missing:
        problems.append("Record " + ", ".join(missing) + " under Findings.")
    for notice in notices:
        if not notice.is_settled:
            problems.append(
                f"The notice to {notice.recipient_name} (due "
                f"{notice.due_on:%d %b %Y}) is neither sent nor marked not needed."
            )
    return problems


def incident_close(*, scope, incident: Incident, now=None) -> Incident:
    """Close once the findings are written and every notice is sent or marked
    not needed; the closing admin signs the report off."""
    _must(may_manage(scope), "Only the firm's admins close an incident.")
    now = now or timezone.now()
    with transaction.atomic():
        incident = access_incident(scope, incident.public_id, for_write=True)
        _must_be_open(incident)
        notices = IncidentNotice.objects.for_firm(scope.firm).filter(incident=incident)
        problems = close_problems(incident, notices)
        if problems:
            raise ServiceError("Not ready to close. " + " ".join(problems))
        incident.status = Incident.Status.CLOSED
        incident.closed_at = now
        incident.closed_by = scope.user
        incident.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        _audit(
            scope,
            incident,
            "closed",
            f"Closed and signed off by {scope.user.full_name or scope.user.email}",
        )
    return incident


def incident_report_downloaded(*, scope, incident: Incident) -> None:
    """The closing report names clients and matters: its download is audited."""
    _must(may_work(scope), "Only the firm's admins and attorneys can do this.")
    with transaction.atomic():
        _audit(scope, incident, "report_downloaded", "Downloaded the closing report")


def people_involved(incident: Incident, notices, timeline) -> list[str]:
    """Everyone the report names: who reported, who acted, who sent, who was
    given a task, who signed off."""
    names: dict[str, None] = {}
    for user in (
        incident.reported_by,
        *(n.sent_by for n in notices),
        *(n.not_needed_by for n in notices),
        *(n.task.assignee for n in notices if n.task is not None),
        incident.closed_by,
    ):
        if user is not None:
            names[
                f"{user.full_name} ({user.email})" if user.full_name else user.email
            ] = None
    for row in timeline:
        if row.actor_label and not any(row.actor_label in n for n in names):
            names[row.actor_label] = None
    return list(names)
