"""The export of an ended engagement's work (issue 20, docs/security-ending.md).

One zip the firm keeps: a CSV per kind of record the provider's staff made or
touched in the firm (tasks with their reviews, time, events, leads and calls,
matters opened to them, assignments, confidentiality agreements, the audit
rows of those people in the firm), the documents they uploaded or worked on,
as they were uploaded, and README.txt with the SHA-256 of every other file.

The zip is AES-256 encrypted (WinZip AES, opened by 7-Zip, WinZip, macOS
Archive Utility with Keka, pyzipper) with a passphrase the firm admin types.
The passphrase lives only in the request that builds the zip: it is never
stored, logged, put in a job's arguments or audited. The encrypted zip is
then sealed at rest under the firm's data key like every document.

Reads go through ``for_firm(firm)`` after ``_require_firm_admin``: the export
is the firm's own record of its own data, for its admins only.
"""

import csv
import datetime
import hashlib
import io
import logging
import re

import pyzipper
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_record
from firmdesk.billing.models import TimeEntry
from firmdesk.common.errors import ServiceError
from firmdesk.documents.models import DocumentVersion
from firmdesk.documents.storage import read_plaintext
from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
)
from firmdesk.intake.models import CallLog, Lead
from firmdesk.matters.models import Matter
from firmdesk.scheduling.models import Event
from firmdesk.work.models import Review, Task

from . import ending_files
from .models import EngagementExport

log = logging.getLogger(__name__)

PASSPHRASE_MIN = 12
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_passphrase(passphrase: str, again: str | None = None) -> None:
    if len(passphrase) < PASSPHRASE_MIN:
        raise ServiceError(
            f"Choose a passphrase of at least {PASSPHRASE_MIN} characters: a few "
            "words you will remember, such as a short sentence.",
            field="passphrase",
        )
    if again is not None and again != passphrase:
        raise ServiceError(
            "The two passphrases differ. Type the same passphrase twice.",
            field="passphrase_again",
        )


def _require_firm_admin(scope) -> None:
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can export an engagement's work.")


def export_request(*, scope, engagement: Engagement) -> EngagementExport:
    """The row of a new export, being prepared; call inside the transaction
    that asks for it (ending the engagement, or a later export)."""
    _require_firm_admin(scope)
    if engagement.status != Engagement.Status.ENDED:
        raise ServiceError("An engagement's work is exported once it has ended.")
    export = EngagementExport.objects.for_firm(scope.firm).create(
        firm=scope.firm,
        engagement=engagement,
        requested_by=scope.user,
        requested_at=timezone.now(),
    )
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action="engagement.export_requested",
        obj=export,
        summary=f"Asked for the export of {engagement}'s work",
    )
    return export


def export_build(*, scope, export: EngagementExport, passphrase: str):
    """Make the zip, encrypt it with ``passphrase``, seal and keep it; the
    export row says READY (or FAILED, with what to do). Runs after the
    transaction that made the row has committed, so a failure here leaves the
    engagement ended and the row saying what went wrong."""
    _require_firm_admin(scope)
    check_passphrase(passphrase)
    try:
        content, summary = _zip(
            scope.firm, export.engagement, passphrase, scope.screened_matter_ids
        )
        name = ending_files.seal_bytes(
            firm=scope.firm,
            file_id=export.public_id,
            content=content,
            name=f"compliance/exports/{scope.firm.public_id}/{export.public_id}.zip",
        )
    except Exception:
        # The traceback names no passphrase: it is only ever an argument here.
        log.exception("Export %s of firm %s failed", export.pk, scope.firm.pk)
        with transaction.atomic():
            export.status = EngagementExport.Status.FAILED
            export.finished_at = timezone.now()
            export.error = (
                "The export could not be made. Try again; if it fails again, "
                "tell whoever runs FirmDesk for the firm."
            )
            export.save(update_fields=["status", "finished_at", "error"])
            audit_record(
                org=scope.firm,
                actor=scope.user,
                action="engagement.export_failed",
                obj=export,
                summary=f"The export of {export.engagement}'s work failed",
            )
        return export
    with transaction.atomic():
        export.file.name = name
        export.status = EngagementExport.Status.READY
        export.finished_at = timezone.now()
        export.size_bytes = len(content)
        export.sha256 = hashlib.sha256(content).hexdigest()
        export.summary = summary
        export.save(
            update_fields=[
                "file",
                "status",
                "finished_at",
                "size_bytes",
                "sha256",
                "summary",
            ]
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="engagement.exported",
            obj=export,
            summary=f"Exported {export.engagement}'s work: "
            + ", ".join(f"{n} {what}" for what, n in summary["counts"].items()),
            detail={"sha256": export.sha256, "size": export.size_bytes},
        )
    return export


