from django import forms

from firmdesk.documents.exhibits import DESCRIPTION_MAX, NOTES_MAX, NUMBER_MAX
from firmdesk.documents.models import Exhibit
from firmdesk.web.forms import DateInput, Styled


class ExhibitForm(Styled, forms.Form):
    number = forms.IntegerField(
        label="Number",
        required=False,
        min_value=1,
        max_value=NUMBER_MAX,
        error_messages={
            "invalid": "Give the number as digits, for example 4.",
            "min_value": "Numbers start at 1.",
            "max_value": f"Give a number up to {NUMBER_MAX}.",
        },
    )
    description = forms.CharField(
        label="Description",
        max_length=DESCRIPTION_MAX,
        help_text="As it will read on the exhibit index.",
    )
    document = forms.ModelChoiceField(
        label="Document",
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label="No document",
        help_text="One of this matter's documents, if the exhibit is one.",
        error_messages={"invalid_choice": "Choose one of this matter's documents."},
    )
    date = forms.DateField(
        label="Date",
        required=False,
        widget=DateInput,
        help_text="The exhibit's own date (of the letter, contract, photo…).",
        error_messages={"invalid": "Give a day, for example 2026-03-14."},
    )
    status = forms.ChoiceField(label="Status", choices=Exhibit.Status.choices)
    notes = forms.CharField(label="Notes", max_length=NOTES_MAX, required=False)

    def __init__(self, *args, documents, with_number: bool, next_number=None, **kw):
        super().__init__(*args, **kw)
        self.fields["document"].queryset = documents
        if with_number:
            self.fields["number"].help_text = (
                f"Leave empty for the next one ({next_number}). A number already "
                "taken puts this exhibit in there and moves the later ones up; "
                "you are asked first."
            )
        else:
            del self.fields["number"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Exhibit.Status.choices)
