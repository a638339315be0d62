"""Forms of the receivables pages."""

import datetime

from django import forms

from firmdesk.billing.receivables import NOTE_MAX
from firmdesk.web.forms import DateInput, Styled


class AsOfForm(Styled, forms.Form):
    as_of = forms.DateField(
        required=False,
        widget=DateInput,
        label="As of",
        error_messages={"invalid": "Enter the date as a day, for example 2026-03-31."},
    )

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day is not None and not (
            datetime.date(1900, 1, 1) <= day <= datetime.date(2199, 12, 31)
        ):
            raise forms.ValidationError("Choose a date between 1900 and 2199.")
        return day


class CollectionNoteForm(Styled, forms.Form):
    text = forms.CharField(
        label="What was done or agreed",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Keep the note to {NOTE_MAX} characters.",
        },
    )
    next_step_on = forms.DateField(
        required=False,
        widget=DateInput,
        label="Next step on (optional)",
        help_text="The day to follow up again, if one was agreed.",
        error_messages={"invalid": "Enter the date as a day, for example 2026-03-31."},
    )
