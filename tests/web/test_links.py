"""The layout's and the tables' links (``{% page_url %}``, ``{% row_url %}``)
are the very URLs ``{% url %}`` gives, reversed once rather than on every use
(issue 22: thirty links a page and one or two a row cost a page milliseconds)."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from firmdesk.web.templatetags.links import page_href, row_href

ROW_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    "name", ["work:task_detail", "intake:lead_detail", "billing:invoice_detail"]
)
def test_a_row_link_is_the_url_tags_link(name):
    assert row_href(name, "okafor-law", ROW_ID) == reverse(
        name, args=["okafor-law", ROW_ID]
    )
    assert row_href(name, "okafor-law", str(ROW_ID)) == reverse(
        name, args=["okafor-law", ROW_ID]
    )
    assert row_href(name, "brandt-llp", ROW_ID).startswith("/f/brandt-llp/")


def test_a_row_link_to_a_row_without_an_id_fails_as_the_url_tag_does():
    # A matter its viewer may not open is drawn with no public id
    # (access.guard): no link to it may be made.
    with pytest.raises(ValueError):
        row_href("work:task_detail", "okafor-law", None)
    with pytest.raises(ValueError):
        row_href("work:task_detail", "okafor-law", "")


def test_a_layout_link_is_the_url_tags_link():
    assert page_href("today:today") == reverse("today:today")
    assert page_href("work:task_list", "okafor-law") == reverse(
        "work:task_list", args=["okafor-law"]
    )
    assert page_href("work:task_list", "brandt-llp") == reverse(
        "work:task_list", args=["brandt-llp"]
    )


def test_links_follow_the_script_prefix_the_site_is_served_under():
    layout = page_href("work:task_list", "okafor-law")
    row = row_href("work:task_detail", "okafor-law", ROW_ID)
    set_script_prefix("/desk/")
    try:
        assert page_href("work:task_list", "okafor-law") == "/desk" + layout
        assert row_href("work:task_detail", "okafor-law", ROW_ID) == "/desk" + row
    finally:
        set_script_prefix("/")
    assert page_href("work:task_list", "okafor-law") == layout


def test_the_tags_draw_the_same_as_the_url_tag():
    drawn = Template(
        "{% load links %}{% row_url 'work:task_detail' slug id %}|"
        "{% page_url 'work:task_list' slug as u %}{{ u }}|"
        "{% url 'work:task_detail' slug id %}|{% url 'work:task_list' slug %}"
    ).render(Context({"slug": "okafor-law", "id": ROW_ID}))
    row, layout, row_by_url, layout_by_url = drawn.split("|")
    assert (row, layout) == (row_by_url, layout_by_url)
