"""Forms of the invoice pages: build, adjust, send, record a payment, void."""

from decimal import Decimal

from django import forms

from firmdesk.billing.models import Payment
from firmdesk.web.forms import DateInput, Styled, text_area

HOW = [
    ("amount", "An amount in dollars"),
    ("percent", "A percentage"),
]


class _PeriodChecked:
    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", "The last day comes before the first: check the dates."
            )
        return data


class BuildForm(_PeriodChecked, Styled, forms.Form):
    matter = forms.ModelChoiceField(
        queryset=None, label="Matter", to_field_name="public_id"
    )
    period_start = forms.DateField(widget=DateInput, label="Work from")
    period_end = forms.DateField(
        widget=DateInput,
        label="Work to",
        help_text="Reviewed time and expenses dated between these days, both "
        "included, go on the invoice.",
    )
    description = forms.CharField(
        required=False,
        max_length=500,
        label="Note on the invoice (optional)",
        widget=text_area(2),
    )

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters
        self.fields["matter"].error_messages["invalid_choice"] = (
            "Choose a matter from the list."
        )


class PeriodForm(_PeriodChecked, Styled, forms.Form):
    """Month-end: every matter with work ready in the period."""

    period_start = forms.DateField(widget=DateInput, label="Work from")
    period_end = forms.DateField(
        widget=DateInput,
        label="Work to",
        help_text="Each matter with reviewed time or expenses dated between "
        "these days, both included, gets its own draft invoice.",
    )


class _AdjustmentBase(Styled, forms.Form):
    how = forms.ChoiceField(choices=HOW, widget=forms.RadioSelect, label="As")
    value = forms.DecimalField(
        max_digits=12,
        decimal_places=3,
        label="Amount or percentage",
        help_text="Negative to take off (a discount), positive to add: -50 takes "
        "$50 or 50% off.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].error_messages["invalid"] = (
            "Write a number such as -50 or -12.5, without a $ or % sign."
        )


class LineAdjustForm(_AdjustmentBase):
    """A line's adjustment, replacing any it has."""


class InvoiceAdjustmentForm(_AdjustmentBase):
    applies_to = forms.ChoiceField(
        choices=[("IF", "The fees"), ("IE", "The expenses")],
        widget=forms.RadioSelect,
        label="Adjust",
    )
    description = forms.CharField(
        required=False,
        max_length=200,
        label="Wording on the invoice (optional)",
        help_text="Left empty: “Discount on fees (10%)” and the like.",
    )

    field_order = ["applies_to", "how", "value", "description"]


class ApproveForm(Styled, forms.Form):
    confirm = forms.BooleanField(
        label="I checked the lines and totals; the invoice may go to the client."
    )


class SendForm(Styled, forms.Form):
    issued_on = forms.DateField(
        widget=DateInput,
        label="Invoice date",
        help_text="The day the client gets it; the due date counts from here.",
    )
    confirm = forms.BooleanField(label="The invoice was sent to the client.")


class PaymentForm(Styled, forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (Payment.Kind.PAYMENT, "A payment received"),
            (Payment.Kind.CREDIT, "A credit given to the client"),
        ],
        widget=forms.RadioSelect,
        label="What is it",
    )
    amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        label="Amount",
    )
    received_on = forms.DateField(widget=DateInput, label="Date")
    method = forms.CharField(
        required=False, max_length=40, label="How (check, wire, card…)"
    )
    reference = forms.CharField(
        required=False, max_length=80, label="Reference (check number…)"
    )
    note = forms.CharField(required=False, widget=text_area(2), label="Note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages.update(
            invalid="Write the amount as a number, such as 1250.00.",
            min_value="Give an amount above $0.00.",
            max_decimal_places="Amounts go to the cent: two decimals at most.",
        )


class VoidForm(Styled, forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Why is it void?",
        help_text="Kept with the invoice. Its time and expenses become ready to "
        "bill again.",
    )
