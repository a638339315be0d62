"""The fit assessment form: the four questions and the two risk flags as
boxes to tick. The rules live in insights.fit."""

from decimal import Decimal

from django import forms

from firmdesk.insights import fit
from firmdesk.orgs.models import Function
from firmdesk.web.forms import Styled

from ..planner import Grouped


class FitForm(Grouped, Styled, forms.Form):
    task_type = forms.CharField(
        label="Kind of task",
        max_length=200,
        help_text="Such as “Calendar court dates” or “Enter new contacts”.",
    )
    function = forms.ChoiceField(
        label="Function",
        required=False,
        choices=[("", "Not one of these"), *Function.choices],
        help_text="Which of the eight functions it belongs to; it sets the "
        "task's place in the low-risk order.",
    )
    no_law_degree = forms.BooleanField(
        label="An attorney regularly does this work, and it needs no law degree",
        required=False,
    )
    falling_behind = forms.BooleanField(
        label="The team is falling behind on it", required=False
    )
    billable_lost = forms.BooleanField(
        label="Billable time is lost, or work turned away, because of it",
        required=False,
    )
    instructions_possible = forms.BooleanField(
        label="Someone else could do it with written instructions and templates",
        required=False,
    )
    touches_revenue = forms.BooleanField(
        label="It touches revenue directly (billing, collections, fees)",
        required=False,
    )
    needs_supervision = forms.BooleanField(
        label="It needs close attorney supervision", required=False
    )
    hours_per_week = forms.DecimalField(
        label="Hours a week the firm spends on it",
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=fit.ZERO,
        max_value=fit.MAX_HOURS_PER_WEEK,
        help_text="Everyone's hours together. Leave empty if not known.",
        error_messages={
            "invalid": "Give a number of hours, such as 6 or 6.5.",
            "min_value": "Give the hours a week from 0 to 168.",
            "max_value": "Give the hours a week from 0 to 168.",
            "max_decimal_places": "Give the hours to two decimals at most.",
            "max_digits": "Give the hours a week from 0 to 168.",
            "max_whole_digits": "Give the hours a week from 0 to 168.",
        },
    )
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    GROUPS = (
        ("The task", ("task_type", "function")),
        (
            "The four questions: tick each that is true (any one makes it a candidate)",
            tuple(name for name, _ in fit.QUESTIONS),
        ),
        ("Risk flags: tick each that applies", tuple(name for name, _ in fit.RISKS)),
        ("How much of it there is", ("hours_per_week", "notes")),
    )

    @classmethod
    def initial_from(cls, assessment) -> dict:
        return {name: getattr(assessment, name) for name in fit.FIELDS}

    def data_for_service(self) -> fit.FitData:
        values = dict(self.cleaned_data)
        values["hours_per_week"] = values["hours_per_week"] or Decimal("0.00")
        return fit.FitData(**values)
