"""Forms of the reception pages: the call entry form (few fields, all typed) and
the firm's routing settings."""

from django import forms

from firmdesk.intake.models import CallLog
from firmdesk.intake.reception import MAX_ESCALATE_AFTER_MINUTES
from firmdesk.orgs.models import Role
from firmdesk.web.forms import Styled


def _person_label(user, roles) -> str:
    labels = [Role(r).label for r in (Role.ATTORNEY, Role.FIRM_STAFF) if r in roles]
    return f"{user.full_name} ({', '.join(labels)})" if labels else user.full_name


class CallForm(Styled, forms.Form):
    caller_name = forms.CharField(
        label="Caller",
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    number = forms.CharField(
        label="Number",
        max_length=60,
        required=False,
        help_text="As the caller gives it; (212) 555-0142 or +44 20 7946 0958.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    matter_query = forms.CharField(
        label="Matter",
        max_length=200,
        required=False,
        help_text="Type the matter number, title or client; ↓ and Enter (or Tab) "
        "to choose. Leave empty if there is none.",
    )
    matter = forms.CharField(required=False, widget=forms.HiddenInput)
    message = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Enter saves the message; Shift+Enter starts a new line.",
    )
    urgent = forms.BooleanField(label="Urgent", required=False)
    callback_wanted = forms.BooleanField(
        label="Wants a call back", required=False, initial=True
    )
    recipient = forms.ChoiceField(
        label="For",
        required=False,
        help_text="Left empty, the message goes to the matter's responsible attorney.",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(user.public_id): user for user, _ in people}
        self.fields["recipient"].choices = [("", "Choose…")] + [
            (str(user.public_id), _person_label(user, roles)) for user, roles in people
        ]
        self.fields["matter_query"].widget.attrs.update(
            {"autocomplete": "off", "data-matter-lookup": ""}
        )

    @property
    def urgency(self) -> str:
        return (
            CallLog.Urgency.URGENT
            if self.cleaned_data.get("urgent")
            else CallLog.Urgency.NORMAL
        )

    def recipient_user(self):
        return self.people.get(self.cleaned_data.get("recipient") or "")


class ReceptionSettingsForm(Styled, forms.Form):
    on_call = forms.ChoiceField(
        label="On-call attorney",
        required=False,
        help_text="Told at once of every urgent message, day or night, besides "
        "the person it is for.",
    )
    escalate_after_minutes = forms.IntegerField(
        label="Escalate after (minutes)",
        min_value=1,
        max_value=MAX_ESCALATE_AFTER_MINUTES,
        help_text="A message nobody acknowledged by then goes to the escalation "
        "contact.",
    )
    escalate_to = forms.ChoiceField(
        label="Escalation contact",
        required=False,
        help_text="Left empty, unacknowledged messages go to the firm's admins.",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(user.public_id): user for user, _ in people}
        attorneys = [
            (str(user.public_id), user.full_name)
            for user, roles in people
            if roles & {Role.ATTORNEY, Role.FIRM_ADMIN}
        ]
        self.fields["on_call"].choices = [("", "Nobody")] + attorneys
        self.fields["escalate_to"].choices = [("", "The firm's admins")] + [
            (str(user.public_id), _person_label(user, roles)) for user, roles in people
        ]
        self.fields["escalate_after_minutes"].error_messages.update(
            {
                "min_value": "Give at least 1 minute.",
                "max_value": "Give at most 1440 minutes (a day).",
                "invalid": "Give the minutes as a whole number, such as 60.",
            }
        )

    def user(self, name):
        return self.people.get(self.cleaned_data.get(name) or "")
