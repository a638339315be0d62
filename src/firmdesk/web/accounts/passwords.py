"""The one password rule Django does not ship: a maximum length.

Argon2 hashes whatever it is given, so an unbounded password is a cheap way
to make the server work hard; 128 characters is far beyond any passphrase a
person types or a password manager makes."""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long. Use at most {self.max_length} characters.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return f"Your password can be at most {self.max_length} characters long."
