"""Forms of the time-audit pages. The rules live in insights.time_audit; the
forms turn what was typed into values and keep it when something is wrong."""

import datetime
from decimal import Decimal

from django import forms

from firmdesk.common.errors import ServiceError
from firmdesk.insights import time_audit
from firmdesk.insights.models import AuditCategory
from firmdesk.web.forms import DateInput, Styled, style_field
from firmdesk.web.pages import day_in_range

DATE_ERRORS = {"invalid": "Give a date, such as 3/2/2026."}


class AuditForm(Styled, forms.Form):
    title = forms.CharField(
        label="Name",
        max_length=200,
        help_text="Such as “Time audit, first two weeks of March”.",
        error_messages={"max_length": "Keep the name to 200 characters."},
    )
    start_date = forms.DateField(
        label="First day", widget=DateInput, error_messages=DATE_ERRORS
    )
    end_date = forms.DateField(
        label="Last day",
        widget=DateInput,
        error_messages=DATE_ERRORS,
        help_text="One or two weeks: 14 days at most, both days included.",
    )

    def clean(self):
        data = super().clean()
        for name in ("start_date", "end_date"):
            day = data.get(name)
            if day is not None and not day_in_range(day):
                self.add_error(name, "Give a date between the years 1900 and 2199.")
        return data


def cell_name(day: datetime.date, category: str) -> str:
    return f"h_{day:%Y%m%d}_{category}"


class HoursGridForm(Styled, forms.Form):
    """One box per category and day of the audit: the person's hours, typed
    as 1.5 or 1:30; an empty box holds no hours."""

    def __init__(self, *args, days: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.days = days
        self.day_errors: dict[datetime.date, str] = {}
        self.totals: dict[datetime.date, Decimal] = {}
        for day in days:
            for category, label in AuditCategory.choices:
                field = forms.CharField(
                    label=f"{label}, {time_audit.show_day(day)}",
                    required=False,
                    max_length=10,
                    error_messages={"max_length": "Write hours like 1.5 or 1:30."},
                )
                style_field(field)
                field.widget.attrs.update(
                    {
                        "class": "form-control form-control-sm text-end",
                        "inputmode": "decimal",
                        "size": "4",
                        "autocomplete": "off",
                    }
                )
                self.fields[cell_name(day, category)] = field

    @staticmethod
    def initial_from(cells: dict) -> dict:
        return {
            cell_name(day, category): f"{hours.normalize():f}"
            for (day, category), hours in cells.items()
        }

    def clean(self):
        data = super().clean()
        self.hours: dict[datetime.date, dict[str, Decimal]] = {}
        for day in self.days:
            self.hours[day] = {}
            for category in AuditCategory.values:
                name = cell_name(day, category)
                try:
                    self.hours[day][category] = time_audit.read_hours(
                        data.get(name, "")
                    )
                except ServiceError as error:
                    self.add_error(name, error.message)
                    self.fields[name].widget.attrs.update(
                        {
                            "class": self.fields[name].widget.attrs["class"]
                            + " is-invalid",
                            "aria-invalid": "true",
                            "aria-describedby": f"id_{name}_error",
                        }
                    )
            total = sum(self.hours[day].values(), Decimal(0))
            self.totals[day] = total
            if total > time_audit.DAY_LIMIT:
                self.day_errors[day] = (
                    f"{time_audit.show_hours(total)} in one day; a day holds 24 "
                    "hours at most."
                )
                self.add_error(
                    None,
                    f"{time_audit.show_day(day)} adds up to "
                    f"{time_audit.show_hours(total)}; a day holds 24 hours at most.",
                )
        return data

    def rows(self) -> list[tuple[str, list]]:
        """Each category with its boxes, day by day, for the table."""
        return [
            (label, [self[cell_name(day, category)] for day in self.days])
            for category, label in AuditCategory.choices
        ]


class ImportForm(Styled, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: person e-mail, date, category, hours, and note if "
        "you like. Nothing is written until you have checked the file and "
        "pressed Import.",
        error_messages={
            "required": "Choose the CSV file to check.",
            "empty": "The file is empty.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > time_audit.MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 2 MB, much more than a two-week audit "
                "holds. Check it is the right file."
            )
        return upload
