"""The form of the API tokens page: a name and the firm the token acts for."""

from django import forms

from firmdesk.integrations.tokens import NAME_MAX
from firmdesk.web.forms import Styled


class TokenForm(Styled, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        help_text="Where the token is used, so you recognise it in the list "
        "later: “Clio sync”, “Intake web form”, “Zapier”.",
    )
    firm = forms.ChoiceField(
        label="Firm it acts for",
        help_text="The token opens exactly what you may see and do in this firm, "
        "and stops by itself if you lose access to it.",
    )

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.firms = {firm.slug: firm for firm in firms}
        self.fields["firm"].choices = [
            (firm.slug, firm.name) for firm in self.firms.values()
        ]
        self.fields["firm"].error_messages["invalid_choice"] = (
            "Choose one of the firms in the list: you may not act for that one now."
        )

    def clean_firm(self):
        return self.firms[self.cleaned_data["firm"]]
