"""The time import form: the file, where it comes from, the date order, and
(for other systems) which of the file's columns holds each of ours."""

from django import forms

from firmdesk.billing.importing import FIELDS, LAYOUT_LABELS, MAX_BYTES
from firmdesk.web.forms import Styled, style_field

NOT_IN_FILE = ""


class TimeImportForm(Styled, forms.Form):
    file = forms.FileField(
        label="CSV file",
        required=False,
        help_text="Leave empty to check the file you uploaded last again.",
    )
    layout = forms.ChoiceField(
        label="Where the file comes from",
        required=False,
        choices=[("", "Work it out from the column names")]
        + [(key, label) for key, label in LAYOUT_LABELS.items()],
    )
    date_order = forms.ChoiceField(
        label="How the file writes dates",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("us", "Month first, as in the US (03/04/2026 is March 4)"),
            ("day_first", "Day first (03/04/2026 is 3 April)"),
        ],
        help_text="Needed only when a date could be read both ways.",
    )

    def __init__(self, *args, header: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapped = []
        if not header:
            return
        choices = [(NOT_IN_FILE, "— not in the file —")] + [(h, h) for h in header]
        for name, meaning in FIELDS.items():
            key = f"map_{name}"
            self.fields[key] = forms.ChoiceField(
                label=f"Column with {meaning}",
                required=False,
                choices=choices,
            )
            self.mapped.append(key)
            style_field(self.fields[key])

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than 50 MB. Split it into several files "
                "(by year, for example) and import each."
            )
        return upload

    def mapping(self) -> dict[str, str]:
        return {
            key.removeprefix("map_"): self.cleaned_data[key]
            for key in self.mapped
            if self.cleaned_data.get(key)
        }
