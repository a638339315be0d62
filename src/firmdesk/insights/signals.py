"""Keep the roll-up current: whenever a row the roll-up counts is saved or
deleted, the cells it counted in before and counts in now are refreshed, in
the same transaction (``insights.rollup.refresh``).

The lower apps (work, billing, intake) know nothing of insights; their rows'
``post_save`` / ``post_delete`` signals reach these receivers, and writes
that send no signal (``bulk_create``, ``QuerySet.update``) announce
themselves through ``firmdesk.common.changes.rows_written`` where they touch
a counted column. docs/insights-rollup.md lists each such write.

Where a row was counted before a change is read from the database just
before it is saved (``pre_save``): one query by primary key, and none when
the save names its fields (``update_fields``) and none of them is counted.
Reading the stored row, rather than remembering every row as it was loaded,
costs nothing on the many pages that load rows without changing them, and
is right even when the object in memory is older than the row.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from firmdesk.billing.models import ProviderBill, TimeEntry
from firmdesk.common.changes import rows_written
from firmdesk.engagements.models import Engagement
from firmdesk.intake.models import FeedbackRequest, Lead
from firmdesk.orgs.models import Organization
from firmdesk.work.models import Review, SlaBreach, Task

from . import rollup

BEFORE = "_rollup_before"
# Organization fields that decide which day an instant falls on, or how many
# business minutes lie between two instants.
CALENDAR_FIELDS = ("kind", "time_zone", "jurisdiction", "working_hours", "closure_days")


def _names(model) -> set[str]:
    """The fields the roll-up reads, by name and by column (``update_fields``
    may give either)."""
    names = set()
    for name in rollup.FIELDS[model]:
        if name in rollup.THROUGH.get(model, {}):
            continue
        field = model._meta.get_field(name.removesuffix("_id"))
        names |= {field.name, field.attname}
    return names


COUNTED = {model: _names(model) for model in rollup.FIELDS}


def _untouched(model, update_fields) -> bool:
    return update_fields is not None and not (set(update_fields) & COUNTED[model])


def _stored(model, instance, using) -> dict | None:
    rows = model.objects.db_manager(using).for_firm(instance.firm_id)
    return rollup.values(rows.filter(pk=instance.pk)).first()


def _in_memory(model, instance) -> dict:
    row = {
        name: getattr(instance, name)
        for name in rollup.FIELDS[model]
        if name not in rollup.THROUGH.get(model, {})
    }
    if model is Review:
        row["engagement_id"] = instance.task.engagement_id
    elif model is FeedbackRequest:
        row["engagement_id"] = instance.lead.engagement_id if instance.lead_id else None
    return row


def _after(model, instance, before: dict | None, update_fields) -> dict:
    """The row as stored after the save: all of it, or, when the save named
    its fields, the stored row with those fields changed."""
    now = _in_memory(model, instance)
    if before is None or update_fields is None:
        return now
    written = {
        name
        for name in rollup.FIELDS[model]
        if name in update_fields or name.removesuffix("_id") in update_fields
    }
    if written & {"task_id", "lead_id"}:
        written.add("engagement_id")
    return {**before, **{name: now[name] for name in written}}


def _firm(instance) -> Organization:
    return instance.firm


# --- What a change touches ------------------------------------------------------------


TASK_PARTS = frozenset(rollup.EVENT_PARTS.values())
PART = {
    Review: "reviews",
    TimeEntry: "time",
    Lead: "leads",
    FeedbackRequest: "feedback",
    SlaBreach: "breaches",
    ProviderBill: "bills",
}


def _moved_with(model, instance, engagements: set, clock, using) -> tuple[set, set]:
    """Rows that count under another row's engagement move with it: a task's
    reviews, a lead's feedback. (keys, parts) to refresh for them."""
    if model is Task:
        rows = Review.objects.db_manager(using).for_firm(instance.firm_id)
        days = {
            clock.day(t)
            for t in rows.filter(task=instance.pk).values_list("created_at", flat=True)
        }
        part = "reviews"
    elif model is Lead:
        rows = FeedbackRequest.objects.db_manager(using).for_firm(instance.firm_id)
        days = {
            clock.day(t)
            for t in rows.filter(
                lead=instance.pk, answered_at__isnull=False, rating__isnull=False
            ).values_list("answered_at", flat=True)
        }
        part = "feedback"
    else:
        return set(), set()
    keys = {(engagement, day) for engagement in engagements for day in days}
    return keys, ({part} if keys else set())


def _parts(model) -> set[str]:
    return set(TASK_PARTS) if model is Task else {PART[model]}


