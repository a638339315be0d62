"""While a page is drawn, a link from a row to a matter its viewer may not open
draws as "a matter you cannot open" — whatever the template forgets to check."""

import datetime

from django.apps import apps
from django.template import engines
from django.test import RequestFactory

from firmdesk.access.guard import HIDDEN_MATTER, GuardedMatterLink
from firmdesk.access.scope import resolve_scope
from firmdesk.matters.models import Matter
from tests import factories as f

TEMPLATE = "{{ task.matter }}|{{ task.matter.number }}|{{ task.matter.is_hidden }}"


def _draw(user, firm, task):
    request = RequestFactory().get("/")
    request.user = user
    request.scope = resolve_scope(user, firm)
    return engines["django"].from_string(TEMPLATE).render({"task": task}, request)


def test_a_task_given_without_its_matter_draws_the_matter_as_hidden(
    firm, matter, ungranted_assistant
):
    task = f.task(firm, matter=matter, assignee=ungranted_assistant)
    assert _draw(ungranted_assistant, firm, task) == "a matter you cannot open||True"


def test_someone_who_may_open_the_matter_sees_it(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant)
    assert _draw(attorney, firm, task) == "M-2026-001 Lopez v. Acme|M-2026-001|False"
    assert _draw(assistant, firm, task).startswith("M-2026-001")


def test_services_outside_a_page_follow_the_link_as_usual(
    firm, matter, ungranted_assistant
):
    task = f.task(firm, matter=matter, assignee=ungranted_assistant)
    assert task.matter == matter
    assert _draw(ungranted_assistant, firm, task).startswith("a matter")
    assert task.matter == matter  # the page left nothing behind


def test_every_link_to_a_matter_is_guarded():
    links = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.many_to_one and field.concrete and field.related_model is Matter
    ]
    assert len(links) >= 8
    assert all(
        isinstance(model.__dict__[name], GuardedMatterLink) for model, name in links
    )
    assert str(HIDDEN_MATTER) == "a matter you cannot open"
    assert HIDDEN_MATTER.public_id is None and HIDDEN_MATTER.number == ""


def test_a_row_that_links_to_a_task_is_seen_through_it_or_guarded():
    """A link to a Task comes from a row declared ``through_task`` on that very
    link (a review, comment, flag, breach), so whoever sees the row sees its
    task; or the link is guarded like a matter's (billing's time entries on a
    matter the viewer may see, whose task may be of another function)."""
    from firmdesk.access.guard import GuardedTaskLink
    from firmdesk.common.models import NeedToKnow
    from firmdesk.work.models import Task

    links = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.many_to_one and field.concrete and field.related_model is Task
    ]
    assert links
    for model, name in links:
        declared = model.__dict__["need_to_know"]
        through = (declared.kind, declared.path) == (NeedToKnow.THROUGH_TASK, name)
        assert through or isinstance(model.__dict__[name], GuardedTaskLink), model


def test_a_queue_row_that_carries_its_answer_costs_no_query(firm, matter, assistant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(task):
        request = RequestFactory().get("/")
        request.user = assistant
        request.scope = resolve_scope(assistant, firm)
        template = engines["django"].from_string(TEMPLATE)
        with CaptureQueriesContext(connection) as captured:
            drawn = template.render({"task": task}, request)
        return drawn, [q["sql"] for q in captured.captured_queries]

    task = f.task(firm, matter=matter, assignee=assistant)
    task.matter  # loaded, as select_related does on a queue page
    queries(task)  # the person's access, kept across requests from here on
    drawn, asked = queries(task)
    assert drawn.startswith("M-2026-001")  # granted: the guard read the grants
    task.matter_visible = False  # the scoped query's own answer (work.selectors)
    drawn, told = queries(task)
    assert drawn == "a matter you cannot open||True"
    assert len(told) == len(asked) - 1
    assert not [q for q in told if "mattergrant" in q]


def test_time_on_a_visible_matter_draws_a_task_its_viewer_may_not_open_as_hidden(
    firm, matter, engagement, provider, attorney, assistant
):
    """A billing assistant granted the matter reads its time entries; one was
    logged on a scheduling task, which is not theirs to open."""
    from firmdesk.billing.models import TimeEntry
    from firmdesk.billing.selectors import time_entries_for

    engagement.functions = [*engagement.functions, "billing"]
    engagement.save()
    biller = f.member(
        provider, ["assistant"], email="bill@northstar.test", full_name="Bea Bell"
    )
    f.assign(engagement, biller, functions=("billing",))
    f.grant(engagement, matter, biller)
    task = f.task(firm, matter=matter, assignee=assistant, title="Secret errand")
    TimeEntry.unscoped.create(
        firm=firm,
        timekeeper=attorney,
        matter=matter,
        task=task,
        date=datetime.date(2026, 11, 16),
        hours=1,
    )
    row = (
        "{% for e in rows %}{{ e.matter.number }}|{{ e.task }}|"
        "{{ e.task.is_hidden }}{% endfor %}"
    )

    def draw(user, rows_of):
        request = RequestFactory().get("/")
        request.user = user
        request.scope = resolve_scope(user, firm)
        rows = rows_of(request.scope)
        return engines["django"].from_string(row).render({"rows": rows}, request)

    listed = draw(biller, time_entries_for)
    assert listed == "M-2026-001|a task you cannot open|True"
    assert "Secret errand" not in listed
    # Without the list's annotation the guard asks the database itself.
    plain = draw(biller, lambda scope: TimeEntry.objects.in_scope(scope))
    assert plain == listed
    # A real task has no ``is_hidden``: it draws as nothing.
    assert draw(attorney, time_entries_for) == "M-2026-001|Secret errand|"
