"""Forms of the billing set-up pages. The rules live in billing.setup; the
forms turn what was typed into values and word the first problems plainly."""

from decimal import Decimal

from django import forms

from firmdesk.billing import setup
from firmdesk.billing.models import Timekeeper
from firmdesk.common.errors import ServiceError
from firmdesk.web.forms import Styled

MONEY_ERRORS = {
    "invalid": "Give an amount in figures, such as 250 or 250.00.",
    "max_decimal_places": "Give the amount to the cent at most (two decimals).",
    "max_digits": "That amount is too large.",
    "max_whole_digits": "That amount is too large.",
}
WHOLE_ERRORS = {"invalid": "Give a whole number, such as 30."}


def money_field(label: str, *, required=True, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        error_messages={**MONEY_ERRORS, "min_value": "A rate cannot be negative."},
    )


class _ServiceChecked:
    """Runs a billing.setup check in ``clean_<field>`` and words its error on
    the field."""

    def _checked(self, check, *args):
        try:
            return check(*args)
        except ServiceError as error:
            raise forms.ValidationError(error.message) from None


class SettingsForm(_ServiceChecked, Styled, forms.Form):
    increment = forms.TypedChoiceField(
        label="Billing increment",
        coerce=Decimal,
        choices=[
            ("0.10", "0.1 hour (6 minutes)"),
            ("0.25", "0.25 hour (15 minutes)"),
            ("0.05", "0.05 hour (3 minutes)"),
        ],
        widget=forms.RadioSelect,
        help_text="Time is billed in steps of this size.",
    )
    max_hours_per_day = forms.DecimalField(
        label="Most hours a person bills in a day",
        min_value=Decimal("1"),
        max_value=Decimal("24"),
        decimal_places=2,
        help_text="The pre-bill review flags a person's day above this.",
        error_messages={
            "invalid": "Give a number of hours, such as 10.",
            "min_value": "Give a number of hours from 1 to 24.",
            "max_value": "Give a number of hours from 1 to 24.",
        },
    )
    vague_phrases = forms.CharField(
        label="Vague narratives",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line. The pre-bill review flags an entry whose "
        "narrative says no more than one of these (such as “attention to file”).",
    )
    law_firm_id = forms.CharField(
        label="Firm's taxpayer ID (for e-billing)",
        required=False,
        max_length=20,
        help_text="The firm's federal taxpayer ID: 9 digits, with dashes if you "
        "like (12-3456789). E-billing files carry it as LAW_FIRM_ID.",
    )
    invoice_prefix = forms.CharField(
        label="Invoice number prefix",
        required=False,
        max_length=10,
        help_text="Put before every invoice number: up to 10 letters, digits or "
        "dashes, such as HO-.",
    )
    next_invoice_number = forms.IntegerField(
        label="Next invoice number",
        min_value=1,
        help_text="The number the next invoice gets. It can only go up, so a "
        "number is never used twice.",
        error_messages={**WHOLE_ERRORS, "min_value": "Invoice numbers start at 1."},
    )
    # The number the page showed, so a number raised meanwhile by a new
    # invoice is not mistaken for an attempt to lower it.
    shown_next_number = forms.IntegerField(widget=forms.HiddenInput, required=False)
    payment_terms_days = forms.IntegerField(
        label="Invoices are due after (days)",
        min_value=0,
        max_value=365,
        help_text="0 means due on receipt.",
        error_messages={
            **WHOLE_ERRORS,
            "min_value": "Give 0 (due on receipt) to 365 days.",
            "max_value": "Give 0 (due on receipt) to 365 days.",
        },
    )
    reminder_days = forms.CharField(
        label="Remind on these days past due",
        required=False,
        help_text="Whole days separated by commas, such as 7, 30, 60. On each, "
        "a follow-up task is made for billing staff. Leave empty for none.",
    )
    bill_outside_staff_time = forms.BooleanField(
        label="Bill outside staff time to clients (shown on the invoice as work "
        "by outside staff)",
        required=False,
    )
    outside_staff_rate = money_field(
        "Hourly rate for outside staff time",
        help_text="Used for outside staff who have no default rate of their own.",
    )
    currency = forms.ChoiceField(label="Currency", choices=setup.CURRENCIES)
    remit_to = forms.CharField(
        label="Remit to",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where and how clients pay: address, bank details.",
    )
    invoice_footer = forms.CharField(
        label="Invoice footer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accent_color = forms.CharField(
        label="Accent colour on invoices",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text="A colour for headings and lines on invoice PDFs.",
    )

    @classmethod
    def initial_from(cls, settings) -> dict:
        return {
            "increment": f"{settings.increment:.2f}",
            "max_hours_per_day": settings.max_hours_per_day.normalize(),
            "vague_phrases": "\n".join(settings.vague_phrases),
            "law_firm_id": settings.law_firm_id,
            "invoice_prefix": settings.invoice_prefix,
            "next_invoice_number": settings.next_invoice_number,
            "shown_next_number": settings.next_invoice_number,
            "payment_terms_days": settings.payment_terms_days,
            "reminder_days": ", ".join(str(d) for d in settings.reminder_days),
            "bill_outside_staff_time": settings.bill_outside_staff_time,
            "outside_staff_rate": settings.outside_staff_rate,
            "currency": settings.currency,
            "remit_to": settings.remit_to,
            "invoice_footer": settings.invoice_footer,
            "accent_color": settings.accent_color,
        }

    def clean_vague_phrases(self) -> list[str]:
        seen, phrases = set(), []
        for line in self.cleaned_data["vague_phrases"].splitlines():
            phrase = " ".join(line.split()).lower()
            if phrase and phrase not in seen:
                seen.add(phrase)
                phrases.append(phrase)
        return phrases

    def clean_law_firm_id(self) -> str:
        return self._checked(setup.check_tax_id, self.cleaned_data["law_firm_id"])

    def clean_reminder_days(self) -> list[int]:
        return self._checked(
            setup.parse_reminder_days, self.cleaned_data["reminder_days"]
        )

    def clean_accent_color(self) -> str:
        colour = self.cleaned_data["accent_color"].strip()
        if not setup.COLOUR.match(colour):
            raise forms.ValidationError(
                "Give a colour as # and six hex digits, such as #1f3a5f."
            )
        return colour.lower()

    def data_for_service(self) -> setup.SettingsData:
        values = dict(self.cleaned_data)
        shown = values.pop("shown_next_number")
        if values["next_invoice_number"] == shown:
            values["next_invoice_number"] = None
        return setup.SettingsData(**values)


