"""The form of the confidentiality text page."""

from django import forms

from firmdesk.engagements.models import AgreementText
from firmdesk.web.forms import Styled


class AgreementTextForm(Styled, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=AgreementText._meta.get_field("title").max_length,
        help_text="The heading of the agreement, as the signed PDF prints it.",
    )
    body = forms.CharField(
        label="Text of the agreement",
        widget=forms.Textarea(attrs={"rows": 20, "class": "font-monospace"}),
        strip=False,
        error_messages={"required": "Type the text of the agreement."},
    )
    valid_months = forms.IntegerField(
        label="A signature holds for (months)",
        required=False,
        min_value=1,
        max_value=120,
        help_text="Leave empty if a signature holds until the text changes or "
        "the engagement ends. Staff are reminded 14 and 3 days before it runs out.",
        error_messages={
            "invalid": "Give a whole number of months, such as 12.",
            "min_value": "Give at least 1 month, or leave it empty.",
            "max_value": "Give at most 120 months (10 years).",
        },
    )
    change_note = forms.CharField(
        label="What changed (for the record)",
        required=False,
        max_length=AgreementText._meta.get_field("change_note").max_length,
        help_text="Shown with the version, e.g. “Added the clause on personal "
        "devices”.",
    )
