"""Forms of the engagement, people and staff roster pages."""

from django import forms

from firmdesk.engagements.models import Engagement
from firmdesk.orgs.models import Absence, Function, Organization, User
from firmdesk.web.forms import DateInput, Styled


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
            "pilot_evaluation": "Pilot evaluation date",
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
        return data

    def engagement_fields(self) -> dict:
        """The cleaned values the engagement services take."""
        per_function = {f"turnaround_{value}" for value in Function.values}
        return {k: v for k, v in self.cleaned_data.items() if k not in per_function}


class AssignForm(Styled, forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Staff member")
    functions = FunctionsField(label="Functions they will do")

    def __init__(self, *args, engagement, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        self.fields["functions"].choices = [
            c for c in Function.choices if c[0] in engagement.functions
        ]


class NdaForm(Styled, forms.Form):
    signer = forms.ModelChoiceField(queryset=None, label="Signed by")
    signed_name = forms.CharField(
        label="Name as signed",
        max_length=200,
        help_text="Type the name exactly as it appears on the signed agreement.",
    )
    expires_on = forms.DateField(
        required=False,
        widget=DateInput,
        label="Expires on",
        help_text="Leave empty if it does not expire.",
    )
    confirm = forms.BooleanField(
        label="I have the signed agreement on file and the text matches the one shown.",
    )

    def __init__(self, *args, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers


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


class EndEngagementForm(Styled, forms.Form):
    reason = forms.CharField(
        label="Why does the engagement end?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label="I understand that the provider's staff lose access to the firm's "
        "data at once.",
    )


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
