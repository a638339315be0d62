"""The form that changes a contact's sensitive fields. It never shows what is
stored (only the masks, as help): typing a new value replaces it, leaving a
box empty keeps it, ticking "Remove" clears it."""

from django import forms

from firmdesk.matters import sensitive
from firmdesk.matters.models import GovIdKind, TaxIdKind
from firmdesk.web.forms import DateInput, Styled

SECRET = {"autocomplete": "off", "spellcheck": "false"}


class SensitiveForm(Styled, forms.Form):
    date_of_birth = forms.DateField(
        required=False, widget=DateInput, label="Date of birth"
    )
    tax_id_kind = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *TaxIdKind.choices],
        label="Kind of tax number",
    )
    tax_id = forms.CharField(
        required=False,
        max_length=40,
        label="Tax ID number",
        widget=forms.TextInput(attrs=SECRET),
    )
    gov_id_kind = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *GovIdKind.choices],
        label="Kind of government ID",
    )
    gov_id_number = forms.CharField(
        required=False,
        max_length=40,
        label="Government ID number",
        widget=forms.TextInput(attrs=SECRET),
    )
    bank_name = forms.CharField(
        required=False,
        max_length=100,
        label="Bank name",
        widget=forms.TextInput(attrs=SECRET),
    )
    bank_routing = forms.CharField(
        required=False,
        max_length=20,
        label="Routing number (ABA)",
        widget=forms.TextInput(attrs={**SECRET, "inputmode": "numeric"}),
    )
    bank_account = forms.CharField(
        required=False,
        max_length=30,
        label="Account number",
        widget=forms.TextInput(attrs={**SECRET, "inputmode": "numeric"}),
    )
    remove = forms.MultipleChoiceField(
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        label="Remove",
        help_text="Tick what should no longer be kept for this contact.",
    )

    def __init__(self, *args, contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact = contact
        self.fields["tax_id_kind"].initial = contact.tax_id_kind
        self.fields["gov_id_kind"].initial = contact.gov_id_kind
        stored = [n for n in sensitive.FIELDS if getattr(contact, n)]
        self.fields["remove"].choices = [(n, sensitive.LABELS[n]) for n in stored]
        if not stored:
            del self.fields["remove"]
        for name in sensitive.FIELDS:
            masked = sensitive.mask(contact, name)
            self.fields[name].help_text = (
                f"Stored: {masked}. Type a new value to replace it; leave empty "
                "to keep it."
                if masked
                else "Nothing stored."
            )

    def check(self, *, today) -> bool:
        """Mark every problem of what was typed at its field, not only the
        first; True when there is none."""
        _, problems = sensitive.check_change(self.contact, self.change(), today=today)
        for problem in problems:
            self.add_error(
                problem.field if problem.field in self.fields else None, problem.message
            )
        return not problems

    def change(self) -> sensitive.SensitiveChange:
        data = self.cleaned_data
        return sensitive.SensitiveChange(
            values={name: data.get(name) for name in sensitive.FIELDS},
            remove=frozenset(data.get("remove") or ()),
            tax_id_kind=data.get("tax_id_kind", ""),
            gov_id_kind=data.get("gov_id_kind", ""),
        )
