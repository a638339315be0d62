"""The filters above the audit trail."""

from django import forms

from firmdesk.audit.actions import grouped_choices
from firmdesk.web.forms import DateInput, style_field

SYSTEM = "system"


class TrailFilterForm(forms.Form):
    """Every filter is optional; the same filters drive the page and the CSV.

    ``people`` are the (public id, name) pairs of everyone in the firm's trail,
    ``actions`` the actions it holds, so the lists offer only what can match."""

    person = forms.ChoiceField(label="Person", required=False)
    matter = forms.CharField(
        label="Matter (number or name)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "e.g. M-2026-001 or Lopez"}),
    )
    action = forms.ChoiceField(label="What happened", required=False)
    start = forms.DateField(label="From", required=False, widget=DateInput)
    end = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args, people, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            ("", "Everyone"),
            *people,
            (SYSTEM, "FirmDesk itself (no person)"),
        ]
        self.fields["action"].choices = [
            ("", "Anything"),
            *grouped_choices(actions),
        ]
        for field in self.fields.values():
            style_field(field)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end", "The end date is before the start date: swap them or fix one."
            )
        return data
