"""Forms of the engagement, people and staff roster pages."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from firmdesk.engagements.models import PILOT_TARGETS, Engagement
from firmdesk.orgs.models import Absence, Function, Organization, User
from firmdesk.web.forms import DateInput, Styled, style_field

PILOT_FIELDS = ("pilot_start", "pilot_evaluation", "pilot_function")
TARGET_FIELDS = tuple(f"target_{key}" for key in PILOT_TARGETS)
TARGET_ERRORS = {
    "invalid": "Give a number, such as 90 or 12.50.",
    "min_value": "A target cannot be negative.",
    "max_decimal_places": "Give the target to two decimals at most.",
    "max_digits": "That target is too large.",
    "max_whole_digits": "That target is too large.",
}


class FunctionsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Function.choices)
        super().__init__(**kwargs)


class EngagementForm(Styled, forms.ModelForm):
    functions = FunctionsField(
        label="Functions in scope",
        help_text="What the provider's staff may do for the firm.",
    )
    base_functions = FunctionsField(
        label="Covered by the base price",
        required=False,
        help_text="Functions in scope but not ticked here cost extra and need a "
        "firm admin's approval per task.",
    )

    class Meta:
        model = Engagement
        fields = [
            "provider",
            "name",
            "status",
            "functions",
            "base_functions",
            "all_matters",
            "start_date",
            "end_date",
            "pilot_start",
            "pilot_evaluation",
            "pilot_function",
            "first_response_minutes",
            "after_hours_cover",
            "after_hours_staff",
            "pricing_model",
            "price",
            "currency",
            "inhouse_hourly_cost",
            "firm_primary_contact",
            "firm_backup_contact",
            "provider_primary_contact",
            "provider_backup_contact",
            "dispute_process",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "pilot_start": DateInput,
            "pilot_evaluation": DateInput,
            "dispute_process": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "all_matters": "Open every matter to this engagement",
            "first_response_minutes": "First response within (minutes)",
            "inhouse_hourly_cost": "In-house cost of the same work (per hour)",
            "pilot_start": "Pilot starts on",
            "pilot_evaluation": "Pilot evaluation date",
            "pilot_function": "Function the pilot tries",
        }
        help_texts = {
            "pilot_start": "Needed when the status is pilot.",
            "pilot_evaluation": "60 to 90 days after the start. The firm's primary "
            "contact and its admins are reminded 7 days before and on the day.",
            "pilot_function": "One of the functions in scope above: the work "
            "the pilot is judged on.",
        }

    def __init__(self, *args, firm, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organization.objects.filter(
            kind=Organization.Kind.PROVIDER
        )
        firm_people = User.objects.filter(
            memberships__organization=firm, memberships__is_active=True
        )
        for name in ("firm_primary_contact", "firm_backup_contact"):
            self.fields[name].queryset = firm_people
        provider_people = User.objects.filter(
            memberships__organization__kind=Organization.Kind.PROVIDER,
            memberships__is_active=True,
        )
        if self.instance.pk:
            provider_people = provider_people.filter(
                memberships__organization=self.instance.provider_id
            )
        for name in (
            "provider_primary_contact",
            "provider_backup_contact",
            "after_hours_staff",
        ):
            self.fields[name].queryset = provider_people.distinct()
        # One turnaround field per function: business hours to complete a task.
        current = self.instance.turnaround_hours or {}
        for value, label in Function.choices:
            self.fields[f"turnaround_{value}"] = forms.IntegerField(
                label=f"Turnaround for {label.lower()} (business hours)",
                required=False,
                min_value=1,
                max_value=2000,
                initial=current.get(value),
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )
        self.fields["status"].choices = [
            c for c in Engagement.Status.choices if c[0] != Engagement.Status.ENDED
        ]
        if self.instance.pk:
            self.fields["provider"].disabled = True
        self.fields["pilot_function"].choices = [("", "Choose…"), *Function.choices]
        self._add_target_fields(self.instance.pilot_targets or {})

    def _add_target_fields(self, current: dict) -> None:
        """One box per figure a pilot can be judged by (PILOT_TARGETS)."""
        for key, (label, unit, _direction) in PILOT_TARGETS.items():
            field = forms.DecimalField(
                label=f"{label} ({unit})",
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100) if unit == "%" else None,
                max_digits=10,
                decimal_places=2,
                initial=current.get(key),
                error_messages={
                    **TARGET_ERRORS,
                    "max_value": "A percentage goes from 0 to 100.",
                },
            )
            style_field(field)
            self.fields[f"target_{key}"] = field

    def add_error(self, field, error):
        """The model's message on the targets as a whole goes on the first
        target box, where the person fills them in."""
        if field == "pilot_targets":
            field = TARGET_FIELDS[0]
        elif (
            field is None
            and isinstance(error, ValidationError)
            and "pilot_targets" in getattr(error, "error_dict", {})
        ):
            errors = dict(error.error_dict)
            errors.setdefault(TARGET_FIELDS[0], []).extend(errors.pop("pilot_targets"))
            error = ValidationError(errors)
        super().add_error(field, error)

    def sections(self) -> list[dict]:
        """The fields in the order the page shows them, the pilot's together."""
        pilot = {*PILOT_FIELDS, *TARGET_FIELDS}
        names = list(self.fields)
        first = names.index("pilot_start")
        return [
            {"legend": "", "fields": [self[n] for n in names[:first]]},
            {
                "legend": "Pilot",
                "help": "When the status is pilot: the function tried, when the "
                "pilot starts and is evaluated, and at least one target it is "
                "judged by. Leave a target empty if it does not apply.",
                "fields": [self[n] for n in names if n in pilot],
            },
            {
                "legend": "Service and terms",
                "fields": [self[n] for n in names[first:] if n not in pilot],
            },
        ]

    def clean(self):
        data = super().clean()
        missing = set(data.get("base_functions") or []) - set(
            data.get("functions") or []
        )
        if missing:
            self.add_error(
                "base_functions", "The base price can only cover functions in scope."
            )
        data["turnaround_hours"] = {
            value: data[f"turnaround_{value}"]
            for value in Function.values
            if data.get(f"turnaround_{value}")
        }
        data["pilot_targets"] = {
            key: _number(data[f"target_{key}"])
            for key in PILOT_TARGETS
            if data.get(f"target_{key}") is not None
        }
        # The model's own checks (Engagement.clean) run on the instance next,
        # and must see the targets typed, not those saved before.
        self.instance.pilot_targets = data["pilot_targets"]
        return data

    def engagement_fields(self) -> dict:
        """The cleaned values the engagement services take."""
        per_function = {f"turnaround_{value}" for value in Function.values}
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in per_function and k not in TARGET_FIELDS
        }


