"""Words for times and durations on the work pages ("late by 2 hours"), and the
values of the task tables' rows.

The rows themselves are markup in templates (``web/work/_task_rows.html``,
``_review_queue_partial.html``, ``web/_task_table.html``); ``{% task_rows %}``,
``{% review_rows %}`` and ``{% brief_task_rows %}`` hand those templates one
dict of plain values a row (``web.work.rows``), so fifty rows cost dict
lookups rather than attribute lookups, URL reversals and date formatting in
the template language.
"""

from django import template

from firmdesk.web.work import rows as row_values
from firmdesk.web.work.rows import duration_words

register = template.Library()


@register.simple_tag
def task_rows(
    tasks,
    now,
    *,
    select=False,
    select_only_working=False,
    show_firm=False,
    show_assignee=False,
):
    """``{% task_rows page now select=… show_firm=… as cells %}``: what each row
    of a task table shows (``web.work.rows.task_rows``)."""
    return row_values.task_rows(
        tasks,
        now,
        select=bool(select),
        select_only_working=bool(select_only_working),
        show_firm=bool(show_firm),
        show_assignee=bool(show_assignee),
    )


@register.simple_tag
def brief_task_rows(tasks, now, slug):
    """``{% brief_task_rows tasks now slug as cells %}``: what each row of a
    short task table of one firm shows (``web.work.rows.brief_rows``)."""
    return row_values.brief_rows(tasks, now, slug)


@register.simple_tag
def review_rows(tasks, now):
    """``{% review_rows page now as cells %}``: what each row of the review
    queue shows (``web.work.rows.review_rows``)."""
    return row_values.review_rows(tasks, now)


@register.filter
def duration(delta) -> str:
    return duration_words(delta) if delta is not None else ""


@register.filter
def due_phrase(task, now) -> str:
    """ "late by 2 hours" or "due in 3 days" for work not yet handed in."""
    return row_values.due_phrase(task, now)


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
