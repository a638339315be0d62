"""Select lists are drawn by FirmDesk's copy of Django's select template, which
writes each option inline (settings.FORM_RENDERER; the page bench found two
template includes an option were a tenth of a filtered list's time). It must
draw what Django's own templates draw — the same elements, attributes and
text (the blank lines between options aside): groups, the chosen option,
true and false attributes, text that needs escaping."""

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import engines
from django.test.html import parse_html

CHOICES = [
    ("", "Any"),
    ("Open work", [("open", "Open"), ("returned", "Returned <to you>")]),
    ("Finished", [("done", "Done & approved"), (7, "Number seven")]),
    ("late", "Late"),
]


def _widgets():
    yield forms.Select(
        choices=CHOICES, attrs={"class": "form-select", "required": True}
    )
    yield forms.Select(
        choices=CHOICES, attrs={"disabled": False, "aria-label": "Status"}
    )
    yield forms.SelectMultiple(choices=CHOICES, attrs={"class": "form-select"})
    yield forms.NullBooleanSelect(attrs={"class": "form-select"})


def test_select_lists_are_drawn_as_djangos_own_templates_draw_them():
    ours = get_default_renderer()
    djangos = DjangoTemplates()
    drawn = 0
    for widget in _widgets():
        values = [None, "returned", 7, "late", "true", False]
        if widget.allow_multiple_selected:
            values.append(["done", "7"])
        for value in values:
            mine = widget.render("status", value, renderer=ours)
            theirs = widget.render("status", value, renderer=djangos)
            assert parse_html(mine) == parse_html(theirs)
            assert mine.count("<option") == theirs.count("<option")
            drawn += 1
    assert drawn == 4 * 6 + 1


def test_the_select_template_drawn_is_firmdesks_inline_one():
    template = engines["django"].get_template("django/forms/widgets/select.html")
    assert "firmdesk/web/templates" in str(template.origin.name)
    assert "include" not in template.template.source.split("{% endcomment %}")[1]
