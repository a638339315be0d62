"""The form bits every area shares: Bootstrap classes and plain messages on
every field, inputs made in Python for the busy filter rows, dates, zones."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


def style_field(field: forms.Field) -> None:
    """The Bootstrap class of the field's widget and plain messages."""
    widget = field.widget
    # Radio buttons and tick boxes (CheckboxSelectMultiple is a RadioSelect,
    # and RadioSelect a Select) are check inputs, not select lists.
    if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = css
    if field.required and field.label and isinstance(widget, forms.CheckboxInput):
        # A box to tick is not filled in; its label may be a whole sentence.
        field.error_messages["required"] = (
            f"Tick the box “{field.label.rstrip('.')}” to go on."
        )
    elif field.required and field.label:
        field.error_messages["required"] = f"Fill in “{field.label}”."
    if getattr(field, "empty_label", None) == "---------":
        field.empty_label = "Choose…"


class Styled:
    """Bootstrap classes on every widget, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class QuickSelect(forms.Select):
    """A single-choice list made in Python. Django renders each option through
    templates; the seven lists above a task table cost about 5 ms a page that way
    (bench/queues.py). The same HTML, without the whitespace between tags."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _ in widget["optgroups"]:
            shown = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        "" if o["value"] is None else str(o["value"]),
                        flatatt(o["attrs"]),
                        o["label"],
                    )
                    for o in options
                ),
            )
            if group_name:
                shown = format_html(
                    '<optgroup label="{}">{}</optgroup>', group_name, shown
                )
            parts.append((shown,))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", parts),
        )


class QuickInputMixin:
    """An ``<input>`` made in Python: the same HTML as Django's input template,
    which costs a template render per box (the filters above a task table)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            "" if shown is None else format_html(' value="{}"', str(shown)),
            flatatt(widget["attrs"]),
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickCheckbox(QuickInputMixin, forms.CheckboxInput):
    pass


class DateInput(forms.DateInput):
    input_type = "date"


def text_area(rows: int = 3, **attrs):
    """A text box of ``rows`` lines, for the forms' longer answers."""
    return forms.Textarea(attrs={"rows": rows, **attrs})
