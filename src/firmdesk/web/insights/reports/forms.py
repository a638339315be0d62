"""Forms of the review report pages. The rules live in insights.reports; the
forms turn what was typed into values and word the first problems plainly."""

import datetime

from django import forms

from firmdesk.insights.models import InsightsSettings
from firmdesk.web.forms import Styled


class ProduceForm(Styled, forms.Form):
    engagement = forms.ModelChoiceField(
        label="Engagement",
        queryset=None,  # the firm's, set by __init__
        to_field_name="public_id",
        empty_label="Choose an engagement",
        error_messages={"invalid_choice": "Choose an engagement from the list."},
    )
    month = forms.CharField(
        label="Month",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"}),
        help_text="A month that has ended, such as 2026-03.",
    )

    def __init__(self, *args, engagements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = engagements
        self.fields["engagement"].label_from_instance = lambda e: (
            f"{e.name} ({e.get_status_display().lower()})"
        )

    def clean_month(self) -> datetime.date:
        text = self.cleaned_data["month"].strip()
        try:
            return datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                f"“{text}” is not a month. Write the year and month as "
                "YYYY-MM, such as 2026-03."
            ) from None


class SettingsForm(Styled, forms.Form):
    report_cadence = forms.ChoiceField(
        label="After an engagement's first three months, send its review report",
        choices=InsightsSettings.Cadence.choices,
        widget=forms.RadioSelect,
        help_text="During the first three months a report comes every month. "
        "A quarterly report covers the calendar quarter.",
        error_messages={"invalid_choice": "Choose every month or every quarter."},
    )
