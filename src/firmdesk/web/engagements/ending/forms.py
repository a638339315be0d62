"""Forms of ending an engagement, exporting its work and certifying the
return of its data."""

from django import forms

from firmdesk.compliance.export import PASSPHRASE_MIN
from firmdesk.compliance.models import DataReturnCertificate
from firmdesk.web.forms import DateInput, Styled, style_field

ITEM_ROWS = 6


class _Passphrase(forms.Form):
    """A passphrase typed twice. Never put back in the page: a form with an
    error asks for it again (it is the key to the firm's export)."""

    passphrase_required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passphrase"] = forms.CharField(
            label="Passphrase for the export",
            required=self.passphrase_required,
            strip=False,
            min_length=PASSPHRASE_MIN,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=f"At least {PASSPHRASE_MIN} characters. The export is an "
            "encrypted zip that opens only with it. FirmDesk does not keep it: "
            "write it down where the firm keeps its passwords.",
            error_messages={
                "min_length": f"Choose a passphrase of at least {PASSPHRASE_MIN} "
                "characters: a few words you will remember."
            },
        )
        self.fields["passphrase_again"] = forms.CharField(
            label="The same passphrase again",
            required=False,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )

    def clean(self):
        data = super().clean()
        phrase = data.get("passphrase") or ""
        if phrase and data.get("passphrase_again", "") != phrase:
            self.add_error(
                "passphrase_again",
                "The two passphrases differ. Type the same passphrase twice.",
            )
        return data


class EndingForm(Styled, _Passphrase):
    passphrase_required = False
    field_order = ["reason", "passphrase", "passphrase_again", "confirm"]

    reason = forms.CharField(
        label="Why does the engagement end?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label="I understand that the provider's staff lose access to the firm's "
        "data at once.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passphrase"].help_text = (
            "Optional: type one to export the engagement's work now (you can "
            "also export later from the engagement's page). "
            + self.fields["passphrase"].help_text
        )
        self.order_fields(self.field_order)


class ExportForm(Styled, _Passphrase):
    pass


class CertifyForm(Styled, forms.Form):
    method = forms.ChoiceField(
        label="What happened to the firm's data your team held",
        choices=DataReturnCertificate.Method.choices,
        widget=forms.RadioSelect,
    )
    completed_on = forms.DateField(
        label="Date the return or destruction was finished", widget=DateInput
    )
    statement = forms.CharField(
        label="Anything the firm should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    typed_name = forms.CharField(
        label="Your full name, as your signature", max_length=200
    )
    confirm = forms.BooleanField(
        label="I certify that this is true and complete, and that no copy of the "
        "firm's data is kept by our team beyond what is listed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{n}_what"] = forms.CharField(
                label=f"Item {n}: what was held, and where",
                required=False,
                max_length=300,
            )
            self.fields[f"item_{n}_how"] = forms.CharField(
                label=f"Item {n}: how it was returned or destroyed",
                required=False,
                max_length=300,
            )
        for name, field in self.fields.items():
            if name.startswith("item_"):
                style_field(field)

    def item_rows(self):
        """(what, how) bound fields, row by row, for the template."""
        return [
            (self[f"item_{n}_what"], self[f"item_{n}_how"])
            for n in range(1, ITEM_ROWS + 1)
        ]

    def main_fields(self):
        return [self[n] for n in ("method", "completed_on", "statement")]

    def clean(self):
        data = super().clean()
        for n in range(1, ITEM_ROWS + 1):
            what = data.get(f"item_{n}_what", "").strip()
            how = data.get(f"item_{n}_how", "").strip()
            if what and not how:
                self.add_error(
                    f"item_{n}_how", "Say how this item was returned or destroyed."
                )
            elif how and not what:
                self.add_error(f"item_{n}_what", "Say what this item was.")
        return data

    def items(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [
            (data[f"item_{n}_what"].strip(), data[f"item_{n}_how"].strip())
            for n in range(1, ITEM_ROWS + 1)
            if data.get(f"item_{n}_what", "").strip()
        ]
