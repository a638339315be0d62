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


class ConfirmForm(Styled, forms.Form):
    """Password, and the two-factor code where the person uses one."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "autofocus": True}
        ),
    )
    token = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=8,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args, user, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        if device is None:
            del self.fields["token"]
        else:
            self.fields["token"].required = True

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                "That is not your password. Type the password you sign in with."
            )
        return password

    def clean_token(self):
        token = self.cleaned_data.get("token", "").replace(" ", "")
        if self.device is None:
            return token
        if not token.isdigit():
            raise ValidationError("Enter the six digits shown in your app.")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed or not self.device.verify_token(token):
            raise ValidationError(
                "That code did not match. Type the code that is showing now."
            )
        return token
