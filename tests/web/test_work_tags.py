"""The rows of the task tables and of the review queue, as a user reads them:
each cell's words and links, in the viewer's time zone, with nothing from the
database reaching the page as markup."""

import datetime
import zoneinfo
from html.parser import HTMLParser

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)


class _Table(HTMLParser):
    """The body rows of a table: per cell its text (spaces collapsed), its
    links (href, text) and its inputs' attributes."""

    def __init__(self):
        super().__init__()
        self.rows, self._body, self._cell, self._link = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self._body = True
        elif self._body and tag == "tr":
            self.rows.append([])
        elif self._body and tag == "td":
            self._cell = {"text": "", "links": [], "inputs": [], "times": []}
            self._cell["attrs"] = attrs
            self.rows[-1].append(self._cell)
        elif self._cell is not None and tag == "a":
            self._link = [attrs["href"], ""]
            self._cell["links"].append(self._link)
        elif self._cell is not None and tag == "input":
            self._cell["inputs"].append(attrs)
        elif self._cell is not None and tag == "time":
            self._cell["times"].append(attrs["datetime"])
        elif self._cell is not None and tag == "br":
            self._cell["text"] += " "

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._body = False
        elif tag == "td" and self._cell is not None:
            self._cell["text"] = " ".join(self._cell["text"].split())
            self._cell = None
        elif tag == "a" and self._link is not None:
            self._link[1] = " ".join(self._link[1].split())
            self._link = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data
        if self._link is not None:
            self._link[1] += data


def _rows(html: str) -> list[list[dict]]:
    table = _Table()
    table.feed(html)
    return table.rows


def _texts(row: list[dict]) -> list[str]:
    return [cell["text"] for cell in row]


def _task_table(rows, **options):
    html = render_to_string(
        "web/work/_task_rows.html",
        {"rows": rows, "now": NOW, "empty": "Nothing <here>.", **options},
    )
    return html, _rows(html)


def _queue_rows(firm, other_firm, matter):
    """Rows as the queues' query gives them (``work.selectors._with_row_data``):
    whether a row has an open flag, and whether its matter may be shown."""
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
            due_at=NOW - datetime.timedelta(hours=5),
        ),
        f.task(firm, matter=matter, status="submitted", function="documents"),
        f.task(
            other_firm,
            status="in_progress",
            due_at=NOW + datetime.timedelta(days=3),
            priority="low",
            title="Book the room",
        ),
        f.task(
            firm,
            status="submitted",
            function="crm",
            title="Enter the contacts",
            due_at=NOW - datetime.timedelta(hours=1),
        ),
    ]
    for row, flagged, visible in zip(
        rows, [True, False, True, False], [True, False, False, False], strict=True
    ):
        row.has_open_flag, row.matter_visible = flagged, visible
    return rows


def test_a_task_row_shows_its_cells_with_links_into_its_firm(firm, other_firm, matter):
    rows = _queue_rows(firm, other_firm, matter)
    with timezone.override(NEW_YORK):
        _, table = _task_table(rows, show_firm=True, show_assignee=True)
    assert len(table) == 4
    late, hidden, elsewhere, handed_in = table
    assert _texts(late) == [
        'Call "Lopez" <script>alert(1)</script> & co Flagged returned 2×',
        "Hale & Ortiz LLP",
        "M-2026-001",
        "Scheduling",
        "Urgent",
        "Returned for changes",
        "O'Neil <Jr>",
        "Nov 27, 2026, 10:00 AM EST late by 5 hours",
    ]
    assert late[0]["links"] == [
        [
            reverse("work:task_detail", args=[firm.slug, rows[0].public_id]),
            'Call "Lopez" <script>alert(1)</script> & co',
        ]
    ]
    assert late[1]["links"] == [
        [reverse("today:firm_today", args=[firm.slug]), "Hale & Ortiz LLP"]
    ]
    assert late[-1]["times"] == ["2026-11-27T10:00:00-05:00"]
    # Task-only access: the row says there is a matter, never which.
    assert _texts(hidden)[1:7] == [
        "Hale & Ortiz LLP",
        "Not opened to you",
        "Document preparation",
        "Normal",
        "Waiting for review",
        "No one yet",
    ]
    assert _texts(hidden)[-1] == "—"
    # Each row links into its own firm's space.
    assert elsewhere[0]["links"][0][0] == reverse(
        "work:task_detail", args=[other_firm.slug, rows[2].public_id]
    )
    assert _texts(elsewhere) == [
        "Book the room Flagged",
        "Brandt Legal PC",
        "—",
        "Scheduling",
        "Low",
        "In progress",
        "No one yet",
        "Nov 30, 2026, 3:00 PM EST due in 3 days",
    ]
    # Handed in: late or not, no longer the assistant's clock to watch.
    assert _texts(handed_in)[-1] == "Nov 27, 2026, 2:00 PM EST"


