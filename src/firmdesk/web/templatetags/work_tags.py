"""Words for times and durations on the work pages ("late by 2 hours")."""

import datetime
import functools
import uuid
from html import escape

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

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
    return mark_safe(_due_html(task, now))  # noqa: S308 -- values escaped there


def _due_html(task, now) -> str:
    if task.due_at is None:
        return "—"
    # Django's "M j, g:i A T"; strftime is a tenth of the time. Python leaves
    # the C library in the "C" locale, so the month is always English. Neither
    # part can hold markup, but they are escaped all the same.
    shown = _time_html(task.due_at)
    phrase = due_phrase(task, now)
    if not phrase:
        return shown
    tone = "text-danger fw-semibold" if task.due_at < now else "text-body-secondary"
    return f'{shown}<br><span class="small {tone}">{escape(phrase)}</span>'


@functools.lru_cache(maxsize=8)
def _labels(field: str) -> dict:
    from firmdesk.work.models import Task

    return {
        key: escape(str(label))
        for key, label in Task._meta.get_field(field).flatchoices
    }


@register.simple_tag
def task_rows_html(
    rows,
    now,
    *,
    select=False,
    select_only_working=False,
    show_firm=False,
    show_assignee=False,
    empty="",
):
    """The rows of a task table (``_task_rows.html``), made in Python.

    Fifty rows through the template language cost 5–9 ms of a queue page (every
    ``{{ t.… }}`` is a lookup through the page's whole context); the same markup
    made here costs about one. Every value from the database is escaped."""
    functions, priorities, statuses = (
        _labels("function"),
        _labels("priority"),
        _labels("status"),
    )
    out = []
    for t in rows:
        cells = []
        if select:
            public_id = escape(str(t.public_id))
            disabled = (
                " disabled"
                if select_only_working and t.status not in ("open", "returned")
                else ""
            )
            cells.append(
                f'<td><input class="form-check-input" type="checkbox" name="task" '
                f'value="{public_id}" id="pick-{public_id}" '
                f'aria-label="Select “{escape(t.title)}”"{disabled}>'
                f'<input type="hidden" name="rev_{public_id}" '
                f'value="{escape(str(t.revision))}"></td>'
            )
        title = f'<td><a href="{escape(task_href(t))}">{escape(t.title)}</a>'
        if t.has_open_flag:
            title += ' <span class="badge flag-badge">Flagged</span>'
        if t.rework_count:
            title += (
                ' <span class="small text-body-secondary">'
                f"returned {int(t.rework_count)}×</span>"
            )
        cells.append(title + "</td>")
        if show_firm:
            cells.append(
                f'<td><a href="{escape(firm_href(t.firm))}">'
                f"{escape(t.firm.name)}</a></td>"
            )
        if t.matter_id is None:
            cells.append("<td>—</td>")
        elif t.matter_visible:
            cells.append(f"<td>{escape(t.matter.number)}</td>")
        else:
            cells.append(
                '<td><span class="text-body-secondary">Not opened to you</span></td>'
            )
        cells.append(f"<td>{functions.get(t.function, escape(t.function))}</td>")
        priority = escape(t.priority)
        cells.append(
            f'<td><span class="priority-{priority}">'
            f"{priorities.get(t.priority, priority)}</span></td>"
        )
        status = escape(t.status)
        cells.append(
            f'<td><span class="badge status-{status}">'
            f"{statuses.get(t.status, status)}</span></td>"
        )
        if show_assignee:
            who = escape(str(t.assignee)) if t.assignee_id else "No one yet"
            cells.append(f"<td>{who}</td>")
        cells.append(f"<td>{_due_html(t, now)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if not out:
        empty = escape(str(empty))
        out.append(f'<tr><td colspan="9" class="text-body-secondary">{empty}</td></tr>')
    return mark_safe("\n".join(out))  # noqa: S308 -- every value escaped above


def _time_html(moment) -> str:
    """``<time>`` of a moment in the viewer's zone: Django's ``date:'c'`` and
    ``date:"M j, g:i A T"``, by ``isoformat`` and ``strftime``."""
    local = timezone.localtime(moment)
    return (
        f'<time datetime="{escape(local.isoformat())}">'
        f"{escape(local.strftime('%b %-d, %-I:%M %p %Z'))}</time>"
    )


@register.simple_tag
def review_rows_html(rows, now, *, everyone=False):
    """The rows of the review queue (``_review_queue_partial.html``), made in
    Python as ``task_rows_html`` is; every value from the database escaped."""
    out = []
    for t in rows:
        title = f'<td><a href="{escape(task_href(t))}">{escape(t.title)}</a>'
        if t.has_open_flag:
            title += ' <span class="badge flag-badge">Flagged</span>'
        matter = escape(t.matter.number) if t.matter_id and t.matter.number else "—"
        who = escape(str(t.assignee)) if t.assignee_id else "—"
        times = int(t.rework_count or 0)
        again = f"{times} time{'s' if times != 1 else ''}" if times else "No"
        due = _time_html(t.due_at) if t.due_at else "—"
        out.append(
            f"<tr>{title}</td><td>{matter}</td><td>{who}</td>"
            f"<td>{escape(since(t.submitted_at, now))}</td><td>{again}</td>"
            f"<td>{due}</td></tr>"
        )
    if not out:
        waiting = (
            "review" if everyone else 'you — <a href="?who=all">see everyone\'s</a>'
        )
        out.append(
            '<tr><td colspan="6" class="text-body-secondary">'
            f"Nothing is waiting for {waiting}.</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 -- every value escaped above


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