def _number(value: Decimal) -> int | float:
    """A target as JSON keeps it: 90, not "90.00"."""
    return int(value) if value == value.to_integral_value() else float(value)


class AssignForm(Styled, forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Staff member")
    functions = FunctionsField(label="Functions they will do")

    def __init__(self, *args, engagement, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        self.fields["functions"].choices = [
            c for c in Function.choices if c[0] in engagement.functions
        ]


TYPED = "typed"
UPLOADED = "uploaded"


class NdaForm(Styled, forms.Form):
    signer = forms.ModelChoiceField(queryset=None, label="Signed by")
    method = forms.ChoiceField(
        label="How it was signed",
        widget=forms.RadioSelect,
        choices=[
            (
                TYPED,
                "By typing their name: FirmDesk keeps the text above with a "
                "signature block (name, time, address, browser) as a PDF",
            ),
            (UPLOADED, "On paper or elsewhere: upload the signed PDF"),
        ],
        initial=TYPED,
    )
    signed_name = forms.CharField(
        label="Name as signed",
        max_length=200,
        help_text="Type the name exactly as it was signed.",
    )
    file = forms.FileField(
        required=False,
        label="Signed PDF",
        help_text="Only when signed on paper or elsewhere: the signed agreement, "
        "scanned or saved as PDF.",
    )
    expires_on = forms.DateField(
        required=False,
        widget=DateInput,
        label="Expires on",
        help_text="Leave empty: it holds as long as the text says (no expiry if it "
        "sets none).",
    )
    confirm = forms.BooleanField(
        label="The staff member signed the text shown above, with this name.",
    )

    def __init__(self, *args, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers

    def clean(self):
        data = super().clean()
        if data.get("method") == UPLOADED and not data.get("file"):
            self.add_error("file", "Choose the signed PDF to upload.")
        return data


class SelfSignForm(Styled, forms.Form):
    signed_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Typing your name here is your signature.",
    )
    confirm = forms.BooleanField(
        label="I have read the agreement above and agree to it.",
    )


class MasterAgreementForm(Styled, forms.Form):
    method = forms.ChoiceField(
        label="What you are uploading",
        widget=forms.RadioSelect,
        choices=[
            (
                UPLOADED,
                "The agreement as signed by both sides (a scan or a signed PDF)",
            ),
            (
                TYPED,
                "The agreement's text, which I accept for the firm by typing my "
                "name: FirmDesk adds a signature page (name, time, address, "
                "browser)",
            ),
        ],
        initial=UPLOADED,
    )
    file = forms.FileField(label="The agreement (PDF)")
    signed_name = forms.CharField(
        label="Signed by",
        max_length=200,
        help_text="For a signed copy: the signatories as the paper shows them, "
        "such as “Grace Hale for Hale & Ortiz; Rosa Quint for Northstar”. To "
        "accept the text: your own name.",
    )
    confirm = forms.BooleanField(
        label="This is the agreement in force with the provider for this engagement.",
    )


class GrantForm(Styled, forms.Form):
    matter = forms.ModelChoiceField(queryset=None, label="Matter")
    user = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Staff member",
        empty_label="Everyone assigned to the engagement",
    )

    def __init__(self, *args, matters, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters
        self.fields["user"].queryset = staff


class AbsenceForm(Styled, forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["kind", "start", "end", "note"]
        widgets = {"start": DateInput, "end": DateInput}
        labels = {"start": "First day", "end": "Last day", "kind": "Kind of absence"}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day must be on or after the first day.")
        return data


class LeftForm(Styled, forms.Form):
    # Pre-filled by the view with today in the person's own time zone.
    left_on = forms.DateField(widget=DateInput, label="Last working day")
    confirm = forms.BooleanField(
        label="Their access to every firm ends now, and their open work must be "
        "reassigned.",
    )
