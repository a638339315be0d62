"""Words for times and durations on the work pages ("late by 2 hours")."""

import datetime

from django import template

register = template.Library()


def duration_words(delta: datetime.timedelta) -> str:
    """3 days 4 hours, 2 hours 5 minutes, 12 minutes: the two largest units."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins and not days:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts[:2]) or "less than a minute"


@register.filter
def duration(delta) -> str:
    return duration_words(delta) if delta is not None else ""


@register.filter
def since(moment, now) -> str:
    """How long ago ``moment`` was, in words."""
    if moment is None or now is None:
        return ""
    return duration_words(now - moment)


@register.filter
def due_phrase(task, now) -> str:
    """ "late by 2 hours" or "due in 3 days" for work not yet handed in."""
    if task.due_at is None or task.status not in task.WORKING_STATUSES:
        return ""
    if task.due_at < now:
        return f"late by {duration_words(now - task.due_at)}"
    return f"due in {duration_words(task.due_at - now)}"


@register.filter
def minutes(value) -> str:
    """80 → "1 h 20 min"."""
    value = int(value or 0)
    hours, mins = divmod(value, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"
