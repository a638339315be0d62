"""The form that makes a share link. The limits (days, downloads, passcode
length) are checked by ``documents.sharing``, which puts its message on the
field; the form only carries what was typed and the browser's hints."""

from django import forms

from firmdesk.documents import sharing
from firmdesk.web.forms import Styled


class ShareLinkForm(Styled, forms.Form):
    recipient = forms.CharField(
        label="Who it is for",
        max_length=sharing.RECIPIENT_MAX,
        help_text="Their name, and their organisation or e-mail if that helps: "
        "shown in the list of links and the audit trail, not to them.",
    )
    days = forms.CharField(
        label="Works for (days)",
        initial=sharing.DEFAULT_DAYS,
        widget=forms.NumberInput(attrs={"min": 1, "max": sharing.MAX_DAYS}),
        help_text=f"From now; at most {sharing.MAX_DAYS} days.",
    )
    max_downloads = forms.CharField(
        label="Downloads allowed",
        initial=sharing.DEFAULT_DOWNLOADS,
        widget=forms.NumberInput(attrs={"min": 1, "max": sharing.MAX_DOWNLOADS}),
        help_text=f"At most {sharing.MAX_DOWNLOADS}. Each click on Download uses one.",
    )
    passcode = forms.CharField(
        label="Passcode (optional)",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=f"At least {sharing.PASSCODE_MIN} characters. Tell it to them "
        "another way than the link, such as by phone. Leave it empty for no "
        "passcode.",
    )