def export_content(*, scope, export: EngagementExport) -> bytes:
    """The encrypted zip as the firm admin downloads it, its reading audited."""
    _require_firm_admin(scope)
    if export.status != EngagementExport.Status.READY:
        raise ServiceError("This export is not ready.")
    content = ending_files.open_bytes(
        firm=scope.firm, file_id=export.public_id, name=export.file.name
    )
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="engagement.export_downloaded",
            obj=export,
            summary=f"Downloaded the export of {export.engagement}'s work",
        )
    return content


def export_file_name(export: EngagementExport) -> str:
    day = timezone.localdate(export.requested_at, timezone=export.firm.tz)
    return f"{_safe(str(export.engagement))}-export-{day.isoformat()}.zip"


# --- The zip -----------------------------------------------------------------


def _zip(
    firm, engagement: Engagement, passphrase: str, screened=frozenset()
) -> tuple[bytes, dict]:
    """``screened``: the matters the exporting admin is walled off (ethical
    screens); their rows and documents are left out, and README.txt says so."""
    staff = list(
        Assignment.objects.for_firm(firm)
        .filter(engagement=engagement)
        .values_list("user_id", flat=True)
    )
    tables = _tables(firm, engagement, staff, screened)
    files: dict[str, bytes] = {
        f"{name}.csv": _csv(header, rows) for name, (header, rows) in tables.items()
    }
    documents = _documents(firm, engagement, staff, screened)
    for path, version in documents:
        files[path] = read_plaintext(version)
    counts = {name.replace("_", " "): len(rows) for name, (_, rows) in tables.items()}
    counts["documents"] = len(documents)
    readme = _readme(firm, engagement, files, counts, screened=bool(screened))
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(passphrase.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr("README.txt", readme)
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue(), {
        "counts": counts,
        "files": {p: hashlib.sha256(c).hexdigest() for p, c in files.items()},
    }


def _readme(firm, engagement, files: dict, counts: dict, *, screened: bool) -> str:
    now = timezone.localtime(timezone=firm.tz)
    lines = [
        f"Export of the work done for {firm} under the engagement {engagement}",
        f"Provider: {engagement.provider}",
        f"Engagement ended: {engagement.ended_at or '-'} ({engagement.ended_reason})",
        f"Made by FirmDesk on {now:%Y-%m-%d %H:%M %Z}",
        "",
        "What is inside:",
        *(f"  {what}: {n}" for what, n in counts.items()),
        "",
        "Times are in UTC (ISO 8601). Documents are as they were uploaded,",
        "under documents/<matter number>/.",
        *(
            [
                "Matters the person who made this export is screened from are",
                "left out; an admin who is not screened from them can export them.",
            ]
            if screened
            else []
        ),
        "",
        "SHA-256 of every file (check with: sha256sum <file>):",
        *(f"{hashlib.sha256(c).hexdigest()}  {p}" for p, c in files.items()),
        "",
    ]
    return "\r\n".join(lines)


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    # With a byte-order mark, so Excel opens accented names correctly.
    return out.getvalue().encode("utf-8-sig")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    text = str(value)
    # A cell starting with one of these is a formula to a spreadsheet
    # (OWASP "CSV injection"): quoted, so it shows as text.
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _person(user) -> str:
    return "" if user is None else f"{user.full_name} <{user.email}>"


def _matter(matter) -> str:
    return "" if matter is None else matter.number


def _tasks_of(firm, engagement, staff):
    """The engagement's tasks, its staff's, and those that came back to the
    firm when it ended (engagement and assignee cleared, ``ending``)."""
    returned = AuditEvent.objects.filter(
        org=firm,
        action="task.handed_over",
        detail__engagement=str(engagement.public_id),
    ).values_list("object_id", flat=True)
    return Task.objects.for_firm(firm).filter(
        Q(engagement=engagement)
        | Q(assignee_id__in=staff)
        | Q(public_id__in=list(returned))
    )


def _tables(firm, engagement, staff, screened) -> dict:
    walled = Q(matter_id__in=screened)
    tasks = list(
        _tasks_of(firm, engagement, staff)
        .exclude(walled)
        .select_related("matter", "assignee", "requester")
        .order_by("created_at")
    )
    reviews = (
        Review.objects.for_firm(firm)
        .filter(task__in=[t.pk for t in tasks])
        .select_related("task", "reviewer")
        .order_by("created_at")
    )
    times = (
        TimeEntry.objects.for_firm(firm)
        .filter(Q(engagement=engagement) | Q(timekeeper_id__in=staff))
        .exclude(walled)
        .select_related("matter", "timekeeper", "task")
        .order_by("date", "created_at")
    )
    events = (
        Event.objects.for_firm(firm)
        .filter(Q(owner_id__in=staff) | Q(created_by_id__in=staff))
        .exclude(walled)
        .select_related("matter", "owner", "created_by")
        .order_by("start")
    )
    leads = (
        Lead.objects.for_firm(firm)
        .filter(Q(engagement=engagement) | Q(owner_id__in=staff))
        .exclude(walled)
        .select_related("owner", "matter")
        .order_by("received_at")
    )
    calls = (
        CallLog.objects.for_firm(firm)
        .filter(taken_by_id__in=staff)
        .exclude(walled)
        .select_related("matter", "taken_by", "recipient")
        .order_by("received_at")
    )
    grants = (
        MatterGrant.objects.for_firm(firm)
        .filter(engagement=engagement)
        .exclude(walled)
        .select_related("matter", "user", "granted_by")
        .order_by("created_at")
    )
    assignments = (
        Assignment.objects.for_firm(firm)
        .filter(engagement=engagement)
        .select_related("user")
        .order_by("start_date")
    )
    agreements = (
        ConfidentialityAgreement.objects.for_firm(firm)
        .filter(engagement=engagement)
        .select_related("signer", "recorded_by")
        .order_by("signed_at")
    )
    audit = (
        AuditEvent.objects.filter(org=firm, actor_id__in=staff)
        .exclude(matter_id__in=_public_ids(firm, screened))
        .select_related("actor")
        .order_by("pk")
    )
    return {
        "tasks": (
            [
                "task id",
                "title",
                "matter",
                "function",
                "status",
                "assignee",
                "requested by",
                "due",
                "created",
                "submitted",
                "approved",
                "completed",
                "minutes logged",
                "handover note",
            ],
            [
                [
                    t.public_id,
                    t.title,
                    _matter(t.matter),
                    t.get_function_display(),
                    t.get_status_display(),
                    _person(t.assignee),
                    _person(t.requester),
                    t.due_at,
                    t.created_at,
                    t.submitted_at,
                    t.approved_at,
                    t.completed_at,
                    t.minutes_logged,
                    t.handover_note,
                ]
                for t in tasks
            ],
        ),
        "reviews": (
            ["task id", "task", "reviewer", "decision", "reason", "comment", "at"],
            [
                [
                    r.task.public_id,
                    r.task.title,
                    _person(r.reviewer),
                    r.get_decision_display(),
                    r.get_reason_display() if r.reason else "",
                    r.comment,
                    r.created_at,
                ]
                for r in reviews
            ],
        ),
        "time_entries": (
            [
                "date",
                "timekeeper",
                "matter",
                "task",
                "minutes",
                "task code",
                "activity code",
                "narrative",
                "billable",
                "status",
            ],
            [
                [
                    e.date,
                    _person(e.timekeeper),
                    _matter(e.matter),
                    e.task.title if e.task else "",
                    e.minutes,
                    e.task_code,
                    e.activity_code,
                    e.narrative,
                    "yes" if e.billable else "no",
                    e.get_status_display(),
                ]
                for e in times
            ],
        ),
        "events": (
            [
                "kind",
                "title",
                "matter",
                "start",
                "end",
                "location",
                "status",
                "owner",
                "created by",
            ],
            [
                [
                    e.get_kind_display(),
                    e.title,
                    _matter(e.matter),
                    e.start,
                    e.end,
                    e.location,
                    e.get_status_display(),
                    _person(e.owner),
                    _person(e.created_by),
                ]
                for e in events
            ],
        ),
        "leads": (
            [
                "received",
                "name",
                "email",
                "phone",
                "practice area",
                "status",
                "owner",
                "first response",
                "matter",
            ],
            [
                [
                    lead.received_at,
                    lead.name,
                    lead.email,
                    lead.phone,
                    lead.practice_area,
                    lead.get_status_display(),
                    _person(lead.owner),
                    lead.first_response_at,
                    _matter(lead.matter),
                ]
                for lead in leads
            ],
        ),
        "calls": (
            [
                "received",
                "caller",
                "number",
                "matter",
                "message",
                "urgency",
                "taken by",
                "for",
            ],
            [
                [
                    c.received_at,
                    c.caller_name,
                    c.number,
                    _matter(c.matter),
                    c.message,
                    c.get_urgency_display(),
                    _person(c.taken_by),
                    _person(c.recipient),
                ]
                for c in calls
            ],
        ),
        "matters_granted": (
            ["matter", "title", "open to", "opened by", "opened on"],
            [
                [
                    g.matter.number,
                    g.matter.title,
                    _person(g.user) or "everyone assigned",
                    _person(g.granted_by),
                    g.created_at,
                ]
                for g in grants
            ],
        ),
        "assignments": (
            ["person", "functions", "from", "until"],
            [
                [_person(a.user), ", ".join(a.functions), a.start_date, a.end_date]
                for a in assignments
            ],
        ),
        "agreements": (
            [
                "signer",
                "signed name",
                "signed at",
                "expires",
                "text version",
                "text SHA-256",
                "recorded by",
            ],
            [
                [
                    _person(a.signer),
                    a.signed_name,
                    a.signed_at,
                    a.expires_on,
                    a.text_version,
                    a.text_sha256,
                    _person(a.recorded_by),
                ]
                for a in agreements
            ],
        ),
        "audit_trail": (
            ["seq", "at", "person", "action", "object", "matter id", "summary", "hash"],
            [
                [
                    e.seq,
                    e.at,
                    e.actor_label or _person(e.actor),
                    e.action,
                    f"{e.object_type} {e.object_id}".strip(),
                    e.matter_id,
                    e.summary,
                    e.hash,
                ]
                for e in audit
            ],
        ),
    }


def _public_ids(firm, matter_pks) -> list[str]:
    if not matter_pks:
        return []
    return [
        str(p)
        for p in Matter.objects.for_firm(firm)
        .filter(pk__in=matter_pks)
        .values_list("public_id", flat=True)
    ]


def _documents(firm, engagement, staff, screened) -> list[tuple[str, DocumentVersion]]:
    """Every version the staff uploaded, and the current version of every
    document attached to the engagement's tasks or theirs; one entry each."""
    task_documents = _tasks_of(firm, engagement, staff).values_list(
        "attachments", flat=True
    )
    versions = (
        DocumentVersion.objects.for_firm(firm)
        .filter(
            Q(uploaded_by_id__in=staff)
            | Q(
                document__in=[d for d in task_documents if d],
                document__current_version_id=F("pk"),
            )
        )
        .exclude(document__matter_id__in=screened)
        .select_related("document__matter", "key")
        .order_by("document_id", "number")
        .distinct()
    )
    out = []
    for version in versions:
        matter = version.document.matter
        folder = _safe(matter.number) if matter else "no-matter"
        # The document's id keeps two files of the same name apart.
        tag = version.document.public_id.hex[:8]
        name = _safe(version.original_name)
        out.append((f"documents/{folder}/{tag}-v{version.number}-{name}", version))
    return out


def _safe(name: str) -> str:
    cleaned = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "file"
    return cleaned[:120]