def test_lateness_is_marked_as_urgent_and_time_to_go_as_quiet(firm, other_firm, matter):
    rows = _queue_rows(firm, other_firm, matter)
    html, _ = _task_table(rows)
    assert '<span class="small text-danger fw-semibold">late by 5 hours</span>' in html
    assert '<span class="small text-body-secondary">due in 3 days</span>' in html


def test_a_title_or_name_from_the_database_is_text_never_markup(
    firm, other_firm, matter
):
    rows = _queue_rows(firm, other_firm, matter)
    for options in ({"show_assignee": True}, {"select": True, "show_firm": True}):
        html, _ = _task_table(rows, **options)
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "<Jr>" not in html and "<here>" not in html
    html, _ = _task_table(rows, select=True)
    assert 'aria-label="Select “Call &quot;Lopez&quot; &lt;script&gt;' in html


def test_the_columns_are_those_the_table_asks_for(firm, other_firm, matter):
    rows = _queue_rows(firm, other_firm, matter)
    _, table = _task_table(rows)
    assert len(table[0]) == 6
    assert _texts(table[0])[:2] == [
        'Call "Lopez" <script>alert(1)</script> & co Flagged returned 2×',
        "M-2026-001",
    ]
    _, table = _task_table(rows, select=True, show_firm=True, show_assignee=True)
    assert len(table[0]) == 9


def test_only_work_that_can_be_started_can_be_ticked_in_my_queue(
    firm, other_firm, matter
):
    rows = _queue_rows(firm, other_firm, matter)
    _, table = _task_table(rows, select=True, select_only_working=True)
    boxes = [row[0]["inputs"] for row in table]
    for (box, revision), task in zip(boxes, rows, strict=True):
        assert box["value"] == str(task.public_id)
        assert box["id"] == f"pick-{task.public_id}"
        assert revision == {
            "type": "hidden",
            "name": f"rev_{task.public_id}",
            "value": str(task.revision),
        }
    # Returned can be started again; in progress and waiting for review cannot.
    assert ["disabled" in box for box, _ in boxes] == [False, True, True, True]
    # The firm's list ticks any row, for reassigning or cancelling.
    _, table = _task_table(rows, select=True)
    assert not any("disabled" in row[0]["inputs"][0] for row in table)


def test_an_empty_task_table_says_so(firm):
    html, table = _task_table([], select=True, show_firm=True)
    assert _texts(table[0]) == ["Nothing <here>."]
    assert table[0][0]["attrs"]["colspan"] == "9"
    assert "Nothing &lt;here&gt;." in html


def test_times_are_in_the_viewers_zone(firm, other_firm, matter):
    rows = _queue_rows(firm, other_firm, matter)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Manila")):
        _, table = _task_table(rows)
    assert _texts(table[0])[-1] == "Nov 27, 2026, 11:00 PM PHT late by 5 hours"
    assert table[0][-1]["times"] == ["2026-11-27T23:00:00+08:00"]


