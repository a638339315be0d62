"""Forms of the playbook, recurring-work and notification pages."""

from django import forms

from firmdesk.orgs.models import Function
from firmdesk.work.models import Priority, Recurrence

from .forms import DateInput, Styled

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def _area(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class PlaybookForm(Styled, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    function = forms.ChoiceField(
        label="Kind of work",
        choices=[("", "Choose…"), *Function.choices],
        help_text="Outside staff see the playbooks of the kinds of work they do.",
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        required=False,
        help_text="One sentence: what this procedure is for.",
    )
    steps = forms.CharField(
        label="Steps",
        widget=_area(10),
        help_text="In order, one per line starting “1.”, “2.”… Markdown works: "
        "**bold**, lists, links.",
    )
    definition_of_done = forms.CharField(
        label="Definition of done",
        widget=_area(5),
        help_text="One item per line. Each becomes a tick box on every task that "
        "follows this playbook.",
    )
    common_mistakes = forms.CharField(
        label="Common mistakes", widget=_area(), required=False
    )
    templates = forms.CharField(
        label="Templates to use",
        widget=_area(3),
        required=False,
        help_text="Names of, or links to, the document templates this work uses.",
    )
    examples = forms.CharField(label="Examples", widget=_area(3), required=False)
    output_leaves_firm = forms.BooleanField(
        label="The result leaves the firm (a document, a letter, an invoice, a "
        "message to a client): an attorney always reviews it",
        required=False,
    )
    review_required = forms.BooleanField(
        label="An attorney reviews the work before it is done", required=False
    )
    turnaround_hours = forms.IntegerField(
        label="Turnaround (business hours)",
        min_value=1,
        max_value=2000,
        required=False,
        help_text="Used when the engagement sets no turnaround for this kind of "
        "work. Leave empty for none.",
    )
    change_note = forms.CharField(
        label="What changed",
        max_length=300,
        required=False,
        help_text="Shown in the version history, so staff know what to re-read.",
    )
    is_active = forms.BooleanField(
        label="In use (new tasks of this kind follow it)", required=False
    )

    def __init__(self, *args, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["turnaround_hours"].error_messages.update(
            invalid="Type a whole number of hours, such as 8.",
            min_value="Type at least 1 hour, or leave it empty.",
        )
        if editing:
            del self.fields["function"]
        else:
            del self.fields["change_note"]
            del self.fields["is_active"]

    @staticmethod
    def initial_from(playbook) -> dict:
        version = playbook.current_version
        return {
            "title": version.title,
            "summary": version.summary,
            "steps": version.steps,
            "definition_of_done": "\n".join(version.definition_of_done),
            "common_mistakes": version.common_mistakes,
            "templates": version.templates,
            "examples": version.examples,
            "output_leaves_firm": version.output_leaves_firm,
            "review_required": version.review_required,
            "turnaround_hours": version.turnaround_hours,
            "is_active": playbook.is_active,
        }

    def clean_definition_of_done(self):
        items = [
            line.strip().lstrip("-*").strip()
            for line in self.cleaned_data["definition_of_done"].splitlines()
        ]
        items = [item for item in items if item]
        if not items:
            raise forms.ValidationError(
                "Write at least one item, one per line: each becomes a tick box "
                "on the task."
            )
        return items

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class RecurrenceForm(Styled, forms.Form):
    title = forms.CharField(label="What needs doing", max_length=200)
    function = forms.ChoiceField(
        label="Kind of work", choices=[("", "Choose…"), *Function.choices]
    )
    matter = forms.CharField(
        label="Matter number (optional)",
        max_length=40,
        required=False,
        help_text="For work on one matter, such as M-2026-001.",
    )
    instructions = forms.CharField(
        label="Instructions", widget=_area(3), required=False
    )
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, initial=Priority.NORMAL
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=[
            ("", "Choose…"),
            (Recurrence.Frequency.WEEKDAYS, "Every working day (Monday to Friday)"),
            (Recurrence.Frequency.WEEKLY, "Weekly, on a day of the week"),
            (Recurrence.Frequency.MONTHLY, "Monthly, on a day of the month"),
        ],
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week (weekly)",
        choices=[("", "Choose…"), *WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    day_of_month = forms.IntegerField(
        label="Day of the month (monthly)",
        min_value=1,
        max_value=31,
        required=False,
        help_text="1 to 31. In shorter months, the last day of the month.",
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput)
    ends_on = forms.DateField(
        label="Ends on (optional)",
        widget=DateInput,
        required=False,
        help_text="Leave empty to keep it coming back until someone stops it.",
    )

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.matters = matters
        self.fields["day_of_month"].error_messages.update(
            invalid="Type a day from 1 to 31.",
            min_value="Type a day from 1 to 31.",
            max_value="Type a day from 1 to 31.",
        )
        for name in ("starts_on", "ends_on"):
            self.fields[name].error_messages["invalid"] = (
                "Type a date such as 2026-03-31, or pick one from the calendar."
            )

    def clean_matter(self):
        number = self.cleaned_data["matter"].strip()
        if not number:
            return None
        matter = self.matters.filter(number__iexact=number).first()
        if matter is None:
            raise forms.ValidationError(
                f"No matter numbered “{number}” that you can see. Check the number "
                "on the matter list, or leave it empty."
            )
        return matter

    def clean(self):
        data = super().clean()
        frequency = data.get("frequency")
        if frequency == Recurrence.Frequency.WEEKLY and data.get("weekday") is None:
            self.add_error("weekday", "Choose the day of the week it comes back on.")
        if (
            frequency == Recurrence.Frequency.MONTHLY
            and data.get("day_of_month") is None
            and "day_of_month" not in self.errors
        ):
            self.add_error(
                "day_of_month", "Type the day of the month it comes back on (1 to 31)."
            )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                "The end date is before the start date. Choose a later date, or "
                "leave it empty.",
            )
        return data
