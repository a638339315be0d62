"""The soak's verdict on the data: nothing acknowledged lost, nothing half
written, no job lost, no effect recorded twice. Checked in the database
(through the models and plain SQL) once the load has stopped and the worker
has drained the queue.

Each check returns (name, count of problems, examples); 0 problems passes.
"""

import email
import re
from collections import Counter
from pathlib import Path

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Now
from django_tasks_db.models import DBTaskResult
from soak_load import Ack
from soak_receiver import Receiver

from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_verify
from firmdesk.billing.models import TimeEntry
from firmdesk.intake.models import CallLog, Lead
from firmdesk.integrations.models import WebhookAttempt, WebhookDelivery
from firmdesk.jobs.models import JobEffect
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import Organization
from firmdesk.scheduling.models import Event
from firmdesk.work.models import Comment, Review, Task

Check = tuple[str, int, list[str]]
S = Task.Status


def _missing(acks: list[Ack], kind: str, model, field: str = "public_id") -> Check:
    wanted = [a for a in acks if a.kind == kind]
    found = {
        str(v)
        for v in model._base_manager.filter(
            **{f"{field}__in": [a.key for a in wanted]}
        ).values_list(field, flat=True)
    }
    lost = [a.key for a in wanted if a.key not in found]
    return (f"acknowledged {kind}s present ({len(wanted)})", len(lost), lost[:5])


def acknowledged(acks: list[Ack]) -> list[Check]:
    checks = [
        _missing(acks, "task", Task),
        _missing(acks, "time entry", TimeEntry),
        _missing(acks, "event", Event),
        _missing(acks, "lead", Lead),
        _missing(acks, "call", CallLog),
        _missing(acks, "intake lead", Lead, "name"),
    ]
    tasks = {
        str(t.public_id): t
        for t in Task._base_manager.filter(
            public_id__in=[a.key for a in acks if a.kind in ("start", "submit")]
        )
    }
    not_started = [
        a.key
        for a in acks
        if a.kind == "start" and getattr(tasks.get(a.key), "status", S.OPEN) == S.OPEN
    ]
    checks.append(
        (
            f"acknowledged starts kept ({sum(a.kind == 'start' for a in acks)})",
            len(not_started),
            not_started[:5],
        )
    )
    handed_in = (S.SUBMITTED, S.APPROVED, S.RETURNED, S.DONE, S.IN_PROGRESS)
    notes = set(
        Comment._base_manager.filter(body__startswith="soak handed in").values_list(
            "body", flat=True
        )
    )
    logged = set(
        TimeEntry._base_manager.filter(
            narrative__startswith="soak handed in"
        ).values_list("narrative", flat=True)
    )
    lost_submits = [
        a.key
        for a in acks
        if a.kind == "submit"
        and (
            getattr(tasks.get(a.key), "status", None) not in handed_in
            or a.expect not in notes
            or a.expect not in logged
        )
    ]
    checks.append(
        (
            "acknowledged hand-ins kept, with their note and time "
            f"({sum(a.kind == 'submit' for a in acks)})",
            len(lost_submits),
            lost_submits[:5],
        )
    )
    comments = set(
        Review._base_manager.filter(comment__startswith="soak ").values_list(
            "comment", flat=True
        )
    )
    lost_reviews = [
        a.key for a in acks if a.kind == "review" and a.expect not in comments
    ]
    checks.append(
        (
            f"acknowledged reviews present ({sum(a.kind == 'review' for a in acks)})",
            len(lost_reviews),
            lost_reviews[:5],
        )
    )
    return checks


