from django import forms

from firmdesk.orgs.zones import zone_choices
from firmdesk.web.forms import Styled


class TimeZoneForm(Styled, forms.Form):
    time_zone = forms.ChoiceField(
        label="Your time zone",
        help_text="Every time in FirmDesk is shown to you in this zone: pages, "
        "notifications and e-mails.",
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zone_choices(current)
