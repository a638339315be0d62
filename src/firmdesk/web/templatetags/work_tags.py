"""Words for times and durations on the work pages ("late by 2 hours")."""

import datetime
import functools
import uuid

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

# A task table has fifty rows; the cells below are made in Python, once a row,
# where the template's url tag, two date filters and a with block cost about
# 6 ms a page (bench/queues.py, docs/performance.md).
_SAMPLE_ID = uuid.UUID(int=0)


@functools.lru_cache(maxsize=4096)
def _task_url_pattern(prefix: str, firm_slug: str) -> str:
    return reverse("task_detail", args=[firm_slug, _SAMPLE_ID])


@register.filter
def task_href(task) -> str:
    """The task's page: ``{% url 'task_detail' t.firm.slug t.public_id %}``,
    reversed once a firm."""
    pattern = _task_url_pattern(get_script_prefix(), task.firm.slug)
    return pattern.replace(str(_SAMPLE_ID), str(task.public_id))


@functools.lru_cache(maxsize=4096)
def _firm_url(prefix: str, firm_slug: str) -> str:
    return reverse("firm_today", args=[firm_slug])


@register.filter
def firm_href(firm) -> str:
    """The firm's front page, reversed once a firm."""
    return _firm_url(get_script_prefix(), firm.slug)


@register.simple_tag
def due_cell(task, now):
    """The due time in the viewer's zone, and how late or how soon, for a row."""
    if task.due_at is None:
        return "—"
    local = timezone.localtime(task.due_at)
    phrase = due_phrase(task, now)
    shown = format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(),
        # Django's "M j, g:i A T"; strftime is a tenth of the time. Python leaves
        # the C library in the "C" locale, so the month is always English.
        local.strftime("%b %-d, %-I:%M %p %Z"),
    )
    if not phrase:
        return shown
    tone = "text-danger fw-semibold" if task.due_at < now else "text-body-secondary"
    return format_html('{}<br><span class="small {}">{}</span>', shown, tone, phrase)


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