class TimekeeperForm(Styled, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The timekeeper ID on invoices and e-billing files; unique "
        "in the firm.",
    )
    classification = forms.ChoiceField(
        label="Classification (for e-billing)",
        choices=Timekeeper.Classification.choices,
    )
    default_rate = money_field(
        "Default hourly rate",
        help_text="Billed per hour unless the matter sets another rate.",
    )
    cost_rate = money_field(
        "Cost per hour to the firm",
        help_text="What an hour of this person's time costs the firm.",
    )
    active = forms.BooleanField(label="Records time for the firm", required=False)


class MatterTermsForm(Styled, forms.Form):
    rate = money_field(
        "Rate for everyone on this matter",
        required=False,
        help_text="Leave empty to bill each timekeeper at their own rate.",
    )
    client_matter_id = forms.CharField(
        label="Client's matter ID (for e-billing)",
        required=False,
        max_length=40,
        help_text="The matter's number in the client's e-billing system "
        "(LEDES CLIENT_MATTER_ID).",
    )
    billable = forms.BooleanField(
        label="Time on this matter is billed to the client", required=False
    )


class MatterRateForm(Styled, forms.Form):
    timekeeper = forms.ModelChoiceField(
        label="Timekeeper",
        queryset=None,  # the firm's, set by __init__
        error_messages={"invalid_choice": "Choose a timekeeper from the list."},
    )
    rate = money_field("Hourly rate on this matter")

    def __init__(self, *args, timekeepers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timekeeper"].queryset = timekeepers
        self.fields["timekeeper"].label_from_instance = lambda k: (
            f"{k.code} · {k.user.full_name}"
        )


class ClientTermsForm(Styled, forms.Form):
    client_code = forms.CharField(
        label="Client code (for e-billing)",
        required=False,
        max_length=20,
        help_text="The ID this client's e-billing system knows the firm's "
        "client by (LEDES CLIENT_ID).",
    )
    ledes = forms.BooleanField(
        label="The client e-bills: invoices go out as LEDES 1998B files",
        required=False,
    )
    requires_utbms = forms.BooleanField(
        label="Every fee needs UTBMS task and activity codes, every expense an "
        "expense code",
        required=False,
    )
    adjustments_negative_only = forms.BooleanField(
        label="Adjustments may only lower an invoice (no write-ups)",
        required=False,
    )
    billing_email = forms.EmailField(
        label="Billing e-mail",
        required=False,
        error_messages={"invalid": "Give an e-mail address such as ap@client.com."},
    )
    note = forms.CharField(
        label="Note for billing staff",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
