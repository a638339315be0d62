"""Money and hours on billing pages: ``{% load billing %}``."""

from decimal import Decimal

from django import template

from firmdesk.billing.money import money as to_cents

register = template.Library()

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


@register.filter
def money(value, currency: str = "USD") -> str:
    """``Decimal('-1234.5')`` → ``-$1,234.50``; empty for None."""
    if value is None or value == "":
        return ""
    amount = to_cents(value)
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency, f"{currency} ")
    return f"{sign}{symbol}{abs(amount):,.2f}"


@register.filter
def hours(value) -> str:
    """``Decimal('1.50')`` → ``1.5 h``."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} h"
