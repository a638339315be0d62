"""The cells a task table makes in Python: the same link and the same words
as the template tags they replace."""

import datetime
import zoneinfo
from pathlib import Path

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from firmdesk.web.templatetags.work_tags import due_cell, firm_href, task_href
from firmdesk.work.models import Task
from tests import factories as f

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_task_href_is_the_tasks_page_in_each_firm(firm, other_firm):
    for org in (firm, other_firm):
        task = f.task(org, title="<b>Call</b>")
        assert task_href(task) == reverse(
            "work:task_detail", args=[org.slug, task.public_id]
        )
        assert firm_href(org) == reverse("today:firm_today", args=[org.slug])


def test_due_cell_shows_the_viewers_time_and_lateness():
    now = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)
    late = Task(due_at=now - datetime.timedelta(hours=3), status="open")
    soon = Task(due_at=now + datetime.timedelta(days=2), status="in_progress")
    handed_in = Task(due_at=now - datetime.timedelta(hours=1), status="submitted")
    with timezone.override(NEW_YORK):
        assert due_cell(late, now) == (
            '<time datetime="2026-11-27T12:00:00-05:00">'
            "Nov 27, 2026, 12:00 PM EST</time>"
            '<br><span class="small text-danger fw-semibold">late by 3 hours</span>'
        )
        assert due_cell(soon, now).endswith(
            '<span class="small text-body-secondary">due in 2 days</span>'
        )
        # Handed in: no longer the assistant's clock to watch.
        assert due_cell(handed_in, now) == (
            '<time datetime="2026-11-27T14:00:00-05:00">'
            "Nov 27, 2026, 2:00 PM EST</time>"
        )
    assert due_cell(Task(due_at=None, status="open"), now) == "—"


def test_the_table_template_renders_the_cells(firm):
    task = f.task(firm, due_at=timezone.now() - datetime.timedelta(minutes=30))
    html = Template(
        "{% load work_tags %}<a href='{{ t|task_href }}'>x</a>{% due_cell t now %}"
    ).render(Context({"t": task, "now": timezone.now()}))
    assert f"/{task.public_id}/" in html and "late by 30 minutes" in html


def test_quick_select_renders_what_djangos_select_does():
    from django import forms

    from firmdesk.web.forms import QuickSelect

    choices = [
        ("", "Any <kind>"),
        ("a&b", "A & B"),
        ("Group", [("x", "X"), ("y", "Y")]),
    ]
    attrs = {"class": "form-select", "required": True, "disabled": False}
    for value in ("", "a&b", "y", "missing"):
        quick = QuickSelect(attrs=attrs, choices=choices).render("kind", value)
        django = forms.Select(attrs=attrs, choices=choices).render("kind", value)
        assert quick == "".join(line.strip() for line in django.splitlines())


def test_quick_inputs_render_what_djangos_inputs_do():
    from django import forms

    from firmdesk.web.forms import QuickCheckbox, QuickTextInput

    attrs = {"class": "form-control", "maxlength": "100", "required": False}
    for value in (None, "", 'Lopez "v." <Acme> & co', 42):
        quick = QuickTextInput(attrs=attrs).render("q", value)
        assert quick == forms.TextInput(attrs=attrs).render("q", value)
    for value in (None, False, True, "on", ""):
        quick = QuickCheckbox(attrs={"class": "form-check-input"}).render("f", value)
        django = forms.CheckboxInput(attrs={"class": "form-check-input"})
        assert quick == django.render("f", value)


def test_the_filter_form_keeps_what_was_typed_and_ticked():
    from firmdesk.web.work.forms import TaskFilterForm

    form = TaskFilterForm({"q": "Lopez & <co>", "flagged": "on"})
    html = str(form["q"]) + str(form["flagged"])
    assert 'value="Lopez &amp; &lt;co&gt;"' in html
    assert 'placeholder="Title or matter number"' in html
    assert 'type="checkbox" name="flagged"' in html and " checked" in html


# The rows as the template language made them before ``task_rows_html``: the
# markup the pages, their tests and the stylesheet were written against.
TEMPLATE_ROWS = (Path(__file__).parent / "task_rows_reference.html").read_text()


def _markup(html: str) -> str:
    import re

    return re.sub(r">\s+<", "><", html).strip()


def test_task_rows_made_in_python_are_the_templates_rows(firm, other_firm, matter):
    from firmdesk.web.templatetags.work_tags import task_rows_html

    now = timezone.now()
    person = f.member(firm, ["attorney"], email="o@hale.test", full_name="O'Neil <Jr>")
    rows = [
        f.task(
            firm,
            matter=matter,
            assignee=person,
            title='Call "Lopez" <script>alert(1)</script> & co',
            status="returned",
            rework_count=2,
            priority="urgent",
            due_at=now - datetime.timedelta(hours=5),
        ),
        f.task(firm, matter=matter, status="submitted", function="documents"),
        f.task(
            other_firm,
            status="in_progress",
            due_at=now + datetime.timedelta(days=3),
            priority="low",
        ),
        f.task(firm, status="done", function="crm"),
    ]
    # What the queue's query works out for each row.
    for row, flagged, visible in zip(
        rows, [True, False, True, False], [True, False, False, False], strict=True
    ):
        row.has_open_flag, row.matter_visible = flagged, visible
    reference = Template(TEMPLATE_ROWS)
    for options in (
        {"show_firm": True, "show_assignee": True},
        {"select": True, "select_only_working": True, "show_firm": True},
        {"select": True, "show_assignee": True},
        {},
    ):
        for shown in (rows, []):
            context = {"rows": shown, "now": now, "empty": "Nothing <here>.", **options}
            made = task_rows_html(shown, now, empty="Nothing <here>.", **options)
            assert _markup(made) == _markup(reference.render(Context(context)))
    html = task_rows_html(rows, now, select=True, select_only_working=True)
    # Nothing from the database reaches the page as markup.
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "M-2026-001" in html and "Not opened to you" in html
    assert "returned 2×" in html and html.count("Flagged") == 2
    # Only work that can be started (open or returned) can be ticked: the
    # submitted, in-progress and done rows cannot.
    assert html.count(" disabled>") == 3


def test_review_rows_made_in_python_are_the_templates_rows(firm, matter):
    from firmdesk.web.templatetags.work_tags import review_rows_html

    reference = Template(
        (Path(__file__).parent / "review_rows_reference.html").read_text()
    )
    now = timezone.now()
    person = f.member(firm, ["attorney"], email="r@hale.test", full_name="Rae <Q>")
    rows = [
        f.task(
            firm,
            matter=matter,
            assignee=person,
            title="<i>Draft</i> & send",
            status="submitted",
            submitted_at=now - datetime.timedelta(hours=26, minutes=5),
            due_at=now + datetime.timedelta(hours=3),
            rework_count=1,
        ),
        f.task(
            firm,
            status="submitted",
            submitted_at=now - datetime.timedelta(minutes=40),
            rework_count=3,
        ),
    ]
    for row, flagged in zip(rows, [False, True], strict=True):
        row.has_open_flag = flagged
    with timezone.override(NEW_YORK):
        for everyone in (True, False):
            for shown in (rows, []):
                context = {"page": shown, "now": now, "everyone": everyone}
                made = review_rows_html(shown, now, everyone=everyone)
                assert _markup(made) == _markup(reference.render(Context(context)))
    html = review_rows_html(rows, now)
    assert "&lt;i&gt;Draft&lt;/i&gt; &amp; send" in html and "Rae &lt;Q&gt;" in html
    assert "1 day 2 hours" in html and "3 times" in html and "1 time<" in html
