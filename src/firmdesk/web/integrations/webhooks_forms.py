"""The form of a webhook endpoint, in the words of the firm's IT person."""

from django import forms

from firmdesk.notify.hooks import EVENTS
from firmdesk.web.forms import Styled


class EndpointForm(Styled, forms.Form):
    url = forms.CharField(
        label="Address",
        max_length=500,
        help_text="Where FirmDesk sends events: an https:// address of your "
        "integration (Zapier, Make, your own server).",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = forms.CharField(
        label="What it is for",
        max_length=200,
        required=False,
        help_text="For you and the other admins: “New leads to our CRM”.",
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=[(name, f"{name}: {words}") for name, words in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
