"""Shared page helpers (web/pages.py, web/forms.py)."""

from types import SimpleNamespace

import pytest

from firmdesk.web.forms import text_area
from firmdesk.web.intake.forms import lines
from firmdesk.web.pages import viewer_zone


@pytest.mark.parametrize(
    ("mine", "firms", "shown"),
    [
        ("Asia/Manila", "America/New_York", "Asia/Manila"),
        ("", "America/New_York", "America/New_York"),
        ("America", "America/Chicago", "America/Chicago"),  # a folder, not a zone
        (None, "Nowhere/Atlantis", "UTC"),
    ],
)
def test_times_show_in_the_viewers_zone_else_the_firms_else_utc(mine, firms, shown):
    request = SimpleNamespace(user=SimpleNamespace(time_zone=mine))
    scope = SimpleNamespace(firm=SimpleNamespace(time_zone=firms))
    assert viewer_zone(request, scope).key == shown


def test_one_name_per_line_ignores_blank_lines_and_edges():
    assert lines("  Carl Whitfield \n\n Acme Logistics\n  \n") == [
        "Carl Whitfield",
        "Acme Logistics",
    ]
    assert lines("") == [] and lines(None) == []


def test_a_text_box_has_the_rows_asked_for():
    assert text_area().attrs["rows"] == 3
    box = text_area(10, placeholder="Steps")
    assert (box.attrs["rows"], box.attrs["placeholder"]) == (10, "Steps")