def _twice(label: str, model, field: str, prefix: str) -> Check:
    rows = (
        model._base_manager.filter(**{f"{field}__startswith": prefix})
        .values(field)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    return (f"{label} written once", len(rows), [r[field] for r in rows[:5]])


def duplicates() -> list[Check]:
    """Every soak write carries unique text: two rows with it is a write done
    twice (a retried request that was not recognised as the same)."""
    return [
        _twice("tasks", Task, "title", "soak task"),
        _twice("time entries", TimeEntry, "narrative", "soak "),
        _twice("events", Event, "title", "soak event"),
        _twice("leads", Lead, "name", "Soak "),
        _twice("calls", CallLog, "message", "soak call"),
        _twice("hand-in notes", Comment, "body", "soak handed in"),
        _twice("reviews", Review, "comment", "soak "),
    ]


def _audit_counts(action: str, ids: list[str]) -> Counter:
    return Counter(
        AuditEvent.objects.filter(action=action, object_id__in=ids).values_list(
            "object_id", flat=True
        )
    )


def partial_records() -> list[Check]:
    """Invariants between rows that are written together."""
    tasks = list(
        Task._base_manager.filter(title__startswith="soak task").values(
            "public_id", "pk", "status", "submitted_at", "approved_at"
        )
    )
    ids = [str(t["public_id"]) for t in tasks]
    created = _audit_counts("task.created", ids)
    started = _audit_counts("task.started", ids)
    submitted = _audit_counts("task.submitted", ids)
    approved = _audit_counts("task.approved", ids)
    returned = _audit_counts("task.returned", ids)
    reviews = Counter()
    for task_id, decision in Review._base_manager.filter(
        task__title__startswith="soak task"
    ).values_list("task__public_id", "decision"):
        reviews[(str(task_id), decision)] += 1
    bad: list[str] = []
    for t in tasks:
        i, status = str(t["public_id"]), t["status"]
        a, r = reviews[(i, Review.Decision.APPROVED)], reviews[(i, "returned")]
        problems = [
            created[i] != 1 and "created without its audit event",
            status != S.OPEN and not started[i] and "started without audit event",
            status in (S.SUBMITTED, S.APPROVED)
            and not submitted[i]
            and "handed in without audit event",
            status in (S.SUBMITTED, S.APPROVED)
            and t["submitted_at"] is None
            and "handed in without submitted_at",
            submitted[i] < a + r and "reviewed more often than handed in",
            status == S.APPROVED and a != 1 and "approved without one approval",
            status == S.APPROVED
            and t["approved_at"] is None
            and "approved without approved_at",
            approved[i] != a and "approvals and their audit events differ",
            returned[i] != r and "returns and their audit events differ",
        ]
        bad += [f"{i}: {p}" for p in problems if p]
    out: list[Check] = [(f"soak tasks consistent ({len(tasks)})", len(bad), bad[:5])]
    # Each audited hand-in, approval or return made its webhook deliveries in
    # the same transaction: one per firm endpoint listening.
    deliveries = Counter(
        (d.event, d.payload.get("data", {}).get("id"))
        for d in WebhookDelivery._base_manager.filter(
            event__in=["task.submitted", "task.approved", "task.returned"]
        )
    )
    no_delivery = [
        f"{action} {i}"
        for action, counts in (
            ("task.submitted", submitted),
            ("task.approved", approved),
            ("task.returned", returned),
        )
        for i, n in counts.items()
        if deliveries[(action, i)] != n
    ]
    out.append(
        (
            "task events with their webhook delivery",
            len(no_delivery),
            no_delivery[:5],
        )
    )
    leads = list(
        Lead._base_manager.filter(name__startswith="Soak ").values_list(
            "public_id", flat=True
        )
    )
    lead_ids = {str(i) for i in leads}
    lead_deliveries = Counter(
        d.payload.get("data", {}).get("id")
        for d in WebhookDelivery._base_manager.filter(event="lead.created")
    )
    no_lead_delivery = [i for i in lead_ids if lead_deliveries[i] != 1]
    out.append(
        (
            f"leads with their webhook delivery ({len(lead_ids)})",
            len(no_lead_delivery),
            no_lead_delivery[:5],
        )
    )
    unverified = []
    for org in Organization.objects.all():
        result = audit_verify(org=org)
        if not result.ok:
            unverified.append(f"{org.slug}: {result.problems[:2]}")
    out.append(("audit chains verify", len(unverified), unverified[:5]))
    return out


def jobs(since, receiver: Receiver, mail_dir: Path) -> tuple[list[Check], dict]:
    recent = DBTaskResult.objects.filter(enqueued_at__gte=since)
    by_status = dict(
        recent.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    failed = list(
        recent.filter(status="FAILED").values_list("task_path", "exception_class_path")
    )
    stuck = list(
        recent.filter(
            Q(status="RUNNING") | Q(status="READY", run_after__lte=Now())
        ).values_list("task_path", "status")
    )
    later = recent.filter(status="READY", run_after__gt=Now()).count()
    checks: list[Check] = [
        ("jobs failed for good", len(failed), [f"{p}: {e}" for p, e in failed[:5]]),
        (
            "jobs due but left queued or running",
            len(stuck),
            [f"{p} {s}" for p, s in stuck[:5]],
        ),
    ]
    # A notification's e-mail job is enqueued when its row commits: a row
    # with no job at all is a lost job.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.id FROM notify_notification n
            WHERE n.email AND n.created_at >= %s AND NOT EXISTS (
                SELECT 1 FROM django_tasks_database_dbtaskresult j
                WHERE j.task_path = 'firmdesk.notify.tasks.send_notification_email'
                  AND j.args_kwargs -> 'args' ->> 0 = n.id::text)
            """,
            [since],
        )
        lost_mail = [str(row[0]) for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT l.id FROM intake_lead l
            WHERE l.name LIKE 'Soak %%' AND NOT EXISTS (
                SELECT 1 FROM django_tasks_database_dbtaskresult j
                WHERE j.task_path = 'firmdesk.intake.tasks.announce_lead'
                  AND j.args_kwargs -> 'args' ->> 0 = l.id::text)
            """
        )
        unannounced = [str(row[0]) for row in cursor.fetchall()]
    checks.append(
        ("notifications with their e-mail job", len(lost_mail), lost_mail[:5])
    )
    checks.append(
        ("leads with their announcement job", len(unannounced), unannounced[:5])
    )
    mailed = Notification.objects.filter(
        created_at__gte=since, email=True, emailed_at__isnull=False
    ).count()
    effects = JobEffect.objects.filter(key__startswith="notify.email:").count()
    ids = Counter()
    for path in mail_dir.glob("*.log") if mail_dir.exists() else []:
        for chunk in re.split(rb"\n-{79}\n", path.read_bytes()):
            message = email.message_from_bytes(chunk.strip())
            if message["Message-ID"]:
                ids[message["Message-ID"]] += 1
    deliveries = WebhookDelivery._base_manager.filter(created_at__gte=since)
    undelivered = list(
        deliveries.exclude(status=WebhookDelivery.Status.DELIVERED).values_list(
            "public_id", "status"
        )
    )
    checks.append(
        (
            f"webhook deliveries delivered ({deliveries.count()})",
            len(undelivered),
            [f"{i} {s}" for i, s in undelivered[:5]],
        )
    )
    delivered_ids = {
        str(i)
        for i in deliveries.filter(status=WebhookDelivery.Status.DELIVERED).values_list(
            "public_id", flat=True
        )
    }
    never_arrived = [i for i in delivered_ids if not receiver.arrivals[i]]
    checks.append(
        ("delivered deliveries that arrived", len(never_arrived), never_arrived[:5])
    )
    twice_recorded = list(
        WebhookAttempt.objects.filter(
            delivery__created_at__gte=since, status_code__gte=200, status_code__lt=300
        )
        .values("delivery_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("delivery_id", flat=True)
    )
    checks.append(
        (
            "deliveries recorded as delivered once",
            len(twice_recorded),
            [str(i) for i in twice_recorded[:5]],
        )
    )
    repeats = {i: n for i, n in receiver.arrivals.items() if n > 1}
    effects_twice = len(receiver.effects) - len(set(receiver.effects))
    checks.append(("receiver effects recorded once", effects_twice, []))
    figures = {
        "jobs by status": by_status,
        "jobs waiting for a later time (retries, reminders)": later,
        "notification e-mails sent": mailed,
        "notification e-mail effects recorded": effects,
        "e-mails in the mail folder": sum(ids.values()),
        "e-mails sent again with the same Message-ID": sum(
            n - 1 for n in ids.values() if n > 1
        ),
        "webhook arrivals": sum(receiver.arrivals.values()),
        "webhook deliveries repeated (same id, receiver dropped)": sum(
            n - 1 for n in repeats.values()
        ),
    }
    return checks, figures
