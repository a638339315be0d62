"""Forms of the incident pages, in the words of the people who fill them in:
a managing partner, an attorney, an assistant who saw something go wrong."""

from django import forms

from firmdesk.compliance.incidents import MAX_DUE_DAYS
from firmdesk.compliance.models import Incident, IncidentNotice
from firmdesk.web.forms import DateInput, Styled, style_field, text_area
from firmdesk.web.work.forms import LocalDateTimeField

LAW_NOTE = (
    "The law decides the deadline (state breach laws, your insurer's policy and "
    "the bar's rules differ); FirmDesk does not. Type the number of days your "
    "firm has decided on; FirmDesk keeps the clock."
)


def _add(form, name: str, field: forms.Field) -> None:
    """A field made per request (its zone, its choices), styled like the rest."""
    style_field(field)
    form.fields[name] = field


class IncidentForm(Styled, forms.Form):
    title = forms.CharField(
        label="What happened, in a few words",
        max_length=200,
        help_text="For example: “Settlement letter e-mailed to the wrong client”.",
    )
    kind = forms.ChoiceField(label="Kind", choices=Incident.Kind.choices)
    severity = forms.ChoiceField(
        label="How serious",
        choices=Incident.Severity.choices,
        initial=Incident.Severity.MEDIUM,
    )
    description = forms.CharField(
        label="Describe it",
        widget=text_area(5),
        help_text="What was seen, sent or lost, by whom, and what has been done "
        "so far.",
    )

    def __init__(self, *args, tz, engagements=None, **kwargs):
        super().__init__(*args, **kwargs)
        _add(
            self,
            "occurred_at",
            LocalDateTimeField(
                tz=tz, required=False, label=f"When it happened ({tz.key}), if known"
            ),
        )
        _add(
            self,
            "discovered_at",
            LocalDateTimeField(tz=tz, label=f"When it was discovered ({tz.key})"),
        )
        if engagements is not None:
            _add(
                self,
                "engagement",
                forms.ModelChoiceField(
                    label="Outside team involved",
                    queryset=engagements,
                    required=False,
                    empty_label="None: it happened in-house",
                    to_field_name="public_id",
                ),
            )


class FindingsForm(Styled, forms.Form):
    containment = forms.CharField(
        label="How it was contained",
        required=False,
        widget=text_area(3),
        help_text="For example: the recipient confirmed deleting the e-mail; the "
        "account's password was changed.",
    )
    root_cause = forms.CharField(
        label="Why it happened (root cause)", required=False, widget=text_area(3)
    )
    changes = forms.CharField(
        label="What changes so it does not happen again",
        required=False,
        widget=text_area(3),
    )


class MatterForm(Styled, forms.Form):
    what_was_exposed = forms.CharField(
        label="What was exposed on this matter",
        max_length=300,
        help_text="For example: the client's address and the draft settlement.",
    )

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        _add(
            self,
            "matter",
            forms.ModelChoiceField(
                label="Matter affected",
                queryset=matters,
                to_field_name="public_id",
                error_messages={
                    "invalid_choice": "Choose one of the matters in the list."
                },
            ),
        )
        self.order_fields(["matter", "what_was_exposed"])


class DaysField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_DUE_DAYS)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Type a number of days, such as 30."
        for key in ("min_value", "max_value"):
            self.error_messages[key] = (
                f"Type a number of days between 0 and {MAX_DUE_DAYS}."
            )


class GenerateForm(Styled, forms.Form):
    days = DaysField(
        label="Days after discovery to tell each client", help_text=LAW_NOTE
    )


class NoticeForm(Styled, forms.Form):
    recipient_kind = forms.ChoiceField(
        label="Who",
        choices=[c for c in IncidentNotice.Recipient.choices if c[0] != "client"],
    )
    recipient_name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example: “Lawyers' Mutual, claims desk” or “State Bar "
        "ethics hotline”.",
    )
    due_on = forms.DateField(label="Due on", required=False, widget=DateInput)
    days = DaysField(
        label="…or days after discovery",
        required=False,
        help_text="Give a date or a number of days. " + LAW_NOTE,
    )
    method = forms.CharField(
        label="How it will be sent (optional)",
        max_length=100,
        required=False,
        help_text="For example: letter by certified mail, the insurer's form.",
    )


class TaskForm(Styled, forms.Form):
    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self._people = {str(p.public_id): p for p in people}
        _add(
            self,
            "assignee",
            forms.ChoiceField(
                label="Who will send it",
                choices=[("", "Choose…")]
                + [(key, p.full_name or p.email) for key, p in self._people.items()],
                error_messages={
                    "invalid_choice": "Choose someone of the firm from the list."
                },
            ),
        )

    def clean_assignee(self):
        return self._people[self.cleaned_data["assignee"]]


class SentForm(Styled, forms.Form):
    sent_on = forms.DateField(
        label="Sent on (empty: today)", required=False, widget=DateInput
    )
    method = forms.CharField(label="How it was sent", max_length=100, required=False)
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class NotNeededForm(Styled, forms.Form):
    reason = forms.CharField(
        label="Why this notice is not needed",
        max_length=300,
        help_text="For example: the laptop was encrypted, so the state's law "
        "does not require a notice (ethics counsel agreed on 3 March).",
    )
