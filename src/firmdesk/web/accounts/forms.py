"""Forms of signing in."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from firmdesk.web.forms import Styled, style_field

from .services import recovery_code_use


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
        label="Six-digit code from your authenticator app, or a recovery code",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, user, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        if device is None:
            del self.fields["token"]
        else:
            self.fields["token"].required = True
            style_field(self.fields["token"])  # its "fill in" message

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
            # Not six digits: a recovery code, spent only once the password
            # is right too.
            return token
        allowed, _ = self.device.verify_is_allowed()
        if not allowed or not self.device.verify_token(token):
            raise ValidationError(
                "That code did not match. Type the code that is showing now."
            )
        return token

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("token", "")
        if (
            self.device is not None
            and token
            and not token.isdigit()
            and "password" in cleaned
        ):
            device, _ = recovery_code_use(user=self.user, typed=token)
            if device is None:
                self.add_error(
                    "token",
                    "That recovery code did not work: it is wrong or was used "
                    "already. Type the code from your app, or another recovery "
                    "code.",
                )
        return cleaned


class RecoveryCodeForm(Styled, forms.Form):
    code = forms.CharField(
        label="Recovery code",
        max_length=20,
        help_text="One of the ten codes you printed or saved when you set up "
        "two-factor sign-in, such as abcd-efgh. Each code works once.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )


class PasswordChangeForm(Styled, auth_forms.PasswordChangeForm):
    """Django's form, with the house's styling and plain labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = ""
        self.fields["new_password2"].label = "New password again"
        for field in self.fields.values():
            style_field(field)
