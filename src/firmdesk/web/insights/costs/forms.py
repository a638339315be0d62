"""The cost comparison form. Empty amounts count as nothing; the rules
(insights.costs.problems) word every value the calculator cannot take, on its
field."""

from decimal import Decimal
from typing import Any

from django import forms

from firmdesk.insights import costs
from firmdesk.insights.models import CostComparison
from firmdesk.orgs.models import Function
from firmdesk.web.forms import Styled

from ..planner import Grouped

NUMBER_ERRORS = {
    "invalid": "Give a number in figures, such as 1880 or 1880.5.",
    "max_decimal_places": "Give it to two decimals at most.",
    "max_digits": "That number is too large.",
    "max_whole_digits": "That number is too large.",
}


def _amount(label: str, help_text: str = "", *, max_digits=14) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=2,
        help_text=help_text,
        error_messages=NUMBER_ERRORS,
    )


class CostForm(Grouped, Styled, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Such as “Scheduling: a paralegal or an outside team”.",
    )
    function = forms.ChoiceField(
        label="Function",
        required=False,
        choices=[("", "Not one function"), *Function.choices],
    )
    hours_per_year = _amount(
        "Hours of this work a year",
        "1,880 is one person's working year (2,080 paid hours less 25 days of "
        "holidays and leave).",
        max_digits=8,
    )
    tasks_per_year = forms.IntegerField(
        label="Tasks a year",
        required=False,
        help_text="How many tasks of this work a year; leave empty if not known.",
        error_messages={"invalid": "Give a whole number of tasks, such as 1200."},
    )
    salary = _amount(
        "Salary a year",
        "The default is the US median pay of paralegals and legal assistants "
        "(BLS, May 2023).",
    )
    benefits_percent = _amount(
        "Benefits, as a share of the salary (%)",
        "Health cover, retirement, payroll taxes; about 30 % is usual.",
        max_digits=5,
    )
    office_space = _amount("Office space a year")
    equipment = _amount("Equipment and software a year")
    recruiting = _amount("Recruiting one hire", "Advertising, agency fees, interviews.")
    training = _amount("Training one hire", "Time and courses until they work alone.")
    turnover_percent = _amount(
        "Turnover: share of the role replaced in a year (%)",
        "25 % means a new hire every four years on average.",
        max_digits=5,
    )
    pricing = forms.ChoiceField(
        label="The provider charges",
        choices=CostComparison.Pricing.choices,
        widget=forms.RadioSelect,
    )
    hourly_rate = _amount("The provider's hourly rate", "When it charges by the hour.")
    per_task_fee = _amount(
        "The provider's fee per task", "When it charges by the task."
    )
    monthly_fee = _amount("The provider's monthly fee", "When it charges by the month.")

    GROUPS = (
        ("The comparison", ("title", "function")),
        ("The work", ("hours_per_year", "tasks_per_year")),
        (
            "In-house: one employee doing it",
            (
                "salary",
                "benefits_percent",
                "office_space",
                "equipment",
                "recruiting",
                "training",
                "turnover_percent",
            ),
        ),
        (
            "Outsourced",
            ("pricing", "hourly_rate", "per_task_fee", "monthly_fee"),
        ),
    )

    @classmethod
    def initial_from(cls, comparison) -> dict:
        names = ("title", "function", *costs.INPUT_FIELDS)
        return {name: getattr(comparison, name) for name in names}

    @classmethod
    def initial_new(cls) -> dict:
        return {**costs.DEFAULTS, "pricing": CostComparison.Pricing.HOURLY}

    def inputs(self) -> costs.CostInputs:
        values: dict[str, Any] = {}
        for name in costs.INPUT_FIELDS:
            value = self.cleaned_data.get(name)
            if name == "tasks_per_year":
                values[name] = value or 0
            elif name == "pricing":
                values[name] = value or CostComparison.Pricing.HOURLY
            else:
                values[name] = value if value is not None else Decimal("0.00")
        return costs.CostInputs(**values)

    def clean(self):
        cleaned = super().clean()
        for field, message in costs.problems(self.inputs()).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def data_for_service(self) -> costs.CostData:
        return costs.CostData(
            title=self.cleaned_data["title"],
            function=self.cleaned_data["function"],
            inputs=self.inputs(),
        )


class BaselineForm(Styled, forms.Form):
    engagement = forms.ChoiceField(
        label="Engagement",
        error_messages={"invalid_choice": "Choose an engagement from the list."},
    )

    def __init__(self, *args, engagements, **kwargs):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["engagement"]
        field.choices = [
            ("", "Choose…"),
            *(
                (str(e.public_id), f"{e.name} ({e.get_status_display().lower()})")
                for e in engagements
            ),
        ]