def _changed(model, before: dict | None, after: dict | None) -> set[str]:
    """The parts of the roll-up a change from ``before`` to ``after`` (None:
    no row) may count differently."""
    if model is not Task:
        return set() if before == after else {PART[model]}
    old = rollup.task_footprints(before) if before else {}
    new = rollup.task_footprints(after) if after else {}
    return {part for part in TASK_PARTS if old.get(part) != new.get(part)}


def _refresh(model, instance, before: dict | None, after: dict | None, using):
    """Count again the cells the row counted in before and counts in now."""
    parts = _changed(model, before, after)
    if not parts:
        return
    firm = _firm(instance)
    clock = rollup.Clock(firm)
    work_before, people_before = rollup.keys_of(model, before, clock, parts)
    work_after, people_after = rollup.keys_of(model, after, clock, parts)
    keys = work_before | work_after
    if before and after and before["engagement_id"] != after["engagement_id"]:
        moved = {before["engagement_id"], after["engagement_id"]}
        more, more_parts = _moved_with(model, instance, moved, clock, using)
        keys |= more
        parts |= more_parts
    if keys:
        rollup.refresh(firm, keys, parts=parts, using=using)
    if people_before | people_after:
        rollup.refresh_billable(firm, people_before | people_after, using=using)


# --- Receivers ----------------------------------------------------------------------


def before_save(sender, instance, raw=False, using=None, update_fields=None, **kw):
    if raw or instance._state.adding or _untouched(sender, update_fields):
        return
    instance.__dict__[BEFORE] = _stored(sender, instance, using)


def after_save(sender, instance, raw=False, using=None, update_fields=None, **kw):
    if raw or _untouched(sender, update_fields):
        return
    before = instance.__dict__.pop(BEFORE, None)
    _refresh(
        sender, instance, before, _after(sender, instance, before, update_fields), using
    )


def before_lead_delete(sender, instance, using=None, **kw):
    """A deleted lead's feedback stays, counted for no engagement: note where
    it counted before the lead goes."""
    firm = _firm(instance)
    keys, _ = _moved_with(
        Lead, instance, {instance.engagement_id, None}, rollup.Clock(firm), using
    )
    instance.__dict__[BEFORE] = keys


def after_delete(sender, instance, using=None, **kw):
    _refresh(sender, instance, _in_memory(sender, instance), None, using)
    if sender is Lead:
        keys = instance.__dict__.pop(BEFORE, set())
        if keys:
            rollup.refresh(_firm(instance), keys, parts={"feedback"}, using=using)


def bulk_written(sender, firm, rows, using=None, **kw):
    """Rows written without signals (``rows_written``): count their cells."""
    if sender not in rollup.FIELDS:
        return
    clock = rollup.Clock(firm)
    work, people = set(), set()
    for instance in rows:
        keys, person = rollup.keys_of(sender, _in_memory(sender, instance), clock)
        work |= keys
        people |= person
    using = using or DEFAULT_DB_ALIAS
    rollup.refresh(firm, work, parts=_parts(sender), using=using)
    rollup.refresh_billable(firm, people, using=using)


def before_calendar_save(sender, instance, raw=False, using=None, **kw):
    if raw or instance._state.adding:
        return
    instance.__dict__[BEFORE] = (
        Organization.objects.using(using)
        .filter(pk=instance.pk)
        .values(*CALENDAR_FIELDS)
        .first()
    )


def after_calendar_save(sender, instance, raw=False, using=None, **kw):
    """A firm that moves to another zone or changes its hours or holidays
    has its days and business minutes counted again."""
    before = instance.__dict__.pop(BEFORE, None)
    if raw or before is None or not instance.is_firm:
        return
    if any(before[name] != getattr(instance, name) for name in CALENDAR_FIELDS):
        rollup.rebuild(instance, using=using)


def after_engagement_delete(sender, instance, using=None, **kw):
    """Its leads and breaches now belong to no engagement: count them again."""
    rollup.rebuild(_firm(instance), using=using)


def connect() -> None:
    for model in rollup.FIELDS:
        uid = f"insights.rollup.{model._meta.label}"
        pre_save.connect(before_save, sender=model, dispatch_uid=uid)
        post_save.connect(after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(after_delete, sender=model, dispatch_uid=uid)
    pre_delete.connect(
        before_lead_delete, sender=Lead, dispatch_uid="insights.rollup.lead"
    )
    pre_save.connect(
        before_calendar_save, sender=Organization, dispatch_uid="insights.rollup.org"
    )
    post_save.connect(
        after_calendar_save, sender=Organization, dispatch_uid="insights.rollup.org"
    )
    post_delete.connect(
        after_engagement_delete,
        sender=Engagement,
        dispatch_uid="insights.rollup.engagement",
    )
    rows_written.connect(bulk_written, dispatch_uid="insights.rollup.bulk")
