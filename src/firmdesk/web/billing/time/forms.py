"""Forms of the time and expense pages."""

from decimal import Decimal

from django import forms

from firmdesk.billing import utbms
from firmdesk.billing.models import Status
from firmdesk.billing.time_entries import EntryFields, ExpenseFields
from firmdesk.web.forms import DateInput, Styled, style_field, text_area


class _MatterChoice:
    """A matter picked by its public id from the matters the viewer may see."""

    def _matter_field(self, matters, *, required=True):
        self.matters = {str(m.public_id): m for m in matters}
        self.fields["matter"] = forms.ChoiceField(
            label="Matter",
            required=required,
            choices=[
                ("", "Choose a matter…"),
                *((key, f"{m.number} {m.title}") for key, m in self.matters.items()),
            ],
            error_messages={
                "required": "Choose the matter the time was spent on.",
                "invalid_choice": "Choose one of the matters in the list.",
            },
        )

    def clean_matter(self):
        return self.matters.get(self.cleaned_data.get("matter") or "")


class TimeEntryForm(_MatterChoice, Styled, forms.Form):
    date = forms.DateField(label="Day worked", widget=DateInput)
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.01"),
        max_value=Decimal("24"),
        decimal_places=2,
        help_text="In tenths of an hour (0.1 is six minutes), as the firm bills.",
        error_messages={
            "invalid": "Enter the hours as a number, such as 1.5.",
            "min_value": "Enter the hours worked: more than 0.",
            "max_value": "A day has 24 hours: enter at most 24.",
            "max_decimal_places": "Enter the hours with at most two decimals.",
        },
    )
    task_code = forms.ChoiceField(
        label="UTBMS task code",
        required=False,
        choices=utbms.choices(utbms.TASK_CODES, blank="No task code"),
    )
    activity_code = forms.ChoiceField(
        label="UTBMS activity code",
        required=False,
        choices=utbms.choices(utbms.ACTIVITY_CODES, blank="No activity code"),
    )
    narrative = forms.CharField(
        label="What you did",
        required=False,
        widget=text_area(3),
        help_text="Say what was done and why, e.g. “Draft motion to compel "
        "responses to first interrogatories”; the client reads it.",
    )
    billable = forms.BooleanField(
        label="Bill this time to the client", required=False, initial=True
    )

    def __init__(self, *args, matters, with_matter=True, with_rate=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_matter:
            self._matter_field(matters)
            self.order_fields(["matter"])
        if with_rate:
            self.fields["rate"] = forms.DecimalField(
                label="Rate per hour",
                required=False,
                min_value=Decimal("0"),
                decimal_places=2,
                help_text="Empty: the firm's rate for this person and matter.",
                error_messages={"invalid": "Enter the rate as a number, e.g. 250."},
            )
        for name in ("matter", "rate"):
            if name in self.fields:
                style_field(self.fields[name])

    def entry_fields(self, *, matter=None) -> EntryFields:
        data = self.cleaned_data
        return EntryFields(
            date=data["date"],
            hours=data["hours"],
            matter=data["matter"] if "matter" in self.fields else matter,
            narrative=data["narrative"],
            task_code=data["task_code"],
            activity_code=data["activity_code"],
            billable=data["billable"],
            rate=data.get("rate"),
        )


class TimerForm(_MatterChoice, Styled, forms.Form):
    narrative = forms.CharField(label="What you are doing", required=False)

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self._matter_field(matters)
        self.order_fields(["matter"])
        style_field(self.fields["matter"])


class TimeFilterForm(forms.Form):
    """The filters above the list of everyone's time; all optional."""

    timekeeper = forms.ChoiceField(label="Timekeeper", required=False)
    matter = forms.ChoiceField(label="Matter", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Status.choices]
    )
    start = forms.DateField(label="From", required=False, widget=DateInput)
    end = forms.DateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args, people, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(u.public_id): u for u in people}
        self.matters = {str(m.public_id): m for m in matters}
        self.fields["timekeeper"].choices = [
            ("", "Everyone"),
            *((k, u.full_name or u.email) for k, u in self.people.items()),
        ]
        self.fields["matter"].choices = [
            ("", "Every matter"),
            *((k, f"{m.number} {m.title}") for k, m in self.matters.items()),
        ]
        for field in self.fields.values():
            style_field(field)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "timekeeper": self.people.get(data["timekeeper"]),
            "matter": self.matters.get(data["matter"]),
            "status": data["status"],
            "start": data["start"],
            "end": data["end"],
        }


class ExpenseForm(_MatterChoice, Styled, forms.Form):
    date = forms.DateField(label="Day spent", widget=DateInput)
    description = forms.CharField(
        label="What it was for", max_length=500, widget=text_area(2)
    )
    expense_code = forms.ChoiceField(
        label="UTBMS expense code",
        required=False,
        choices=utbms.choices(utbms.EXPENSE_CODES, blank="No expense code"),
    )
    quantity = forms.DecimalField(
        label="Quantity",
        initial=Decimal("1"),
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text="Pages, miles, nights… 1 for a single cost.",
        error_messages={"invalid": "Enter the quantity as a number, such as 1."},
    )
    unit_cost = forms.DecimalField(
        label="Cost of each, in dollars",
        min_value=Decimal("0"),
        decimal_places=2,
        error_messages={
            "invalid": "Enter the cost as a number, such as 12.50, without $.",
            "max_decimal_places": "Enter the cost to the cent: at most two decimals.",
        },
    )
    billable = forms.BooleanField(
        label="Bill this expense to the client", required=False, initial=True
    )
    receipt = forms.FileField(
        label="Receipt (optional)",
        required=False,
        help_text="A photo or PDF of the receipt; kept with the matter's documents.",
    )

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self._matter_field(matters)
        self.order_fields(["matter"])
        style_field(self.fields["matter"])

    def expense_fields(self) -> ExpenseFields:
        data = self.cleaned_data
        return ExpenseFields(
            date=data["date"],
            matter=data["matter"],
            description=data["description"],
            quantity=data["quantity"],
            unit_cost=data["unit_cost"],
            expense_code=data["expense_code"],
            billable=data["billable"],
        )
