"""What each row of a task table and of the review queue shows, as plain values.

The rows are drawn by templates (``web/work/_task_rows.html``,
``_review_queue_partial.html``); this module only works out, once a row, the
words and links they show, so that the template does dict lookups and ``{% if
%}``s and nothing else. Fifty rows drawn straight from the model instances cost
a queue page 5–9 ms: every ``{{ t.title }}`` first tries ``t["title"]`` (a
TypeError on a model instance) before the attribute, ``{% url %}`` walks the
URLconf each row, ``|date:'c'`` runs Django's date formatter, and a column that
is not shown (``select`` on the team queue) is looked up through the page's
whole context each row. A dict answers the first lookup, the task's link is
reversed once a firm (``common.links.row_link``), and the due time is written
once with ``common.times.when``.

Values, not markup: a title or a name goes to the template as the text it is,
and the template's autoescaping writes it into the page. Nothing here is marked
safe.

Called while the page is drawn (by the ``{% task_rows %}`` and ``{% review_rows
%}`` tags), so a matter the viewer may not open comes back as the hidden matter
(``access.guard``), and times are written in the viewer's zone
(``ViewerZoneMiddleware``).
"""

import datetime
import functools

from django.utils import timezone

from firmdesk.common.links import row_link
from firmdesk.common.times import when
from firmdesk.web.templatetags.links import page_href

# Work that can still be started from the queue (ticked and "Start the ticked
# tasks"); the other rows' boxes are disabled there.
STARTABLE = ("open", "returned")


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


def due_phrase(task, now) -> str:
    """ "late by 2 hours" or "due in 3 days" for work not yet handed in: the
    assistant's clock to watch. Handed-in and finished work has none."""
    if task.due_at is None or task.status not in task.WORKING_STATUSES:
        return ""
    if task.due_at < now:
        return f"late by {duration_words(now - task.due_at)}"
    return f"due in {duration_words(task.due_at - now)}"


@functools.lru_cache(maxsize=8)
def _labels(field: str) -> dict[str, str]:
    """A Task field's choices, value → label (``get_<field>_display``), read
    once a process instead of once a cell."""
    from firmdesk.work.models import Task

    return {key: str(label) for key, label in Task._meta.get_field(field).flatchoices}


def _due(moment, zone) -> tuple[str, str]:
    """The ``datetime`` attribute (ISO 8601) and the text of a ``<time>`` for a
    moment in the viewer's ``zone``: what ``|date:'c'`` and ``|when`` write, by
    ``isoformat`` and ``strftime`` (a tenth of Django's date formatter)."""
    local = moment.astimezone(zone)
    return local.isoformat(), when(local, zone)


def _times(count) -> str:
    """No, 1 time, 3 times: how often work was returned before."""
    count = int(count or 0)
    return f"{count} time{'s' if count != 1 else ''}" if count else "No"


def task_href(task) -> str:
    """The task's page (``{% url 'work:task_detail' slug public_id %}``),
    reversed once a firm."""
    return row_link("work:task_detail", task.public_id, args=(task.firm.slug,))


def task_rows(
    tasks,
    now: datetime.datetime,
    *,
    select: bool = False,
    select_only_working: bool = False,
    show_firm: bool = False,
    show_assignee: bool = False,
) -> list[dict]:
    """One dict a row of ``_task_rows.html``, with only the columns shown: a
    column left out reads nothing (the assignee of a task is not loaded for a
    table without that column)."""
    functions, priorities, statuses = (
        _labels("function"),
        _labels("priority"),
        _labels("status"),
    )
    zone = timezone.get_current_timezone()
    firm_hrefs: dict[int, str] = {}
    rows = []
    for t in tasks:
        # Task-only access: the row says there is a matter, never which.
        hidden = t.matter_id is not None and not t.matter_visible
        row = {
            "href": task_href(t),
            "title": t.title,
            "flagged": t.has_open_flag,
            # Numbers as text: the template language would localize each.
            "returned": str(t.rework_count) if t.rework_count else "",
            "matter": t.matter.number if t.matter_id and not hidden else "",
            "matter_hidden": hidden,
            "function": functions.get(t.function, t.function),
            "priority": t.priority,
            "priority_label": priorities.get(t.priority, t.priority),
            "status": t.status,
            "status_label": statuses.get(t.status, t.status),
            "due_iso": "",
            "due_text": "",
            "due_phrase": "",
            "late": False,
        }
        if t.due_at is not None:
            row["due_iso"], row["due_text"] = _due(t.due_at, zone)
            row["due_phrase"] = due_phrase(t, now)
            row["late"] = t.due_at < now
        if select:
            row["public_id"] = str(t.public_id)
            row["revision"] = str(t.revision)
            row["disabled"] = select_only_working and t.status not in STARTABLE
        if show_firm:
            row["firm"] = t.firm.name
            if t.firm_id not in firm_hrefs:
                firm_hrefs[t.firm_id] = page_href("today:firm_today", t.firm.slug)
            row["firm_href"] = firm_hrefs[t.firm_id]
        if show_assignee:
            row["assignee"] = str(t.assignee) if t.assignee_id else ""
        rows.append(row)
    return rows


def brief_rows(tasks, now, slug: str) -> list[dict]:
    """One dict a row of the short task tables (``web/_task_table.html``: Today,
    a matter's tasks), all of one firm, whose ``slug`` the page knows: the rows
    (``work.selectors.brief_rows``) do not load their firm. Without ``now`` (a
    page that gives none) no row is marked late."""
    functions, statuses = _labels("function"), _labels("status")
    zone = timezone.get_current_timezone()
    rows = []
    for t in tasks:
        row = {
            "href": row_link("work:task_detail", t.public_id, args=(slug,)),
            "title": t.title,
            "function": functions.get(t.function, t.function),
            "status": t.status,
            "status_label": statuses.get(t.status, t.status),
            "assignee": str(t.assignee) if t.assignee_id else "",
            "due_iso": "",
            "due_text": "",
            "late": False,
        }
        if t.due_at is not None:
            row["due_iso"], row["due_text"] = _due(t.due_at, zone)
            row["late"] = bool(now) and t.due_at < now
        rows.append(row)
    return rows


def review_rows(tasks, now: datetime.datetime) -> list[dict]:
    """One dict a row of the review queue (``_review_queue_partial.html``)."""
    zone = timezone.get_current_timezone()
    rows = []
    for t in tasks:
        row = {
            "href": task_href(t),
            "title": t.title,
            "flagged": t.has_open_flag,
            # A hidden matter (access.guard) has no number: shown as none.
            "matter": t.matter.number if t.matter_id else "",
            "assignee": str(t.assignee) if t.assignee_id else "",
            "waiting": duration_words(now - t.submitted_at) if t.submitted_at else "",
            "returned_before": _times(t.rework_count),
            "due_iso": "",
            "due_text": "",
        }
        if t.due_at is not None:
            row["due_iso"], row["due_text"] = _due(t.due_at, zone)
        rows.append(row)
    return rows
