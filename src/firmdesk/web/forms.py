from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import MatterParty
from firmdesk.orgs.models import Absence, Function, Organization, User


def style_field(field: forms.Field) -> None:
    """The Bootstrap class of the field's widget and plain messages."""
    widget = field.widget
    # Radio buttons and tick boxes (CheckboxSelectMultiple is a RadioSelect,
    # and RadioSelect a Select) are check inputs, not select lists.
    if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = css
    if field.required and field.label and isinstance(widget, forms.CheckboxInput):
        # A box to tick is not filled in; its label may be a whole sentence.
        field.error_messages["required"] = (
            f"Tick the box “{field.label.rstrip('.')}” to go on."
        )
    elif field.required and field.label:
        field.error_messages["required"] = f"Fill in “{field.label}”."
    if getattr(field, "empty_label", None) == "---------":
        field.empty_label = "Choose…"


class Styled:
    """Bootstrap classes on every widget, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)


class QuickSelect(forms.Select):
    """A single-choice list made in Python. Django renders each option through
    templates; the seven lists above a task table cost about 5 ms a page that way
    (bench/queues.py). The same HTML, without the whitespace between tags."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _ in widget["optgroups"]:
            shown = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        "" if o["value"] is None else str(o["value"]),
                        flatatt(o["attrs"]),
                        o["label"],
                    )
                    for o in options
                ),
            )
            if group_name:
                shown = format_html(
                    '<optgroup label="{}">{}</optgroup>', group_name, shown
                )
            parts.append((shown,))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", parts),
        )


class QuickInputMixin:
    """An ``<input>`` made in Python: the same HTML as Django's input template,
    which costs a template render per box (the filters above a task table)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            "" if shown is None else format_html(' value="{}"', str(shown)),
            flatatt(widget["attrs"]),
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickCheckbox(QuickInputMixin, forms.CheckboxInput):
    pass


class DateInput(forms.DateInput):
    input_type = "date"


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


class TokenForm(Styled, forms.Form):
    token = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise ValidationError("Enter the six digits shown in your app.")
        return token


class ContactForm(Styled, forms.Form):
    kind = forms.ChoiceField(
        choices=[("person", "Person"), ("organization", "Organisation")],
        label="Person or organisation",
    )
    name = forms.CharField(max_length=300, label="Name as written")
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Other names",
        help_text="One per line. Add the kind after a bar, for example "
        "“Margaret Jones | maiden” or “ACME | acronym”. Kinds: former, maiden, "
        "trade, acronym, predecessor, aka.",
    )
    emails = forms.CharField(
        required=False, label="E-mail addresses", help_text="Separate with commas."
    )
    phones = forms.CharField(
        required=False,
        label="Phone numbers",
        help_text="Separate with commas. Numbers without a country code are read "
        "as the firm's country.",
    )
    address = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Address"
    )
    date_of_birth = forms.DateField(required=False, widget=DateInput)
    tax_id = forms.CharField(required=False, max_length=40, label="Tax or ID number")
    is_prospective = forms.BooleanField(
        required=False,
        label="Prospective client (inquired, never retained the firm)",
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Notes"
    )

    def alias_list(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data.get("aliases", "").splitlines():
            name, _, kind = line.partition("|")
            if name.strip():
                out.append((name.strip(), kind.strip().lower() or "aka"))
        return out

    @staticmethod
    def split(value: str) -> list[str]:
        return [v.strip() for v in (value or "").split(",") if v.strip()]


class RelationshipForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="This contact is", choices=())
    other = forms.ModelChoiceField(queryset=None, label="Of")

    def __init__(self, *args, kinds, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["other"].queryset = contacts


class ConflictCheckForm(Styled, forms.Form):
    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Names to check",
        help_text="One per line: the prospective client, every adverse party, "
        "their counsel and related people or companies.",
    )
    purpose = forms.CharField(
        required=False,
        max_length=200,
        label="What is it for?",
        help_text="For example: new matter, Lopez v. Acme Logistics.",
    )

    def name_list(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["names"].splitlines() if n.strip()]


class DecisionForm(Styled, forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("clear", "Clear — no conflict"),
            ("conflict", "Conflict — the firm cannot take this on"),
            ("waived", "Waived — conflict exists, clients gave informed consent"),
        ],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        help_text="Required for a waiver: who consented, when, and how it was "
        "confirmed in writing.",
    )


class MatterOpenForm(Styled, forms.Form):
    title = forms.CharField(max_length=200, label="Matter title")
    practice_area = forms.CharField(max_length=80, required=False)
    responsible_attorney = forms.ModelChoiceField(queryset=None, required=False)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    key_facts = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, attorneys, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_attorney"].queryset = attorneys
        self.party_rows = []
        for index, (name, existing) in enumerate(parties):
            role = f"party_{index}_role"
            kind = f"party_{index}_kind"
            contact = f"party_{index}_contact"
            self.fields[role] = forms.ChoiceField(
                label=f"Role of “{name}”",
                required=False,
                initial="client" if index == 0 else "adverse",
                choices=[("", "Not a party"), *MatterParty.Role.choices],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[kind] = forms.ChoiceField(
                label="Person or organisation",
                choices=[("person", "Person"), ("organization", "Organisation")],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[contact] = forms.ChoiceField(
                label="Contact",
                required=False,
                choices=[("", f"New contact “{name}”"), *existing],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.party_rows.append((name, self[role], self[kind], self[contact]))

    def parties(self) -> list[dict]:
        out = []
        for index, (name, *_rest) in enumerate(self.party_rows):
            role = self.cleaned_data.get(f"party_{index}_role")
            if role:
                out.append(
                    {
                        "name": name,
                        "role": role,
                        "kind": self.cleaned_data[f"party_{index}_kind"],
                        "contact": self.cleaned_data.get(f"party_{index}_contact"),
                    }
                )
        return out


class ScreenForm(Styled, forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Wall off")
    reason = forms.CharField(max_length=200, label="Reason")

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class ImportForm(Styled, forms.Form):
    kind = forms.ChoiceField(
        choices=[("contacts", "Contacts"), ("matters", "Matters with their parties")],
        label="What the file holds",
    )
    layout = forms.ChoiceField(
        choices=[
            ("firmdesk", "FirmDesk layout"),
            ("clio", "Clio (import template or export)"),
            ("mycase", "MyCase export"),
            ("generic", "Other system (say which column is which below)"),
        ],
        label="Where the file comes from",
    )
    file = forms.FileField(label="CSV file")
    mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Column names (other systems only)",
        help_text="One per line, our column = your column, for example "
        "“name = Display Name”. See the import guide for our column names.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(
                "The file is larger than 50 MB. Split it, or ask an engineer to "
                "use “firmdesk import” on the server."
            )
        return upload

    def clean(self):
        data = super().clean()
        mapping = {}
        for line in (data.get("mapping") or "").splitlines():
            if not line.strip():
                continue
            ours, sep, theirs = line.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                self.add_error(
                    "mapping",
                    f"“{line.strip()}” should read: our column = your column.",
                )
                continue
            mapping[ours.strip()] = theirs.strip()
        if data.get("layout") == "generic" and not mapping and "mapping" in data:
            self.add_error(
                "mapping", "For another system, say which of your columns holds what."
            )
        data["mapping_dict"] = mapping
        return data
