"""The firm's audit trail as the audit page and its CSV read it: the filters,
and each event as one row with its matter and object, through
``audit_rows_for`` so an admin screened from a matter never reads its details.

The matter filter only finds matters the admin may see (``in_scope``): typing
the number of a matter they are screened from matches nothing."""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet

from firmdesk.access.selectors import audit_rows_for
from firmdesk.audit.actions import actions_in_group, group_of, label_of
from firmdesk.audit.models import AuditEvent
from firmdesk.common.times import zone_named
from firmdesk.matters.models import Matter

from .forms import SYSTEM

# More matters than this matching the typed text: the admin is asked to narrow it.
MATTERS_MATCHED = 50
MATTER = "matters.Matter"


def trail_people(firm) -> list[tuple[str, str]]:
    """Everyone who appears in the firm's trail, by name: people who have left
    keep their place, since their events stay."""
    found = (
        AuditEvent.objects.filter(org=firm, actor__isnull=False)
        .order_by()  # the model's ordering would defeat DISTINCT
        .values_list("actor__public_id", "actor__full_name", "actor__email")
        .distinct()
    )
    people = {str(pid): (name or email, email) for pid, name, email in found}
    return sorted(
        ((pid, f"{name} ({email})" if name != email else email))
        for pid, (name, email) in people.items()
    )


def trail_actions(firm) -> list[str]:
    return list(
        AuditEvent.objects.filter(org=firm)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


@dataclass
class Filtered:
    events: QuerySet
    matters: list = field(default_factory=list)  # what the matter text matched
    too_many_matters: bool = False
    applied: dict = field(default_factory=dict)  # for the export's own audit row


def filtered_events(*, scope, data: dict, actions: list[str]) -> Filtered:
    """The firm's events narrowed by the form's cleaned ``data``, newest first."""
    events = AuditEvent.objects.filter(org=scope.firm)
    applied: dict = {}
    result = Filtered(events=events)
    person = data.get("person")
    if person == SYSTEM:
        events = events.filter(actor__isnull=True)
        applied["person"] = SYSTEM
    elif person:
        events = events.filter(actor__public_id=person)
        applied["person"] = person
    action = data.get("action")
    if action and action.startswith("group:"):
        events = events.filter(action__in=actions_in_group(action[6:], actions))
        applied["action"] = action
    elif action:
        events = events.filter(action=action)
        applied["action"] = action
    zone = zone_named(scope.firm.time_zone)
    if data.get("start"):
        events = events.filter(at__gte=_midnight(data["start"], zone))
        applied["from"] = data["start"].isoformat()
    if data.get("end"):
        next_day = data["end"] + datetime.timedelta(days=1)
        events = events.filter(at__lt=_midnight(next_day, zone))
        applied["to"] = data["end"].isoformat()
    text = (data.get("matter") or "").strip()
    if text:
        matched = list(
            Matter.objects.in_scope(scope)
            .filter(Q(number__icontains=text) | Q(title__icontains=text))
            .order_by("number")[: MATTERS_MATCHED + 1]
        )
        result.too_many_matters = len(matched) > MATTERS_MATCHED
        result.matters = matched[:MATTERS_MATCHED]
        ids = [str(m.public_id) for m in result.matters]
        events = events.filter(
            Q(matter_id__in=ids) | Q(object_type=MATTER, object_id__in=ids)
        )
        applied["matter"] = text
    result.events = events.select_related("actor").order_by("-pk")
    result.applied = applied
    return result


def _midnight(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


@dataclass(frozen=True)
class TrailRow:
    seq: int | None  # None for a read (sealed into the chain in batches)
    at: datetime.datetime
    actor_label: str
    action: str
    action_label: str
    group: str
    summary: str
    hidden: bool
    object_label: str
    object_id: str
    matter: Matter | None


def trail_rows(*, scope, events) -> list[TrailRow]:
    """A page (or a chunk of the CSV) of events as ``scope`` may read them:
    a hidden event keeps its number, time, who and what, never its object or
    matter. One query for the matters named, besides ``audit_rows_for``'s."""
    events = list(events)
    readable = audit_rows_for(scope=scope, events=events)
    wanted = {
        e.matter_id or (e.object_id if e.object_type == MATTER else "")
        for e, row in zip(events, readable, strict=True)
        if not row.hidden
    } - {""}
    matters = (
        {
            str(m.public_id): m
            for m in Matter.objects.in_scope(scope).filter(public_id__in=wanted)
        }
        if wanted
        else {}
    )
    rows = []
    for event, row in zip(events, readable, strict=True):
        matter_id = event.matter_id or (
            event.object_id if event.object_type == MATTER else ""
        )
        rows.append(
            TrailRow(
                seq=row.seq,
                at=row.at,
                actor_label=row.actor_label,
                action=row.action,
                action_label=label_of(row.action),
                group=group_of(row.action),
                summary=row.summary,
                hidden=row.hidden,
                object_label="" if row.hidden else _object_label(event.object_type),
                object_id="" if row.hidden else event.object_id,
                matter=None if row.hidden else matters.get(matter_id),
            )
        )
    return rows


def _object_label(label: str) -> str:
    if not label:
        return ""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name).capitalize()
