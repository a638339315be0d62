"""Forms of the pre-bill review: the queue's filters and one form per action
on an entry. Nothing is chosen for the reviewer: every action is its own form
with its own button."""

from decimal import Decimal

from django import forms

from firmdesk.billing import utbms
from firmdesk.billing.prebill import FLAG_LABELS
from firmdesk.web.forms import Styled


class QueueFilterForm(Styled, forms.Form):
    matter = forms.ChoiceField(label="Matter", required=False)
    person = forms.ChoiceField(label="Timekeeper", required=False)
    flag = forms.ChoiceField(
        label="Flag",
        required=False,
        choices=[
            ("", "Any"),
            ("none", "No flags"),
            *FLAG_LABELS.items(),
        ],
    )

    def __init__(self, *args, matters=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].choices = [
            ("", "All matters"),
            *((str(m.public_id), f"{m.number} {m.title}") for m in matters),
        ]
        self.fields["person"].choices = [
            ("", "Everyone"),
            *((str(p.public_id), p.full_name or p.email) for p in people),
        ]

    def value(self, name) -> str:
        """The field's value, or "" when it was left out or is not a choice
        (a stale link shows everything rather than an error)."""
        self.is_valid()
        return self.cleaned_data.get(name, "")


NOTE_HELP = "Kept in the entry's history for the attorney and the timekeeper."


class ApproveForm(Styled, forms.Form):
    note = forms.CharField(
        label="Why it stands as it is (needed when the entry is flagged)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTE_HELP,
    )


class TimeEditForm(Styled, forms.Form):
    narrative = forms.CharField(
        label="Narrative", widget=forms.Textarea(attrs={"rows": 3})
    )
    hours = forms.DecimalField(
        label="Hours", min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )
    task_code = forms.ChoiceField(
        label="UTBMS task code",
        required=False,
        choices=utbms.choices(utbms.TASK_CODES, blank="None"),
    )
    activity_code = forms.ChoiceField(
        label="UTBMS activity code",
        required=False,
        choices=utbms.choices(utbms.ACTIVITY_CODES, blank="None"),
    )
    rate = forms.DecimalField(
        label="Rate per hour", min_value=Decimal("0"), max_digits=12, decimal_places=2
    )
    billable = forms.BooleanField(label="Billable to the client", required=False)
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500, help_text=NOTE_HELP
    )


class ExpenseEditForm(Styled, forms.Form):
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 2})
    )
    quantity = forms.DecimalField(
        label="Quantity", min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    unit_cost = forms.DecimalField(
        label="Unit cost", min_value=Decimal("0"), max_digits=12, decimal_places=2
    )
    expense_code = forms.ChoiceField(
        label="UTBMS expense code",
        required=False,
        choices=utbms.choices(utbms.EXPENSE_CODES, blank="None"),
    )
    billable = forms.BooleanField(label="Billable to the client", required=False)
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500, help_text=NOTE_HELP
    )


class WriteDownForm(Styled, forms.Form):
    amount = forms.DecimalField(
        label="Amount to take off",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    to_hours = forms.DecimalField(
        label="Or: bill it as this many hours",
        required=False,
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=2,
    )
    note = forms.CharField(
        label="Why",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NOTE_HELP,
    )

    def __init__(self, *args, hours_allowed=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not hours_allowed:
            del self.fields["to_hours"]

    def clean(self):
        data = super().clean()
        amount, hours = data.get("amount"), data.get("to_hours")
        if "amount" in self.errors or "to_hours" in self.errors:
            return data
        if amount is None and hours is None:
            raise forms.ValidationError(
                "Fill in the amount to take off"
                + (" or the hours to bill." if "to_hours" in self.fields else ".")
            )
        if amount is not None and hours is not None:
            raise forms.ValidationError("Fill in the amount or the hours, not both.")
        return data


class WriteOffForm(Styled, forms.Form):
    note = forms.CharField(
        label="Why", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label="The client is billed nothing for this.", required=True
    )


class SendBackForm(Styled, forms.Form):
    reason = forms.CharField(
        label="What the timekeeper should fix",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="They are told, with these words, and the entry goes back to "
        "their drafts.",
    )
