"""Every form gets Bootstrap's classes the same way: select lists as lists,
radio buttons and tick boxes as check inputs (a radio styled as a select list
draws a box around each button)."""

from django import forms

from firmdesk.web.forms import Styled
from firmdesk.web.matters.forms import DecisionForm


class Sample(Styled, forms.Form):
    name = forms.CharField(label="Name")
    kind = forms.ChoiceField(choices=[("a", "A")], label="Kind")
    answer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )
    areas = forms.MultipleChoiceField(
        choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )
    agree = forms.BooleanField(required=False)
    confirm = forms.BooleanField(label="I have read the agreement.")


def test_each_widget_gets_its_bootstrap_class_and_plain_messages():
    form = Sample()
    classes = {name: f.widget.attrs["class"] for name, f in form.fields.items()}
    assert classes == {
        "name": "form-control",
        "kind": "form-select",
        "answer": "form-check-input",
        "areas": "form-check-input",
        "agree": "form-check-input",
        "confirm": "form-check-input",
    }
    assert form.fields["name"].error_messages["required"] == "Fill in “Name”."
    assert form.fields["confirm"].error_messages["required"] == (
        "Tick the box “I have read the agreement” to go on."
    )


def test_the_conflict_decision_is_radio_buttons():
    html = str(DecisionForm()["decision"])
    assert 'type="radio"' in html and 'class="form-check-input"' in html
    assert "form-select" not in html