def _review_table(rows, *, everyone):
    html = render_to_string(
        "web/work/_review_queue_partial.html",
        {"page": Paginator(rows, 50).page(1), "now": NOW, "everyone": everyone},
    )
    return html, _rows(html)


def test_a_review_row_shows_what_waits_and_since_when(firm, matter):
    person = f.member(firm, ["attorney"], email="r@hale.test", full_name="Rae <Q>")
    rows = [
        f.task(
            firm,
            matter=matter,
            assignee=person,
            title="<i>Draft</i> & send",
            status="submitted",
            submitted_at=NOW - datetime.timedelta(hours=26, minutes=5),
            due_at=NOW + datetime.timedelta(hours=3),
            rework_count=1,
        ),
        f.task(
            firm,
            status="submitted",
            submitted_at=NOW - datetime.timedelta(minutes=40),
            rework_count=3,
        ),
        f.task(firm, status="submitted", submitted_at=NOW, title="Fresh"),
    ]
    for row, flagged in zip(rows, [False, True, False], strict=True):
        row.has_open_flag = flagged
    with timezone.override(NEW_YORK):
        html, table = _review_table(rows, everyone=True)
    assert [_texts(row) for row in table] == [
        [
            "<i>Draft</i> & send",
            "M-2026-001",
            "Rae <Q>",
            "1 day 2 hours",
            "1 time",
            "Nov 27, 2026, 6:00 PM EST",
        ],
        ["Calendar the hearing Flagged", "—", "—", "40 minutes", "3 times", "—"],
        ["Fresh", "—", "—", "less than a minute", "No", "—"],
    ]
    assert table[0][0]["links"][0][0] == reverse(
        "work:task_detail", args=[firm.slug, rows[0].public_id]
    )
    assert table[0][-1]["times"] == ["2026-11-27T18:00:00-05:00"]
    assert "&lt;i&gt;Draft&lt;/i&gt; &amp; send" in html and "Rae &lt;Q&gt;" in html


def test_an_empty_review_queue_points_to_everyones_work():
    _, table = _review_table([], everyone=True)
    assert _texts(table[0]) == ["Nothing is waiting for review."]
    _, table = _review_table([], everyone=False)
    assert _texts(table[0]) == ["Nothing is waiting for you — see everyone's."]
    assert table[0][0]["links"] == [["?who=all", "see everyone's"]]


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


def test_a_short_task_table_links_into_the_firm_it_is_drawn_for(firm, attorney):
    late = f.task(
        firm,
        assignee=attorney,
        title="File <the> motion",
        status="in_progress",
        due_at=NOW - datetime.timedelta(hours=2),
    )
    later = f.task(firm, status="open", due_at=NOW + datetime.timedelta(days=1))
    undated = f.task(firm, status="submitted", function="research")
    context = {"tasks": [late, later, undated], "slug": firm.slug, "empty": "None."}
    with timezone.override(NEW_YORK):
        html = render_to_string("web/_task_table.html", {**context, "now": NOW})
        without_now = render_to_string("web/_task_table.html", context)
    table = _rows(html)
    assert [_texts(row) for row in table] == [
        [
            "File <the> motion",
            "Scheduling",
            "In progress",
            "Owen Ortiz",
            "Nov 27, 2026, 1:00 PM EST Late",
        ],
        [
            "Calendar the hearing",
            "Scheduling",
            "Open",
            "Not assigned",
            "Nov 28, 2026, 3:00 PM EST",
        ],
        ["Calendar the hearing", "Research", "Waiting for review", "Not assigned", "—"],
    ]
    assert table[0][0]["links"] == [
        [
            reverse("work:task_detail", args=[firm.slug, late.public_id]),
            "File <the> motion",
        ]
    ]
    assert "File &lt;the&gt; motion" in html
    # A page that gives no time now marks nothing late.
    assert "Late" not in without_now
    assert _texts(_rows(render_to_string("web/_task_table.html", {}))[0]) == [
        "Nothing here."
    ]
