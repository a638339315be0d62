"""Forms of signing in."""

from django import forms
from django.core.exceptions import ValidationError

from firmdesk.web.forms import Styled


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
