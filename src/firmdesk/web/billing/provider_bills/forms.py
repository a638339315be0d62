"""Forms of the provider bill pages: the bill's heading, its lines typed in
rows, a CSV file of lines, and the two dispute forms."""

from django import forms

from firmdesk.billing.provider_bills import BillIn, LineIn, parse_amount
from firmdesk.web.forms import DateInput, Styled, text_area

MONEY_HELP = "In dollars, such as 1,234.50."


def _number(label: str, max_length: int = 20):
    return forms.CharField(
        max_length=max_length,
        required=False,
        label=label,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _amount(form, name: str, label: str, *, required=False):
    text = form.cleaned_data.get(name, "")
    try:
        value = parse_amount(text, label)
    except ValueError as exc:
        raise forms.ValidationError(f"{exc}.") from None
    if value is None and required:
        raise forms.ValidationError(f"Fill in “{label}”.")
    return value


class BillForm(Styled, forms.Form):
    engagement = forms.ModelChoiceField(
        queryset=None, to_field_name="public_id", label="Provider engagement"
    )
    number = forms.CharField(max_length=40, label="Bill number")
    period_start = forms.DateField(widget=DateInput, label="Work from")
    period_end = forms.DateField(widget=DateInput, label="Work to")
    received_on = forms.DateField(widget=DateInput, required=False, label="Received on")
    total = forms.CharField(
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        label="Bill total",
        help_text="As on the provider's bill. " + MONEY_HELP,
    )
    document = forms.FileField(
        required=False,
        label="The provider's bill (PDF or scan)",
        help_text="Optional; kept with the bill for anyone of the firm to open.",
    )
    note = forms.CharField(required=False, widget=text_area(2), label="Note")

    def __init__(self, *args, engagements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = engagements
        self.fields["engagement"].empty_label = "Choose…"

    def clean_total(self):
        return _amount(self, "total", "bill total", required=True)

    def bill(self) -> BillIn:
        data = self.cleaned_data
        return BillIn(
            engagement=data["engagement"],
            number=data["number"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            received_on=data["received_on"],
            total=data["total"],
            note=data["note"],
        )


class ImportForm(BillForm):
    lines_file = forms.FileField(
        label="The bill's lines (CSV file)",
        help_text="One line of the bill per row; the columns are listed below.",
    )
    field_order = ["lines_file"]


class LineForm(Styled, forms.Form):
    date = forms.DateField(widget=DateInput, required=False, label="Date")
    staff = forms.CharField(max_length=120, required=False, label="Staff")
    task = forms.CharField(max_length=200, required=False, label="Task")
    description = forms.CharField(max_length=500, required=False, label="Description")
    hours = _number("Hours", 12)
    quantity = _number("Quantity", 12)
    unit_price = _number("Unit price", 20)
    amount = _number("Amount", 20)

    def clean(self):
        data = super().clean()
        for name in ("hours", "quantity", "unit_price", "amount"):
            try:
                data[name] = parse_amount(data.get(name, ""), name.replace("_", " "))
            except ValueError as exc:
                self.add_error(name, f"{exc}.")
        priced = (data.get("hours") or data.get("quantity")) and (
            data.get("unit_price") is not None
        )
        if not self.errors and data.get("amount") is None and not priced:
            self.add_error(
                "amount",
                "Give the amount, or the hours or quantity and the unit price.",
            )
        return data

    def line(self) -> LineIn:
        data = self.cleaned_data
        return LineIn(
            date=data.get("date"),
            staff=data.get("staff", ""),
            task=data.get("task", ""),
            description=data.get("description", ""),
            hours=data.get("hours") or 0,
            quantity=data.get("quantity") or 0,
            unit_price=data.get("unit_price") or 0,
            amount=data.get("amount"),
        )


LineFormSet = forms.formset_factory(LineForm, extra=8, max_num=200)
LINES_PREFIX = "lines"


class DisputeForm(Styled, forms.Form):
    reason = forms.CharField(
        widget=text_area(3),
        label="Why the firm disputes this line",
        help_text="The provider reads this: say what the work logged shows.",
    )


class ResolveForm(Styled, forms.Form):
    outcome = forms.CharField(
        widget=text_area(3),
        label="How the dispute ended",
        help_text="What the provider and the firm agreed, and who agreed it.",
    )
    agreed_amount = forms.CharField(
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        label="Amount agreed for this line",
        help_text="What the firm will pay for it (0 if nothing). " + MONEY_HELP,
    )

    def clean_agreed_amount(self):
        value = _amount(self, "agreed_amount", "amount agreed", required=True)
        if value < 0:
            raise forms.ValidationError("The amount agreed cannot be below 0.")
        return value
