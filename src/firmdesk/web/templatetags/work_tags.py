"""Words for times and durations on the work pages ("late by 2 hours")."""

import datetime
import functools

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from firmdesk.common.times import when

from .links import page_href, row_href

register = template.Library()

# A task table has fifty rows; the cells below are made in Python, once a row,
# where the template's url tag, two date filters and a with block cost about
# 6 ms a page (bench/queues.py, docs/performance.md).


@register.filter
def task_href(task) -> str:
    """The task's page: ``{% url 'work:task_detail' t.firm.slug t.public_id %}``,
    reversed once a firm."""
    return row_href("work:task_detail", task.firm.slug, task.public_id)


@register.filter
def firm_href(firm) -> str:
    """The firm's front page, reversed once a firm."""
    return page_href("today:firm_today", firm.slug)


@register.simple_tag
def due_cell(task, now):
    """The due time in the viewer's zone, and how late or how soon, for a row."""
    return _due_html(task, now)


def _due_html(task, now):
    if task.due_at is None:
        return _DASH
    # Django's "M j, g:i A T"; strftime is a tenth of the time. Python leaves
    # the C library in the "C" locale, so the month is always English.
    shown = _time_html(task.due_at)
    phrase = due_phrase(task, now)
    if not phrase:
        return shown
    tone = "text-danger fw-semibold" if task.due_at < now else "text-body-secondary"
    return format_html('{}<br><span class="small {}">{}</span>', shown, tone, phrase)


@functools.lru_cache(maxsize=8)
def _labels(field: str) -> dict:
    from firmdesk.work.models import Task

    choices = Task._meta.get_field(field).flatchoices
    return {key: escape(str(label)) for key, label in choices}


# The cells of a row of ``_task_rows.html``; a table's columns are chosen once,
# so each row is one format_html (every value escaped by it).
_SELECT_CELL = (
    '<td><input class="form-check-input" type="checkbox" name="task" '
    'value="{public_id}" id="pick-{public_id}" '
    'aria-label="Select “{title}”"{disabled}>'
    '<input type="hidden" name="rev_{public_id}" value="{revision}"></td>'
)
_TITLE_CELL = '<td><a href="{href}">{title}</a>{flagged}{returned}</td>'
_FIRM_CELL = '<td><a href="{firm_href}">{firm}</a></td>'
_COMMON_CELLS = (
    "<td>{matter}</td>"
    "<td>{function}</td>"
    '<td><span class="priority-{priority}">{priority_label}</span></td>'
    '<td><span class="badge status-{status}">{status_label}</span></td>'
)
_ASSIGNEE_CELL = "<td>{assignee}</td>"
_DUE_CELL = "<td>{due}</td>"
# Markup without a value in it: nothing to escape, and nothing for format_html
# to look at again in each of fifty rows.
_BLANK = mark_safe("")  # noqa: S308
_DASH = mark_safe("—")  # noqa: S308
_DISABLED = mark_safe(" disabled")  # noqa: S308
_FLAGGED = mark_safe(' <span class="badge flag-badge">Flagged</span>')  # noqa: S308
_NOT_OPENED = mark_safe(  # noqa: S308
    '<span class="text-body-secondary">Not opened to you</span>'
)


def _returned(count):
    if not count:
        return _BLANK
    return format_html(
        ' <span class="small text-body-secondary">returned {}×</span>', int(count)
    )


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
    made here costs about two, one of them ``format_html`` escaping every value
    from the database."""
    functions, priorities, statuses = (
        _labels("function"),
        _labels("priority"),
        _labels("status"),
    )
    row = "".join(
        (
            "<tr>",
            _SELECT_CELL if select else "",
            _TITLE_CELL,
            _FIRM_CELL if show_firm else "",
            _COMMON_CELLS,
            _ASSIGNEE_CELL if show_assignee else "",
            _DUE_CELL,
            "</tr>",
        )
    )
    out = []
    for t in rows:
        if t.matter_id is None:
            matter = _DASH
        elif t.matter_visible:
            matter = t.matter.number
        else:
            matter = _NOT_OPENED
        values = {
            "href": task_href(t),
            "title": t.title,
            "flagged": _FLAGGED if t.has_open_flag else _BLANK,
            "returned": _returned(t.rework_count),
            "matter": matter,
            "function": functions.get(t.function, t.function),
            "priority": t.priority,
            "priority_label": priorities.get(t.priority, t.priority),
            "status": t.status,
            "status_label": statuses.get(t.status, t.status),
            "due": _due_html(t, now),
        }
        if select:
            values["public_id"] = t.public_id
            values["revision"] = t.revision
            working = t.status in ("open", "returned")
            values["disabled"] = (
                _DISABLED if select_only_working and not working else _BLANK
            )
        if show_firm:
            values["firm_href"] = firm_href(t.firm)
            values["firm"] = t.firm.name
        if show_assignee:
            values["assignee"] = t.assignee if t.assignee_id else "No one yet"
        out.append(format_html(row, **values))
    if not out:
        out.append(
            format_html(
                '<tr><td colspan="9" class="text-body-secondary">{}</td></tr>', empty
            )
        )
    return format_html_join("\n", "{}", ((line,) for line in out))


def _time_html(moment):
    """``<time>`` of a moment in the viewer's zone: Django's ``date:'c'`` and
    ``date:"M j, g:i A T"``, by ``isoformat`` and ``strftime``."""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(),
        when(local, local.tzinfo),
    )


_REVIEW_ROW = (
    '<tr><td><a href="{href}">{title}</a>{flagged}</td><td>{matter}</td>'
    "<td>{assignee}</td><td>{waiting}</td><td>{again}</td><td>{due}</td></tr>"
)
_NOTHING_FOR_REVIEW = mark_safe(  # noqa: S308
    '<tr><td colspan="6" class="text-body-secondary">'
    "Nothing is waiting for review.</td></tr>"
)
_NOTHING_FOR_YOU = mark_safe(  # noqa: S308
    '<tr><td colspan="6" class="text-body-secondary">'
    'Nothing is waiting for you — <a href="?who=all">see everyone\'s</a>.</td></tr>'
)


@register.simple_tag
def review_rows_html(rows, now, *, everyone=False):
    """The rows of the review queue (``_review_queue_partial.html``), made in
    Python as ``task_rows_html`` is; every value from the database escaped."""
    out = []
    for t in rows:
        times = int(t.rework_count or 0)
        out.append(
            format_html(
                _REVIEW_ROW,
                href=task_href(t),
                title=t.title,
                flagged=_FLAGGED if t.has_open_flag else _BLANK,
                matter=t.matter.number if t.matter_id and t.matter.number else _DASH,
                assignee=t.assignee if t.assignee_id else _DASH,
                waiting=since(t.submitted_at, now),
                again=f"{times} time{'s' if times != 1 else ''}" if times else "No",
                due=_time_html(t.due_at) if t.due_at else _DASH,
            )
        )
    if not out:
        return _NOTHING_FOR_REVIEW if everyone else _NOTHING_FOR_YOU
    return format_html_join("\n", "{}", ((line,) for line in out))


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
